/**
 * Real portal processes for tests: `npm start`'s entry point (HTTP server and worker) or
 * `portal worker` (the worker alone), each a child process with an environment of its own,
 * read through its JSON log lines. Every process started here is killed by `stopAll()`, and
 * by SIGKILL when the test process exits, so that no child outlives a failed test.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import pg from 'pg';
import { dropSchema, postgresUrl } from './db.ts';

const repoRoot = new URL('../..', import.meta.url).pathname;

export type PortalProcessKind = 'server' | 'worker';

export interface LogLine {
  msg?: string;
  level?: number;
  [field: string]: unknown;
}

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface PortalProcess {
  readonly kind: PortalProcessKind;
  readonly pid: number;
  /** Where a server listens, e.g. http://127.0.0.1:41234; undefined for a worker. */
  readonly url?: string;
  /** The id its delivery worker records in `outbox_attempts.worker`. */
  readonly workerId?: string;
  /** Every JSON line it logged so far. */
  readonly logs: LogLine[];
  /** Resolves when the process has exited. */
  readonly exited: Promise<ProcessExit>;
  kill(signal: NodeJS.Signals): void;
  /** SIGTERM, then SIGKILL if it has not exited after `graceMs`. */
  stop(graceMs?: number): Promise<ProcessExit>;
}

export interface SpawnOptions {
  /** The portal's configuration: PORTAL_DATA_DIR, DATABASE_URL, PORTAL_OUTBOX_* … */
  env: Record<string, string>;
  /** How long to wait for the process to be ready. */
  readyTimeoutMs?: number;
}

const started = new Set<ChildProcess>();

process.once('exit', () => {
  for (const child of started) child.kill('SIGKILL');
});

/** The parent's environment without the portal's own variables, so only `env` configures. */
function baseEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (/^(PORTAL_|DATABASE_URL$|PORT$|HOST$|LOG_LEVEL$)/.test(name)) continue;
    env[name] = value;
  }
  return env;
}

function commandOf(kind: PortalProcessKind): string[] {
  return kind === 'server'
    ? ['--import', 'tsx', join(repoRoot, 'src/main.ts')]
    : [join(repoRoot, 'bin/portal.js'), 'worker'];
}

/**
 * Starts a portal process and resolves once it is ready: a server when it listens, a worker
 * when its delivery worker started. Rejects, with the end of its stderr, if it exits first.
 */
export async function spawnPortal(
  kind: PortalProcessKind,
  options: SpawnOptions,
): Promise<PortalProcess> {
  const child = spawn(process.execPath, commandOf(kind), {
    cwd: repoRoot,
    env: { ...baseEnv(), LOG_LEVEL: 'info', PORT: '0', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.add(child);
  const exited = new Promise<ProcessExit>((resolve) => {
    child.once('exit', (code, signal) => {
      started.delete(child);
      resolve({ code, signal });
    });
  });

  const logs: LogLine[] = [];
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const ready = new Promise<{ url?: string; workerId?: string }>((resolve, reject) => {
    // A server logs that it listens after its worker started, a worker only the latter.
    let workerId: string | undefined;
    createInterface({ input: child.stdout! }).on('line', (text) => {
      const line = parseLine(text);
      if (!line) return;
      logs.push(line);
      if (line.msg === 'outbox worker started') workerId = String(line.worker);
      if (kind === 'worker' && workerId) resolve({ workerId });
      if (kind === 'server' && line.msg === 'portal listening') {
        resolve({ url: String(line.url), workerId });
      }
    });
    void exited.then(({ code, signal }) => {
      const how = signal ?? code;
      reject(new Error(`portal ${kind} exited (${how}) before it was ready:\n${stderr}`));
    });
  });

  // Generous: every portal's migrations on one PostgreSQL database wait for one lock.
  const timeoutMs = options.readyTimeoutMs ?? 45_000;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const last = logs.at(-1)?.msg ?? 'nothing';
      reject(new Error(`portal ${kind} not ready in ${timeoutMs} ms; it logged ${last} last`));
    }, timeoutMs);
  });
  try {
    const { url, workerId } = await Promise.race([ready, timeout]);
    return {
      kind,
      pid: child.pid!,
      url,
      workerId,
      logs,
      exited,
      kill: (signal) => void child.kill(signal),
      stop: (graceMs) => stopChild(child, exited, graceMs),
    };
  } catch (error) {
    child.kill('SIGKILL');
    await exited;
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

function parseLine(text: string): LogLine | undefined {
  if (!text.startsWith('{')) return undefined;
  try {
    return JSON.parse(text) as LogLine;
  } catch {
    return undefined;
  }
}

async function stopChild(
  child: ChildProcess,
  exited: Promise<ProcessExit>,
  graceMs = 10_000,
): Promise<ProcessExit> {
  if (child.exitCode !== null || child.signalCode !== null) return exited;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  try {
    return await exited;
  } finally {
    clearTimeout(timer);
  }
}

/** Kills every portal process still running (SIGKILL) and waits for each to exit. */
export async function stopAll(): Promise<void> {
  const waits = [...started].map((child) => new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  }));
  await Promise.all(waits);
}

/** Runs a `portal` command to its end with the given configuration; resolves to its stdout. */
export async function portalCommand(args: string[], env: Record<string, string>): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath,
    [join(repoRoot, 'bin/portal.js'), ...args],
    { cwd: repoRoot, env: { ...baseEnv(), LOG_LEVEL: 'silent', ...env }, timeout: 30_000 });
  return stdout;
}

/** A data folder for one process; `rmSync` it in cleanup. */
export function tempDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'portal-process-'));
}

export function removeDataDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** A key for PORTAL_SECRET_KEY, to share between the processes of one test. */
export function newSecretKey(): string {
  return randomBytes(32).toString('hex');
}

export interface TestSchema {
  schema: string;
  /** PORTAL_TEST_DATABASE_URL with `options=-c search_path=<schema>`: what a child is given. */
  databaseUrl: string;
  drop(): Promise<void>;
}

/**
 * A fresh PostgreSQL schema and a DATABASE_URL that works in it. pg passes the URL's
 * `options` parameter to the server at connect time, so no setting of the portal is needed.
 * The schema must exist before a portal connects: an unknown one leaves no current schema.
 */
export async function createTestSchema(): Promise<TestSchema> {
  if (!postgresUrl) throw new Error('PORTAL_TEST_DATABASE_URL is not set');
  const schema = `p_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    await client.query(`create schema ${schema}`);
  } finally {
    await client.end();
  }
  const databaseUrl = withSearchPath(postgresUrl, schema);
  return { schema, databaseUrl, drop: () => dropSchema(schema) };
}

/** A PostgreSQL URL whose connections use `schema` first. */
export function withSearchPath(url: string, schema: string): string {
  const separator = url.includes('?') ? '&' : '?';
  return `${url}${separator}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
}
