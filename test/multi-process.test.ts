/**
 * Three real portal processes on one PostgreSQL schema, one SMTP server: together they deliver
 * every message exactly once, and the CRM pacing budget holds across all of them.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openDatabase, type OpenDatabase } from '../src/db/index.ts';
import { postgresUrl } from './support/db.ts';
import { fastOutboxEnv, settingsFor } from './support/outbox.ts';
import { ApiClient, testAdmin } from './support/portal.ts';
import {
  createTestSchema,
  newSecretKey,
  removeDataDir,
  spawnPortal,
  stopAll,
  tempDataDir,
  type PortalProcess,
  type TestSchema,
} from './support/processes.ts';
import { startSmtpServer, type SmtpServerFixture } from './support/smtp-server.ts';

const skip = postgresUrl ? false : 'PORTAL_TEST_DATABASE_URL is not set: needs PostgreSQL';

/** The most arrivals within any `windowMs` of each other. */
function busiestWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  let first = 0;
  for (let last = 0; last < sorted.length; last += 1) {
    while (sorted[last]! - sorted[first]! >= windowMs) first += 1;
    most = Math.max(most, last - first + 1);
  }
  return most;
}

function countBy<T>(items: T[]): Map<T, number> {
  const counts = new Map<T, number>();
  for (const item of items) counts.set(item, (counts.get(item) ?? 0) + 1);
  return counts;
}

describe('three portal processes on one PostgreSQL', { skip }, () => {
  let smtp: SmtpServerFixture;
  let schema: TestSchema;
  let database: OpenDatabase;
  const dataDirs: string[] = [];
  const processes: PortalProcess[] = [];
  const clients: ApiClient[] = [];

  before(async () => {
    dataDirs.push(tempDataDir(), tempDataDir(), tempDataDir());
    smtp = await startSmtpServer({ mode: 'plain' });
    schema = await createTestSchema();
    const secretKey = newSecretKey();
    // Started at once, as an orchestrator starts replicas: each runs the migrations and
    // offers to create the first administrator.
    processes.push(...await Promise.all(dataDirs.map((dataDir) => spawnPortal('server', {
      env: {
        ...fastOutboxEnv,
        PORTAL_DATA_DIR: dataDir,
        DATABASE_URL: schema.databaseUrl,
        PORTAL_SECRET_KEY: secretKey,
        PORTAL_ADMIN_EMAIL: testAdmin.email,
        PORTAL_ADMIN_PASSWORD: testAdmin.password,
      },
    }))));
    for (const instance of processes) {
      const client = new ApiClient(instance.url!);
      const answer = await client.signIn(testAdmin.email, testAdmin.password);
      assert.equal(answer.status, 200, `sign-in at ${instance.url}`);
      clients.push(client);
    }
    database = await openDatabase({ databaseUrl: schema.databaseUrl, dataDir: dataDirs[0]! });

    const [first] = clients;
    const general = await first!.put('/api/settings/general', {
      companyName: 'Acme Translations', administratorEmail: 'boss@example.com', portalUrl: '',
    });
    assert.equal(general.status, 200, JSON.stringify(general.body));
    const email = await first!.put('/api/settings/email', settingsFor(smtp));
    assert.equal(email.status, 200, JSON.stringify(email.body));
  });

  after(async () => {
    await stopAll();
    await database?.close();
    await smtp?.close();
    await schema?.drop();
    for (const dir of dataDirs) removeDataDir(dir);
  });

  /** Polls until every row of `ids` is sent; the outbox rows as they are then. */
  async function waitUntilSent(ids: string[], timeoutMs: number) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const rows = await database.db.selectFrom('outbox_messages')
        .select(['id', 'message_id', 'state', 'recipients'])
        .where('id', 'in', ids).execute();
      if (rows.every((row) => row.state === 'sent')) return rows;
      if (Date.now() > deadline) {
        const states = countBy(rows.map((row) => row.state));
        assert.fail(`not all sent in ${timeoutMs} ms: ${JSON.stringify([...states])}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  it('shares one first administrator and one session store between the processes', async () => {
    const users = await database.db.selectFrom('users').select('email').execute();
    assert.deepEqual(users.map((user) => user.email), [testAdmin.email]);

    const signIn = await fetch(`${processes[0]!.url}/api/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(testAdmin),
    });
    assert.equal(signIn.status, 200);
    const cookie = signIn.headers.getSetCookie()[0]!.split(';')[0]!;
    for (const instance of processes.slice(1)) {
      const answer = await new ApiClient(instance.url!, { cookie }).get('/api/outbox/stats');
      assert.equal(answer.status, 200, `the session of one process is valid at ${instance.url}`);
    }

    const workers = new Set(processes.map((instance) => instance.workerId));
    assert.equal(workers.size, 3, 'each process runs a worker of its own');
  });

  it('delivers 600 messages queued through all three exactly once, by several workers',
    async (t) => {
      smtp.reset();
      const batches = Array.from({ length: 6 }, (_, batch) => ({
        messages: Array.from({ length: 100 }, (_, i) => {
          const n = batch * 100 + i;
          return { to: `client${n}@example.org`, subject: `Update ${n}`, text: `Message ${n}`,
            lane: n % 2 === 0 ? 'account' : 'crm' };
        }),
      }));
      const answers = await Promise.all(batches.map((batch, i) =>
        clients[i % 3]!.post('/api/mail/messages/batch', batch)));
      for (const answer of answers) assert.equal(answer.status, 202, JSON.stringify(answer.body));
      const ids = answers.flatMap((answer) => answer.body.ids as string[]);
      assert.equal(ids.length, 600);

      const rows = await waitUntilSent(ids, 40_000);
      // A duplicate would come right behind the original; give it time to show.
      await new Promise((resolve) => setTimeout(resolve, 500));

      const arrived = countBy(smtp.messages.map((message) => message.parsed.messageId));
      const twice = [...arrived].filter(([, count]) => count > 1);
      assert.deepEqual(twice, [], 'no Message-ID arrives twice');
      assert.deepEqual([...arrived.keys()].sort(), rows.map((row) => row.message_id).sort());
      for (const message of smtp.messages) {
        const row = rows.find((r) => r.message_id === message.parsed.messageId)!;
        assert.deepEqual(message.envelope.rcptTo, [row.recipients]);
      }

      const attempts = await database.db.selectFrom('outbox_attempts')
        .select(['message_row', 'worker', 'outcome']).where('message_row', 'in', ids).execute();
      assert.equal(attempts.length, 600, 'one attempt for each message');
      assert.ok(attempts.every((attempt) => attempt.outcome === 'sent'));
      const byWorker = countBy(attempts.map((attempt) => attempt.worker));
      t.diagnostic(`deliveries per worker: ${[...byWorker.values()].join(', ')}`);
      assert.ok(byWorker.size > 1, `only ${[...byWorker.keys()].join()} delivered`);
      for (const worker of byWorker.keys()) {
        assert.ok(processes.some((instance) => instance.workerId === worker), worker);
      }
    });

  it('never hands more than Bulk Size CRM messages to the server in any interval, across all',
    async (t) => {
      const current = (await clients[1]!.get('/api/settings/email')).body;
      const { passwordSet: _passwordSet, ...settings } = current;
      const paced = await clients[1]!.put('/api/settings/email',
        { ...settings, queuingEnabled: true, bulkSize: 10, bulkIntervalSeconds: 1 });
      assert.equal(paced.status, 200, JSON.stringify(paced.body));
      smtp.reset();

      const answers = await Promise.all(clients.map((client, p) => client.post(
        '/api/mail/messages/batch',
        { messages: Array.from({ length: 20 }, (_, i) => ({
          to: `reader${p * 20 + i}@example.org`, subject: 'Newsletter', text: 'News', lane: 'crm',
        })) },
      )));
      const ids = answers.flatMap((answer) => answer.body.ids as string[]);
      assert.equal(ids.length, 60);

      await waitUntilSent(ids, 30_000);
      const times = smtp.messages.map((message) => message.receivedAt);
      assert.equal(times.length, 60, 'all 60 arrive, once each');
      const busiest = busiestWindow(times, 1000);
      const spanMs = Math.max(...times) - Math.min(...times);
      t.diagnostic(`busiest 1 s window: ${busiest} messages; first to last: ${spanMs} ms`);
      assert.ok(busiest <= 10, `${busiest} messages arrived within one second`);

      const attempts = await database.db.selectFrom('outbox_attempts')
        .select('worker').where('message_row', 'in', ids).execute();
      const byWorker = countBy(attempts.map((attempt) => attempt.worker));
      t.diagnostic(`CRM deliveries per worker: ${[...byWorker.values()].join(', ')}`);
    });
});
