/**
 * Memory with a full outbox: a portal in a process of its own, worker off, takes `queued`
 * messages through the batch API; its RSS and heap are sampled while it does and measured
 * at rest afterwards. Optionally the worker then starts and drains the outbox into smtp-sink.
 * This is also where the enqueue rate without a worker competing is measured.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { PortalClient } from './client.ts';
import {
  benchAdmin,
  configureSmtp,
  enqueueMessages,
  waitUntilSent,
  type EnqueueResult,
} from './portal.ts';
import type { ChildMessage, MemoryReport, ParentMessage } from './portal-process.ts';
import { progress } from './progress.ts';
import type { SmtpSink } from './smtp-sink.ts';

export interface QueuedMemoryResult {
  queued: number;
  idle: MemoryReport;
  /** Peaks while the batches came in. */
  enqueueing: MemoryReport;
  /** After the last batch and a full collection: what 100,000 queued messages cost at rest. */
  atRest: MemoryReport;
  /** Peaks while the worker drained the outbox, when it did. */
  draining?: MemoryReport;
  enqueue: EnqueueResult;
  drain?: { ms: number; perSecond: number };
  /** The highest RSS of the portal process up to the queue being full and at rest, worker
   * off (the kernel's high-water mark, so no peak falls between samples). */
  peakRssBytes: number;
  /** The highest heap in use over the same time, sampled every 50 ms. */
  peakHeapBytes: number;
}

/** The child, and a way to ask it something and wait for the answer; one question at a time. */
class PortalProcess {
  private readonly child: ChildProcess;
  private readonly waiting = new Map<string, (message: ChildMessage) => void>();
  readonly exited: Promise<number | null>;
  /** The RSS the child last reported of its own accord. */
  latestRss = 0;

  constructor(env: Record<string, string>) {
    this.child = fork(new URL('./portal-process.ts', import.meta.url).pathname, [], {
      // Not the parent's flags: a --cpu-prof of the bench is not meant for the child.
      execArgv: ['--import', 'tsx', '--expose-gc'],
      env: { ...process.env, ...env },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.child.on('message', (message: ChildMessage) => {
      if (message.type === 'sample') this.latestRss = message.rss;
      const resolve = this.waiting.get(message.type);
      this.waiting.delete(message.type);
      resolve?.(message);
    });
    this.exited = new Promise((resolve) => this.child.once('exit', resolve));
  }

  next<T extends ChildMessage['type']>(type: T): Promise<Extract<ChildMessage, { type: T }>> {
    const answer = new Promise<ChildMessage>((resolve) => this.waiting.set(type, resolve));
    const exit = this.exited.then((code) => {
      throw new Error(`the portal process exited (code ${code}) before answering ${type}`);
    });
    return Promise.race([answer, exit]) as Promise<Extract<ChildMessage, { type: T }>>;
  }

  ask<T extends ChildMessage['type']>(message: ParentMessage, answer: T) {
    const reply = this.next(answer);
    this.child.send(message);
    return reply;
  }

  async memory(collect = false): Promise<MemoryReport> {
    return (await this.ask({ type: 'memory', collect }, 'memory')).memory;
  }

  kill(): void {
    if (this.child.exitCode === null) this.child.kill();
  }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function runQueuedMemory(
  sink: SmtpSink,
  queued: number,
  drain: boolean,
  pollMs: number,
): Promise<QueuedMemoryResult> {
  const shown = progress('(memory)');
  const portal = new PortalProcess({ BENCH_POLL_MS: String(pollMs) });
  try {
    const { url } = await portal.next('ready');
    const client = new PortalClient(url);
    await client.post('/api/auth/sign-in', benchAdmin);
    await configureSmtp(client, sink.address);
    await pause(500);
    const idle = await portal.memory(true);

    const enqueue = await enqueueMessages(client, queued, 'account', (accepted) => {
      shown.update(`enqueued ${accepted}/${queued}, worker off  RSS ${mb(portal.latestRss)}`);
    });
    const enqueueing = await portal.memory();
    await pause(1000);
    const atRest = await portal.memory(true);
    shown.update(`${queued} queued  RSS ${mb(atRest.rss)} at rest`);

    let draining: MemoryReport | undefined;
    let drained: QueuedMemoryResult['drain'];
    if (drain) {
      await portal.memory();
      await portal.ask({ type: 'start-worker' }, 'worker-started');
      const started = Date.now();
      await waitUntilSent(client, queued, (stats) => {
        shown.update(`draining: sent ${stats.counts.sent}/${queued}`);
      }, 500);
      const ms = Date.now() - started;
      drained = { ms, perSecond: (queued * 1000) / ms };
      draining = await portal.memory();
    }
    await portal.ask({ type: 'stop' }, 'stopped');

    const result: QueuedMemoryResult = {
      queued,
      idle,
      enqueueing,
      atRest,
      ...(draining ? { draining } : {}),
      enqueue,
      ...(drained ? { drain: drained } : {}),
      peakRssBytes: atRest.maxRss,
      peakHeapBytes: Math.max(enqueueing.peakHeapUsed, atRest.peakHeapUsed),
    };
    shown.done(`${queued} queued: peak RSS ${mb(result.peakRssBytes)}, `
      + `peak heap ${mb(result.peakHeapBytes)}, at rest ${mb(atRest.rss)}`);
    return result;
  } finally {
    portal.kill();
    await portal.exited;
  }
}

export function mb(bytes: number): string {
  return `${Math.round(bytes / 1_048_576)} MB`;
}
