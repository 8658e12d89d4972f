import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testDialects } from '../../../test/support/db.ts';
import { startOutboxPortal, waitForState, type OutboxTestPortal } from '../../../test/support/outbox.ts';
import { ApiClient } from '../../../test/support/portal.ts';
import { startSmtpServer, type SmtpServerFixture } from '../../../test/support/smtp-server.ts';

for (const dialect of testDialects) {
  describe(`outbox API and delivery (${dialect})`, () => {
    let smtp: SmtpServerFixture;
    let test: OutboxTestPortal;
    before(async () => {
      smtp = await startSmtpServer({ mode: 'plain' });
      test = await startOutboxPortal(smtp, { dialect });
    });
    after(async () => {
      await test.portal.close();
      await smtp.close();
    });

    it('queues a message, delivers it signed by the user, and logs the server reply', async () => {
      smtp.reset();
      const queued = await test.admin.post('/api/mail/messages', {
        to: 'client@example.org', cc: ['cc@example.org'], subject: 'Your quote', text: 'Hello', lane: 'account',
      });
      assert.equal(queued.status, 202);
      assert.match(queued.body.id, /^[0-9a-f-]{36}$/);

      const [received] = await smtp.waitForMessages(1);
      const detail = await waitForState(test.admin, queued.body.id, ['sent']);
      const mail = received!.parsed;
      assert.equal(mail.subject, 'Your quote');
      assert.equal(mail.from?.value[0]?.address, 'portal@example.com');
      assert.equal(mail.from?.value[0]?.name, 'Alice Admin');
      assert.equal(mail.replyTo?.value[0]?.address, 'admin@example.com');
      assert.deepEqual(received!.envelope.rcptTo.sort(), ['cc@example.org', 'client@example.org']);
      assert.equal(received!.envelope.mailFrom, 'portal@example.com');
      assert.equal(mail.messageId, detail.messageId);
      assert.match(detail.messageId, /^<[0-9a-f-]{36}@example\.com>$/);

      assert.equal(detail.attempts.length, 1);
      assert.equal(detail.attempts[0].outcome, 'sent');
      assert.match(detail.attempts[0].response, new RegExp(`queued as ${received!.queueId}`));
      assert.deepEqual(detail.to, ['client@example.org']);
      assert.deepEqual(detail.cc, ['cc@example.org']);
      assert.equal(detail.sender, 'admin@example.com');
    });

    it('names the field and the message index of bad batch input, and queues nothing', async () => {
      const before = (await test.admin.get('/api/outbox/stats')).body.counts;
      const bad = await test.admin.post('/api/mail/messages/batch', {
        messages: [
          { to: 'ok@example.org', subject: 'fine', text: 'x', lane: 'crm' },
          { to: [], subject: 'no recipient', lane: 'crm' },
          { to: 'not-an-address', subject: 'x', lane: 'crm' },
          { to: 'a@example.org', subject: 'Hi\r\nBcc: victim@example.org', lane: 'crm' },
          { to: 'a@example.org\r\nBcc: victim@example.org', subject: 'x', lane: 'crm' },
          { to: 'a@example.org', subject: 'x', lane: 'marketing' },
        ],
      });
      assert.equal(bad.status, 400);
      assert.equal(bad.body.error, 'VALIDATION_FAILED');
      assert.deepEqual(Object.keys(bad.body.fields).sort(),
        ['messages.1.to', 'messages.2.to', 'messages.3.subject', 'messages.4.to', 'messages.5.lane']);
      assert.match(bad.body.fields['messages.3.subject'], /line breaks/);
      assert.deepEqual((await test.admin.get('/api/outbox/stats')).body.counts, before);
    });

    it('refuses a batch over 1,000 messages', async () => {
      const messages = Array.from({ length: 1001 }, (_, i) => ({
        to: `r${i}@example.org`, subject: 's', text: 't', lane: 'crm',
      }));
      const answer = await test.admin.post('/api/mail/messages/batch', { messages });
      assert.equal(answer.status, 400);
      assert.match(answer.body.fields.messages, /at most 1000/);
    });

    it('queues a batch in one go and delivers every message', async () => {
      smtp.reset();
      const messages = Array.from({ length: 30 }, (_, i) => ({
        to: `bulk${i}@example.org`, subject: `Newsletter ${i}`, text: 'News', lane: 'crm',
      }));
      const answer = await test.admin.post('/api/mail/messages/batch', { messages });
      assert.equal(answer.status, 202);
      assert.equal(answer.body.ids.length, 30);
      const received = await smtp.waitForMessages(30, 10_000);
      const recipients = received.map((m) => m.envelope.rcptTo[0]).sort();
      assert.deepEqual(recipients, messages.map((m) => m.to).sort());
      await waitForState(test.admin, answer.body.ids[29], ['sent']);
    });

    it('splits a CRM message to several recipients into one message each', async () => {
      smtp.reset();
      const answer = await test.admin.post('/api/mail/messages', {
        to: ['one@example.org', 'two@example.org'], subject: 'Each their own', text: 'x', lane: 'crm',
      });
      assert.equal(answer.status, 202);
      assert.equal(answer.body.ids.length, 2);
      const received = await smtp.waitForMessages(2);
      assert.deepEqual(received.map((m) => m.envelope.rcptTo).sort(), [['one@example.org'], ['two@example.org']]);
    });

    it('lists messages by state and by a search in recipients and subject', async () => {
      const sent = await test.admin.get('/api/mail/messages?state=sent&q=NEWSLETTER%201');
      assert.equal(sent.status, 200);
      assert.ok(sent.body.total >= 1);
      assert.ok(sent.body.messages.every((m: any) => m.state === 'sent' && /newsletter 1/i.test(m.subject)));
      const byRecipient = await test.admin.get('/api/mail/messages?q=bulk7@');
      assert.deepEqual(byRecipient.body.messages.map((m: any) => m.to[0]), ['bulk7@example.org']);
      const none = await test.admin.get('/api/mail/messages?q=%25');
      assert.equal(none.body.total, 0, 'a % is searched for, not a wildcard');
      const badState = await test.admin.get('/api/mail/messages?state=lost');
      assert.equal(badState.status, 400);
      assert.ok(badState.body.fields.state);
    });

    it('offers the message as an .eml with its Message-ID', async () => {
      const list = await test.admin.get('/api/mail/messages?q=your%20quote');
      const id = list.body.messages[0].id;
      const raw = await test.admin.get(`/api/mail/messages/${id}/raw`);
      assert.equal(raw.status, 200);
      assert.match(raw.headers.get('content-type')!, /message\/rfc822/);
      assert.match(raw.headers.get('content-disposition')!, /attachment; filename="message-.*\.eml"/);
      assert.match(raw.body, new RegExp(`Message-ID: ${list.body.messages[0].messageId}`, 'i'));
      assert.match(raw.body, /Subject: Your quote/);
    });

    it('resends a sent message with the same Message-ID, and refuses to cancel it', async () => {
      smtp.reset();
      const list = await test.admin.get('/api/mail/messages?q=your%20quote');
      const { id, messageId } = list.body.messages[0];
      const cancel = await test.admin.post(`/api/mail/messages/${id}/cancel`);
      assert.equal(cancel.status, 409);
      assert.equal(cancel.body.error, 'MESSAGE_STATE');
      const retry = await test.admin.post(`/api/mail/messages/${id}/retry`);
      assert.equal(retry.status, 200);
      const [again] = await smtp.waitForMessages(1);
      assert.equal(again!.parsed.messageId, messageId);
      const detail = await waitForState(test.admin, id, ['sent']);
      assert.equal(detail.attempts.filter((a: any) => a.outcome === 'sent').length, 2);
    });

    it('shows each user their own messages only, and the stats to administrators only', async () => {
      await test.admin.post('/api/users', {
        email: 'staff@example.com', firstName: 'Sam', lastName: 'Staff', password: 'staff password', role: 'user',
      });
      const staff = new ApiClient(test.portal.url);
      await staff.signIn('staff@example.com', 'staff password');
      const own = await staff.post('/api/mail/messages', { to: 'v@example.org', subject: 'Mine', text: 'x', lane: 'account' });
      assert.equal(own.status, 202);
      const list = await staff.get('/api/mail/messages');
      assert.deepEqual(list.body.messages.map((m: any) => m.subject), ['Mine']);
      const adminsMessage = (await test.admin.get('/api/mail/messages?q=your%20quote')).body.messages[0].id;
      assert.equal((await staff.get(`/api/mail/messages/${adminsMessage}`)).status, 404);
      assert.equal((await staff.post(`/api/mail/messages/${adminsMessage}/retry`)).status, 404);
      assert.equal((await staff.get('/api/outbox/stats')).status, 403);
      assert.equal((await staff.post('/api/outbox/resume')).status, 403);
      assert.equal((await new ApiClient(test.portal.url).post('/api/mail/messages', {})).status, 401);
    });

    it('redirects to the administrator and logs the real target beside the recipients', async () => {
      smtp.reset();
      const on = await test.admin.put('/api/settings/email', {
        ...(await test.admin.get('/api/settings/email')).body, passwordSet: undefined, redirectAllToAdmin: true,
      });
      assert.equal(on.status, 200, JSON.stringify(on.body));
      const queued = await test.admin.post('/api/mail/messages', {
        to: 'client@example.org', subject: 'Redirected', text: 'Body', lane: 'account',
      });
      const detail = await waitForState(test.admin, queued.body.id, ['sent']);
      // Mail of the tests before may still arrive: pick this message by its subject.
      const received = smtp.messages.find((m) => m.parsed.subject === 'Redirected');
      assert.ok(received, 'the redirected message arrived');
      assert.deepEqual(received.envelope.rcptTo, ['boss@example.com']);
      assert.equal(received.parsed.headers.get('x-portal-original-to'), 'client@example.org');
      assert.equal(detail.redirectedTo, 'boss@example.com');
      assert.deepEqual(detail.to, ['client@example.org']);
      assert.deepEqual(detail.attempts[0].target, ['boss@example.com']);
      const off = await test.admin.put('/api/settings/email', {
        ...(await test.admin.get('/api/settings/email')).body, passwordSet: undefined, redirectAllToAdmin: false,
      });
      assert.equal(off.status, 200);
    });
  });
}

describe('cancelling', () => {
  it('cancels a queued message so that it is never sent, and sends it on retry', async () => {
    const smtp = await startSmtpServer({ mode: 'plain' });
    const test = await startOutboxPortal(smtp, { env: { PORTAL_WORKER: 'off' } });
    try {
      const queued = await test.admin.post('/api/mail/messages', {
        to: 'client@example.org', subject: 'Held back', text: 'x', lane: 'crm',
      });
      const cancelled = await test.admin.post(`/api/mail/messages/${queued.body.id}/cancel`);
      assert.equal(cancelled.status, 200);
      assert.equal(cancelled.body.state, 'cancelled');
      const stats = (await test.admin.get('/api/outbox/stats')).body;
      assert.equal(stats.counts.cancelled, 1);
      assert.equal(stats.counts.queued, 0);
      const retried = await test.admin.post(`/api/mail/messages/${queued.body.id}/retry`);
      assert.equal(retried.body.state, 'queued');
      assert.equal(smtp.messages.length, 0, 'nothing is sent without a worker');
    } finally {
      await test.portal.close();
      await smtp.close();
    }
  });
});
