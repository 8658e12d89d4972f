/**
 * One attempt at one message, away from the database: compose it with the settings it was
 * claimed under, hand it to a pooled transport and describe what happened in plain data.
 *
 * A `Deliverer` runs on the worker's thread or on a sender thread (sender-thread.ts); both
 * get the same jobs and give the same outcomes, so the worker decides retries, pauses and
 * pacing alike either way.
 */
import type { Transporter } from 'nodemailer';
import { composeMessage, ComposeError, type MailActor, type MailDraft } from '../mail/compose.ts';
import { classifySmtpError, type SmtpFailure } from '../mail/smtp-failure.ts';
import { createMailTransport, type TransportExtras } from '../mail/transport.ts';
import type { GeneralSettings, SmtpSettings } from '../settings/schema.ts';

/** The settings messages are claimed under. `smtp` holds the password: never log it. */
export interface SendSetup {
  version: string;
  smtp: SmtpSettings;
  general: GeneralSettings;
  transport: TransportExtras;
}

/** A claimed message, as its row stores it. */
export interface DeliveryJob {
  version: string;
  messageId: string;
  actor: string;
  draft: string;
}

interface Timing {
  /** When the attempt started, ISO 8601. */
  at: string;
  ms: number;
}

/** A recipient the server refused while it accepted others. */
export interface RecipientRefusal {
  recipient: string;
  responseCode?: number;
  response?: string;
}

export type DeliveryOutcome = Timing & (
  | { kind: 'sent'; target: string[]; response: string; redirectedTo?: string;
    /** The recipients the server refused while it took the others, and how. */
    refusals: RecipientRefusal[] }
  | { kind: 'refused'; target: string[]; failure: SmtpFailure }
  /** The draft cannot become a message under these settings (an address that is no longer valid). */
  | { kind: 'uncomposable'; target: string[]; reason: string }
  /** Not the server's answer: the code broke, or the sender thread died. */
  | { kind: 'broken'; target: string[]; reason: string }
);

function refusalsOf(errors: unknown[] | undefined): RecipientRefusal[] {
  return (errors ?? []).map((error) => {
    const { recipient, responseCode, response } = error as { recipient?: unknown; responseCode?: unknown; response?: unknown };
    return {
      recipient: String(recipient ?? ''),
      ...(typeof responseCode === 'number' ? { responseCode } : {}),
      ...(typeof response === 'string' ? { response } : {}),
    };
  }).filter((refusal) => refusal.recipient !== '');
}

interface Pool {
  setup: SendSetup;
  transport: Transporter;
  /** Messages handed to the transport and not answered yet. */
  sending: number;
  /** Newer settings came: closed once its last message is answered. */
  retired: boolean;
}

export class Deliverer {
  private readonly pools = new Map<string, Pool>();
  private current?: Pool;

  /** Settings for the jobs that follow; the transport of older ones closes when they are done. */
  configure(setup: SendSetup): void {
    if (this.current?.setup.version === setup.version) return;
    if (this.current) this.retire(this.current);
    const transport = createMailTransport(setup.smtp, setup.transport);
    this.current = { setup, transport, sending: 0, retired: false };
    this.pools.set(setup.version, this.current);
  }

  async deliver(job: DeliveryJob): Promise<DeliveryOutcome> {
    const started = Date.now();
    const at = new Date(started).toISOString();
    const pool = this.pools.get(job.version);
    if (!pool) return { kind: 'broken', at, ms: 0, target: [], reason: `no transport for settings ${job.version}` };
    pool.sending += 1;
    try {
      return await this.attempt(pool, job, started, at);
    } catch (error) {
      return { kind: 'broken', at, ms: Date.now() - started, target: [], reason: String(error) };
    } finally {
      pool.sending -= 1;
      if (pool.retired && pool.sending === 0) this.close(pool);
    }
  }

  private async attempt(pool: Pool, job: DeliveryJob, started: number, at: string): Promise<DeliveryOutcome> {
    const draft = JSON.parse(job.draft) as MailDraft;
    const actor = JSON.parse(job.actor) as MailActor;
    const { smtp, general } = pool.setup;
    let message;
    try {
      message = composeMessage({ settings: smtp, general, actor, draft, messageId: job.messageId });
    } catch (error) {
      if (!(error instanceof ComposeError)) throw error;
      return { kind: 'uncomposable', at, ms: 0, target: draft.to, reason: error.message };
    }
    const target = message.envelope.to;
    try {
      const info = await pool.transport.sendMail(message);
      return { kind: 'sent', at, ms: Date.now() - started, target, response: String(info.response ?? ''),
        redirectedTo: message.redirected?.target, refusals: refusalsOf(info.rejectedErrors) };
    } catch (error) {
      return { kind: 'refused', at, ms: Date.now() - started, target, failure: classifySmtpError(error) };
    }
  }

  /** Closes every transport once its messages are answered. */
  closeAll(): void {
    for (const pool of [...this.pools.values()]) this.retire(pool);
  }

  private close(pool: Pool): void {
    pool.transport.close();
    this.pools.delete(pool.setup.version);
    if (this.current === pool) this.current = undefined;
  }

  private retire(pool: Pool): void {
    pool.retired = true;
    if (pool.sending === 0) this.close(pool);
  }
}
