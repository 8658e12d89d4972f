/**
 * (c) The portal end to end, on one process with SQLite: messages enqueued over HTTP through
 * the batch API by a signed-in administrator, claimed, composed and sent by the outbox worker
 * into smtp-sink, and recorded as sent. The clock runs from the first batch request to the
 * last `sent_at` in the database.
 */
import { body, recipient } from './message.ts';
import {
  configureSmtp,
  enqueueMessages,
  startBenchPortal,
  waitUntilSent,
  type BenchPortal,
  type EnqueueResult,
} from './portal.ts';
import { note, progress } from './progress.ts';
import type { SmtpSink } from './smtp-sink.ts';
import { cpuMicros, maxOf, percentile } from './stats.ts';

export interface Latency {
  p50: number;
  p99: number;
  max: number;
}

export interface EndToEndResult {
  messages: number;
  ms: number;
  perSecond: number;
  enqueue: EnqueueResult;
  /** Enqueue (`created_at`) to recorded as sent (`sent_at`), from the database. */
  latencyMs: Latency;
  /** The same for single messages sent one at a time into an empty queue, after the burst. */
  lightLoad: { messages: number; gapMs: number; latencyMs: Latency };
  /** CPU time of this process (portal and bench client; user and system), per message. */
  cpuUsPerMessage: number;
  /** RSS and heap of this process (the portal and the bench client), sampled. */
  peakRssBytes: number;
  peakHeapBytes: number;
}

export interface EndToEndOptions {
  messages: number;
  /** Messages sent through the same portal, untimed, before the timed ones. */
  warmup: number;
  pollMs: number;
  /** PORTAL_OUTBOX_THREADS; unset leaves the portal's default. */
  threads?: number;
}

export async function runEndToEnd(sink: SmtpSink, options: EndToEndOptions): Promise<EndToEndResult> {
  const { messages, warmup, pollMs, threads } = options;
  const shown = progress('(c) portal');
  const env: Record<string, string> = threads === undefined ? {} : { PORTAL_OUTBOX_THREADS: String(threads) };
  const bench = await startBenchPortal({ worker: true, pollMs, env });
  let peakRssBytes = 0;
  let peakHeapBytes = 0;
  let failed = true;
  const sampler = setInterval(() => {
    const usage = process.memoryUsage();
    peakRssBytes = Math.max(peakRssBytes, usage.rss);
    peakHeapBytes = Math.max(peakHeapBytes, usage.heapUsed);
  }, 100);

  try {
    await configureSmtp(bench.client, sink.address);
    if (warmup > 0) {
      await enqueueMessages(bench.client, warmup, 'account');
      await waitUntilSent(bench.client, warmup, (stats) => {
        shown.update(`warm-up ${stats.counts.sent}/${warmup}`);
      });
    }
    let accepted = 0;
    let sent = 0;
    const show = () => shown.update(`sent ${sent}/${messages}  enqueued ${accepted}/${messages}`);

    const started = Date.now();
    const cpu = process.cpuUsage();
    const enqueued = enqueueMessages(bench.client, messages, 'account', (count) => {
      accepted = count;
      show();
    });
    const done = waitUntilSent(bench.client, warmup + messages, (stats) => {
      sent = stats.counts.sent - warmup;
      show();
    });
    const [enqueue] = await Promise.all([enqueued, done]);
    const cpuUsPerMessage = cpuMicros(process.cpuUsage(cpu)) / messages;

    const rows = await bench.running.portal.db.selectFrom('outbox_messages')
      .select(['created_at', 'sent_at']).where('created_at', '>=', new Date(started).toISOString())
      .execute();
    if (rows.length !== messages) throw new Error(`found ${rows.length} of ${messages} timed messages`);
    const sentTimes = rows.map((row) => Date.parse(row.sent_at!));
    const latencies = rows.map((row, i) => sentTimes[i]! - Date.parse(row.created_at));
    const ms = maxOf(sentTimes) - started;
    const perSecond = (messages * 1000) / ms;
    shown.done(`sent ${messages}/${messages}: ${Math.round(perSecond)} msg/s`);
    const lightLoad = await runLightLoad(bench, warmup + messages);
    failed = false;
    return {
      messages,
      ms,
      perSecond,
      enqueue,
      cpuUsPerMessage,
      latencyMs: summarise(latencies),
      lightLoad,
      peakRssBytes,
      peakHeapBytes,
    };
  } finally {
    clearInterval(sampler);
    await bench.close({ keep: failed });
    if (failed) note(`(c) failed; the portal's log is kept: ${bench.logFile}`);
  }
}

function summarise(latencies: number[]): Latency {
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: maxOf(latencies) };
}

/**
 * Latency without a queue: single messages through `POST /api/mail/messages`, one every
 * `gapMs`, as password resets come. This is the worker's wake-up, claim, send and the wait for
 * its verdicts to be written, with nothing ahead of the message.
 */
async function runLightLoad(bench: BenchPortal, alreadySent: number, count = 200, gapMs = 20) {
  const shown = progress('(c) light load');
  const ids: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const answer = await bench.client.post<{ id: string }>('/api/mail/messages', {
      to: recipient(i),
      subject: `Password reset ${i}`,
      text: body,
      lane: 'account',
    });
    ids.push(answer.id);
    shown.update(`enqueued ${i + 1}/${count}, one every ${gapMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, gapMs));
  }
  await waitUntilSent(bench.client, alreadySent + count, () => {}, 50);
  const rows = await bench.running.portal.db.selectFrom('outbox_messages')
    .select(['created_at', 'sent_at']).where('id', 'in', ids).execute();
  const latencies = rows.map((row) => Date.parse(row.sent_at!) - Date.parse(row.created_at));
  const result = { messages: count, gapMs, latencyMs: summarise(latencies) };
  const { p50, p99 } = result.latencyMs;
  shown.done(`${count} single messages: p50 ${p50} ms, p99 ${p99} ms`);
  return result;
}
