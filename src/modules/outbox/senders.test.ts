/**
 * The senders on their own, against a real SMTP server: on the worker's thread and on sender
 * threads they compose, send and describe what happened alike; a thread that dies leaves no
 * message unanswered; and messages leave under the settings they were claimed with.
 */
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import type { Worker } from 'node:worker_threads';
import pino from 'pino';
import { startSmtpServer, type SmtpServerFixture, type SmtpServerOptions } from '../../../test/support/smtp-server.ts';
import { defaultEmailSettings, defaultGeneralSettings } from '../settings/schema.ts';
import type { DeliveryJob, SendSetup } from './delivery.ts';
import { InlineSender, ThreadSender, type Sender } from './senders.ts';

const log = pino({ level: 'silent' });

function setupFor(smtp: SmtpServerFixture, version: string, connections = 2): SendSetup {
  return {
    version,
    smtp: { ...defaultEmailSettings, smtpServer: `${smtp.host}:${smtp.port}`,
      emailAddress: 'portal@example.com', connectionType: 'none', password: '' },
    general: { ...defaultGeneralSettings, companyName: 'Example Ltd', administratorEmail: 'admin@example.com' },
    transport: { pool: true, maxConnections: connections, connectionTimeoutMs: 5_000,
      greetingTimeoutMs: 5_000, socketTimeoutMs: 5_000 },
  };
}

let counter = 0;
function job(version: string, to: string, subject = `Message ${counter}`): DeliveryJob {
  counter += 1;
  return {
    version,
    messageId: `<sender-test-${counter}@example.com>`,
    actor: JSON.stringify({ kind: 'user', firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' }),
    draft: JSON.stringify({ to: [to], subject, text: 'Hello' }),
  };
}

async function server(t: TestContext, options: Partial<SmtpServerOptions> = {}): Promise<SmtpServerFixture> {
  const smtp = await startSmtpServer({ mode: 'plain', ...options });
  t.after(() => smtp.close());
  return smtp;
}

const kinds: [string, () => Sender][] = [
  ['on the worker thread', () => new InlineSender()],
  ['on two sender threads', () => new ThreadSender(2, log)],
];

for (const [name, make] of kinds) {
  describe(`sending ${name}`, () => {
    it('sends each message composed, with its Message-ID, and reports the server\'s reply', async (t) => {
      const smtp = await server(t, { rejectRcpt: (address) =>
        (address.startsWith('gone') ? { code: 550, message: '5.1.1 No such user' } : undefined) });
      const sender = make();
      t.after(() => sender.close());
      sender.configure(setupFor(smtp, 'v1'));

      const jobs = Array.from({ length: 6 }, (_, i) => job('v1', `client${i}@example.org`, `Invoice ${i}`));
      const outcomes = await Promise.all([
        ...jobs.map((j) => sender.deliver(j)),
        sender.deliver(job('v1', 'gone@example.org')),
        sender.deliver(job('v1', 'not an address')),
      ]);

      const received = await smtp.waitForMessages(6);
      for (let i = 0; i < 6; i += 1) {
        const outcome = outcomes[i]!;
        assert.equal(outcome.kind, 'sent', JSON.stringify(outcome));
        if (outcome.kind !== 'sent') continue;
        assert.deepEqual(outcome.target, [`client${i}@example.org`]);
        assert.match(outcome.response, /^250 /);
        const message = received.find((m) => m.parsed.subject === `Invoice ${i}`);
        assert.ok(message, `Invoice ${i} arrived`);
        assert.equal(message.parsed.messageId, jobs[i]!.messageId);
        assert.equal(message.parsed.from?.value[0]?.name, 'Ada Lovelace');
        assert.deepEqual(message.envelope.rcptTo, [`client${i}@example.org`]);
        assert.ok(outcome.response.includes(message.queueId), 'the reply names the queue id');
      }

      const refused = outcomes[6]!;
      assert.equal(refused.kind, 'refused');
      if (refused.kind === 'refused') {
        assert.equal(refused.failure.kind, 'permanent');
        assert.equal(refused.failure.responseCode, 550);
        assert.match(refused.failure.response ?? '', /No such user/);
      }
      const uncomposable = outcomes[7]!;
      assert.equal(uncomposable.kind, 'uncomposable');
      if (uncomposable.kind === 'uncomposable') assert.match(uncomposable.reason, /not an e-mail address/);
      assert.equal(smtp.messages.length, 6, 'nothing else arrived');
    });

    it('sends under the settings a message was claimed with, and closes the old transport', async (t) => {
      const first = await server(t);
      const second = await server(t);
      const sender = make();
      t.after(() => sender.close());

      sender.configure(setupFor(first, 'v1'));
      const before = [sender.deliver(job('v1', 'a@example.org', 'Before')), sender.deliver(job('v1', 'b@example.org', 'Before'))];
      sender.configure(setupFor(second, 'v2'));
      const after = [sender.deliver(job('v2', 'c@example.org', 'After'))];
      const outcomes = await Promise.all([...before, ...after]);

      assert.deepEqual(outcomes.map((o) => o.kind), ['sent', 'sent', 'sent']);
      assert.deepEqual(first.messages.map((m) => m.parsed.subject), ['Before', 'Before']);
      assert.deepEqual(second.messages.map((m) => m.parsed.subject), ['After']);
      // The first settings' transport was closed after its last message: nothing can use it.
      const late = await sender.deliver(job('v1', 'd@example.org', 'Late'));
      assert.equal(late.kind, 'broken');
      assert.equal(first.messages.length, 2);
    });
  });
}

describe('sender threads', () => {
  it('answer the messages of a thread that died as broken, and start a new thread', async (t) => {
    const smtp = await server(t, { stallAt: 'data' });
    const sender = new ThreadSender(1, log);
    t.after(() => sender.close());
    sender.configure(setupFor(smtp, 'v1', 1));

    const stalled = sender.deliver(job('v1', 'a@example.org'));
    // Wait until the message reached the server, then kill the thread holding it.
    while (smtp.sessions === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    const { threads } = sender as unknown as { threads: { worker: Worker }[] };
    await threads[0]!.worker.terminate();
    const outcome = await stalled;
    assert.equal(outcome.kind, 'broken');
    if (outcome.kind === 'broken') assert.match(outcome.reason, /sender thread stopped/);

    const healthy = await server(t);
    sender.configure(setupFor(healthy, 'v2', 1));
    const next = await sender.deliver(job('v2', 'b@example.org', 'After the restart'));
    assert.equal(next.kind, 'sent', JSON.stringify(next));
    assert.equal(healthy.messages[0]?.parsed.subject, 'After the restart');
  });
});
