/**
 * The real portal for the bench: `startPortal` over SQLite in a fresh temporary folder, signed
 * in as its administrator over HTTP, with helpers for what every scenario does through the
 * API (point the settings at a server, enqueue, read the counts).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig } from '../src/config.ts';
import type { OutboxState } from '../src/db/schema.ts';
import { startPortal, type RunningPortal } from '../src/portal.ts';
import { defaultEmailSettings, type EmailSettings } from '../src/modules/settings/schema.ts';
import { PortalClient } from './client.ts';
import { accountAddress, body, recipient } from './message.ts';

export const benchAdmin = {
  email: 'admin@bench.example',
  password: 'bench password 1234',
};

export interface BenchPortal {
  running: RunningPortal;
  client: PortalClient;
  dataDir: string;
  /** The portal's log (JSON lines, level info), in the data folder. */
  logFile: string;
  /** Stops the portal; removes its data unless asked to keep it. */
  close(options?: { keep?: boolean }): Promise<void>;
}

export interface BenchPortalOptions {
  worker: boolean;
  /** PORTAL_OUTBOX_POLL_MS. */
  pollMs?: number;
  /** More environment for loadConfig. */
  env?: Record<string, string>;
}

/** Starts a portal on a free loopback port and signs in as its first administrator. */
export async function startBenchPortal(options: BenchPortalOptions): Promise<BenchPortal> {
  const dataDir = mkdtempSync(join(tmpdir(), 'portal-bench-'));
  const logFile = join(dataDir, 'portal.log');
  const config = loadConfig({
    HOST: '127.0.0.1',
    PORT: '0',
    PORTAL_DATA_DIR: dataDir,
    PORTAL_WEB_DIR: join(dataDir, 'no-web-ui'),
    PORTAL_SECRET_KEY: randomBytes(32).toString('hex'),
    PORTAL_ADMIN_EMAIL: benchAdmin.email,
    PORTAL_ADMIN_PASSWORD: benchAdmin.password,
    PORTAL_ADMIN_FIRST_NAME: 'Bench',
    PORTAL_ADMIN_LAST_NAME: 'User',
    PORTAL_WORKER: options.worker ? 'on' : 'off',
    PORTAL_OUTBOX_POLL_MS: String(options.pollMs ?? 50),
    LOG_LEVEL: 'info',
    ...options.env,
  });
  // The level production runs at, written to a file so that it stays off the progress line.
  const log = pino({ level: config.logLevel, base: { service: 'home-portal' } },
    pino.destination({ dest: logFile, sync: true }));
  const running = await startPortal(config, { log });

  const client = new PortalClient(running.url);
  await client.post('/api/auth/sign-in', benchAdmin);
  return {
    running,
    client,
    dataDir,
    logFile,
    async close(closeOptions = {}) {
      await running.close();
      if (!closeOptions.keep) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Points the e-mail settings at a plain SMTP server (Not Secured), as an administrator would. */
export async function configureSmtp(
  client: PortalClient,
  address: string,
  changes: Partial<EmailSettings> = {},
): Promise<void> {
  await client.put('/api/settings/general', {
    companyName: 'Bench Translations Ltd',
    administratorEmail: 'admin@bench.example',
    portalUrl: 'http://127.0.0.1',
  });
  await client.put('/api/settings/email', {
    ...defaultEmailSettings,
    smtpServer: address,
    emailAddress: accountAddress,
    connectionType: 'none',
    ...changes,
  });
}

/** The size of one `POST /api/mail/messages/batch`: the most the API takes. */
export const batchSize = 1000;

export interface EnqueueResult {
  messages: number;
  /** Time spent in batch requests, start of the first to the answer of the last. */
  ms: number;
  perSecond: number;
}

/**
 * Enqueues `total` messages of 2 KB, one batch request after another, each to a recipient of
 * its own. `onBatch` hears how many are accepted so far.
 */
export async function enqueueMessages(
  client: PortalClient,
  total: number,
  lane: 'account' | 'crm',
  onBatch: (accepted: number) => void = () => {},
): Promise<EnqueueResult> {
  const started = performance.now();
  for (let first = 0; first < total; first += batchSize) {
    const count = Math.min(batchSize, total - first);
    const messages = Array.from({ length: count }, (_, k) => ({
      to: recipient(first + k),
      subject: `Bench message ${first + k}`,
      text: body,
      lane,
    }));
    const { ids } = await client.post<{ ids: string[] }>('/api/mail/messages/batch', { messages });
    if (ids.length !== count) throw new Error(`batch accepted ${ids.length} of ${count} messages`);
    onBatch(first + count);
  }
  const ms = performance.now() - started;
  return { messages: total, ms, perSecond: (total * 1000) / ms };
}

export interface OutboxStats {
  counts: Record<OutboxState, number>;
  paused: boolean;
  reason?: string;
  heldUntil?: string;
  holdReason?: string;
}

export function outboxStats(client: PortalClient): Promise<OutboxStats> {
  return client.get<OutboxStats>('/api/outbox/stats');
}

/**
 * Polls the counts until `total` messages reached a final state; fails at once when the outbox
 * pauses or messages fail, since the figures would mean nothing.
 */
export async function waitUntilSent(
  client: PortalClient,
  total: number,
  onPoll: (stats: OutboxStats) => void,
  pollMs = 250,
  stallMs = 60_000,
): Promise<OutboxStats> {
  let lastSent = -1;
  let movedAt = Date.now();
  for (;;) {
    const stats = await outboxStats(client);
    onPoll(stats);
    const { sent, failed, deferred } = stats.counts;
    if (stats.paused) throw new Error(`the outbox paused: ${stats.reason}`);
    if (failed > 0 || deferred > 0) {
      throw new Error(`${failed} messages failed and ${deferred} were deferred; see the log`);
    }
    if (sent >= total) return stats;
    if (sent !== lastSent) [lastSent, movedAt] = [sent, Date.now()];
    if (Date.now() - movedAt > stallMs) {
      const why = stats.holdReason ? `: ${stats.holdReason}` : '';
      throw new Error(`no message was sent for ${stallMs / 1000} s (${sent}/${total})${why}`);
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
