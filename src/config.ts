/**
 * The portal's configuration: every environment variable it reads, validated at start.
 *
 * All problems are reported at once, so an operator fixes them in one go.
 */
import { resolve } from 'node:path';

export interface Config {
  /** Interface to listen on. `HOST`, default 127.0.0.1. */
  host: string;
  /** TCP port to listen on. `PORT`, default 3000; 0 picks a free one. */
  port: number;
  /** Folder for the SQLite database and the key file. `PORTAL_DATA_DIR`, default ./data. */
  dataDir: string;
  /** `postgres://…` selects PostgreSQL; unset means SQLite in the data folder. `DATABASE_URL`. */
  databaseUrl?: string;
  /** 32-byte key (64 hex digits or base64) for secrets at rest. `PORTAL_SECRET_KEY`. */
  secretKey?: string;
  /** The first administrator, created at first start when no user exists. `PORTAL_ADMIN_*`. */
  admin?: { email: string; password: string; firstName: string; lastName: string };
  /** pino level: fatal, error, warn, info, debug, trace or silent. `LOG_LEVEL`, default info. */
  logLevel: string;
  /** Set the Secure flag on the session cookie. `PORTAL_SECURE_COOKIES`, default off. */
  secureCookies: boolean;
  /** Hours a session lasts without use. `PORTAL_SESSION_HOURS`, default 12. */
  sessionHours: number;
  /** Behind a reverse proxy: take scheme, host and client address from its X-Forwarded-*
   * headers. `PORTAL_TRUST_PROXY`, default off (the headers are then ignored). */
  trustProxy: boolean;
  /** Run the delivery worker in this process. `PORTAL_WORKER`, default on. */
  worker: boolean;
  /** Serve the built web UI from this folder. `PORTAL_WEB_DIR`, default ./dist/web. */
  webDir: string;
  outbox: OutboxConfig;
}

export interface OutboxConfig {
  /** Hours a message keeps being retried before it fails. `PORTAL_OUTBOX_LIFETIME_HOURS`, 48. */
  lifetimeHours: number;
  /** First retry delay; it doubles per attempt. `PORTAL_OUTBOX_RETRY_BASE_SECONDS`, 60. */
  retryBaseSeconds: number;
  /** Longest retry delay. `PORTAL_OUTBOX_RETRY_MAX_SECONDS`, 3600. */
  retryMaxSeconds: number;
  /** SMTP connections a worker keeps open. `PORTAL_OUTBOX_CONNECTIONS`, 5. */
  connections: number;
  /** Seconds a claimed message stays leased to its worker. `PORTAL_OUTBOX_LEASE_SECONDS`, 300. */
  leaseSeconds: number;
  /** Idle worker's look for new work, in ms (new mail of its own process wakes it at once).
   * `PORTAL_OUTBOX_POLL_MS`, 1000. */
  pollMs: number;
  /** Seconds an SMTP server may stay silent mid-session. `PORTAL_OUTBOX_SOCKET_TIMEOUT_SECONDS`,
   * 120. */
  socketTimeoutSeconds: number;
  /** Threads that compose and send beside the worker, sharing its connections; 0 does it on
   * the worker's thread. `PORTAL_OUTBOX_THREADS`, default 2. */
  threads: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`The configuration has ${problems.length} problem(s):\n  ${problems.join('\n  ')}`);
  }
}

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Reads and checks the configuration from an environment; throws ConfigError listing all problems. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const problems: string[] = [];

  const port = integer(env.PORT, 3000, 'PORT', 0, 65535, problems);
  const sessionHours = integer(env.PORTAL_SESSION_HOURS, 12, 'PORTAL_SESSION_HOURS', 1, 24 * 90, problems);

  const databaseUrl = env.DATABASE_URL?.trim() || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    problems.push('DATABASE_URL must start with postgres:// or postgresql:// (unset it for SQLite).');
  }

  const secretKey = env.PORTAL_SECRET_KEY?.trim() || undefined;
  if (secretKey && decodeKey(secretKey) === undefined) {
    problems.push('PORTAL_SECRET_KEY must be 32 bytes: 64 hex digits or 44 characters of base64.');
  }

  const logLevel = env.LOG_LEVEL?.trim() || 'info';
  if (!logLevels.includes(logLevel)) {
    problems.push(`LOG_LEVEL must be one of ${logLevels.join(', ')}.`);
  }

  const admin = readAdmin(env, problems);
  const secureCookies = flag(env.PORTAL_SECURE_COOKIES, false, 'PORTAL_SECURE_COOKIES', problems);
  const worker = flag(env.PORTAL_WORKER, true, 'PORTAL_WORKER', problems);
  const trustProxy = flag(env.PORTAL_TRUST_PROXY, false, 'PORTAL_TRUST_PROXY', problems);

  const outbox: OutboxConfig = {
    lifetimeHours: integer(env.PORTAL_OUTBOX_LIFETIME_HOURS, 48, 'PORTAL_OUTBOX_LIFETIME_HOURS', 1, 24 * 30, problems),
    retryBaseSeconds: integer(env.PORTAL_OUTBOX_RETRY_BASE_SECONDS, 60, 'PORTAL_OUTBOX_RETRY_BASE_SECONDS', 1, 3600, problems),
    retryMaxSeconds: integer(env.PORTAL_OUTBOX_RETRY_MAX_SECONDS, 3600, 'PORTAL_OUTBOX_RETRY_MAX_SECONDS', 1, 86_400, problems),
    connections: integer(env.PORTAL_OUTBOX_CONNECTIONS, 5, 'PORTAL_OUTBOX_CONNECTIONS', 1, 100, problems),
    leaseSeconds: integer(env.PORTAL_OUTBOX_LEASE_SECONDS, 300, 'PORTAL_OUTBOX_LEASE_SECONDS', 5, 86_400, problems),
    pollMs: integer(env.PORTAL_OUTBOX_POLL_MS, 1000, 'PORTAL_OUTBOX_POLL_MS', 10, 60_000, problems),
    socketTimeoutSeconds: integer(env.PORTAL_OUTBOX_SOCKET_TIMEOUT_SECONDS, 120, 'PORTAL_OUTBOX_SOCKET_TIMEOUT_SECONDS', 1, 3600, problems),
    threads: integer(env.PORTAL_OUTBOX_THREADS, 2, 'PORTAL_OUTBOX_THREADS', 0, 16, problems),
  };
  if (outbox.retryMaxSeconds < outbox.retryBaseSeconds) {
    problems.push('PORTAL_OUTBOX_RETRY_MAX_SECONDS must not be below PORTAL_OUTBOX_RETRY_BASE_SECONDS.');
  }

  if (problems.length > 0) throw new ConfigError(problems);
  return {
    host: env.HOST?.trim() || '127.0.0.1',
    port,
    dataDir: resolve(env.PORTAL_DATA_DIR?.trim() || 'data'),
    databaseUrl,
    secretKey,
    admin,
    logLevel,
    secureCookies,
    trustProxy,
    sessionHours,
    worker,
    webDir: resolve(env.PORTAL_WEB_DIR?.trim() || 'dist/web'),
    outbox,
  };
}

/** The 32 key bytes of a PORTAL_SECRET_KEY, or undefined when it is not one. */
export function decodeKey(text: string): Buffer | undefined {
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, 'hex');
  if (/^[A-Za-z0-9+/]{43}=?$/.test(text)) {
    const bytes = Buffer.from(text, 'base64');
    if (bytes.length === 32) return bytes;
  }
  return undefined;
}

function readAdmin(env: NodeJS.ProcessEnv, problems: string[]): Config['admin'] {
  const email = env.PORTAL_ADMIN_EMAIL?.trim();
  const password = env.PORTAL_ADMIN_PASSWORD;
  if (!email && !password) return undefined;
  if (!email) problems.push('PORTAL_ADMIN_PASSWORD is set but PORTAL_ADMIN_EMAIL is not.');
  if (!password) problems.push('PORTAL_ADMIN_EMAIL is set but PORTAL_ADMIN_PASSWORD is not.');
  if (email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
    problems.push('PORTAL_ADMIN_EMAIL must be an e-mail address such as admin@example.com.');
  }
  if (password && password.length < 10) {
    problems.push('PORTAL_ADMIN_PASSWORD must be at least 10 characters.');
  }
  if (!email || !password) return undefined;
  return {
    email,
    password,
    firstName: env.PORTAL_ADMIN_FIRST_NAME?.trim() || 'Portal',
    lastName: env.PORTAL_ADMIN_LAST_NAME?.trim() || 'Administrator',
  };
}

function integer(
  text: string | undefined,
  fallback: number,
  name: string,
  min: number,
  max: number,
  problems: string[],
): number {
  if (text === undefined || text.trim() === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) {
    problems.push(`${name} must be a whole number from ${min} to ${max}, not "${text}".`);
    return fallback;
  }
  return value;
}

function flag(text: string | undefined, fallback: boolean, name: string, problems: string[]): boolean {
  if (text === undefined || text.trim() === '') return fallback;
  if (/^(1|true|yes|on)$/i.test(text.trim())) return true;
  if (/^(0|false|no|off)$/i.test(text.trim())) return false;
  problems.push(`${name} must be on or off (1/0, true/false, yes/no), not "${text}".`);
  return fallback;
}
