/**
 * Sign-in, sign-out, the current session and the first-visit setup.
 *
 * A failed sign-in always gets the same answer, whether the address is known or not, and
 * costs the same time (a decoy hash is checked for unknown addresses).
 */
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { z } from 'zod';
import { PortalError } from '../../errors.ts';
import { currentUser, signedIn } from '../../http/guards.ts';
import { parseBody } from '../../http/validation.ts';
import type { Portal } from '../../portal.ts';
import { decoyHash, verifyPassword } from '../users/password.ts';
import { countUsers, createUser, findUserForSignIn, newUserInput } from '../users/service.ts';
import { endSession, sessionCookie, startSession } from './sessions.ts';
import { blockedFor, clearFailures, recordFailure, throttleKeys } from './throttle.ts';

const signInInput = z.object({
  email: z.string().max(254, 'An e-mail address may be at most 254 characters.'),
  password: z.string().max(256, 'The password may be at most 256 characters.'),
});

export function authRoutes(portal: Portal): FastifyPluginAsync {
  const { db, config } = portal;

  async function signIn(reply: FastifyReply, userId: string, oldToken?: string): Promise<void> {
    if (oldToken) await endSession(db, oldToken);
    const token = await startSession(db, userId, config.sessionHours);
    reply.setCookie(sessionCookie, token, {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: config.secureCookies,
      maxAge: config.sessionHours * 3600,
    });
  }

  return async (api) => {
    api.get('/setup', async () => ({ needed: (await countUsers(db)) === 0 }));

    api.post('/setup', async (request, reply) => {
      const input = parseBody(newUserInput.omit({ role: true }).required({ password: true }), request.body);
      if ((await countUsers(db)) > 0) throw new PortalError('SETUP_DONE');
      const user = await createUser(db, { ...input, role: 'administrator' });
      request.log.info({ userId: user.id }, 'first administrator created');
      await signIn(reply, user.id);
      return reply.status(201).send({ user });
    });

    api.post('/auth/sign-in', async (request, reply) => {
      const { email, password } = parseBody(signInInput, request.body);
      const keys = throttleKeys(email, request.ip);
      const wait = await blockedFor(db, keys);
      if (wait > 0) {
        const seconds = String(Math.ceil(wait / 1000));
        throw new PortalError('TOO_MANY_ATTEMPTS', undefined, undefined, { 'retry-after': seconds });
      }

      const found = await findUserForSignIn(db, email);
      const hash = found?.passwordHash ?? (await decoyHash());
      const matches = await verifyPassword(password, hash);
      if (!found || !found.passwordHash || !matches) {
        await recordFailure(db, keys);
        request.log.info({ reason: found ? 'password' : 'unknown-address' }, 'sign-in failed');
        throw new PortalError('SIGN_IN_FAILED');
      }

      await clearFailures(db, email);
      await signIn(reply, found.user.id, request.cookies[sessionCookie]);
      request.log.info({ userId: found.user.id }, 'signed in');
      return { user: found.user };
    });

    api.post('/auth/sign-out', async (request, reply) => {
      const token = request.cookies[sessionCookie];
      if (token) await endSession(db, token);
      reply.clearCookie(sessionCookie, { path: '/' });
      return reply.status(204).send();
    });

    api.get('/auth/session', { preHandler: signedIn }, async (request) => ({
      user: currentUser(request),
    }));
  };
}
