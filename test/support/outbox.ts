/**
 * Helpers for outbox tests: a portal whose worker looks for work often and retries fast,
 * pointed at a test SMTP server, and a way to wait for messages to reach a state.
 */
import { defaultEmailSettings, type EmailSettingsInput } from '../../src/modules/settings/schema.ts';
import type { Dialect } from '../../src/db/index.ts';
import { adminClient, startTestPortal, type ApiClient, type TestPortal } from './portal.ts';
import type { SmtpServerFixture } from './smtp-server.ts';

/**
 * Worker settings that keep tests quick: poll every 20 ms, retry after about a second, and one
 * sender thread. A test file starts many portals at once, and each thread takes about a second
 * of CPU to load its code; two threads a portal are covered by senders.test.ts and the bench.
 */
export const fastOutboxEnv = {
  PORTAL_OUTBOX_POLL_MS: '20',
  PORTAL_OUTBOX_RETRY_BASE_SECONDS: '1',
  PORTAL_OUTBOX_RETRY_MAX_SECONDS: '2',
  PORTAL_OUTBOX_CONNECTIONS: '2',
  PORTAL_OUTBOX_THREADS: '1',
};

/** E-mail settings for a plain, unauthenticated test server. */
export function settingsFor(smtp: SmtpServerFixture, more: Partial<EmailSettingsInput> = {}): EmailSettingsInput {
  return {
    ...defaultEmailSettings,
    smtpServer: `${smtp.host}:${smtp.port}`,
    emailAddress: 'portal@example.com',
    connectionType: 'none',
    ...more,
  };
}

export interface OutboxTestPortal {
  portal: TestPortal;
  admin: ApiClient;
}

/** A portal with a fast worker, configured for the server, the administrator signed in. */
export async function startOutboxPortal(
  smtp: SmtpServerFixture,
  options: { dialect?: Dialect; env?: Record<string, string>; settings?: Partial<EmailSettingsInput> } = {},
): Promise<OutboxTestPortal> {
  const portal = await startTestPortal({
    dialect: options.dialect,
    env: { ...fastOutboxEnv, ...options.env },
  });
  const admin = await adminClient(portal);
  await admin.put('/api/settings/general', {
    companyName: 'Acme Translations',
    administratorEmail: 'boss@example.com',
    portalUrl: '',
  });
  const saved = await admin.put('/api/settings/email', settingsFor(smtp, options.settings));
  if (saved.status !== 200) throw new Error(`settings refused: ${JSON.stringify(saved.body)}`);
  return { portal, admin };
}

/** Polls a message until its state is one of `states`; returns its detail. */
export async function waitForState(
  client: ApiClient,
  id: string,
  states: string[],
  timeoutMs = 10_000,
): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  let last: any;
  while (Date.now() < deadline) {
    last = (await client.get(`/api/mail/messages/${id}`)).body;
    if (states.includes(last.state)) return last;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`message ${id} stayed ${last?.state}, expected ${states.join(' or ')}`);
}

/** Polls the outbox stats until a predicate holds. */
export async function waitForStats(
  client: ApiClient,
  predicate: (stats: any) => boolean,
  timeoutMs = 10_000,
): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  let last: any;
  while (Date.now() < deadline) {
    last = (await client.get('/api/outbox/stats')).body;
    if (predicate(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`outbox stats never matched: ${JSON.stringify(last)}`);
}
