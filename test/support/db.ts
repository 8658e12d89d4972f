/**
 * The databases storage tests run on: SQLite always, PostgreSQL when PORTAL_TEST_DATABASE_URL
 * is set (each test gets a schema of its own, dropped afterwards).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openDatabase, type Dialect, type OpenDatabase } from '../../src/db/index.ts';

export interface TestDatabase extends OpenDatabase {
  /** What a portal needs to open the same database: data folder, URL and schema. */
  dataDir: string;
  databaseUrl?: string;
  schema?: string;
}

export const postgresUrl = process.env.PORTAL_TEST_DATABASE_URL || undefined;

/** The dialects this machine can test, SQLite first. */
export const testDialects: Dialect[] = postgresUrl ? ['sqlite', 'postgres'] : ['sqlite'];

/** A fresh, migrated database of a dialect; `close()` removes it. */
export async function openTestDatabase(dialect: Dialect): Promise<TestDatabase> {
  const dataDir = mkdtempSync(join(tmpdir(), 'portal-test-'));
  const schema = dialect === 'postgres' ? `t_${randomBytes(6).toString('hex')}` : undefined;
  const databaseUrl = dialect === 'postgres' ? postgresUrl : undefined;
  const open = await openDatabase({ databaseUrl, dataDir, schema });
  return {
    ...open,
    dataDir,
    databaseUrl,
    schema,
    async close() {
      await open.close();
      if (schema) await dropSchema(schema);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    await client.query(`drop schema if exists ${schema} cascade`);
  } finally {
    await client.end();
  }
}
