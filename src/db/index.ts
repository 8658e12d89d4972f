/**
 * Opens the database: SQLite in the data folder by default, PostgreSQL when a URL is given.
 */
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { migrateToLatest } from './migrations.ts';
import type { Database, Db } from './schema.ts';
import { openSqlite } from './sqlite.ts';

export type Dialect = 'sqlite' | 'postgres';

export interface DatabaseOptions {
  /** `postgres://…`; without it, SQLite at `<dataDir>/portal.sqlite`. */
  databaseUrl?: string;
  dataDir: string;
  /** PostgreSQL schema to work in (tests use one each); created when missing. */
  schema?: string;
  poolSize?: number;
}

export interface OpenDatabase {
  db: Db;
  dialect: Dialect;
  close(): Promise<void>;
}

/** Opens the database and brings its schema up to date. */
export async function openDatabase(options: DatabaseOptions): Promise<OpenDatabase> {
  const open: OpenDatabase = options.databaseUrl
    ? await openPostgres(options)
    : { ...openSqlite(options.dataDir), dialect: 'sqlite' };
  try {
    const schema = open.dialect === 'postgres' ? await currentSchema(open.db) : undefined;
    await migrateToLatest(open.db as Kysely<unknown>, schema);
  } catch (error) {
    await open.close();
    throw error;
  }
  return open;
}

async function currentSchema(db: Db): Promise<string> {
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
  return rows[0]!.schema;
}

async function openPostgres(options: DatabaseOptions): Promise<OpenDatabase> {
  const { schema } = options;
  if (schema && !/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`bad schema name ${schema}`);
  if (schema) {
    const client = new pg.Client({ connectionString: options.databaseUrl });
    await client.connect();
    try {
      await client.query(`create schema if not exists ${schema}`);
    } finally {
      await client.end();
    }
  }
  const pool = new pg.Pool({
    connectionString: options.databaseUrl,
    max: options.poolSize ?? 10,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, dialect: 'postgres', close: () => db.destroy() };
}
