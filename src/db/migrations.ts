/**
 * The schema's migrations, in order. They run at start; each runs once, in a transaction,
 * recorded by Kysely's migrator. Only portable column types are used, so one migration serves
 * SQLite and PostgreSQL alike.
 */
import { Migrator, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';

const migrations: Record<string, Migration> = {
  '0001-users-sessions-settings': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('users')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('email', 'text', (c) => c.notNull().unique())
        .addColumn('first_name', 'text', (c) => c.notNull())
        .addColumn('last_name', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('password_hash', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('sessions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('sessions_user').on('sessions').column('user_id').execute();

      await db.schema
        .createTable('sign_in_failures')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('failures', 'integer', (c) => c.notNull())
        .addColumn('first_failure_at', 'text', (c) => c.notNull())
        .addColumn('blocked_until', 'text')
        .execute();

      await db.schema
        .createTable('settings')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('secrets')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('sealed', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('audit_log')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text')
        .addColumn('user_email', 'text', (c) => c.notNull())
        .addColumn('setting', 'text', (c) => c.notNull())
        .addColumn('change', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('audit_log_at').on('audit_log').column('at').execute();
    },
  },
  '0002-outbox': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('outbox_messages')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('message_id', 'text', (c) => c.notNull())
        .addColumn('lane', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('recipients', 'text', (c) => c.notNull())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('next_attempt_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('lease_owner', 'text')
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('last_code', 'text')
        .addColumn('last_response', 'text')
        .addColumn('sent_at', 'text')
        .addColumn('redirected_to', 'text')
        .addColumn('rejected', 'text')
        .execute();
      await db.schema.createIndex('outbox_due').on('outbox_messages')
        .columns(['lane', 'state', 'next_attempt_at']).execute();
      await db.schema.createIndex('outbox_created').on('outbox_messages')
        .columns(['created_at']).execute();
      await db.schema.createIndex('outbox_state_created').on('outbox_messages')
        .columns(['state', 'created_at']).execute();

      await db.schema
        .createTable('outbox_contents')
        .addColumn('message_row', 'text', (c) =>
          c.primaryKey().references('outbox_messages.id').onDelete('cascade'))
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('draft', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('outbox_attempts')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('message_row', 'text', (c) =>
          c.notNull().references('outbox_messages.id').onDelete('cascade'))
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('ms', 'integer', (c) => c.notNull())
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('code', 'text')
        .addColumn('response_code', 'integer')
        .addColumn('command', 'text')
        .addColumn('response', 'text')
        .addColumn('target', 'text', (c) => c.notNull())
        .addColumn('worker', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('outbox_attempts_message').on('outbox_attempts')
        .columns(['message_row', 'at']).execute();

      await db.schema
        .createTable('outbox_control')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('paused', 'integer', (c) => c.notNull())
        .addColumn('pause_reason', 'text')
        .addColumn('paused_at', 'text')
        .addColumn('held_until', 'text')
        .addColumn('hold_reason', 'text')
        .addColumn('holds', 'integer', (c) => c.notNull())
        .execute();
      await (db as Kysely<{ outbox_control: Record<string, unknown> }>)
        .insertInto('outbox_control')
        .values({ name: 'outbox', paused: 0, holds: 0 })
        .execute();

      await db.schema
        .createTable('crm_handoffs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('reserved_at', 'text', (c) => c.notNull())
        .addColumn('count', 'integer', (c) => c.notNull())
        .addColumn('finished_at', 'text')
        .execute();
      await db.schema.createIndex('crm_handoffs_reserved').on('crm_handoffs')
        .columns(['reserved_at']).execute();
    },
  },
  '0003-outbox-live-index': {
    // Claims read messages still to send in the order they fall due. An index of those alone,
    // in that order, lets a claim read its first rows and stop, where the index on every
    // state made it sort all due messages each time. Sent ones leave the index.
    async up(db: Kysely<unknown>) {
      await sql`create index outbox_live on outbox_messages (lane, next_attempt_at, id)
        where state in ('queued', 'deferred', 'sending')`.execute(db);
      await sql`drop index outbox_due`.execute(db);
    },
  },
  '0004-outbox-retry-of': {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('outbox_messages').addColumn('retry_of', 'text').execute();
      await db.schema.createIndex('outbox_retry_of').on('outbox_messages').column('retry_of').execute();
    },
  },
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

/** Brings the schema up to date; throws with the failing migration's error. */
export async function migrateToLatest(db: Kysely<unknown>, schema?: string): Promise<void> {
  // Kysely looks for its own tables in every schema; naming ours keeps one schema's record
  // from being mistaken for another's.
  const migrator = new Migrator({ db, provider, ...(schema ? { migrationTableSchema: schema } : {}) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`migration ${failed} failed: ${String(error)}`, { cause: error });
  }
}
