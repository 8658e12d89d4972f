/**
 * The embedded database: one better-sqlite3 connection in WAL mode, with two changes to how
 * Kysely would use it alone.
 *
 * - Prepared statements are kept and reused: Kysely's driver prepares every statement anew,
 *   and the outbox runs the same few thousands of times a minute.
 * - WAL checkpoints run on a thread of their own. SQLite would otherwise run them inside the
 *   commit that takes the log past 1,000 pages, and wait there for the disk, on the event loop.
 */
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect, type SqliteDatabase, type SqliteStatement } from 'kysely';
import type { Database } from './schema.ts';

/** Distinct statements kept at once; the least recently used is dropped past this. */
const STATEMENT_CACHE_SIZE = 500;
/** How often the checkpoint thread copies the log back into the database file. */
const CHECKPOINT_INTERVAL_MS = 250;

export function databaseFile(dataDir: string): string {
  return join(dataDir, 'portal.sqlite');
}

export interface SqliteHandle {
  db: Kysely<Database>;
  close(): Promise<void>;
}

export function openSqlite(dataDir: string): SqliteHandle {
  mkdirSync(dataDir, { recursive: true });
  const file = databaseFile(dataDir);
  const database = new SQLite(file);
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('busy_timeout = 5000');
  database.pragma('foreign_keys = ON');

  const checkpointer = startCheckpointer(file, () => {
    // Without the thread, SQLite's own checkpoints take over again.
    if (database.open) database.pragma('wal_autocheckpoint = 1000');
  });
  if (checkpointer) database.pragma('wal_autocheckpoint = 0');

  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(database) }) });
  return {
    db,
    async close() {
      await checkpointer?.stop();
      await db.destroy();
    },
  };
}

/** The connection as Kysely sees it, handing out a kept statement for SQL it has seen. */
function withStatementCache(database: SQLite.Database): SqliteDatabase {
  const statements = new Map<string, SQLite.Statement>();
  return {
    prepare(source: string): SqliteStatement {
      const kept = statements.get(source);
      if (kept) {
        statements.delete(source);
        statements.set(source, kept);
        return kept as unknown as SqliteStatement;
      }
      const statement = database.prepare(source);
      statements.set(source, statement);
      if (statements.size > STATEMENT_CACHE_SIZE) statements.delete(statements.keys().next().value!);
      return statement as unknown as SqliteStatement;
    },
    close() {
      statements.clear();
      database.close();
    },
  };
}

interface Checkpointer {
  stop(): Promise<void>;
}

/**
 * A thread with its own connection that runs a passive checkpoint every quarter second: it
 * copies what it can without waiting for the writer or readers, and its fsync waits there.
 * The thread is plain JavaScript so it needs no TypeScript loader.
 */
function startCheckpointer(file: string, onFailure: () => void): Checkpointer | undefined {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  let worker: Worker;
  try {
    worker = new Worker(CHECKPOINT_THREAD, {
      eval: true,
      workerData: { driver, file, intervalMs: CHECKPOINT_INTERVAL_MS },
      // A few MB are plenty: the thread holds one connection and no data.
      resourceLimits: { maxOldGenerationSizeMb: 16 },
    });
  } catch {
    return undefined;
  }
  let stopping = false;
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  worker.on('error', () => onFailure());
  worker.on('exit', () => {
    if (!stopping) onFailure();
  });
  worker.unref();
  return {
    async stop() {
      stopping = true;
      // Unreferenced, the thread would not keep the process alive until it has finished.
      worker.ref();
      worker.postMessage('stop');
      await exited;
    },
  };
}

const CHECKPOINT_THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const SQLite = require(workerData.driver);
const database = new SQLite(workerData.file);
database.pragma('busy_timeout = 0');
const checkpoint = (mode) => {
  try { database.pragma('wal_checkpoint(' + mode + ')'); } catch {}
};
const timer = setInterval(() => checkpoint('PASSIVE'), workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  checkpoint('PASSIVE');
  database.close();
  parentPort.close();
});
`;
