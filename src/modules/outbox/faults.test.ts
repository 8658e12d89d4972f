/**
 * How the outbox meets a misbehaving SMTP server: refusals for now and for good, a server that
 * is down or slow or hangs up, a refused login, and a message that outlives its lifetime.
 * Every test has a real server on a port and a real portal of its own.
 */
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import type { AddressObject } from 'mailparser';
import type { Dialect } from '../../db/index.ts';
import { testDialects } from '../../../test/support/db.ts';
import {
  startOutboxPortal,
  waitForState,
  waitForStats,
  type OutboxTestPortal,
} from '../../../test/support/outbox.ts';
import { ApiClient, type ApiAnswer } from '../../../test/support/portal.ts';
import {
  startSmtpServer,
  type SmtpServerFixture,
  type SmtpServerOptions,
} from '../../../test/support/smtp-server.ts';
import type { EmailSettingsInput } from '../settings/schema.ts';

interface Setup extends OutboxTestPortal {
  smtp: SmtpServerFixture;
}

/** A server with these options and a portal sending to it, both closed after the test. */
async function setUp(
  t: TestContext,
  dialect: Dialect,
  server: SmtpServerOptions,
  options: { env?: Record<string, string>; settings?: Partial<EmailSettingsInput> } = {},
): Promise<Setup> {
  const smtp = await startSmtpServer(server);
  let test: OutboxTestPortal | undefined;
  t.after(async () => {
    await test?.portal.close();
    await smtp.close();
  });
  test = await startOutboxPortal(smtp, { dialect, ...options });
  return { smtp, ...test };
}

interface Draft {
  to: string | string[];
  cc?: string[];
  subject: string;
  lane: 'account' | 'crm';
}

/** Queues a message through the API; returns the ids of the messages it became. */
async function queue(client: ApiClient, draft: Draft): Promise<string[]> {
  const answer: ApiAnswer = await client.post('/api/mail/messages', { text: 'Hello', ...draft });
  assert.equal(answer.status, 202, JSON.stringify(answer.body));
  return answer.body.ids ?? [answer.body.id];
}

/** Queues one message to client@example.org; returns its id. */
async function queueOne(client: ApiClient, subject: string, lane: Draft['lane']): Promise<string> {
  const [id] = await queue(client, { to: 'client@example.org', subject, lane });
  return id!;
}

/** The delivery log's row (with `attempts` as a count) of a message. */
async function listed(client: ApiClient, id: string): Promise<any> {
  const { body } = await client.get('/api/mail/messages?pageSize=200');
  const row = body.messages.find((message: any) => message.id === id);
  assert.ok(row, `message ${id} is not in the delivery log`);
  return row;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Asserts that a message was deferred at least once and then ended as `last`. */
function assertDeferredThen(detail: any, last: 'sent' | 'failed'): void {
  const outcomes: string[] = detail.attempts.map((attempt: any) => attempt.outcome);
  assert.ok(outcomes.length >= 2, `attempts: ${outcomes.join(', ')}`);
  assert.equal(outcomes.at(-1), last, `attempts: ${outcomes.join(', ')}`);
  assert.ok(outcomes.slice(0, -1).every((outcome) => outcome === 'deferred'),
    `attempts: ${outcomes.join(', ')}`);
}

/** The addresses of a parsed To or Cc header, in order. */
function addressesOf(field: AddressObject | AddressObject[] | undefined): string[] {
  const objects = field === undefined ? [] : Array.isArray(field) ? field : [field];
  return objects.flatMap((object) => object.value.map((entry) => entry.address ?? ''));
}

/** Copies of a message the server accepted, found by its Message-ID. */
function copiesAt(smtp: SmtpServerFixture, messageId: string) {
  return smtp.messages.filter((message) => message.parsed.messageId === messageId);
}

for (const dialect of testDialects) {
  describe(`outbox faults (${dialect})`, { concurrency: true }, () => {
    it('defers a message refused with 451, shows when it is tried next, and delivers it once',
      async (t) => {
        let recovered = false;
        const server: SmtpServerOptions = {
          mode: 'plain',
          intercept: (step) => (step === 'rcpt' && !recovered
            ? { code: 451, message: '4.3.0 Temporary local problem, please try again later' }
            : undefined),
        };
        const { smtp, admin } = await setUp(t, dialect, server);
        const id = await queueOne(admin, 'Quote', 'account');

        const deferred = await waitForState(admin, id, ['deferred']);
        const [first] = deferred.attempts;
        assert.equal(first.outcome, 'deferred');
        assert.equal(first.responseCode, 451);
        assert.equal(first.command, 'RCPT TO');
        assert.match(first.response, /^451 .*Temporary local problem, please try again later/);
        // On a slow machine a second refusal may come before the state is read: the wait is
        // counted from the last one, 1 s after the first attempt and 2 s (the most) after later ones.
        const last = deferred.attempts.at(-1);
        const waitMs = Date.parse(deferred.nextAttemptAt) - (Date.parse(last.at) + last.ms);
        const [low, high] = deferred.attempts.length === 1 ? [700, 1500] : [1500, 2600];
        assert.ok(waitMs >= low && waitMs <= high,
          `tried again ${waitMs} ms after attempt ${deferred.attempts.length}`);
        assert.equal(smtp.messages.length, 0);

        recovered = true;
        const sent = await waitForState(admin, id, ['sent']);
        assertDeferredThen(sent, 'sent');
        assert.equal(sent.messageId, deferred.messageId);
        await sleep(200);
        assert.equal(smtp.messages.length, 1);
        assert.equal(copiesAt(smtp, sent.messageId).length, 1);
      });

    it('fails a message refused with 550 at once and delivers the other messages', async (t) => {
      const server: SmtpServerOptions = {
        mode: 'plain',
        rejectRcpt: (address) => (address === 'gone@example.org'
          ? { code: 550, message: '5.1.1 No such user here' }
          : undefined),
      };
      const { smtp, admin } = await setUp(t, dialect, server);
      const to = ['one@example.org', 'gone@example.org', 'two@example.org'];
      const [one, gone, two] = await queue(admin, { to, subject: 'News', lane: 'crm' });

      const failed = await waitForState(admin, gone!, ['failed', 'sent']);
      assert.equal(failed.state, 'failed');
      assert.equal(failed.attempts.length, 1, 'a permanent refusal is not retried');
      assert.equal(failed.attempts[0].responseCode, 550);
      assert.equal(failed.attempts[0].command, 'RCPT TO');
      assert.match(failed.attempts[0].response, /^550 .*No such user here/);
      assert.equal(failed.lastCode, '550');
      assert.match(failed.lastResponse, /No such user here/);

      await waitForState(admin, one!, ['sent']);
      await waitForState(admin, two!, ['sent']);
      const recipients = smtp.messages.map((message) => message.envelope.rcptTo).sort();
      assert.deepEqual(recipients, [['one@example.org'], ['two@example.org']]);
      assert.equal((await listed(admin, gone!)).attempts, 1);
    });

    it('sends a message to the recipients the server accepts and records the one it refuses',
      async (t) => {
        const server: SmtpServerOptions = {
          mode: 'plain',
          rejectRcpt: (address) => (address === 'gone@example.org'
            ? { code: 550, message: '5.1.1 No such user here' }
            : undefined),
        };
        const { smtp, admin } = await setUp(t, dialect, server);
        const [id] = await queue(admin, {
          to: ['one@example.org', 'gone@example.org'], cc: ['two@example.org'],
          subject: 'Minutes', lane: 'account',
        });

        const sent = await waitForState(admin, id!, ['sent', 'failed']);
        assert.equal(sent.state, 'sent');
        assert.deepEqual(sent.rejected, ['gone@example.org']);
        assert.equal(smtp.messages.length, 1);
        const recipients = smtp.messages[0]!.envelope.rcptTo.sort();
        assert.deepEqual(recipients, ['one@example.org', 'two@example.org']);
        assert.equal(smtp.messages[0]!.parsed.messageId, sent.messageId);
      });

    it('sends the message again to a recipient refused for now, and only to that recipient',
      async (t) => {
        let refusals = 0;
        const server: SmtpServerOptions = {
          mode: 'plain',
          intercept: (step, address) => {
            if (step !== 'rcpt' || address !== 'later@example.org' || refusals > 0) return undefined;
            refusals += 1;
            return { code: 450, message: '4.2.0 Greylisted, come back later' };
          },
        };
        const { smtp, admin } = await setUp(t, dialect, server);
        const [id] = await queue(admin, {
          to: ['one@example.org', 'later@example.org'], cc: ['two@example.org'],
          subject: 'Agenda', lane: 'account',
        });

        const parent = await waitForState(admin, id!, ['sent', 'failed']);
        assert.equal(parent.state, 'sent');
        assert.deepEqual(parent.rejected, ['later@example.org']);
        assert.equal(parent.retries.length, 1);
        assert.deepEqual(parent.retries[0].to, ['later@example.org']);

        const retry = await waitForState(admin, parent.retries[0].id, ['sent', 'failed']);
        assert.equal(retry.state, 'sent');
        assert.equal(retry.retryOf, id);
        assert.deepEqual(retry.onlyTo, ['later@example.org']);
        assert.equal(retry.messageId, parent.messageId);
        assert.equal(retry.subject, 'Agenda');
        assert.deepEqual(retry.attempts.map((a: { outcome: string }) => a.outcome), ['sent']);

        const copies = copiesAt(smtp, parent.messageId);
        assert.equal(copies.length, 2, 'one delivery to the others, one to the refused recipient');
        assert.deepEqual([...copies[0]!.envelope.rcptTo].sort(), ['one@example.org', 'two@example.org']);
        assert.deepEqual(copies[1]!.envelope.rcptTo, ['later@example.org']);
        for (const copy of copies) {
          // The headers are the message's own both times: every recipient as written.
          assert.equal(copy.parsed.subject, 'Agenda');
          assert.deepEqual(addressesOf(copy.parsed.to), ['one@example.org', 'later@example.org']);
          assert.deepEqual(addressesOf(copy.parsed.cc), ['two@example.org']);
        }
        const list = await admin.get(`/api/mail/messages?q=agenda`);
        assert.equal(list.body.total, 2, 'the log shows both entries');
      });

    it('holds the outbox while the server is down, spends no attempts, and sends once it is back',
      async (t) => {
        const first = await startSmtpServer({ mode: 'plain' });
        const { port } = first;
        let down = false;
        let test: OutboxTestPortal | undefined;
        let back: SmtpServerFixture | undefined;
        t.after(async () => {
          await test?.portal.close();
          if (!down) await first.close();
          await back?.close();
        });
        test = await startOutboxPortal(first, { dialect });
        await first.close();
        down = true;

        const ids = [
          await queueOne(test.admin, 'Invoice', 'account'),
          ...await queue(test.admin, { to: ['a@example.org', 'b@example.org'], subject: 'News',
            lane: 'crm' }),
        ];
        const held = await waitForStats(test.admin, (stats) => stats.heldUntil !== undefined);
        assert.match(held.holdReason, /cannot be reached.*ECONNREFUSED/);
        assert.ok(Date.parse(held.heldUntil) > Date.now());
        assert.equal(held.paused, false);
        await sleep(100);
        for (const id of ids) {
          const row = await listed(test.admin, id);
          assert.equal(row.attempts, 0, 'an unreachable server costs a message no attempt');
          assert.notEqual(row.state, 'sent');
        }

        back = await startSmtpServer({ mode: 'plain', port });
        const received = await back.waitForMessages(ids.length, 20_000);
        for (const id of ids) {
          const sent = await waitForState(test.admin, id, ['sent']);
          assert.equal(copiesAt(back, sent.messageId).length, 1);
        }
        assert.equal(received.length, ids.length);
        const stats = (await test.admin.get('/api/outbox/stats')).body;
        assert.equal(stats.heldUntil, undefined);
        assert.equal(stats.counts.sent, ids.length);
      });

    it('gives up on a server silent at DATA past the socket timeout and retries it', async (t) => {
      const server: SmtpServerOptions = { mode: 'plain', dataDelayMs: 1500 };
      const env = { PORTAL_OUTBOX_SOCKET_TIMEOUT_SECONDS: '1' };
      const { smtp, admin } = await setUp(t, dialect, server, { env });
      const id = await queueOne(admin, 'Slow', 'account');

      const deferred = await waitForState(admin, id, ['deferred']);
      assert.equal(deferred.attempts[0].code, 'ETIMEDOUT');
      assert.ok(deferred.attempts[0].ms >= 900, `timed out after ${deferred.attempts[0].ms} ms`);
      server.dataDelayMs = 200;

      const sent = await waitForState(admin, id, ['sent']);
      assertDeferredThen(sent, 'sent');
      assert.equal(copiesAt(smtp, sent.messageId).length, 1);
    });

    it('treats a 421 that closes the session mid-way as transient and delivers later',
      async (t) => {
        let recovered = false;
        const server: SmtpServerOptions = {
          mode: 'plain',
          intercept: (step) => (step === 'mail' && !recovered
            ? { code: 421, message: '4.3.2 Service shutting down, try again later' }
            : undefined),
        };
        const { smtp, admin } = await setUp(t, dialect, server);
        const id = await queueOne(admin, 'Reset', 'account');

        const deferred = await waitForState(admin, id, ['deferred', 'failed']);
        assert.equal(deferred.state, 'deferred');
        assert.equal(deferred.attempts[0].responseCode, 421);
        assert.equal(deferred.attempts[0].command, 'MAIL FROM');
        recovered = true;
        const sent = await waitForState(admin, id, ['sent']);
        assertDeferredThen(sent, 'sent');
        assert.equal(copiesAt(smtp, sent.messageId).length, 1);
        assert.equal((await admin.get('/api/outbox/stats')).body.paused, false);
      });

    it('lets the messages handed over finish when the settings are saved mid-way', async (t) => {
      let dataArrived: () => void = () => {};
      const arrived = new Promise<void>((resolve) => {
        dataArrived = resolve;
      });
      const server: SmtpServerOptions = {
        mode: 'plain',
        dataDelayMs: 400,
        intercept: (step) => {
          if (step === 'data') dataArrived();
          return undefined;
        },
      };
      // Two connections and five messages: three wait in the transport for a connection.
      const { smtp, admin } = await setUp(t, dialect, server);
      const to = Array.from({ length: 5 }, (_, i) => `client${i}@example.org`);
      const ids = await queue(admin, { to, subject: 'Offer', lane: 'crm' });

      await arrived;
      const { passwordSet: _set, ...settings } = (await admin.get('/api/settings/email')).body;
      const saved = await admin.put('/api/settings/email', { ...settings, bulkSize: 50 });
      assert.equal(saved.status, 200, JSON.stringify(saved.body));

      await smtp.waitForMessages(5, 10_000);
      for (const id of ids) {
        const sent = await waitForState(admin, id, ['sent']);
        const outcomes = sent.attempts.map((attempt: any) => attempt.outcome);
        assert.deepEqual(outcomes, ['sent'], JSON.stringify(sent.attempts));
      }
    });

    it('keeps the lease of messages waiting behind a slow server, so none is sent twice',
      async (t) => {
        // One connection, a 5 s lease and 1.5 s for each message's data: the last of six waits
        // about 9 s for its turn, far past the lease it was claimed with.
        const { smtp, admin } = await setUp(t, dialect, { mode: 'plain', dataDelayMs: 1500 }, {
          env: { PORTAL_OUTBOX_LEASE_SECONDS: '5', PORTAL_OUTBOX_CONNECTIONS: '1' },
        });
        const ids = [];
        for (let i = 0; i < 6; i += 1) ids.push(await queueOne(admin, `Slow ${i}`, 'account'));

        await smtp.waitForMessages(6, 20_000);
        for (const id of ids) {
          const sent = await waitForState(admin, id, ['sent']);
          assert.deepEqual(sent.attempts.map((attempt: any) => attempt.outcome), ['sent']);
          assert.equal(copiesAt(smtp, sent.messageId).length, 1, `${sent.subject} arrived once`);
        }
        // A message claimed again after its lease ran out would come after the six, 1.5 s apart.
        await new Promise((resolve) => setTimeout(resolve, 5000));
        assert.equal(smtp.messages.length, 6, 'no message arrived twice');
      });

    it('fails a message that is past its lifetime at its next transient failure', async (t) => {
      const server: SmtpServerOptions = {
        mode: 'plain',
        rejectData: { code: 451, message: '4.3.0 Mail server temporarily rejected message' },
      };
      const test = await setUp(t, dialect, server);
      const id = await queueOne(test.admin, 'Old', 'crm');
      await waitForState(test.admin, id, ['deferred']);

      const past = new Date(Date.now() - 60_000).toISOString();
      await test.portal.portal.db.updateTable('outbox_messages')
        .set({ expires_at: past }).where('id', '=', id).execute();
      const failed = await waitForState(test.admin, id, ['failed', 'sent']);
      assert.equal(failed.state, 'failed');
      assertDeferredThen(failed, 'failed');
      assert.equal(failed.attempts.at(-1).responseCode, 451);
      assert.equal(test.smtp.messages.length, 0);
    });
  });

  describe(`outbox paused by a refused login (${dialect})`, { concurrency: true }, () => {
    const login = { authorizationRequired: true, login: 'portal', password: 'old secret' };

    /** Queues a message and waits until the refused login has paused the outbox. */
    async function pausedBy(test: Setup): Promise<string> {
      const id = await queueOne(test.admin, 'Hi', 'account');
      const stats = await waitForStats(test.admin, (s) => s.paused === true);
      assert.match(stats.reason, /refused the portal's settings: 535 .*authentication failed/);
      await sleep(100);
      const row = await listed(test.admin, id);
      assert.equal(row.attempts, 0, 'a refused login spends no attempt');
      assert.equal(row.state, 'queued');
      assert.equal(test.smtp.messages.length, 0);
      return id;
    }

    it('pauses on a refused login, tells every page, and resumes when the settings are fixed',
      async (t) => {
        const auth = { user: 'portal', pass: 'new secret' };
        const test = await setUp(t, dialect, { mode: 'plain', auth }, { settings: login });
        const id = await pausedBy(test);

        const status = (await test.admin.get('/api/status')).body;
        assert.equal(status.outboxPaused, true);
        assert.match(status.outboxPauseReason, /535 .*authentication failed/);
        await test.admin.post('/api/users', {
          email: 'staff@example.com', firstName: 'Sam', lastName: 'Staff',
          password: 'staff password', role: 'user',
        });
        const staff = new ApiClient(test.portal.url);
        await staff.signIn('staff@example.com', 'staff password');
        const seen = (await staff.get('/api/status')).body;
        assert.equal(seen.outboxPaused, true);
        assert.equal(seen.outboxPauseReason, undefined, 'the reason is for administrators');

        const view = (await test.admin.get('/api/settings/email')).body;
        const { passwordSet: _passwordSet, ...settings } = view;
        const corrected = { ...settings, password: 'new secret' };
        const saved = await test.admin.put('/api/settings/email', corrected);
        assert.equal(saved.status, 200, JSON.stringify(saved.body));

        const sent = await waitForState(test.admin, id, ['sent']);
        assert.equal(test.smtp.messages.length, 1);
        assert.equal(test.smtp.messages[0]!.user, 'portal');
        assert.equal(copiesAt(test.smtp, sent.messageId).length, 1);
        assert.equal((await test.admin.get('/api/status')).body.outboxPaused, false);
        assert.equal((await test.admin.get('/api/outbox/stats')).body.paused, false);
      });

    it('stays paused on a refused login until an administrator resumes it', async (t) => {
      const auth = { user: 'portal', pass: 'new secret' };
      const test = await setUp(t, dialect, { mode: 'plain', auth }, { settings: login });
      const id = await pausedBy(test);

      // The mailbox's password is set back to the one the portal has, outside the portal.
      auth.pass = 'old secret';
      await sleep(300);
      assert.equal(test.smtp.messages.length, 0, 'a paused outbox sends nothing by itself');
      const resumed = await test.admin.post('/api/outbox/resume');
      assert.equal(resumed.status, 200);
      assert.equal(resumed.body.paused, false);

      await waitForState(test.admin, id, ['sent']);
      assert.equal(test.smtp.messages.length, 1);
      assert.equal((await test.admin.get('/api/status')).body.outboxPaused, false);
    });
  });
}
