/**
 * The outbox as the delivery log sees it: writing messages for a user, listing and reading
 * them, resending and cancelling, the counts by state, and Resume.
 */
import { sql } from 'kysely';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type { Db, OutboxState } from '../../db/schema.ts';
import { PortalError } from '../../errors.ts';
import type { Portal } from '../../portal.ts';
import { composeMessage, ComposeError, type MailActor, type MailDraft } from '../mail/compose.ts';
import type { User } from '../users/service.ts';
import { getEmailSettings, getGeneralSettings } from '../settings/service.ts';
import { draftsOf, outboxStates, type MessageInput } from './input.ts';
import { enqueueMessages, readControl, resumeOutbox, type Executor } from './store.ts';

/** The domain of new Message-IDs: the sending account's, or a reserved one while unset. */
export async function messageIdDomain(db: Executor): Promise<string> {
  const { emailAddress } = await getEmailSettings(db);
  return emailAddress.split('@')[1] || 'home-portal.invalid';
}

export function actorOf(user: User): MailActor {
  return { kind: 'user', firstName: user.firstName, lastName: user.lastName, email: user.email };
}

/** Writes messages signed by a user in one transaction; returns their ids in order. */
export async function sendAsUser(portal: Portal, user: User, inputs: MessageInput[]): Promise<string[]> {
  const actor = actorOf(user);
  const messages = inputs.flatMap((input) =>
    draftsOf(input).map((draft) => ({ lane: input.lane, actor, draft, createdBy: user.id })),
  );
  const ids = await portal.db.transaction().execute(async (trx) =>
    enqueueMessages(trx, messages, {
      lifetimeHours: portal.config.outbox.lifetimeHours,
      messageIdDomain: await messageIdDomain(trx),
    }),
  );
  portal.events.emit('outbox-enqueued');
  return ids;
}

export interface MessageSummary {
  id: string;
  messageId: string;
  lane: string;
  state: OutboxState;
  subject: string;
  to: string[];
  sender: string;
  attempts: number;
  createdAt: string;
  updatedAt: string;
  nextAttemptAt?: string;
  sentAt?: string;
  redirectedTo?: string;
  lastCode?: string;
  lastResponse?: string;
  /** An entry for recipients a server refused for now: the entry that reached the others. */
  retryOf?: string;
  /** The recipients this entry sends to, when not all of the headers' (see `retryOf`). */
  onlyTo?: string[];
}

type Row = Awaited<ReturnType<typeof findRow>>;

/** Messages with their content: the delivery log shows both. */
function withContent(db: Db) {
  return db.selectFrom('outbox_messages')
    .innerJoin('outbox_contents', 'outbox_contents.message_row', 'outbox_messages.id')
    .selectAll('outbox_messages')
    .select(['outbox_contents.actor', 'outbox_contents.draft']);
}

function findRow(db: Db, id: string) {
  return withContent(db).where('outbox_messages.id', '=', id).executeTakeFirst();
}

function summary(row: NonNullable<Row>): MessageSummary {
  const draft = JSON.parse(row.draft) as MailDraft;
  const actor = JSON.parse(row.actor) as MailActor;
  return {
    id: row.id,
    messageId: row.message_id,
    lane: row.lane,
    state: row.state,
    subject: row.subject,
    to: draft.to,
    sender: actor.kind === 'user' ? actor.email : 'company',
    attempts: row.attempts,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    ...(row.state === 'deferred' ? { nextAttemptAt: row.next_attempt_at } : {}),
    ...(row.sent_at ? { sentAt: row.sent_at } : {}),
    ...(row.redirected_to ? { redirectedTo: row.redirected_to } : {}),
    ...(row.last_code ? { lastCode: row.last_code } : {}),
    ...(row.last_response ? { lastResponse: row.last_response } : {}),
    ...(row.retry_of ? { retryOf: row.retry_of } : {}),
    ...(draft.envelopeTo ? { onlyTo: draft.envelopeTo } : {}),
  };
}

/** Who may see a message: administrators all of them, others their own. */
function visibleTo(user: User) {
  return user.role === 'administrator' ? undefined : user.id;
}

export interface ListFilter {
  state?: OutboxState;
  q?: string;
  page: number;
  pageSize: number;
}

/** A page of the delivery log, newest first, filtered by state and a search in recipients and subject. */
export async function listMessages(db: Db, user: User, filter: ListFilter) {
  const owner = visibleTo(user);
  let query = db.selectFrom('outbox_messages');
  if (owner) query = query.where('created_by', '=', owner);
  if (filter.state) query = query.where('state', '=', filter.state);
  const q = filter.q?.trim().toLowerCase();
  if (q) {
    const pattern = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where(
      sql<boolean>`(recipients like ${pattern} escape '\\' or lower(subject) like ${pattern} escape '\\')`,
    );
  }
  const [page, count] = await Promise.all([
    query.select('id').orderBy('created_at', 'desc').orderBy('id', 'desc')
      .limit(filter.pageSize).offset((filter.page - 1) * filter.pageSize).execute(),
    query.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  const ids = page.map((row) => row.id);
  const found = ids.length === 0 ? [] : await withContent(db).where('outbox_messages.id', 'in', ids).execute();
  const byId = new Map(found.map((row) => [row.id, row]));
  const rows = ids.map((id) => byId.get(id)!);
  return { messages: rows.map(summary), total: Number(count.n), page: filter.page, pageSize: filter.pageSize };
}

async function visibleRow(db: Db, user: User, id: string) {
  const row = await findRow(db, id);
  const owner = visibleTo(user);
  if (!row || (owner && row.created_by !== owner)) {
    throw new PortalError('NOT_FOUND', 'There is no message with this id.');
  }
  return row;
}

/** A message with its recipients, real target, Message-ID and every attempt. */
export async function messageDetail(db: Db, user: User, id: string) {
  const row = await visibleRow(db, user, id);
  const draft = JSON.parse(row.draft) as MailDraft;
  const [attempts, retries] = await Promise.all([
    db.selectFrom('outbox_attempts').selectAll().where('message_row', '=', id).orderBy('at').execute(),
    db.selectFrom('outbox_messages').select(['id', 'state', 'recipients']).where('retry_of', '=', id)
      .orderBy('created_at').execute(),
  ]);
  return {
    ...summary(row),
    cc: draft.cc ?? [],
    bcc: draft.bcc ?? [],
    text: draft.text,
    html: draft.html,
    expiresAt: row.expires_at,
    rejected: row.rejected ? (JSON.parse(row.rejected) as string[]) : [],
    /** Entries that send the message again to recipients refused for now. */
    retries: retries.map((retry) => ({ id: retry.id, state: retry.state, to: retry.recipients.split(', ') })),
    attempts: attempts.map((a) => ({
      at: a.at,
      ms: a.ms,
      outcome: a.outcome,
      code: a.code ?? undefined,
      responseCode: a.response_code ?? undefined,
      command: a.command ?? undefined,
      response: a.response ?? undefined,
      target: a.target ? a.target.split(', ') : [],
    })),
  };
}

/**
 * The message as an .eml file, composed as the worker composes it with today's settings and
 * its stable Message-ID.
 */
export async function messageSource(db: Db, user: User, id: string): Promise<Buffer> {
  const row = await visibleRow(db, user, id);
  const [settings, general] = await Promise.all([getEmailSettings(db), getGeneralSettings(db)]);
  try {
    const composed = composeMessage({
      settings,
      general,
      actor: JSON.parse(row.actor) as MailActor,
      draft: JSON.parse(row.draft) as MailDraft,
      messageId: row.message_id,
    });
    const { envelope: _envelope, redirected: _redirected, ...mail } = composed;
    return await new MailComposer({ ...mail, date: new Date(row.created_at) }).compile().build();
  } catch (error) {
    if (error instanceof ComposeError) throw new PortalError('MESSAGE_STATE', error.message);
    throw error;
  }
}

/** Sends a message again (resend), due at once with a fresh lifetime; same Message-ID. */
export async function retryMessage(portal: Portal, user: User, id: string) {
  const row = await visibleRow(portal.db, user, id);
  if (row.state === 'queued' || row.state === 'sending') {
    throw new PortalError('MESSAGE_STATE', 'The message is queued or being sent already.');
  }
  const now = new Date();
  const expires = new Date(now.getTime() + portal.config.outbox.lifetimeHours * 3_600_000);
  await portal.db.updateTable('outbox_messages')
    .set({ state: 'queued', next_attempt_at: now.toISOString(), expires_at: expires.toISOString(),
      updated_at: now.toISOString() })
    .where('id', '=', id).where('state', '=', row.state)
    .execute();
  portal.events.emit('outbox-enqueued');
  return messageDetail(portal.db, user, id);
}

/** Cancels a message that has not been handed over yet. */
export async function cancelMessage(db: Db, user: User, id: string) {
  const row = await visibleRow(db, user, id);
  const result = await db.updateTable('outbox_messages')
    .set({ state: 'cancelled', updated_at: new Date().toISOString() })
    .where('id', '=', id).where('state', 'in', ['queued', 'deferred'])
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) {
    throw new PortalError('MESSAGE_STATE',
      `A ${row.state} message cannot be cancelled: only queued or deferred ones can.`);
  }
  return messageDetail(db, user, id);
}

/** Counts by state and whether sending is paused or held, and why. */
export async function outboxStats(db: Db) {
  const rows = await db.selectFrom('outbox_messages')
    .select((eb) => ['state', eb.fn.countAll<number | string>().as('n')])
    .groupBy('state').execute();
  const counts = Object.fromEntries(outboxStates.map((s) => [s, 0])) as Record<OutboxState, number>;
  for (const row of rows) counts[row.state] = Number(row.n);
  const control = await readControl(db);
  const heldUntil = control.heldUntil && Date.parse(control.heldUntil) > Date.now() ? control.heldUntil : undefined;
  return {
    counts,
    paused: control.paused,
    ...(control.paused ? { reason: control.pauseReason, pausedAt: control.pausedAt } : {}),
    ...(heldUntil ? { heldUntil, holdReason: control.holdReason } : {}),
  };
}

export async function resume(portal: Portal) {
  await resumeOutbox(portal.db);
  portal.events.emit('outbox-enqueued');
  return outboxStats(portal.db);
}
