/**
 * The "Send Test E-mail" probe: sends one message with the settings as given and reports each
 * step (DNS, connect, TLS, greeting, authentication, sender, recipient, data) with its time and
 * what the server said, stopping at the first failure with a hint in plain language.
 *
 * Steps are reported in that order and only as far as the run got: a failed step is the last
 * one. For TLS (STARTTLS) the tls step includes the plain-text greeting and EHLO the upgrade
 * needs; the greeting step then reports the banner and the capabilities offered over TLS.
 * The whole run ends within `timeoutMs`, whatever the server does.
 */
import type net from 'node:net';
import type tls from 'node:tls';
import {
  resolveSmtpServer,
  type GeneralSettings,
  type SmtpSettings,
  type TestEmailResult,
  type TestStep,
  type TestStepName,
} from '../settings/schema.ts';
import { classifySmtpError } from './smtp-failure.ts';
import { hintFor, type HintFacts } from './test-email-hints.ts';
import { buildTestMessage } from './test-email-message.ts';
import {
  Deadline,
  ProbeSession,
  answersTls,
  connectTcp,
  handshakeTls,
  lookupHost,
  type TranscriptLine,
} from './test-email-session.ts';
import { createTransportOptions, type MailTransportOptions } from './transport.ts';

export interface TestEmailInput {
  settings: SmtpSettings;
  general: GeneralSettings;
  /** Where the test goes: always this address, even while mail is redirected. */
  to: string;
  timeoutMs?: number;
}

class StepFailed extends Error {
  constructor(
    readonly step: TestStepName,
    readonly error: unknown,
  ) {
    super(`the ${step} step failed`);
  }
}

/** Sends a test e-mail to `to` and reports every step; never throws for an SMTP failure. */
export async function runTestEmail(input: TestEmailInput): Promise<TestEmailResult> {
  const run = new TestRun(input, new Deadline(input.timeoutMs ?? 20_000));
  try {
    await run.all();
    run.close(true);
    return { ok: true, steps: run.steps };
  } catch (error) {
    if (!(error instanceof StepFailed)) throw error;
    return { ok: false, steps: run.steps, hint: await run.hint(error) };
  } finally {
    run.close(false);
  }
}

class TestRun {
  readonly steps: TestStep[] = [];
  private readonly facts: HintFacts;
  private options?: MailTransportOptions;
  private addresses: string[] = [];
  private address?: string;
  private socket?: net.Socket;
  private session?: ProbeSession;
  private closed = false;

  constructor(
    private readonly input: TestEmailInput,
    private readonly deadline: Deadline,
  ) {
    const { settings, to } = input;
    this.facts = {
      host: settings.smtpServer,
      port: 0,
      connectionType: settings.connectionType,
      emailAddress: settings.emailAddress,
      to,
      authorizationRequired: settings.authorizationRequired,
    };
  }

  async all(): Promise<void> {
    await this.step('dns', () => this.lookup());
    await this.step('connect', () => this.connect());
    await this.secureAndGreet();
    await this.step('authentication', () => this.login());
    await this.sendMessage();
  }

  /** Ends the session: politely after a success, at once after anything else. */
  close(succeeded: boolean): void {
    if (this.closed) return;
    this.closed = true;
    if (succeeded && this.session) return this.session.quit();
    this.session?.close();
    this.socket?.destroy();
  }

  /** Runs one step; `work` answers the detail of a step that passed. */
  private async step(name: TestStepName, work: () => Promise<string>): Promise<void> {
    const started = Date.now();
    try {
      const detail = await work();
      this.pass(name, Date.now() - started, detail);
    } catch (error) {
      this.fail(name, Date.now() - started, error);
    }
  }

  private pass(name: TestStepName, ms: number, detail: string): void {
    this.steps.push({ name, ok: true, ms, detail });
  }

  private fail(name: TestStepName, ms: number, error: unknown): never {
    this.steps.push({ name, ok: false, ms, detail: failureDetail(error) });
    throw new StepFailed(name, error);
  }

  private async lookup(): Promise<string> {
    const { settings } = this.input;
    let target: { host: string; port: number };
    try {
      target = resolveSmtpServer(settings.smtpServer, settings.connectionType);
    } catch (error) {
      const message = `SMTP Server: ${(error as Error).message}`;
      throw Object.assign(new Error(message), { code: 'ECONFIG' });
    }
    this.options = createTransportOptions(settings);
    Object.assign(this.facts, target);

    this.addresses = await lookupHost(target.host, this.deadline);
    if (this.addresses[0] === target.host) {
      return `${target.host} is an IP address: no lookup needed.`;
    }
    return `${target.host} resolves to ${this.addresses.join(', ')}.`;
  }

  private async connect(): Promise<string> {
    const { port } = this.facts;
    const opened = await connectTcp(this.addresses, port, this.deadline);
    this.socket = opened.socket;
    this.address = opened.address;
    const failed = opened.failed.length ? ` (${opened.failed.join(', ')} failed first)` : '';
    return `Connected to ${opened.address} port ${port}${failed}.`;
  }

  private async secureAndGreet(): Promise<void> {
    const type = this.input.settings.connectionType;
    if (type === 'ssl') {
      await this.step('tls', async () => {
        const tlsOptions = { ...this.options!.tls, host: this.facts.host };
        const secure = await handshakeTls(this.socket!, tlsOptions, this.deadline);
        this.socket = secure;
        return `${secure.getProtocol()}; ${certificateText(secure.getPeerCertificate())}`;
      });
      const { ready } = this.openSession(true);
      await this.step('greeting', () => this.greeted(ready, 0));
      return;
    }

    const { secured, ready } = this.openSession(false);
    // Leaves time to ask whether the port speaks TLS, should the plain greeting never come.
    const reserve = Math.min(1500, this.deadline.totalMs / 5);
    if (type === 'tls') {
      await this.step('tls', async () => {
        await this.deadline.race(secured, reserve, 'GREETING_TIMEOUT');
        return `STARTTLS accepted; ${certificateText(this.session!.certificate!)}`;
      });
      await this.step('greeting', () => this.greeted(ready, 0));
      return;
    }
    this.pass('tls', 0, 'Not secured: the login and the message travel in plain text.');
    await this.step('greeting', () => this.greeted(ready, reserve));
  }

  private openSession(secured: boolean): ReturnType<ProbeSession['open']> {
    // The deadline decides when to give up; nodemailer's own timers only back it up.
    const backstop = this.deadline.remaining() + 1000;
    this.session = new ProbeSession({
      ...this.options,
      connection: this.socket,
      secure: secured,
      secured,
      connectionTimeout: backstop,
      greetingTimeout: backstop,
      socketTimeout: backstop,
    });
    return this.session.open();
  }

  private async greeted(ready: Promise<void>, reserveMs: number): Promise<string> {
    await this.deadline.race(ready, reserveMs, 'GREETING_TIMEOUT');
    const { banner, capabilities } = this.session!;
    return capabilities.length ? `${banner}; offers ${capabilities.join(', ')}` : banner;
  }

  private async login(): Promise<string> {
    const { settings } = this.input;
    if (!settings.authorizationRequired) return 'Not required: Authorization Required is off.';
    await this.deadline.race(this.session!.login(settings.login, settings.password));
    return `Logged in as ${settings.login}.`;
  }

  private async sendMessage(): Promise<void> {
    const session = this.session!;
    const mark = session.mark();
    const started = Date.now();
    const envelope = { from: this.input.settings.emailAddress, to: [this.input.to] };
    try {
      const { host, port } = this.facts;
      const message = await buildTestMessage({ ...this.input, host, port });
      const info = await this.deadline.race(session.send(envelope, message));
      const replies = session.repliesAfter(mark);
      this.passEnvelope(replies, 'data', started);
      this.pass('data', Date.now() - replies[1]!.at, `Message accepted: ${info.response}`);
    } catch (error) {
      const replies = session.repliesAfter(mark);
      const failed = sendStepOf(error, replies.length);
      const since = this.passEnvelope(replies, failed, started);
      this.fail(failed, Date.now() - since, error);
    }
  }

  /** Reports the envelope steps before `until` as passed; answers when the last one ended. */
  private passEnvelope(replies: TranscriptLine[], until: TestStepName, started: number): number {
    const { settings, to } = this.input;
    const envelopeSteps = [
      ['sender', `MAIL FROM:<${settings.emailAddress}>`],
      ['recipient', `RCPT TO:<${to}>`],
    ] as const;
    const passed = until === 'sender' ? 0 : until === 'recipient' ? 1 : 2;
    let since = started;
    for (const [i, [name, command]] of envelopeSteps.slice(0, passed).entries()) {
      const reply = replies[i];
      if (!reply) break;
      this.pass(name, reply.at - since, `${command} ${reply.text}`);
      since = reply.at;
    }
    return since;
  }

  /** Learns what the hint needs about the server, then asks for it. */
  async hint(failed: StepFailed): Promise<string> {
    const failure = classifySmtpError(failed.error);
    const plain = this.input.settings.connectionType !== 'ssl';
    if (this.session) {
      const replies = this.session.transcript.filter((line) => line.from === 'server');
      this.facts.silent = replies.length === 0;
      this.facts.offersLogin = this.session.offersLogin;
      // The first EHLO reply of a plain connection says whether STARTTLS was on offer.
      const firstEhlo = replies[1]?.text;
      if (plain && firstEhlo !== undefined) {
        this.facts.startTlsOffered = /^\d{3}[ -]STARTTLS\b/im.test(firstEhlo);
      }
    }
    const waitMs = this.deadline.remaining() - 50;
    if (plain && this.facts.silent && failure.code === 'ETIMEDOUT' && this.address && waitMs > 50) {
      const servername = this.options?.servername;
      this.facts.answersTls = await answersTls(this.address, this.facts.port, servername, waitMs);
    }
    const names = certificateNames(failed.error);
    if (names.length) this.facts.certificateNames = names;
    return hintFor(failed.step, failure, this.facts);
  }
}

/** Which envelope step a failed send stopped at: by the command, else by the replies so far. */
function sendStepOf(error: unknown, replies: number): TestStepName {
  const command = (error as { command?: string } | null)?.command;
  if (command === 'MAIL FROM') return 'sender';
  if (command === 'RCPT TO') return 'recipient';
  if (command === 'DATA') return 'data';
  return replies === 0 ? 'sender' : replies === 1 ? 'recipient' : 'data';
}

function failureDetail(error: unknown): string {
  const failure = classifySmtpError(error);
  if (failure.response) return `The server answered: ${failure.response}`;
  // OpenSSL messages carry file names and offsets; its reason alone is what a person reads.
  const reason = (error as { reason?: unknown } | null)?.reason;
  if (typeof reason === 'string' && failure.systemCode?.startsWith('ERR_SSL_')) {
    return `TLS failed: ${reason}.`;
  }
  return failure.message.trim();
}

function certificateText(certificate: tls.PeerCertificate): string {
  const subject = certificate.subject?.CN ?? 'the server';
  const issuer = certificate.issuer?.CN ?? certificate.issuer?.O ?? 'an unnamed issuer';
  return `certificate for ${subject} issued by ${issuer}, valid until ${certificate.valid_to}.`;
}

/** The names a refused certificate is valid for, from the certificate on Node's TLS error. */
function certificateNames(error: unknown): string[] {
  const altNames = (error as { cert?: tls.PeerCertificate } | null)?.cert?.subjectaltname;
  if (!altNames) return [];
  return altNames.split(/,\s*/).map((name) => name.replace(/^(DNS|IP Address):/, ''));
}
