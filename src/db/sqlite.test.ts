/**
 * The embedded database's checkpoints, which run on a thread of their own. (The statement
 * cache is used by every other test that touches SQLite.)
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { databaseFile, openSqlite } from './sqlite.ts';

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'portal-sqlite-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('commits reach the database file without SQLite checkpointing inside them', async (t) => {
  const dir = tempDir(t);
  const { db, close } = openSqlite(dir);
  t.after(close);
  const { rows: [setting] } = await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(db);
  assert.equal(setting?.wal_autocheckpoint, 0, 'the connection leaves checkpoints to the thread');

  await sql`create table notes (id integer primary key, body text)`.execute(db);
  for (let i = 0; i < 200; i += 1) {
    await sql`insert into notes (body) values (${'x'.repeat(500)})`.execute(db);
  }
  // The database file alone, without its write-ahead log, holds the rows once the thread
  // has copied the log back: within a few of its quarter-second rounds.
  const copy = join(dir, 'copy.sqlite');
  let count = 0;
  for (let attempt = 0; attempt < 40 && count < 200; attempt += 1) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    copyFileSync(databaseFile(dir), copy);
    const alone = new SQLite(copy, { readonly: true });
    try {
      count = (alone.prepare('select count(*) as n from notes').get() as { n: number } | undefined)?.n ?? 0;
    } catch {
      count = 0; // the table itself is still only in the log
    } finally {
      alone.close();
    }
  }
  assert.equal(count, 200);
});
