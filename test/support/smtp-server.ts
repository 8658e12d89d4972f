/**
 * A real SMTP server for tests, on a free port of the loopback interface.
 *
 * It speaks plain SMTP, STARTTLS or implicit TLS with the test certificate for "localhost" that
 * scripts/test.mjs makes, checks a login when one is set, can refuse or stall any step of a
 * session, and keeps every message it accepts, parsed by mailparser.
 *
 * The handlers read the options at each command, so a test may change them mid-test (a
 * server that recovers, or starts to refuse) by mutating the object it passed in.
 */
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import { simpleParser, type ParsedMail } from 'mailparser';
import {
  SMTPServer,
  type SMTPServerDataStream,
  type SMTPServerOptions,
  type SMTPServerSession,
} from 'smtp-server';

export type SmtpServerMode = 'plain' | 'starttls' | 'ssl';

/** An SMTP reply the server gives instead of accepting a command. */
export interface SmtpRefusal {
  code: number;
  message: string;
}

/** The commands a test can refuse or stall; `data` is the end of the message's data. */
export type SmtpStep = 'mail' | 'rcpt' | 'data';

export interface SmtpServerOptions {
  mode: SmtpServerMode;
  /** Address to listen on: 127.0.0.1 unless given (use ::1 for IPv6). */
  host?: string;
  /** Port to listen on: a free one unless given (to bring a server back where one was). */
  port?: number;
  /** The certificate for STARTTLS and SSL: the test certificate for localhost unless given. */
  certificate?: { cert: string | Buffer; key: string | Buffer };
  /** When set, a login with PLAIN or LOGIN is required before MAIL FROM. */
  auth?: { user: string; pass: string };
  rejectMailFrom?: SmtpRefusal;
  rejectRcpt?: (address: string) => SmtpRefusal | undefined;
  rejectData?: SmtpRefusal;
  /** Waits this long before the greeting; Infinity accepts the connection and never greets. */
  greetingDelayMs?: number;
  /** Closes each connection as soon as it is accepted, before any greeting. */
  closeAfterConnect?: boolean;
  /** Never answers this command, leaving the client waiting. */
  stallAt?: SmtpStep;
  /**
   * Asked at every MAIL FROM, RCPT TO (with the address) and end of DATA, before the fixed
   * refusals above; a refusal it returns is the reply. A 421 also closes the session.
   */
  intercept?: (step: SmtpStep, address?: string) => SmtpRefusal | undefined;
  /**
   * Waits this long before answering the end of DATA. A message whose client hung up in the
   * meantime is not kept: the client never learned that it was accepted.
   */
  dataDelayMs?: number;
}

export interface ReceivedMessage {
  envelope: { mailFrom: string; rcptTo: string[] };
  raw: Buffer;
  parsed: ParsedMail;
  /** The login the client used, if any. */
  user?: string;
  /** Whether the session was encrypted when the message came. */
  secure: boolean;
  /** The queue id the server answered the message with. */
  queueId: string;
  /** When the server accepted the message (Date.now() of this process). */
  receivedAt: number;
}

export interface SmtpServerFixture {
  host: string;
  port: number;
  messages: ReceivedMessage[];
  /** SMTP sessions opened so far. */
  readonly sessions: number;
  /** Resolves once at least `count` messages arrived, or rejects after `timeoutMs`. */
  waitForMessages(count: number, timeoutMs?: number): Promise<ReceivedMessage[]>;
  /** Forgets the messages received so far. */
  reset(): void;
  close(): Promise<void>;
}

/** The test certificate for "localhost" and its key, made by scripts/test.mjs. */
export function testCertificate(): { cert: Buffer; key: Buffer } {
  const certPath = process.env.PORTAL_TEST_TLS_CERT;
  const keyPath = process.env.PORTAL_TEST_TLS_KEY;
  if (!certPath || !keyPath) {
    throw new Error('PORTAL_TEST_TLS_CERT and PORTAL_TEST_TLS_KEY are not set: run `npm test`.');
  }
  return { cert: readFileSync(certPath), key: readFileSync(keyPath) };
}

/** A port that was free a moment ago; once returned, nothing listens on it. */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', reject);
    probe.listen(0, host, resolve);
  });
  const { port } = probe.address() as net.AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

function refusal(reply: SmtpRefusal): Error & { responseCode: number } {
  return Object.assign(new Error(reply.message), { responseCode: reply.code });
}

async function readStream(stream: SMTPServerDataStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Starts a test SMTP server; close it in `after`/`afterEach`. */
export async function startSmtpServer(options: SmtpServerOptions): Promise<SmtpServerFixture> {
  const host = options.host ?? '127.0.0.1';
  const messages: ReceivedMessage[] = [];
  const waiters = new Set<() => void>();
  const neverAnswer = (): void => {};

  const serverOptions: SMTPServerOptions = {
    secure: options.mode === 'ssl',
    ...(options.mode === 'plain' ? {} : (options.certificate ?? testCertificate())),
    hideSTARTTLS: options.mode === 'plain',
    banner: 'Home Portal test server',
    authMethods: ['PLAIN', 'LOGIN'],
    authOptional: options.auth === undefined,
    // A plain server knows no STARTTLS at all, rather than merely not announcing it.
    disabledCommands: [
      ...(options.auth === undefined ? ['AUTH'] : []),
      ...(options.mode === 'plain' ? ['STARTTLS'] : []),
    ],
    allowInsecureAuth: options.mode === 'plain',
    disableReverseLookup: true,
    closeTimeout: 50,
    logger: false,

    onConnect(session: SMTPServerSession, callback: (err?: Error | null) => void) {
      if (options.closeAfterConnect) {
        for (const connection of server.connections) {
          if (connection.session.id === session.id) connection.close();
        }
        return;
      }
      const delay = options.greetingDelayMs ?? 0;
      if (delay === Infinity) return;
      setTimeout(() => callback(), delay);
    },

    onAuth(auth, _session, callback) {
      const expected = options.auth;
      if (expected && auth.username === expected.user && auth.password === expected.pass) {
        callback(null, { user: auth.username });
        return;
      }
      callback(refusal({ code: 535, message: 'Error: authentication failed' }));
    },

    onMailFrom(address, _session, callback) {
      if (options.stallAt === 'mail') return neverAnswer();
      const refused = options.intercept?.('mail', address.address) ?? options.rejectMailFrom;
      callback(refused ? refusal(refused) : null);
    },

    onRcptTo(address, _session, callback) {
      if (options.stallAt === 'rcpt') return neverAnswer();
      const refused = options.intercept?.('rcpt', address.address)
        ?? options.rejectRcpt?.(address.address);
      callback(refused ? refusal(refused) : null);
    },

    onData(stream, session, callback) {
      if (options.stallAt === 'data') {
        stream.resume();
        return neverAnswer();
      }
      readStream(stream)
        .then(async (raw) => {
          const refused = options.intercept?.('data') ?? options.rejectData;
          if (refused) return callback(refusal(refused));
          if (options.dataDelayMs) {
            await new Promise((resolve) => setTimeout(resolve, options.dataDelayMs));
            if (!isOpen(session)) return callback(null);
          }
          const receivedAt = Date.now();
          const queueId = randomBytes(6).toString('hex').toUpperCase();
          const envelope = session.envelope;
          messages.push({
            envelope: {
              mailFrom: envelope.mailFrom ? envelope.mailFrom.address : '',
              rcptTo: envelope.rcptTo.map((recipient) => recipient.address),
            },
            raw,
            parsed: await simpleParser(raw),
            user: typeof session.user === 'string' ? session.user : undefined,
            secure: session.secure,
            queueId,
            receivedAt,
          });
          for (const wake of waiters) wake();
          callback(null, `OK: queued as ${queueId}`);
        })
        .catch((error: Error) => callback(error));
    },
  };

  const server = new SMTPServer(serverOptions);
  const isOpen = (session: SMTPServerSession): boolean =>
    [...server.connections].some((connection) => connection.session.id === session.id);
  let sessions = 0;
  server.on('connect', () => {
    sessions += 1;
  });
  server.on('error', () => {
    // Clients that hang up mid-handshake are part of what the tests do; the server carries on.
  });
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.server.address() as net.AddressInfo;

  return {
    host,
    port,
    messages,
    get sessions() {
      return sessions;
    },
    waitForMessages(count, timeoutMs = 3000) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          if (messages.length < count) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(messages.slice());
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          const got = messages.length;
          reject(new Error(`expected ${count} message(s) within ${timeoutMs} ms, got ${got}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    reset() {
      messages.length = 0;
      sessions = 0;
    },
    close() {
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
