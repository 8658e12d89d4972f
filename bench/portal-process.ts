/**
 * A bench portal in a process of its own, so that its memory is the portal's alone and not the
 * bench client's. Run by `fork()` from queued-memory.ts and steered over the IPC channel:
 *
 *   parent → child   { type: 'memory' } | { type: 'start-worker' } | { type: 'stop' }
 *   child → parent   { type: 'ready', url } | { type: 'memory', memory } |
 *                    { type: 'worker-started' } | { type: 'stopped' } |
 *                    { type: 'sample', rss, heapUsed } (twice a second, unasked)
 *
 * The portal starts with PORTAL_WORKER=off; `start-worker` starts the delivery worker later,
 * as a restarted worker process would find a full outbox.
 */
import { startOutboxWorker } from '../src/modules/outbox/install.ts';
import { startBenchPortal } from './portal.ts';

/** Memory of the process, in bytes: now, and the highest seen since the last report. */
export interface MemoryReport {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  peakRss: number;
  peakHeapUsed: number;
  peakHeapTotal: number;
  /** The kernel's high-water mark of RSS since the process started (not sampled). */
  maxRss: number;
}

export type ParentMessage = { type: 'memory'; collect?: boolean } | { type: 'start-worker' } |
  { type: 'stop' };
export type ChildMessage =
  | { type: 'ready'; url: string }
  | { type: 'memory'; memory: MemoryReport }
  | { type: 'worker-started' }
  | { type: 'stopped' }
  | { type: 'sample'; rss: number; heapUsed: number };

async function main(): Promise<void> {
  const send = (message: ChildMessage) => process.send!(message);
  const pollMs = Number(process.env.BENCH_POLL_MS ?? 50);
  const bench = await startBenchPortal({ worker: false, pollMs });

  let peaks = { rss: 0, heapUsed: 0, heapTotal: 0 };
  const sample = () => {
    const usage = process.memoryUsage();
    peaks = {
      rss: Math.max(peaks.rss, usage.rss),
      heapUsed: Math.max(peaks.heapUsed, usage.heapUsed),
      heapTotal: Math.max(peaks.heapTotal, usage.heapTotal),
    };
    return usage;
  };
  let ticks = 0;
  const sampler = setInterval(() => {
    const usage = sample();
    ticks += 1;
    if (ticks % 10 === 0) send({ type: 'sample', rss: usage.rss, heapUsed: usage.heapUsed });
  }, 50);

  process.on('message', (message: ParentMessage) => {
    void (async () => {
      if (message.type === 'memory') {
        // A collection first, when asked, so that "at rest" means live objects only.
        if (message.collect) globalThis.gc?.();
        const usage = sample();
        const memory: MemoryReport = {
          rss: usage.rss,
          heapUsed: usage.heapUsed,
          heapTotal: usage.heapTotal,
          external: usage.external,
          peakRss: peaks.rss,
          peakHeapUsed: peaks.heapUsed,
          peakHeapTotal: peaks.heapTotal,
          maxRss: process.resourceUsage().maxRSS * 1024,
        };
        peaks = { rss: 0, heapUsed: 0, heapTotal: 0 };
        send({ type: 'memory', memory });
      } else if (message.type === 'start-worker') {
        startOutboxWorker(bench.running.portal);
        send({ type: 'worker-started' });
      } else {
        clearInterval(sampler);
        await bench.close();
        send({ type: 'stopped' });
        process.disconnect();
      }
    })();
  });
  send({ type: 'ready', url: bench.running.url });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
