/**
 * (b) The ceiling for the portal: a bare nodemailer pool, made by the portal's own
 * `createMailTransport` with the options the outbox worker uses, sending as fast as it can
 * with as many messages in flight as the worker allows itself. No database, no HTTP.
 */
import { randomUUID } from 'node:crypto';
import type { SMTPSentMessageInfo, Transporter } from 'nodemailer';
import { createMailTransport, type TransportExtras } from '../src/modules/mail/transport.ts';
import { defaultEmailSettings, type SmtpSettings } from '../src/modules/settings/schema.ts';
import { accountAddress, body, recipient } from './message.ts';
import { progress } from './progress.ts';
import type { SmtpSink } from './smtp-sink.ts';
import { cpuMicros } from './stats.ts';

export interface PoolResult {
  messages: number;
  connections: number;
  inFlight: number;
  ms: number;
  perSecond: number;
  /** CPU time of this process (user and system), per message. */
  cpuUsPerMessage: number;
}

/** The transport options of OutboxWorker.currentSetup (src/modules/outbox/worker.ts). */
export function workerTransportExtras(connections: number): TransportExtras {
  return {
    pool: true,
    maxConnections: connections,
    maxMessages: 10_000,
    connectionTimeoutMs: 15_000,
    greetingTimeoutMs: 15_000,
    socketTimeoutMs: 120_000,
  };
}

/** Not Secured settings for a server on the loopback interface. */
export function sinkSettings(address: string): SmtpSettings {
  return {
    ...defaultEmailSettings,
    smtpServer: address,
    emailAddress: accountAddress,
    connectionType: 'none',
    password: '',
  };
}

/** The fields the worker hands to sendMail for a message signed by a user. */
function messageFor(i: number) {
  return {
    envelope: { from: accountAddress, to: [recipient(i)] },
    from: { name: 'Bench User', address: accountAddress },
    replyTo: 'bench.user@bench.example',
    to: [recipient(i)],
    subject: `Bench message ${i}`,
    text: body,
    messageId: `<${randomUUID()}@bench.example>`,
  };
}

/** Sends `messages` through the transport with `inFlight` promises open at a time. */
function sendAll(
  transport: Transporter<SMTPSentMessageInfo>,
  messages: number,
  inFlight: number,
  onSent: (sent: number) => void,
): Promise<void> {
  let next = 0;
  let sent = 0;
  return new Promise<void>((resolve, reject) => {
    const sendNext = (): void => {
      if (next >= messages) return;
      const i = next;
      next += 1;
      transport.sendMail(messageFor(i)).then(() => {
        sent += 1;
        onSent(sent);
        if (sent === messages) resolve();
        else sendNext();
      }, reject);
    };
    for (let k = 0; k < Math.min(inFlight, messages); k += 1) sendNext();
  });
}

export async function runNodemailerPool(
  sink: SmtpSink,
  messages: number,
  connections: number,
  inFlight: number,
  warmup: number,
): Promise<PoolResult> {
  const shown = progress('(b) nodemailer pool');
  const transport: Transporter<SMTPSentMessageInfo> = createMailTransport(
    sinkSettings(sink.address),
    workerTransportExtras(connections),
  );
  let ms: number;
  let cpuUsPerMessage: number;
  try {
    if (warmup > 0) {
      await sendAll(transport, warmup, inFlight, (sent) => shown.update(`warm-up ${sent}/${warmup}`));
    }
    const started = performance.now();
    const cpu = process.cpuUsage();
    await sendAll(transport, messages, inFlight, (sent) => shown.update(`sent ${sent}/${messages}`));
    ms = performance.now() - started;
    cpuUsPerMessage = cpuMicros(process.cpuUsage(cpu)) / messages;
  } finally {
    transport.close();
  }
  const perSecond = (messages * 1000) / ms;
  shown.done(`sent ${messages}/${messages}: ${Math.round(perSecond)} msg/s`);
  return { messages, connections, inFlight, ms, perSecond, cpuUsPerMessage };
}
