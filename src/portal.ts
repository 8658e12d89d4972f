/**
 * The portal's parts, opened in order and closed in reverse: database (migrated), secret
 * cipher, first administrator, HTTP server. Used by `npm start`, the CLI and the tests alike.
 */
import { EventEmitter } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { Config } from './config.ts';
import { openDatabase, type Dialect } from './db/index.ts';
import type { Db } from './db/schema.ts';
import { PortalError } from './errors.ts';
import { buildServer } from './http/server.ts';
import { createLogger, type Logger } from './log.ts';
import { createSecretCipher, loadSecretKey, type SecretCipher } from './modules/secrets/cipher.ts';
import { installOutbox, startOutboxWorker } from './modules/outbox/install.ts';
import { countUsers, createUser } from './modules/users/service.ts';

export interface Portal {
  config: Config;
  log: Logger;
  db: Db;
  dialect: Dialect;
  cipher: SecretCipher;
  /** `settings-changed` after a save, so that transports are rebuilt. */
  events: EventEmitter;
  /** Route plugins of modules beyond the core (registered under /api). */
  extraRoutes: Array<(portal: Portal) => FastifyPluginAsync>;
  /** Tasks to run when the portal closes, last added first. */
  onClose: Array<() => Promise<void>>;
}

export interface OpenOptions {
  log?: Logger;
  /** PostgreSQL schema to work in (tests). */
  schema?: string;
}

/** Opens the database and the cipher, and creates the first administrator if configured. */
export async function openPortal(config: Config, options: OpenOptions = {}): Promise<Portal> {
  const log = options.log ?? createLogger(config.logLevel);
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    schema: options.schema,
  });
  const cipher = createSecretCipher(loadSecretKey(config));
  const portal: Portal = {
    config,
    log,
    db: database.db,
    dialect: database.dialect,
    cipher,
    events: new EventEmitter(),
    extraRoutes: [],
    onClose: [database.close],
  };

  installOutbox(portal);
  if (config.admin && (await countUsers(database.db)) === 0) {
    await createFirstAdministrator(database.db, config.admin, log);
  }
  return portal;
}

/** Instances started together all find no user: the first one creates it, the rest go on. */
async function createFirstAdministrator(
  db: Db,
  admin: NonNullable<Config['admin']>,
  log: Logger,
): Promise<void> {
  try {
    const user = await createUser(db, { ...admin, role: 'administrator' });
    log.info({ userId: user.id }, 'first administrator created');
  } catch (error) {
    if (!(error instanceof PortalError && error.code === 'EMAIL_TAKEN')) throw error;
  }
}

/** Closes what the portal opened, in reverse order. */
export async function closePortal(portal: Portal): Promise<void> {
  for (const task of [...portal.onClose].reverse()) await task();
}

export interface RunningPortal {
  portal: Portal;
  server: FastifyInstance;
  url: string;
  close(): Promise<void>;
}

/** Opens the portal and serves it on the configured host and port. */
export async function startPortal(config: Config, options: OpenOptions = {}): Promise<RunningPortal> {
  const portal = await openPortal(config, options);
  const server = await buildServer(portal);
  await server.listen({ host: config.host, port: config.port });
  if (config.worker) startOutboxWorker(portal);
  const address = server.server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  portal.log.info({ url, dialect: portal.dialect }, 'portal listening');
  return {
    portal,
    server,
    url,
    async close() {
      await server.close();
      await closePortal(portal);
    },
  };
}
