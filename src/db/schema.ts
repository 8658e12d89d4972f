/**
 * The tables, as Kysely sees them. Times are ISO 8601 strings in UTC (`toISOString()`), which
 * sort as text the same way in SQLite and PostgreSQL.
 */
import type { Kysely } from 'kysely';

export interface UsersTable {
  id: string;
  email: string;
  first_name: string;
  last_name: string;
  role: 'administrator' | 'user';
  password_hash: string | null;
  created_at: string;
  updated_at: string;
}

export interface SessionsTable {
  /** SHA-256 of the cookie's token: a leaked table gives no usable session. */
  id: string;
  user_id: string;
  created_at: string;
  expires_at: string;
}

export interface SignInFailuresTable {
  /** `account:<email>` or `address:<ip>`. */
  key: string;
  failures: number;
  first_failure_at: string;
  blocked_until: string | null;
}

export interface SettingsTable {
  /** `email` or `general`. */
  name: string;
  value: string;
  updated_at: string;
}

export interface SecretsTable {
  name: string;
  /** AES-256-GCM: base64 of iv, tag and ciphertext. */
  sealed: string;
  updated_at: string;
}

export interface AuditLogTable {
  id: string;
  at: string;
  user_id: string | null;
  user_email: string;
  setting: string;
  change: string;
}

export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  sign_in_failures: SignInFailuresTable;
  settings: SettingsTable;
  secrets: SecretsTable;
  audit_log: AuditLogTable;
}

export type Db = Kysely<Database>;
