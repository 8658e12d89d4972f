/**
 * The outbox's storage: writing messages in the caller's transaction, claiming them with a
 * lease, recording each attempt's verdict, the CRM pacing budget and the pause switch.
 *
 * A claimed message's `next_attempt_at` is the end of its lease, so one condition
 * (`next_attempt_at <= now`) finds both due messages and those of a worker that died.
 */
import { sql, type Insertable, type Kysely, type Transaction } from 'kysely';
import { newId } from '../../db/ids.ts';
import type { Dialect } from '../../db/index.ts';
import type {
  Database,
  Db,
  OutboxContentsTable,
  OutboxLane,
  OutboxMessagesTable,
} from '../../db/schema.ts';
import type { MailActor, MailDraft } from '../mail/compose.ts';

/** The database or a transaction already open: enqueueing joins the caller's transaction. */
export type Executor = Kysely<Database> | Transaction<Database>;

export interface NewMessage {
  lane: OutboxLane;
  actor: MailActor;
  draft: MailDraft;
  createdBy?: string | null;
}

/** A message's state with its content. */
export type OutboxRow = OutboxMessagesTable & { actor: string; draft: string };

export interface EnqueueOptions {
  lifetimeHours: number;
  /** Domain of the Message-IDs: the sending account's. */
  messageIdDomain: string;
}

function recipientsOf(draft: MailDraft): string {
  return [...draft.to, ...(draft.cc ?? []), ...(draft.bcc ?? [])].join(', ').toLowerCase();
}

/** Writes messages to the outbox; call it inside the transaction of the action that caused them. */
export async function enqueueMessages(
  db: Executor,
  messages: NewMessage[],
  options: EnqueueOptions,
): Promise<string[]> {
  const now = new Date();
  const created = now.toISOString();
  const expires = new Date(now.getTime() + options.lifetimeHours * 3_600_000).toISOString();
  const rows = messages.map((message) => {
    const id = newId();
    return {
      id,
      message_id: `<${id}@${options.messageIdDomain}>`,
      lane: message.lane,
      state: 'queued' as const,
      recipients: recipientsOf(message.draft),
      subject: message.draft.subject,
      created_by: message.createdBy ?? null,
      created_at: created,
      updated_at: created,
      next_attempt_at: created,
      expires_at: expires,
      attempts: 0,
    };
  });
  const contents = messages.map((message, i) => ({
    message_row: rows[i]!.id,
    actor: JSON.stringify(message.actor),
    draft: JSON.stringify(message.draft),
  }));
  await insertMessages(db, rows, contents);
  return rows.map((row) => row.id);
}

/** Writes message rows and their contents, `contents[i]` belonging to `rows[i]`. */
async function insertMessages(
  db: Executor,
  rows: Insertable<OutboxMessagesTable>[],
  contents: Insertable<OutboxContentsTable>[],
): Promise<void> {
  // Kept under SQLite's and PostgreSQL's limits on bound parameters per statement.
  for (let i = 0; i < rows.length; i += 500) {
    await db.insertInto('outbox_messages').values(rows.slice(i, i + 500)).execute();
    await db.insertInto('outbox_contents').values(contents.slice(i, i + 500)).execute();
  }
}

/** The content of claimed messages, joined to them in the order they were claimed. */
async function withContents(db: Executor, rows: OutboxMessagesTable[]): Promise<OutboxRow[]> {
  if (rows.length === 0) return [];
  const contents = await db.selectFrom('outbox_contents').selectAll()
    .where('message_row', 'in', rows.map((row) => row.id)).execute();
  const byRow = new Map(contents.map((content) => [content.message_row, content]));
  return rows.map((row) => {
    const content = byRow.get(row.id);
    if (!content) throw new Error(`outbox message ${row.id} has no content`);
    return { ...row, actor: content.actor, draft: content.draft };
  });
}

/**
 * The states a message can be claimed in, written as the `outbox_live` index's condition is,
 * word for word: a database uses a partial index only for a condition it recognises as its own,
 * and bound parameters would hide it.
 */
const liveStates = sql<boolean>`state in ('queued', 'deferred', 'sending')`;

export interface ClaimOptions {
  owner: string;
  leaseMs: number;
  dialect: Dialect;
}

/** Claims up to `limit` due messages of a lane for a worker, in the order they became due. */
export async function claimMessages(
  trx: Executor,
  lane: OutboxLane,
  limit: number,
  options: ClaimOptions,
): Promise<OutboxRow[]> {
  if (limit <= 0) return [];
  const now = new Date();
  let due = trx
    .selectFrom('outbox_messages')
    .select('id')
    .where('lane', '=', lane)
    .where(liveStates)
    .where('next_attempt_at', '<=', now.toISOString())
    .orderBy('next_attempt_at')
    .orderBy('id')
    .limit(limit);
  if (options.dialect === 'postgres') due = due.forUpdate().skipLocked();

  const leaseEnd = new Date(now.getTime() + options.leaseMs).toISOString();
  const claimed = await trx
    .updateTable('outbox_messages')
    .set({ state: 'sending', lease_owner: options.owner, next_attempt_at: leaseEnd,
      updated_at: now.toISOString() })
    .where('id', 'in', due)
    .returningAll()
    .execute();
  return withContents(trx, claimed);
}

export interface PacingRule {
  bulkSize: number;
  intervalMs: number;
  /** A reservation never finished (its worker died) stops counting after this long. */
  leaseMs: number;
}

/**
 * CRM messages that may be handed over now without exceeding Bulk Size in any window of Bulk
 * Sending Interval. A batch counts from its reservation until the interval has passed since
 * its last answer, which bounds every window whatever the order of hand-offs within a batch.
 */
export async function crmBudget(trx: Executor, rule: PacingRule): Promise<{ budget: number; retryAt?: number }> {
  const now = Date.now();
  const windowStart = new Date(now - rule.intervalMs).toISOString();
  const leaseStart = new Date(now - rule.leaseMs).toISOString();
  const rows = await trx
    .selectFrom('crm_handoffs')
    .select(['count', 'finished_at', 'reserved_at'])
    .where((eb) => eb.or([
      eb('finished_at', '>', windowStart),
      eb.and([eb('finished_at', 'is', null), eb('reserved_at', '>', leaseStart)]),
    ]))
    .execute();
  const used = rows.reduce((sum, row) => sum + row.count, 0);
  const budget = Math.max(0, rule.bulkSize - used);
  if (budget > 0) return { budget };
  const finished = rows.filter((r) => r.finished_at !== null).map((r) => Date.parse(r.finished_at!));
  const retryAt = finished.length > 0 ? Math.min(...finished) + rule.intervalMs : now + 50;
  return { budget, retryAt };
}

/** Records a batch of CRM hand-offs against the budget; returns its id to finish it later. */
export async function reserveHandoffs(trx: Executor, count: number): Promise<string> {
  const id = newId();
  await trx.insertInto('crm_handoffs')
    .values({ id, reserved_at: new Date().toISOString(), count, finished_at: null })
    .execute();
  return id;
}

export async function finishHandoffs(db: Executor, id: string): Promise<void> {
  await db.updateTable('crm_handoffs').set({ finished_at: new Date().toISOString() })
    .where('id', '=', id).execute();
}

/** Gives back the part of a reservation that was not claimed. */
export async function shrinkHandoffs(db: Executor, id: string, count: number): Promise<void> {
  if (count === 0) await db.deleteFrom('crm_handoffs').where('id', '=', id).execute();
  else await db.updateTable('crm_handoffs').set({ count }).where('id', '=', id).execute();
}

/** Moves the end of these messages' leases on, for the ones still leased to `owner`. */
export async function renewLeases(db: Executor, owner: string, ids: string[], leaseMs: number): Promise<void> {
  const leaseEnd = new Date(Date.now() + leaseMs).toISOString();
  for (let i = 0; i < ids.length; i += 500) {
    await db.updateTable('outbox_messages').set({ next_attempt_at: leaseEnd })
      .where('id', 'in', ids.slice(i, i + 500))
      .where('lease_owner', '=', owner)
      .where('state', '=', 'sending')
      .execute();
  }
}

/**
 * Keeps open reservations counting against the pacing budget: one whose worker stopped
 * renewing it stops counting a lease after its last renewal.
 */
export async function renewHandoffs(db: Executor, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await db.updateTable('crm_handoffs').set({ reserved_at: new Date().toISOString() })
    .where('id', 'in', ids).where('finished_at', 'is', null).execute();
}

/** Forgets reservations no window can see any more. */
export async function pruneHandoffs(db: Executor, olderThanMs: number): Promise<void> {
  const cutoff = new Date(Date.now() - olderThanMs).toISOString();
  await db.deleteFrom('crm_handoffs').where('reserved_at', '<', cutoff).execute();
}

/** Serialises CRM claims across processes on PostgreSQL (SQLite has one writer anyway). */
export async function lockPacing(trx: Executor, dialect: Dialect): Promise<void> {
  if (dialect !== 'postgres') return;
  await sql`select name from outbox_control where name = 'outbox' for update`.execute(trx);
}

/** The verdict of one attempt at one message. */
export interface AttemptResult {
  row: OutboxRow;
  outcome: 'sent' | 'deferred' | 'failed' | 'held' | 'paused';
  at: string;
  ms: number;
  target: string[];
  code?: string;
  responseCode?: number;
  command?: string;
  response?: string;
  redirectedTo?: string;
  rejected?: string[];
  /** For deferred: when to try again. */
  nextAttemptAt?: string;
  /** For sent: recipients refused for now, to be sent the message again as an entry of their own. */
  retry?: { recipients: string[]; nextAttemptAt: string; code: string; response: string };
}

/** Writes the verdicts of a batch of attempts in one transaction, two statements a chunk. */
export async function recordResults(db: Db, worker: string, results: AttemptResult[]): Promise<void> {
  if (results.length === 0) return;
  const now = new Date().toISOString();
  await db.transaction().execute(async (trx) => {
    // Kept under the bound-parameter limits: 11 parameters a row in the attempts insert.
    for (let i = 0; i < results.length; i += 250) {
      const chunk = results.slice(i, i + 250);
      await updateRows(trx, chunk, now);
      await trx.insertInto('outbox_attempts').values(chunk.map((result) => ({
        id: newId(),
        message_row: result.row.id,
        at: result.at,
        ms: result.ms,
        outcome: result.outcome,
        code: result.code ?? null,
        response_code: result.responseCode ?? null,
        command: result.command ?? null,
        response: result.response ?? null,
        target: result.target.join(', '),
        worker,
      }))).execute();
    }
    const retries = results.filter((result) => result.outcome === 'sent' && result.retry);
    if (retries.length > 0) await insertRetries(trx, retries, now);
  });
}

/**
 * Entries for recipients refused for now, written with the verdict that refused them: the
 * same message (Message-ID, content, lane, lifetime) with only those recipients in its
 * envelope, deferred until their first retry.
 */
async function insertRetries(trx: Transaction<Database>, results: AttemptResult[], now: string) {
  const entries = results.map((result) => {
    const { row, retry } = result as AttemptResult & { retry: NonNullable<AttemptResult['retry']> };
    const draft = { ...(JSON.parse(row.draft) as MailDraft), envelopeTo: retry.recipients };
    const id = newId();
    return {
      row: {
        id,
        message_id: row.message_id,
        lane: row.lane,
        state: 'deferred' as const,
        recipients: retry.recipients.join(', ').toLowerCase(),
        subject: row.subject,
        created_by: row.created_by,
        created_at: now,
        updated_at: now,
        next_attempt_at: retry.nextAttemptAt,
        expires_at: row.expires_at,
        attempts: 0,
        last_code: retry.code,
        last_response: retry.response,
        retry_of: row.id,
      },
      content: { message_row: id, actor: row.actor, draft: JSON.stringify(draft) },
    };
  });
  await insertMessages(trx, entries.map((entry) => entry.row), entries.map((entry) => entry.content));
}

/** The new values of one message's row after an attempt. */
function rowValues(result: AttemptResult, now: string) {
  const counted = ['sent', 'deferred', 'failed'].includes(result.outcome);
  // Held and paused attempts are not the message's fault: back in the queue, due at once.
  const state = result.outcome === 'held' || result.outcome === 'paused' ? 'queued' : result.outcome;
  const sent = result.outcome === 'sent';
  return [
    result.row.id,
    state,
    counted ? 1 : 0,
    // The server's reply code when there is one (550 says more than EENVELOPE); the
    // transport's code otherwise (ECONNREFUSED, ETIMEDOUT). Each attempt keeps both.
    result.responseCode ? String(result.responseCode) : (result.code ?? null),
    result.response ?? null,
    state === 'deferred' ? (result.nextAttemptAt ?? now) : now,
    sent ? (result.redirectedTo ?? null) : null,
    sent && result.rejected && result.rejected.length > 0 ? JSON.stringify(result.rejected) : null,
  ];
}

/**
 * One UPDATE for a whole batch, joined to its values; both dialects know UPDATE … FROM. Only
 * rows still `sending` change: a message cancelled or re-leased meanwhile keeps its state.
 */
async function updateRows(trx: Transaction<Database>, results: AttemptResult[], now: string) {
  const rows = results.map((result) => sql`(${sql.join(rowValues(result, now))})`);
  await sql`
    with v(id, state, counted, last_code, last_response, next_attempt_at, redirected_to, rejected)
      as (values ${sql.join(rows)})
    update outbox_messages set
      state = v.state,
      attempts = outbox_messages.attempts + cast(v.counted as integer),
      last_code = v.last_code,
      last_response = v.last_response,
      next_attempt_at = v.next_attempt_at,
      lease_owner = null,
      updated_at = ${now},
      sent_at = case when v.state = 'sent' then ${now} else outbox_messages.sent_at end,
      redirected_to = case when v.state = 'sent' then v.redirected_to
        else outbox_messages.redirected_to end,
      rejected = case when v.state = 'sent' then v.rejected else outbox_messages.rejected end
    from v
    where outbox_messages.id = v.id and outbox_messages.state = 'sending'
  `.execute(trx);
}

export interface OutboxControl {
  paused: boolean;
  pauseReason?: string;
  pausedAt?: string;
  heldUntil?: string;
  holdReason?: string;
  holds: number;
}

export async function readControl(db: Executor): Promise<OutboxControl> {
  const row = await db.selectFrom('outbox_control').selectAll().where('name', '=', 'outbox')
    .executeTakeFirstOrThrow();
  return {
    paused: row.paused === 1,
    pauseReason: row.pause_reason ?? undefined,
    pausedAt: row.paused_at ?? undefined,
    heldUntil: row.held_until ?? undefined,
    holdReason: row.hold_reason ?? undefined,
    holds: row.holds,
  };
}

/** Stops all sending until an administrator resumes it or changes the settings. */
export async function pauseOutbox(db: Executor, reason: string): Promise<void> {
  await db.updateTable('outbox_control')
    .set({ paused: 1, pause_reason: reason, paused_at: new Date().toISOString() })
    .where('name', '=', 'outbox').where('paused', '=', 0)
    .execute();
}

export async function resumeOutbox(db: Executor): Promise<void> {
  await db.updateTable('outbox_control')
    .set({ paused: 0, pause_reason: null, paused_at: null, held_until: null, hold_reason: null, holds: 0 })
    .where('name', '=', 'outbox')
    .execute();
}

/**
 * Holds claiming while the server cannot be reached; each hold in a row lasts longer. Returns
 * false when a hold is on already (another message or process saw the same outage).
 */
export async function holdOutbox(
  db: Executor,
  reason: string,
  delayFor: (holds: number) => number,
): Promise<boolean> {
  const control = await readControl(db);
  const now = Date.now();
  if (control.heldUntil && Date.parse(control.heldUntil) > now) return false;
  const holds = control.holds + 1;
  const result = await db.updateTable('outbox_control')
    .set({ held_until: new Date(now + delayFor(holds)).toISOString(), hold_reason: reason, holds })
    .where('name', '=', 'outbox')
    .where('holds', '=', control.holds)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** The server answered again: delivery goes on at full speed. */
export async function clearHold(db: Executor): Promise<void> {
  await db.updateTable('outbox_control')
    .set({ held_until: null, hold_reason: null, holds: 0 })
    .where('name', '=', 'outbox').where('holds', '>', 0)
    .execute();
}
