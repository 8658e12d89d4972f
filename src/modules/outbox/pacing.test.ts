/**
 * CRM Bulk Mailing as the SMTP server sees it: with Queuing Enabled, at most Bulk Size CRM
 * messages arrive in any window of Bulk Sending Interval, measured from the arrival times the
 * test server records, while account mail goes out at once.
 */
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import type { Dialect } from '../../db/index.ts';
import { testDialects } from '../../../test/support/db.ts';
import { startOutboxPortal, type OutboxTestPortal } from '../../../test/support/outbox.ts';
import {
  startSmtpServer,
  type ReceivedMessage,
  type SmtpServerFixture,
} from '../../../test/support/smtp-server.ts';
import type { EmailSettingsInput } from '../settings/schema.ts';

async function setUp(
  t: TestContext,
  dialect: Dialect,
  settings: Partial<EmailSettingsInput>,
): Promise<OutboxTestPortal & { smtp: SmtpServerFixture }> {
  const smtp = await startSmtpServer({ mode: 'plain' });
  let test: OutboxTestPortal | undefined;
  t.after(async () => {
    await test?.portal.close();
    await smtp.close();
  });
  test = await startOutboxPortal(smtp, { dialect, settings });
  return { smtp, ...test };
}

const crmMessages = Array.from({ length: 20 }, (_, i) => ({
  to: `client${i}@example.org`, subject: `Newsletter ${i}`, text: 'News', lane: 'crm',
}));

/** The arrival times of the CRM newsletter, in order. */
function crmArrivals(messages: ReceivedMessage[]): number[] {
  return messages
    .filter((message) => message.parsed.subject?.startsWith('Newsletter'))
    .map((message) => message.receivedAt)
    .sort((a, b) => a - b);
}

/** The most arrivals in any window of `windowMs`, the window sliding over every arrival. */
function busiestWindow(arrivals: number[], windowMs: number): number {
  let most = 0;
  let start = 0;
  for (let end = 0; end < arrivals.length; end += 1) {
    while (arrivals[end]! - arrivals[start]! >= windowMs) start += 1;
    most = Math.max(most, end - start + 1);
  }
  return most;
}

for (const dialect of testDialects) {
  describe(`CRM bulk mailing pace (${dialect})`, () => {
    it('paces CRM mail to Bulk Size per interval and sends account mail at once', async (t) => {
      const paced = { queuingEnabled: true, bulkSize: 5, bulkIntervalSeconds: 1 };
      const { smtp, admin } = await setUp(t, dialect, paced);
      const queued = await admin.post('/api/mail/messages/batch', { messages: crmMessages });
      assert.equal(queued.status, 202, JSON.stringify(queued.body));

      // The first batch is in; the rest of the newsletter waits for its intervals.
      await smtp.waitForMessages(5, 5000);
      const account = await admin.post('/api/mail/messages', {
        to: 'client@example.org', subject: 'Password reset', text: 'Link', lane: 'account',
      });
      assert.equal(account.status, 202);
      const accountQueuedAt = Date.now();

      const received = await smtp.waitForMessages(21, 10_000);
      const arrivals = crmArrivals(received);
      assert.equal(arrivals.length, 20);
      assert.ok(busiestWindow(arrivals, 1000) <= 5,
        `${busiestWindow(arrivals, 1000)} CRM messages arrived within one second`);
      const spanMs = arrivals.at(-1)! - arrivals[0]!;
      assert.ok(spanMs >= 3000, `20 messages at 5 a second took only ${spanMs} ms`);

      const reset = received.find((message) => message.parsed.subject === 'Password reset')!;
      const waitedMs = reset.receivedAt - accountQueuedAt;
      assert.ok(waitedMs < 1000, `account mail waited ${waitedMs} ms behind CRM mail`);
      assert.ok(reset.receivedAt < arrivals.at(-1)!, 'account mail waited for the newsletter');
    });

    it('hands CRM mail over as fast as it can when queuing is off', async (t) => {
      const { smtp, admin } = await setUp(t, dialect, { queuingEnabled: false });
      const queued = await admin.post('/api/mail/messages/batch', { messages: crmMessages });
      assert.equal(queued.status, 202);

      const arrivals = crmArrivals(await smtp.waitForMessages(20, 5000));
      const spanMs = arrivals.at(-1)! - arrivals[0]!;
      assert.ok(spanMs < 2000, `20 unpaced messages took ${spanMs} ms`);
      assert.ok(busiestWindow(arrivals, 1000) > 5, 'unpaced mail was paced all the same');
    });
  });
}
