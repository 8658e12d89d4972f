/**
 * The HTTP edge: Fastify with body limits, the session cookie, the origin check, the error
 * catalogue's answers, the API's routes and the built web UI.
 */
import { existsSync } from 'node:fs';
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
} from 'fastify';
import { PortalError } from '../errors.ts';
import type { Portal } from '../portal.ts';
import { sessionCookie, userForSession } from '../modules/auth/sessions.ts';
import { authRoutes } from '../modules/auth/routes.ts';
import { settingsRoutes } from '../modules/settings/routes.ts';
import { userRoutes } from '../modules/users/routes.ts';
import { refuseCrossOriginWrites } from './origin.ts';

/** Fastify's own failures mapped to the catalogue. */
function fromFastifyError(error: FastifyError): PortalError | undefined {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new PortalError('PAYLOAD_TOO_LARGE');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new PortalError('UNSUPPORTED_MEDIA_TYPE');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new PortalError('BAD_REQUEST');
  }
  if (error instanceof SyntaxError || error.statusCode === 400) {
    return new PortalError('BAD_REQUEST', 'The request body is not valid JSON.');
  }
  return undefined;
}

export async function buildServer(portal: Portal): Promise<FastifyInstance> {
  const server = Fastify({
    loggerInstance: portal.log as FastifyBaseLogger,
    bodyLimit: 1024 * 1024,
    trustProxy: portal.config.trustProxy,
    return503OnClosing: true,
  });

  // The API speaks JSON only: any other body is a 415, not a string to guess at.
  server.removeContentTypeParser('text/plain');
  await server.register(fastifyCookie);
  server.decorateRequest('user', undefined);

  server.addHook('onRequest', refuseCrossOriginWrites);
  server.addHook('onRequest', async (request) => {
    const token = request.cookies[sessionCookie];
    if (token) request.user = await userForSession(portal.db, token, portal.config.sessionHours);
  });
  server.addHook('onSend', async (_request, reply) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'same-origin');
    reply.header('x-frame-options', 'DENY');
  });

  server.setErrorHandler((error: FastifyError, request, reply) => {
    const known = error instanceof PortalError ? error : fromFastifyError(error);
    if (known) {
      if (known.headers) reply.headers(known.headers);
      return reply.status(known.status).send(known.toJSON());
    }
    request.log.error({ err: error }, 'request failed');
    const internal = new PortalError('INTERNAL');
    return reply.status(internal.status).send(internal.toJSON());
  });

  await server.register(
    async (api) => {
      await api.register(authRoutes(portal));
      await api.register(userRoutes(portal));
      await api.register(settingsRoutes(portal));
      for (const routes of portal.extraRoutes) await api.register(routes(portal));
      api.setNotFoundHandler((_request, reply) => {
        const error = new PortalError('NOT_FOUND');
        return reply.status(404).send(error.toJSON());
      });
    },
    { prefix: '/api' },
  );

  await serveWeb(server, portal.config.webDir);
  return server;
}

async function serveWeb(server: FastifyInstance, webDir: string): Promise<void> {
  if (!existsSync(webDir)) {
    server.get('/', async (_request, reply) =>
      reply.type('text/plain').send('The web UI is not built: run npm run build:web.'),
    );
    return;
  }
  await server.register(fastifyStatic, { root: webDir, wildcard: false, index: ['index.html'] });
  server.setNotFoundHandler((request, reply) => {
    if (request.method !== 'GET' || request.url.startsWith('/api/')) {
      const error = new PortalError('NOT_FOUND');
      return reply.status(404).send(error.toJSON());
    }
    return reply.type('text/html').sendFile('index.html');
  });
}
