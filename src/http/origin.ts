/**
 * Cross-origin writes are refused: a request that changes state and carries an Origin other
 * than its own scheme, host and port gets a 403. Requests without an Origin (scripts, the CLI)
 * are served; browsers always send one on cross-origin writes.
 */
import type { FastifyRequest } from 'fastify';
import { PortalError } from '../errors.ts';

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

function defaultPort(scheme: string): string {
  return scheme === 'https' ? '443' : '80';
}

function sameOrigin(origin: string, scheme: string, host: string): boolean {
  let parsed: URL;
  let own: URL;
  try {
    parsed = new URL(origin);
    own = new URL(`${scheme}://${host}`);
  } catch {
    return false;
  }
  const port = (u: URL) => u.port || defaultPort(u.protocol.replace(':', ''));
  return parsed.protocol === own.protocol && parsed.hostname === own.hostname && port(parsed) === port(own);
}

export async function refuseCrossOriginWrites(request: FastifyRequest): Promise<void> {
  if (safeMethods.has(request.method)) return;
  const origin = request.headers.origin;
  if (origin === undefined) return;
  // Fastify's host and protocol follow X-Forwarded-* only when the proxy is trusted.
  const host = request.host ?? '';
  if (origin === 'null' || !sameOrigin(origin, request.protocol, host)) {
    throw new PortalError('CROSS_ORIGIN');
  }
}
