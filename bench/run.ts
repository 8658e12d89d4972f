/**
 * `npm run bench`: the outbox's throughput, latency, memory and pacing on this machine, side
 * by side with what the machine and nodemailer can do without the portal. Progress goes to
 * stderr, the summary table to stdout, the raw figures to bench/results/ as JSON.
 *
 * See docs/benchmarks.md for what each figure means and the results of the last full run.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, relative } from 'node:path';
import { loadConfig } from '../src/config.ts';
import { runEndToEnd, type EndToEndResult } from './end-to-end.ts';
import { bodyBytes } from './message.ts';
import { startNodeSink } from './node-sink.ts';
import { runNodemailerPool, type PoolResult } from './nodemailer-pool.ts';
import { readOptions, usage, type BenchOptions } from './options.ts';
import { runPacing, type PacingResult } from './pacing.ts';
import { runSmtpSource, type SourceResult } from './postfix.ts';
import { note } from './progress.ts';
import { runQueuedMemory, type QueuedMemoryResult } from './queued-memory.ts';
import { missingPostfixTools, startSmtpSink, type SmtpSink } from './smtp-sink.ts';
import { median } from './stats.ts';
import { summaryTable } from './summary.ts';

/** SMTP connections and messages in flight: the worker's defaults (5, and 20 a connection). */
const connections = 5;
const inFlight = connections * 20;
/** PORTAL_OUTBOX_POLL_MS for every portal the bench starts. */
const pollMs = 50;
const pacingRule = { bulkSize: 50, intervalSeconds: 1 };

export interface BenchResults {
  date: string;
  /** The commit measured, and whether src/ had changes not committed. */
  source: { commit: string; uncommittedChanges: boolean };
  machine: {
    cpus: number;
    cpuModel: string;
    memoryBytes: number;
    node: string;
    platform: string;
    /** 1-minute load average when the run started and ended: others' work skews figures. */
    loadAverage: { start: number; end: number };
    sink: 'smtp-sink' | 'smtp-server stand-in';
  };
  parameters: {
    messages: number;
    bodyBytes: number;
    connections: number;
    inFlight: number;
    pollMs: number;
    rounds: number;
    /** Messages (b) and (c) sent untimed before each timed run. */
    warmup: number;
    /** The portal's sender threads (PORTAL_OUTBOX_THREADS). */
    threads: number;
    queued: number;
    pacing: { messages: number; bulkSize: number; intervalSeconds: number };
  };
  skipped: { a?: string };
  a?: { runs: SourceResult[]; perSecond: number };
  b?: { runs: PoolResult[]; perSecond: number; cpuUsPerMessage: number };
  c?: {
    runs: EndToEndResult[];
    perSecond: number;
    cpuUsPerMessage: number;
    enqueuePerSecond: number;
    latencyMs: { p50: number; p99: number };
    lightLoadMs: { p50: number; p99: number };
  };
  /** Medians of the ratios within each round, so that a round's load affects both sides. */
  ratios: { cOverB?: number; cOverBByCpu?: number; bOverA?: number };
  memory?: QueuedMemoryResult;
  pacing?: PacingResult;
}

type SinkKind = BenchResults['machine']['sink'];

/** smtp-sink when Postfix is installed; otherwise a stand-in, and (a) is skipped. */
async function openSink(
  skipped: BenchResults['skipped'],
): Promise<{ sink: SmtpSink; kind: SinkKind }> {
  const missing = missingPostfixTools();
  if (missing.length === 0) return { sink: await startSmtpSink(), kind: 'smtp-sink' };
  skipped.a = `${missing.join(' and ')} missing: apt-get install -y postfix`;
  note(`Skipping (a): ${missing.join(' and ')} not found. Install Postfix's test tools with`);
  note('  apt-get install -y postfix');
  note('(b) and (c) send into a stand-in sink (smtp-server in a process of its own); their');
  note('figures are lower than with smtp-sink and not comparable with docs/benchmarks.md.');
  return { sink: await startNodeSink(), kind: 'smtp-server stand-in' };
}

async function runRounds(options: BenchOptions, sink: SmtpSink, results: BenchResults) {
  const { only, messages, rounds, warmup, threads } = options;
  const a: SourceResult[] = [];
  const b: PoolResult[] = [];
  const c: EndToEndResult[] = [];
  for (let round = 1; round <= rounds; round += 1) {
    if (rounds > 1) note(`round ${round} of ${rounds}`);
    if (only.has('a') && !results.skipped.a) {
      a.push(await runSmtpSource(sink, messages, connections));
    }
    if (only.has('b')) b.push(await runNodemailerPool(sink, messages, connections, inFlight, warmup));
    if (only.has('c')) c.push(await runEndToEnd(sink, { messages, warmup, pollMs, threads }));
  }

  if (a.length > 0) results.a = { runs: a, perSecond: median(a.map((r) => r.perSecond)) };
  if (b.length > 0) {
    results.b = {
      runs: b,
      perSecond: median(b.map((r) => r.perSecond)),
      cpuUsPerMessage: median(b.map((r) => r.cpuUsPerMessage)),
    };
  }
  if (c.length > 0) {
    results.c = {
      runs: c,
      perSecond: median(c.map((r) => r.perSecond)),
      cpuUsPerMessage: median(c.map((r) => r.cpuUsPerMessage)),
      enqueuePerSecond: median(c.map((r) => r.enqueue.perSecond)),
      latencyMs: {
        p50: median(c.map((r) => r.latencyMs.p50)),
        p99: median(c.map((r) => r.latencyMs.p99)),
      },
      lightLoadMs: {
        p50: median(c.map((r) => r.lightLoad.latencyMs.p50)),
        p99: median(c.map((r) => r.lightLoad.latencyMs.p99)),
      },
    };
  }
  const paired = <T, U>(xs: T[], ys: U[], ratio: (x: T, y: U) => number) => {
    if (xs.length === 0 || xs.length !== ys.length) return undefined;
    return median(xs.map((x, i) => ratio(x, ys[i]!)));
  };
  const ratios = {
    cOverB: paired(c, b, (x, y) => x.perSecond / y.perSecond),
    cOverBByCpu: paired(c, b, (x, y) => y.cpuUsPerMessage / x.cpuUsPerMessage),
    bOverA: paired(b, a, (x, y) => x.perSecond / y.perSecond),
  };
  for (const [name, value] of Object.entries(ratios)) {
    if (value !== undefined) results.ratios[name as keyof typeof ratios] = value;
  }
}

function sourceVersion(): BenchResults['source'] {
  const git = (...args: string[]) =>
    execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  try {
    return { commit: git('rev-parse', '--short', 'HEAD'),
      uncommittedChanges: git('status', '--porcelain', '--', 'src').length > 0 };
  } catch {
    return { commit: 'unknown', uncommittedChanges: false };
  }
}

function outputPath(options: BenchOptions): string {
  if (options.out) return options.out;
  const name = options.full ? 'latest.json' : 'quick.json';
  return new URL(`./results/${name}`, import.meta.url).pathname;
}

async function main(): Promise<void> {
  const options = readOptions(process.argv.slice(2));
  if (options === 'help') {
    console.log(usage);
    return;
  }
  const results: BenchResults = {
    date: new Date().toISOString(),
    source: sourceVersion(),
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
      memoryBytes: os.totalmem(),
      node: process.version,
      platform: `${os.type()} ${os.release()} ${os.arch()}`,
      loadAverage: { start: os.loadavg()[0]!, end: 0 },
      sink: 'smtp-sink',
    },
    parameters: {
      messages: options.messages,
      bodyBytes,
      connections,
      inFlight,
      pollMs,
      rounds: options.rounds,
      warmup: options.warmup,
      threads: options.threads ?? loadConfig({}).outbox.threads,
      queued: options.queued,
      pacing: { messages: options.pacing, ...pacingRule },
    },
    skipped: {},
    ratios: {},
  };
  if (results.machine.loadAverage.start > results.machine.cpus / 2) {
    note(`The load average is ${results.machine.loadAverage.start.toFixed(1)} on `
      + `${results.machine.cpus} cores: other work will skew the figures.`);
  }

  const { sink, kind } = await openSink(results.skipped);
  results.machine.sink = kind;
  try {
    await runRounds(options, sink, results);
    if (options.only.has('memory')) {
      results.memory = await runQueuedMemory(sink, options.queued, options.drain, pollMs);
    }
    if (options.only.has('pacing')) {
      results.pacing = await runPacing(options.pacing, pacingRule.bulkSize,
        pacingRule.intervalSeconds, pollMs);
    }
  } finally {
    await sink.stop();
  }
  results.machine.loadAverage.end = os.loadavg()[0]!;

  const out = outputPath(options);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nHome Portal bench, ${results.date.slice(0, 10)}: ${options.messages} messages of `
    + `${bodyBytes} bytes after a warm-up of ${options.warmup}, `
    + `${results.parameters.threads} sender thread(s), commit ${results.source.commit}`
    + `${results.source.uncommittedChanges ? ' (src/ changed)' : ''}, `
    + `${results.machine.cpus} × ${results.machine.cpuModel}, Node `
    + `${process.version}, load ${results.machine.loadAverage.start.toFixed(1)} → `
    + `${results.machine.loadAverage.end.toFixed(1)}\n`);
  console.log(summaryTable(results));
  console.log(`\nRaw figures: ${relative(process.cwd(), out)}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
