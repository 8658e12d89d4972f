/**
 * Who may call a route. Every route names its guard: `signedIn`, `administrator`, or none for
 * the few public ones (sign-in, first-visit setup).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PortalError } from '../errors.ts';
import type { User } from '../modules/users/service.ts';

declare module 'fastify' {
  interface FastifyRequest {
    user?: User;
  }
}

export async function signedIn(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
  if (!request.user) throw new PortalError('SIGN_IN_REQUIRED');
}

export async function administrator(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
  if (!request.user) throw new PortalError('SIGN_IN_REQUIRED');
  if (request.user.role !== 'administrator') throw new PortalError('FORBIDDEN');
}

/** The signed-in user of a route behind a guard. */
export function currentUser(request: FastifyRequest): User {
  if (!request.user) throw new PortalError('SIGN_IN_REQUIRED');
  return request.user;
}
