/** The bench's command line. */
import { parseArgs } from 'node:util';

export const scenarios = ['a', 'b', 'c', 'memory', 'pacing'] as const;
export type Scenario = (typeof scenarios)[number];

export interface BenchOptions {
  /** Messages for (a), (b) and (c). */
  messages: number;
  /** Messages queued for the memory figure. */
  queued: number;
  /** CRM messages for the pacing figure. */
  pacing: number;
  /** Rounds of (a), (b), (c), run in turn; the medians are the figures. */
  rounds: number;
  /** Messages sent untimed by (b) and (c) before each timed run, so V8 has compiled the code. */
  warmup: number;
  /** The portal's sender threads (PORTAL_OUTBOX_THREADS); unset means the portal's default. */
  threads?: number;
  /** Let the queued messages drain after the memory figure, and time it. */
  drain: boolean;
  only: Set<Scenario>;
  /** Where the raw figures go; unset means the default for the run's size. */
  out?: string;
  /** Whether every size is the default one, so the run is a full one. */
  full: boolean;
}

export const defaults = { messages: 20_000, queued: 100_000, pacing: 500, rounds: 3, warmup: 2_000 };

export const usage = `Usage: npm run bench -- [options]

  --messages N   messages for (a) smtp-source, (b) the pool, (c) the portal (${defaults.messages})
  --queued N     messages queued for the memory figure (${defaults.queued})
  --pacing N     CRM messages for the pacing figure (${defaults.pacing})
  --rounds N     rounds of (a), (b), (c), taken in turn; medians are reported (${defaults.rounds})
  --warmup N     messages (b) and (c) send untimed before each timed run (${defaults.warmup})
  --threads N    the portal's sender threads, PORTAL_OUTBOX_THREADS (the portal's default)
  --drain        after the memory figure, start the worker and time the drain
  --only LIST    some of: ${scenarios.join(', ')} (comma-separated)
  --out FILE     write the raw figures here (default bench/results/latest.json for a
                 full run, bench/results/quick.json otherwise)
  --help         this text

A smoke run: npm run bench -- --messages 2000 --queued 10000 --pacing 100 --rounds 1`;

function count(text: string | undefined, fallback: number, name: string, min: number): number {
  if (text === undefined) return fallback;
  const value = Number(text.replace(/_/g, ''));
  if (!Number.isInteger(value) || value < min) {
    throw new Error(`--${name} must be a whole number of at least ${min}, not "${text}".`);
  }
  return value;
}

/** Reads the options; throws with a message for the person at the terminal. */
export function readOptions(argv: string[]): BenchOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      messages: { type: 'string' },
      queued: { type: 'string' },
      pacing: { type: 'string' },
      rounds: { type: 'string' },
      warmup: { type: 'string' },
      threads: { type: 'string' },
      drain: { type: 'boolean', default: false },
      only: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) return 'help';

  const only = new Set<Scenario>();
  for (const name of (values.only ?? scenarios.join(',')).split(',').map((s) => s.trim())) {
    if (!(scenarios as readonly string[]).includes(name)) {
      throw new Error(`--only knows ${scenarios.join(', ')}, not "${name}".`);
    }
    only.add(name as Scenario);
  }
  const options: BenchOptions = {
    messages: count(values.messages, defaults.messages, 'messages', 100),
    queued: count(values.queued, defaults.queued, 'queued', 1000),
    pacing: count(values.pacing, defaults.pacing, 'pacing', 10),
    rounds: count(values.rounds, defaults.rounds, 'rounds', 1),
    warmup: count(values.warmup, defaults.warmup, 'warmup', 0),
    ...(values.threads === undefined ? {} : { threads: count(values.threads, 0, 'threads', 0) }),
    drain: values.drain,
    only,
    ...(values.out ? { out: values.out } : {}),
    full: false,
  };
  options.full = options.messages === defaults.messages && options.queued === defaults.queued
    && options.pacing === defaults.pacing && options.rounds >= defaults.rounds
    && options.warmup === defaults.warmup && options.threads === undefined
    && only.size === scenarios.length;
  return options;
}
