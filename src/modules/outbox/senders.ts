/**
 * Where the worker's messages are composed and handed to SMTP: on its own thread, or on
 * sender threads so that nodemailer's work runs beside the database's on another core.
 *
 * The worker keeps the database, the claims, the verdicts and every decision; a sender
 * thread gets claimed messages and the settings they were claimed under over its port and
 * answers with what the server said. Messages go out in one `postMessage` a turn for each
 * thread, and answers come back in one a turn, so the cost a message stays small.
 */
import { Worker } from 'node:worker_threads';
import type { Logger } from '../../log.ts';
import { Deliverer, type DeliveryJob, type DeliveryOutcome, type SendSetup } from './delivery.ts';

export interface Sender {
  /** Gets ready to send: sender threads take about a second to load their code. */
  start(): void;
  /** Settings for the jobs delivered after this call. */
  configure(setup: SendSetup): void;
  deliver(job: DeliveryJob): Promise<DeliveryOutcome>;
  /** Call once nothing is in flight: closes the transports (and the threads). */
  close(): Promise<void>;
}

/** Messages between the worker and a sender thread. */
export type ToSender =
  | { type: 'configure'; setup: SendSetup }
  | { type: 'deliver'; jobs: [number, DeliveryJob][] }
  | { type: 'close' };
export type FromSender = { type: 'outcomes'; outcomes: [number, DeliveryOutcome][] };

/** Chooses where to send from: `threads` 0 means the worker's own thread. */
export function createSender(threads: number, log: Logger): Sender {
  return threads > 0 ? new ThreadSender(threads, log) : new InlineSender();
}

export class InlineSender implements Sender {
  private readonly deliverer = new Deliverer();

  start(): void {}

  configure(setup: SendSetup): void {
    this.deliverer.configure(setup);
  }

  deliver(job: DeliveryJob): Promise<DeliveryOutcome> {
    return this.deliverer.deliver(job);
  }

  async close(): Promise<void> {
    this.deliverer.closeAll();
  }
}

interface SenderThread {
  worker: Worker;
  /** Jobs handed over and not answered yet. */
  outstanding: number;
  /** Jobs to post at the end of this turn. */
  batch: [number, DeliveryJob][];
}

const THREAD_ENTRY = new URL('./sender-thread.mjs', import.meta.url);
/** How long a closing thread may take to say goodbye to its servers before it is stopped. */
const CLOSE_TIMEOUT_MS = 5_000;

export class ThreadSender implements Sender {
  private threads: (SenderThread | undefined)[];
  private setup?: SendSetup;
  private nextSeq = 1;
  private readonly waiting = new Map<number, { thread: SenderThread; resolve: (outcome: DeliveryOutcome) => void }>();
  private flushQueued = false;

  constructor(count: number, private readonly log: Logger) {
    this.threads = Array.from({ length: count }, () => undefined);
  }

  /** Starts every thread now rather than at the first message, which would wait for it. */
  start(): void {
    this.threads.forEach((thread, i) => {
      if (!thread) this.spawn(i);
    });
  }

  configure(setup: SendSetup): void {
    this.setup = setup;
    // Jobs given before belong to the settings before: they must reach their thread first.
    this.flush();
    // A thread started later is configured when it starts.
    this.threads.forEach((thread, i) => {
      if (thread) this.post(thread, { type: 'configure', setup: this.share(setup, i) });
    });
  }

  /** The settings for thread i: the connections are divided among the threads. */
  private share(setup: SendSetup, i: number): SendSetup {
    const total = setup.transport.maxConnections ?? 5;
    const count = this.threads.length;
    const connections = Math.max(1, Math.floor(total / count) + (i < total % count ? 1 : 0));
    return { ...setup, transport: { ...setup.transport, maxConnections: connections } };
  }

  deliver(job: DeliveryJob): Promise<DeliveryOutcome> {
    const thread = this.leastBusy();
    const seq = this.nextSeq++;
    thread.outstanding += 1;
    thread.batch.push([seq, job]);
    if (!this.flushQueued) {
      this.flushQueued = true;
      queueMicrotask(() => this.flush());
    }
    return new Promise((resolve) => this.waiting.set(seq, { thread, resolve }));
  }

  private leastBusy(): SenderThread {
    let best: SenderThread | undefined;
    for (let i = 0; i < this.threads.length; i += 1) {
      const thread = this.threads[i] ?? this.spawn(i);
      if (!best || thread.outstanding < best.outstanding) best = thread;
    }
    return best!;
  }

  private flush(): void {
    this.flushQueued = false;
    for (const thread of this.threads) {
      if (!thread || thread.batch.length === 0) continue;
      this.post(thread, { type: 'deliver', jobs: thread.batch });
      thread.batch = [];
    }
  }

  private post(thread: SenderThread, message: ToSender): void {
    thread.worker.postMessage(message);
  }

  private spawn(i: number): SenderThread {
    const worker = new Worker(THREAD_ENTRY);
    const thread: SenderThread = { worker, outstanding: 0, batch: [] };
    this.threads[i] = thread;
    if (this.setup) this.post(thread, { type: 'configure', setup: this.share(this.setup, i) });
    worker.on('message', (message: FromSender) => {
      for (const [seq, outcome] of message.outcomes) this.answer(seq, outcome);
    });
    worker.on('error', (error) => this.log.error({ err: error, thread: i }, 'sender thread failed'));
    worker.on('exit', (code) => {
      if (this.threads[i] === thread) this.threads[i] = undefined;
      this.abandon(thread, `the sender thread stopped (exit code ${code})`);
    });
    return thread;
  }

  private answer(seq: number, outcome: DeliveryOutcome): void {
    const waiting = this.waiting.get(seq);
    if (!waiting) return;
    this.waiting.delete(seq);
    waiting.thread.outstanding -= 1;
    waiting.resolve(outcome);
  }

  /**
   * A thread that died leaves its messages unanswered. Whether the server took them is
   * unknown, so they are tried again later: at least once.
   */
  private abandon(thread: SenderThread, reason: string): void {
    const at = new Date().toISOString();
    for (const [seq, waiting] of this.waiting) {
      if (waiting.thread === thread) this.answer(seq, { kind: 'broken', at, ms: 0, target: [], reason });
    }
  }

  async close(): Promise<void> {
    const running = this.threads.filter((thread): thread is SenderThread => thread !== undefined);
    this.threads = this.threads.map(() => undefined);
    await Promise.all(running.map(async ({ worker }) => {
      const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      worker.postMessage({ type: 'close' } satisfies ToSender);
      const timer = setTimeout(() => void worker.terminate(), CLOSE_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    }));
  }
}
