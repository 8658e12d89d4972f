/**
 * `portal worker` as a process of its own, stopped cleanly and killed outright mid-run: no
 * message is lost, and a message is sent twice only if it was in flight when its worker died.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../src/config.ts';
import { enqueueMessages } from '../src/modules/outbox/store.ts';
import { saveEmailSettings, saveGeneralSettings } from '../src/modules/settings/service.ts';
import { closePortal, openPortal, type Portal } from '../src/portal.ts';
import { testDialects } from './support/db.ts';
import { settingsFor } from './support/outbox.ts';
import {
  createTestSchema,
  newSecretKey,
  portalCommand,
  removeDataDir,
  spawnPortal,
  stopAll,
  tempDataDir,
  type TestSchema,
} from './support/processes.ts';
import { startSmtpServer, type SmtpServerFixture } from './support/smtp-server.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const operator = { id: null, email: 'crash test' };

function countBy<T>(items: T[]): Map<T, number> {
  const counts = new Map<T, number>();
  for (const item of items) counts.set(item, (counts.get(item) ?? 0) + 1);
  return counts;
}

for (const dialect of testDialects) {
  describe(`a portal worker process that stops or dies (${dialect})`, () => {
    let smtp: SmtpServerFixture;
    let schema: TestSchema | undefined;
    let portal: Portal;
    const dataDir = tempDataDir();
    const env: Record<string, string> = {};

    before(async () => {
      smtp = await startSmtpServer({ mode: 'plain' });
      schema = dialect === 'postgres' ? await createTestSchema() : undefined;
      Object.assign(env, {
        PORTAL_DATA_DIR: dataDir,
        PORTAL_SECRET_KEY: newSecretKey(),
        ...(schema ? { DATABASE_URL: schema.databaseUrl } : {}),
        PORTAL_OUTBOX_POLL_MS: '20',
        PORTAL_OUTBOX_CONNECTIONS: '5',
        PORTAL_OUTBOX_LEASE_SECONDS: '5',
      });
      // The test's own view of the same database, as `portal` commands open it.
      portal = await openPortal(loadConfig({ ...env, LOG_LEVEL: 'silent', PORTAL_WORKER: 'off' }));
      await saveGeneralSettings(portal.db, operator, {
        companyName: 'Acme Translations',
        administratorEmail: 'boss@example.com',
        portalUrl: '',
      });
      await saveEmailSettings(portal.db, portal.cipher, operator, settingsFor(smtp));
    });

    after(async () => {
      await stopAll();
      if (portal) await closePortal(portal);
      await smtp?.close();
      await schema?.drop();
      removeDataDir(dataDir);
    });

    async function queue(count: number, tag: string): Promise<string[]> {
      const messages = Array.from({ length: count }, (_, n) => ({
        lane: n % 2 === 0 ? 'account' as const : 'crm' as const,
        actor: { kind: 'company' as const },
        draft: { to: [`${tag}${n}@example.org`], subject: `${tag} ${n}`, text: `Message ${n}` },
      }));
      const options = { lifetimeHours: 48, messageIdDomain: 'example.com' };
      return enqueueMessages(portal.db, messages, options);
    }

    function rows(ids: string[]) {
      return portal.db.selectFrom('outbox_messages')
        .select(['id', 'message_id', 'state', 'lease_owner'])
        .where('id', 'in', ids).execute();
    }

    async function waitUntilSent(ids: string[], timeoutMs: number) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const left = await portal.db.selectFrom('outbox_messages')
          .select((eb) => eb.fn.countAll<number | string>().as('n'))
          .where('id', 'in', ids).where('state', '!=', 'sent').executeTakeFirstOrThrow();
        if (Number(left.n) === 0) return rows(ids);
        if (Date.now() > deadline) {
          const states = countBy((await rows(ids)).map((row) => row.state));
          assert.fail(`not all sent within ${timeoutMs} ms: ${JSON.stringify([...states])}`);
        }
        await sleep(250);
      }
    }

    /** How often each Message-ID arrived at the server. */
    const arrivals = () => countBy(smtp.messages.map((message) => message.parsed.messageId!));

    it('finishes what it handed over on SIGTERM, records it, leaves nothing leased and exits 0',
      async (t) => {
        smtp.reset();
        const ids = await queue(300, 'term');
        const worker = await spawnPortal('worker', { env });
        await smtp.waitForMessages(100, 20_000);
        const exit = await worker.stop();
        assert.deepEqual(exit, { code: 0, signal: null });
        assert.ok(worker.logs.some((line) => line.msg === 'portal worker stopping'));

        await sleep(200);
        const stopped = await rows(ids);
        assert.equal(stopped.filter((row) => row.state === 'sending').length, 0,
          'no message is left leased');
        const sent = stopped.filter((row) => row.state === 'sent').map((row) => row.message_id);
        assert.deepEqual([...arrivals().keys()].sort(), sent.sort(),
          'what arrived is exactly what is recorded as sent');
        assert.equal(smtp.messages.length, sent.length, 'none arrived twice');
        t.diagnostic(`${sent.length} of 300 sent before the worker stopped`);
        assert.ok(sent.length < 300, 'the worker stopped in the middle of the run');

        // What is left stays queued for the next worker; this test's rows end here.
        await portal.db.updateTable('outbox_messages').set({ state: 'cancelled' })
          .where('id', 'in', ids).where('state', '=', 'queued').execute();
      });

    it('sends every message after a SIGKILL, twice only those in flight, with one Message-ID',
      async (t) => {
        smtp.reset();
        const ids = await queue(1000, 'kill');
        const first = await spawnPortal('worker', { env });
        await smtp.waitForMessages(300, 30_000);
        first.kill('SIGKILL');
        assert.equal((await first.exited).signal, 'SIGKILL');
        await sleep(300);

        // The dead worker's leases: claimed, maybe handed over, never recorded.
        const atKill = await rows(ids);
        const leased = atKill.filter((row) => row.state === 'sending');
        assert.ok(leased.every((row) => row.lease_owner === first.workerId));
        const leasedIds = new Set(leased.map((row) => row.message_id));
        const sentRows = atKill.filter((row) => row.state === 'sent');
        const recorded = new Set(sentRows.map((row) => row.message_id));
        const arrivedAtKill = new Set(arrivals().keys());
        const unrecorded = [...arrivedAtKill].filter((id) => !recorded.has(id));
        for (const id of recorded) assert.ok(arrivedAtKill.has(id), `${id} sent, never arrived`);
        for (const id of unrecorded) assert.ok(leasedIds.has(id), `${id} arrived, not leased`);
        assert.ok(recorded.size < 1000, 'the worker died in the middle of the run');

        const restartedAt = Date.now();
        const second = await spawnPortal('worker', { env });
        const done = await waitUntilSent(ids, 40_000);
        const recoveryMs = Date.now() - restartedAt;
        await sleep(300);

        const counted = arrivals();
        assert.deepEqual([...counted.keys()].sort(), done.map((row) => row.message_id).sort(),
          'every message arrived');
        const duplicates = [...counted].filter(([, count]) => count > 1).map(([id]) => id);
        assert.ok(duplicates.every((id) => counted.get(id) === 2), 'none arrived three times');
        assert.deepEqual(duplicates.sort(), unrecorded.sort(),
          'the duplicates are exactly the messages that had arrived but were not recorded');
        assert.ok(duplicates.length <= leased.length);
        // In flight (5 connections × 20) plus as many answered and waiting to be recorded.
        assert.ok(leased.length <= 2 * 5 * 20, `${leased.length} leased at once`);
        for (const id of duplicates) {
          const copies = smtp.messages.filter((message) => message.parsed.messageId === id);
          assert.deepEqual(copies[0]!.envelope.rcptTo, copies[1]!.envelope.rcptTo);
          assert.equal(copies[0]!.parsed.subject, copies[1]!.parsed.subject);
        }
        t.diagnostic(`arrived before the kill: ${arrivedAtKill.size}, recorded sent: `
          + `${recorded.size}, leased to the dead worker: ${leased.length}, duplicates: `
          + `${duplicates.length}, all sent ${recoveryMs} ms after the restart`);

        const attempts = await portal.db.selectFrom('outbox_attempts')
          .select(['message_row', 'worker']).where('message_row', 'in', ids).execute();
        assert.equal(attempts.length, 1000, 'one recorded attempt per message');
        const workers = new Set(attempts.map((attempt) => attempt.worker));
        assert.ok([...workers].every((id) => id === first.workerId || id === second.workerId));

        assert.deepEqual(await second.stop(), { code: 0, signal: null });
        const stats = JSON.parse(await portalCommand(['outbox', 'stats'], env));
        const states = await portal.db.selectFrom('outbox_messages').select('state').execute();
        const byState = countBy(states.map((row) => row.state));
        assert.equal(stats.counts.sent, byState.get('sent'));
        assert.equal(stats.counts.cancelled, byState.get('cancelled') ?? 0);
        assert.equal(stats.counts.sending + stats.counts.queued + stats.counts.deferred, 0);
        assert.equal(stats.paused, false);
        assert.equal(stats.heldUntil, undefined);
      });
  });
}

describe('portal worker and a second signal', () => {
  it('waits for a message in flight on SIGTERM, and exits at once with 130 on a second one',
    async () => {
      const smtp = await startSmtpServer({ mode: 'plain', stallAt: 'data' });
      const dataDir = tempDataDir();
      const env = { PORTAL_DATA_DIR: dataDir, PORTAL_OUTBOX_POLL_MS: '20' };
      const portal = await openPortal(loadConfig({ ...env, LOG_LEVEL: 'silent' }));
      try {
        await saveEmailSettings(portal.db, portal.cipher, operator, settingsFor(smtp));
        const [id] = await enqueueMessages(portal.db, [{
          lane: 'account', actor: { kind: 'company' },
          draft: { to: ['client@example.org'], subject: 'Stuck', text: 'x' },
        }], { lifetimeHours: 48, messageIdDomain: 'example.com' });
        const worker = await spawnPortal('worker', { env });
        while (smtp.sessions === 0) await sleep(20);
        await sleep(300);

        worker.kill('SIGTERM');
        const early = await Promise.race([worker.exited, sleep(1000).then(() => 'waiting')]);
        assert.equal(early, 'waiting', 'the first signal waits for the server to answer');
        worker.kill('SIGTERM');
        assert.deepEqual(await worker.exited, { code: 130, signal: null });

        const row = await portal.db.selectFrom('outbox_messages').select(['state', 'lease_owner'])
          .where('id', '=', id!).executeTakeFirstOrThrow();
        assert.deepEqual(row, { state: 'sending', lease_owner: worker.workerId },
          'the message stays leased, to be claimed again when the lease ends');
      } finally {
        await stopAll();
        await closePortal(portal);
        await smtp.close();
        removeDataDir(dataDir);
      }
    });
});
