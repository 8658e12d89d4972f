/**
 * The delivery worker: claims due messages with a lease, composes each at send time with the
 * current settings, hands it to a pooled SMTP transport and records the verdict.
 *
 * Account mail is claimed before CRM mail in every round and CRM mail only fills the slots
 * that are left, so account mail never waits behind a bulk mailing. Verdicts are written in
 * batches, one transaction each, which keeps the database off the critical path.
 *
 * Delivery is at least once: a message is marked sent only after the server accepted it, so
 * a worker that dies between the two leaves it to be sent again when its lease ends. A live
 * worker renews the leases of the messages it holds, however long a slow server keeps them.
 *
 * Composing and sending happen in a Sender (senders.ts): on sender threads by default, so
 * that nodemailer's work runs on another core than the database's.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Transaction } from 'kysely';
import type { Database } from '../../db/schema.ts';
import type { Logger } from '../../log.ts';
import type { Portal } from '../../portal.ts';
import type { SmtpFailure } from '../mail/smtp-failure.ts';
import { getEmailSettings, getGeneralSettings, getSmtpSettings } from '../settings/service.ts';
import { holdDelayMs, retryDelayMs } from './backoff.ts';
import type { DeliveryOutcome, RecipientRefusal } from './delivery.ts';
import { createSender, type Sender } from './senders.ts';
import {
  claimMessages,
  clearHold,
  crmBudget,
  finishHandoffs,
  holdOutbox,
  lockPacing,
  pauseOutbox,
  pruneHandoffs,
  readControl,
  recordResults,
  renewHandoffs,
  renewLeases,
  reserveHandoffs,
  shrinkHandoffs,
  type AttemptResult,
  type OutboxRow,
} from './store.ts';

/** The settings messages are claimed under; the sender holds the transport made from them. */
interface MailSetup {
  version: string;
  /** A server and a sender address are set: there is something to send with. */
  configured: boolean;
}

export interface WorkerOptions {
  /** Messages handed to the transport and not yet answered, or answered and waiting to be
   * recorded, at most (a batch being written comes on top). */
  maxInFlight: number;
  /** Verdicts are written once this many wait, or after flushMs. */
  flushSize: number;
  flushMs: number;
  /** Sender threads; 0 composes and sends on the worker's own thread. */
  threads: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class OutboxWorker {
  readonly id = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  private readonly log: Logger;
  private readonly options: WorkerOptions;
  private running = false;
  private loop?: Promise<void>;
  private inFlight = 0;
  private setup?: MailSetup;
  private pending: AttemptResult[] = [];
  /** Verdicts in the batch being written. */
  private recording = 0;
  private flushing?: Promise<void>;
  private flushTimer?: NodeJS.Timeout;
  private wake?: () => void;
  private holding = false;
  private readonly sender: Sender;

  constructor(
    private readonly portal: Portal,
    options: Partial<WorkerOptions> = {},
  ) {
    this.log = portal.log.child({ worker: this.id });
    this.options = {
      maxInFlight: options.maxInFlight ?? portal.config.outbox.connections * 20,
      flushSize: options.flushSize ?? 100,
      // Each flush is a commit; gathering verdicts for a few tens of ms saves many of them.
      flushMs: options.flushMs ?? 50,
      threads: options.threads ?? portal.config.outbox.threads,
    };
    // Each thread keeps at least one connection of its own: no more threads than connections.
    this.sender = createSender(Math.min(this.options.threads, portal.config.outbox.connections), this.log);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.sender.start();
    const leaseMs = this.portal.config.outbox.leaseSeconds * 1000;
    this.renewTimer = setInterval(() => void this.renewHeld(), leaseMs / 3);
    this.renewTimer.unref();
    this.loop = this.run().catch((error: unknown) => {
      this.log.error({ err: error }, 'outbox worker stopped');
    });
    this.log.info({}, 'outbox worker started');
  }

  /** Wakes an idle worker: new mail was written. */
  notify(): void {
    this.wake?.();
  }

  /** Stops claiming, lets the messages in flight finish and writes their verdicts. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.notify();
    await this.loop;
    while (this.inFlight > 0) await sleep(10);
    await this.flush();
    clearInterval(this.renewTimer);
    await this.sender.close();
    this.log.info({}, 'outbox worker stopped');
  }

  private async idle(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.wake = undefined;
  }

  private async run(): Promise<void> {
    const { pollMs } = this.portal.config.outbox;
    while (this.running) {
      let waitMs: number;
      try {
        waitMs = await this.round();
      } catch (error) {
        this.log.error({ err: error }, 'outbox round failed');
        waitMs = pollMs;
      }
      if (waitMs > 0 && this.running) await this.idle(waitMs);
    }
  }

  /**
   * Slots for new claims. Answered messages whose verdicts wait to be written, or are being
   * written, count too: they stay leased, and without this a slow database lets them pile up
   * past their lease, to be sent again.
   */
  private freeSlots(): number {
    return this.options.maxInFlight - this.inFlight - this.pending.length - this.recording;
  }

  /** A round costs a few queries: worth it once a quarter of the slots are free, or all idle. */
  private worthClaiming(): boolean {
    const free = this.freeSlots();
    return free >= Math.max(1, Math.floor(this.options.maxInFlight / 4)) || (free > 0 && this.inFlight === 0);
  }

  /** Wakes the loop when slots came free while it waited for them. */
  private slotsFreed(): void {
    if (this.wake && this.worthClaiming()) this.wake();
  }

  /** One round: claim what may be sent now and hand it over; returns how long to wait. */
  private async round(): Promise<number> {
    const { pollMs } = this.portal.config.outbox;
    if (!this.worthClaiming()) return pollMs;
    const control = await readControl(this.portal.db);
    if (control.paused) return pollMs;
    if (control.heldUntil && Date.parse(control.heldUntil) > Date.now()) {
      this.holding = true;
      return Math.min(pollMs, Date.parse(control.heldUntil) - Date.now());
    }
    this.holding = control.holds > 0;

    const setup = await this.currentSetup();
    if (!setup.configured) return pollMs;
    const free = this.freeSlots();
    // While probing an unreachable server, one message is enough to learn it is back.
    const limit = this.holding ? 1 : free;

    const { account, crm } = await this.claim(limit);
    // Settings saved while claiming apply to what was claimed: a message written after a save
    // leaves under the saved settings (a redirect turned on, say), never the ones before.
    const sendSetup = account.length + crm.rows.length > 0 ? await this.currentSetup() : setup;
    for (const row of [...account, ...crm.rows]) this.leased.add(row.id);
    for (const row of account) void this.deliver(row, sendSetup);
    for (const row of crm.rows) void this.deliver(row, sendSetup, crm.handoff);
    if (crm.handoff && crm.rows.length > 0) this.trackHandoff(crm.handoff, crm.rows.length);

    if (account.length + crm.rows.length > 0) return 0;
    return crm.retryAt ? Math.max(5, Math.min(pollMs, crm.retryAt - Date.now())) : pollMs;
  }

  /** Claims account mail first, then CRM mail into the slots left, in one transaction. */
  private claim(limit: number) {
    return this.portal.db.transaction().execute(async (trx) => {
      const account = await claimMessages(trx, 'account', limit, this.claimOptions());
      const crm = await this.claimCrm(trx, limit - account.length);
      return { account, crm };
    });
  }

  private claimOptions() {
    const { dialect, config } = this.portal;
    return { owner: this.id, leaseMs: config.outbox.leaseSeconds * 1000, dialect };
  }

  private async claimCrm(
    trx: Transaction<Database>,
    limit: number,
  ): Promise<{ rows: OutboxRow[]; handoff?: string; retryAt?: number }> {
    if (limit <= 0) return { rows: [] };
    const options = this.claimOptions();
    // The pacing rule is read with the claim, not with the round's settings: a rule saved a
    // moment ago holds for every CRM message claimed after it, in every process.
    const settings = await getEmailSettings(trx);
    if (!settings.queuingEnabled) return { rows: await claimMessages(trx, 'crm', limit, options) };

    const intervalMs = settings.bulkIntervalSeconds * 1000;
    const rule = { bulkSize: settings.bulkSize, intervalMs, leaseMs: options.leaseMs };
    await lockPacing(trx, options.dialect);
    const { budget, retryAt } = await crmBudget(trx, rule);
    if (budget === 0) return { rows: [], retryAt };
    const wanted = Math.min(limit, budget);
    const handoff = await reserveHandoffs(trx, wanted);
    const rows = await claimMessages(trx, 'crm', wanted, options);
    if (rows.length < wanted) await shrinkHandoffs(trx, handoff, rows.length);
    return rows.length > 0 ? { rows, handoff } : { rows };
  }

  private readonly handoffs = new Map<string, number>();
  /** Messages claimed and not yet recorded: their leases are renewed while they wait. */
  private readonly leased = new Set<string>();
  private renewTimer?: NodeJS.Timeout;

  /**
   * Extends the leases of the messages this worker holds, and keeps its open pacing
   * reservations counting. Only the ones it still holds: a message whose verdict could not be
   * written is let go, so that its lease ends and it is sent again.
   */
  private async renewHeld(): Promise<void> {
    if (this.leased.size === 0 && this.handoffs.size === 0) return;
    const leaseMs = this.portal.config.outbox.leaseSeconds * 1000;
    try {
      await renewLeases(this.portal.db, this.id, [...this.leased], leaseMs);
      await renewHandoffs(this.portal.db, [...this.handoffs.keys()]);
    } catch (error) {
      this.log.error({ err: error }, 'renewing leases failed');
    }
  }

  private trackHandoff(id: string, count: number): void {
    this.handoffs.set(id, count);
  }

  private async handoffAnswered(id: string): Promise<void> {
    const left = (this.handoffs.get(id) ?? 1) - 1;
    if (left > 0) {
      this.handoffs.set(id, left);
      return;
    }
    this.handoffs.delete(id);
    await finishHandoffs(this.portal.db, id);
    if (Math.random() < 0.05) await pruneHandoffs(this.portal.db, 24 * 3_600_000);
  }

  /** Settings, and a transport for them: rebuilt when any of them changed. */
  private async currentSetup(): Promise<MailSetup> {
    const { db } = this.portal;
    const stamps = await db.selectFrom('settings').select(['name', 'updated_at']).orderBy('name')
      .execute();
    const secret = await db.selectFrom('secrets').select('updated_at').executeTakeFirst();
    const version = [...stamps.map((s) => `${s.name}@${s.updated_at}`), secret?.updated_at].join('|');
    if (this.setup?.version === version) return this.setup;

    const [smtp, general] = await Promise.all([
      getSmtpSettings(db, this.portal.cipher),
      getGeneralSettings(db),
    ]);
    const configured = smtp.smtpServer !== '' && smtp.emailAddress !== '';
    const { outbox } = this.portal.config;
    // The sender keeps the transport of older settings until their last message is answered.
    if (configured) {
      this.sender.configure({ version, smtp, general, transport: {
        pool: true,
        maxConnections: outbox.connections,
        maxMessages: 10_000,
        connectionTimeoutMs: 15_000,
        greetingTimeoutMs: 15_000,
        socketTimeoutMs: outbox.socketTimeoutSeconds * 1000,
      } });
    }
    this.setup = { version, configured };
    this.log.info({ configured }, 'outbox transport ready');
    return this.setup;
  }

  private async deliver(row: OutboxRow, setup: MailSetup, handoff?: string): Promise<void> {
    this.inFlight += 1;
    const outcome = await this.sender.deliver({ version: setup.version, messageId: row.message_id,
      actor: row.actor, draft: row.draft });
    const result = this.resultOf(row, outcome);
    this.inFlight -= 1;
    if (handoff) await this.handoffAnswered(handoff).catch((error: unknown) => {
      this.log.error({ err: error }, 'pacing update failed');
    });
    await this.react(result);
    this.pending.push(result);
    this.scheduleFlush();
  }

  private resultOf(row: OutboxRow, outcome: DeliveryOutcome): AttemptResult {
    const { at, ms, target } = outcome;
    switch (outcome.kind) {
      case 'sent':
        return { row, outcome: 'sent', at, ms, target, response: outcome.response,
          redirectedTo: outcome.redirectedTo,
          rejected: outcome.refusals.map((refusal) => refusal.recipient),
          ...this.retryForLater(row, outcome.refusals, Date.parse(at) + ms) };
      case 'refused': {
        const { failure } = outcome;
        return { ...this.verdict(row, failure, Date.parse(at) + ms), row, at, ms, target, code: failure.code,
          responseCode: failure.responseCode, command: failure.command,
          response: failure.response ?? failure.message };
      }
      case 'uncomposable':
        return { row, outcome: 'failed', at, ms, target, code: 'ECOMPOSE', response: outcome.reason };
      case 'broken': {
        this.log.error({ reason: outcome.reason, messageRow: row.id }, 'delivery attempt broke');
        const retry = Date.now() + this.portal.config.outbox.retryBaseSeconds * 1000;
        return { row, outcome: 'deferred', at, ms, target, code: 'EINTERNAL', response: outcome.reason,
          nextAttemptAt: new Date(retry).toISOString() };
      }
    }
  }

  /**
   * Recipients the server refused for now (4xx) while it took the others get the message
   * again later, as an entry of their own: the same Message-ID, the same headers, only they
   * in the envelope. Refusals for good (5xx) stay in `rejected` and end there.
   */
  private retryForLater(
    row: OutboxRow,
    refusals: RecipientRefusal[],
    endedAt: number,
  ): Pick<AttemptResult, 'retry'> {
    const later = refusals.filter((refusal) => refusal.responseCode === undefined
      || (refusal.responseCode >= 400 && refusal.responseCode < 500));
    if (later.length === 0) return {};
    const next = this.retryTime(1, endedAt);
    if (next > Date.parse(row.expires_at)) return {};
    const [first] = later;
    return { retry: { recipients: later.map((refusal) => refusal.recipient),
      nextAttemptAt: new Date(next).toISOString(),
      code: first!.responseCode ? String(first!.responseCode) : 'EENVELOPE',
      response: first!.response ?? 'Recipient refused for now' } };
  }

  /** When to try again after the given attempt failed at `from`, by the configured backoff. */
  private retryTime(attempt: number, from: number): number {
    const { retryBaseSeconds, retryMaxSeconds } = this.portal.config.outbox;
    return from + retryDelayMs(attempt, { baseSeconds: retryBaseSeconds, maxSeconds: retryMaxSeconds });
  }

  /** What a failure means for the message: retry later, give up, or not its fault at all. */
  private verdict(
    row: OutboxRow,
    failure: SmtpFailure,
    endedAt: number,
  ): Pick<AttemptResult, 'outcome' | 'nextAttemptAt'> {
    switch (failure.kind) {
      case 'permanent':
        return { outcome: 'failed' };
      case 'authentication':
      case 'configuration':
        return { outcome: 'paused' };
      case 'unreachable':
        return { outcome: 'held' };
      case 'transient': {
        // Counted from the refusal, however long its answer took to reach this thread.
        const next = this.retryTime(row.attempts + 1, endedAt);
        if (next > Date.parse(row.expires_at)) return { outcome: 'failed' };
        return { outcome: 'deferred', nextAttemptAt: new Date(next).toISOString() };
      }
    }
  }

  /** Pauses or holds the whole outbox when a failure is the server's or the settings'. */
  private async react(result: AttemptResult): Promise<void> {
    const { db } = this.portal;
    if (result.outcome === 'paused') {
      const reason = `The SMTP server refused the portal's settings: ${result.response ?? result.code}`;
      const before = await readControl(db);
      if (!before.paused) {
        await pauseOutbox(db, reason);
        this.log.warn({ code: result.code, responseCode: result.responseCode }, 'outbox paused');
      }
    } else if (result.outcome === 'held') {
      this.holding = true;
      const reason = `The SMTP server cannot be reached: ${result.response ?? result.code}`;
      if (await holdOutbox(db, reason, holdDelayMs)) {
        this.log.warn({ code: result.code }, 'outbox held: server unreachable');
      }
    } else if (this.holding && result.outcome === 'sent') {
      this.holding = false;
      await clearHold(db);
      this.log.info({}, 'outbox resumed: server reachable');
    }
  }

  private scheduleFlush(): void {
    if (this.pending.length >= this.options.flushSize) {
      void this.flush();
      return;
    }
    this.flushTimer ??= setTimeout(() => void this.flush(), this.options.flushMs);
  }

  /** Writes the waiting verdicts; one flush at a time, in the order they came. */
  private async flush(): Promise<void> {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    while (this.flushing) await this.flushing;
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.recording = batch.length;
    this.flushing = recordResults(this.portal.db, this.id, batch)
      .catch((error: unknown) => {
        // The leases will expire and the messages be sent again: at least once, never lost.
        this.log.error({ err: error, count: batch.length }, 'recording verdicts failed');
      })
      .finally(() => {
        for (const result of batch) this.leased.delete(result.row.id);
        this.flushing = undefined;
        this.recording = 0;
        this.slotsFreed();
      });
    await this.flushing;
    for (const result of batch) {
      if (result.outcome === 'failed' || result.outcome === 'deferred') {
        this.log.info({ messageRow: result.row.id, outcome: result.outcome, code: result.code,
          responseCode: result.responseCode }, 'message not delivered');
      }
    }
  }
}
