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

export type OutboxLane = 'account' | 'crm';
export type OutboxState = 'queued' | 'sending' | 'deferred' | 'sent' | 'failed' | 'cancelled';

export interface OutboxMessagesTable {
  id: string;
  /** The Message-ID header, kept across every attempt: `<uuid@domain>`. */
  message_id: string;
  lane: OutboxLane;
  state: OutboxState;
  /** Every recipient, lower case, for searching the delivery log. */
  recipients: string;
  subject: string;
  created_by: string | null;
  created_at: string;
  updated_at: string;
  /** When it may next be claimed; while `sending`, the end of its lease. */
  next_attempt_at: string;
  /** After this, a transient failure fails the message. */
  expires_at: string;
  lease_owner: string | null;
  /** Attempts that reached a verdict from the server (held or paused ones are not counted). */
  attempts: number;
  last_code: string | null;
  last_response: string | null;
  sent_at: string | null;
  /** Where a redirected message really went. */
  redirected_to: string | null;
  /** JSON list of recipients the server refused while accepting the others. */
  rejected: string | null;
  /** For recipients a server refused for now: the entry whose attempt refused them. */
  retry_of: string | null;
}

/**
 * What a message says, written once. It lives apart from the message's state so that the
 * frequent state changes rewrite small rows, not the whole content.
 */
export interface OutboxContentsTable {
  message_row: string;
  /** JSON of the MailActor who signs the message, as it was when the message was written. */
  actor: string;
  /** JSON of the MailDraft: recipients, subject, text, html. */
  draft: string;
}

export interface OutboxAttemptsTable {
  id: string;
  message_row: string;
  at: string;
  ms: number;
  outcome: 'sent' | 'deferred' | 'failed' | 'held' | 'paused';
  code: string | null;
  response_code: number | null;
  command: string | null;
  response: string | null;
  /** The addresses the message was handed over for. */
  target: string;
  worker: string;
}

export interface OutboxControlTable {
  name: string;
  /** 1 while sending is paused: an authentication or configuration failure. */
  paused: number;
  pause_reason: string | null;
  paused_at: string | null;
  /** While the server cannot be reached, no message is claimed before this time. */
  held_until: string | null;
  hold_reason: string | null;
  holds: number;
}

/** CRM hand-offs, for the pacing budget: one row per claimed batch. */
export interface CrmHandoffsTable {
  id: string;
  reserved_at: string;
  count: number;
  /** When the batch's last message got its answer; null while it is in flight. */
  finished_at: string | null;
}

export interface Database {
  outbox_messages: OutboxMessagesTable;
  outbox_contents: OutboxContentsTable;
  outbox_attempts: OutboxAttemptsTable;
  outbox_control: OutboxControlTable;
  crm_handoffs: CrmHandoffsTable;
  users: UsersTable;
  sessions: SessionsTable;
  sign_in_failures: SignInFailuresTable;
  settings: SettingsTable;
  secrets: SecretsTable;
  audit_log: AuditLogTable;
}

export type Db = Kysely<Database>;
