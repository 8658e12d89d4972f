/**
 * The outbox API. Any signed-in user may send and sees their own messages; administrators see
 * every message, the outbox's counts, and may resume a paused outbox.
 */
import type { FastifyPluginAsync } from 'fastify';
import { administrator, currentUser, signedIn } from '../../http/guards.ts';
import { parseBody } from '../../http/validation.ts';
import type { Portal } from '../../portal.ts';
import { batchInput, batchLimit, listQuery, messageInput } from './input.ts';
import {
  cancelMessage,
  listMessages,
  messageDetail,
  messageSource,
  outboxStats,
  resume,
  retryMessage,
  sendAsUser,
} from './service.ts';

type ById = { Params: { id: string } };

export function outboxRoutes(portal: Portal): FastifyPluginAsync {
  const { db } = portal;
  const user = { preHandler: signedIn };

  return async (api) => {
    api.post('/mail/messages', { ...user, bodyLimit: 16 * 1024 * 1024 }, async (request, reply) => {
      const input = parseBody(messageInput, request.body);
      const ids = await sendAsUser(portal, currentUser(request), [input]);
      request.log.info({ count: ids.length, lane: input.lane }, 'message queued');
      return reply.status(202).send(ids.length === 1 ? { id: ids[0] } : { id: ids[0], ids });
    });

    // Each of up to 1,000 messages may carry up to about 2 KB of headers and a body.
    api.post('/mail/messages/batch', { ...user, bodyLimit: batchLimit * 64 * 1024 }, async (request, reply) => {
      const { messages } = parseBody(batchInput, request.body);
      const ids = await sendAsUser(portal, currentUser(request), messages);
      request.log.info({ count: ids.length }, 'batch queued');
      return reply.status(202).send({ ids });
    });

    api.get('/mail/messages', user, async (request) => {
      const filter = parseBody(listQuery, request.query ?? {});
      return listMessages(db, currentUser(request), filter);
    });

    api.get<ById>('/mail/messages/:id', user, async (request) =>
      messageDetail(db, currentUser(request), request.params.id));

    api.get<ById>('/mail/messages/:id/raw', user, async (request, reply) => {
      const source = await messageSource(db, currentUser(request), request.params.id);
      return reply
        .type('message/rfc822')
        .header('content-disposition', `attachment; filename="message-${request.params.id}.eml"`)
        .send(source);
    });

    api.post<ById>('/mail/messages/:id/retry', user, async (request) =>
      retryMessage(portal, currentUser(request), request.params.id));

    api.post<ById>('/mail/messages/:id/cancel', user, async (request) =>
      cancelMessage(db, currentUser(request), request.params.id));

    api.get('/outbox/stats', { preHandler: administrator }, async () => outboxStats(db));

    api.post('/outbox/resume', { preHandler: administrator }, async (request) => {
      request.log.info({ userId: currentUser(request).id }, 'outbox resumed by administrator');
      return resume(portal);
    });
  };
}
