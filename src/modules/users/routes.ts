/** Users: administrators list and create them. */
import type { FastifyPluginAsync } from 'fastify';
import { administrator } from '../../http/guards.ts';
import { parseBody } from '../../http/validation.ts';
import type { Portal } from '../../portal.ts';
import { createUser, listUsers, newUserInput } from './service.ts';

export function userRoutes(portal: Portal): FastifyPluginAsync {
  return async (api) => {
    api.get('/users', { preHandler: administrator }, async () => ({
      users: await listUsers(portal.db),
    }));

    api.post('/users', { preHandler: administrator }, async (request, reply) => {
      const input = parseBody(newUserInput, request.body);
      const user = await createUser(portal.db, input);
      request.log.info({ userId: user.id, role: user.role }, 'user created');
      return reply.status(201).send({ user });
    });
  };
}
