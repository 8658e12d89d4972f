/**
 * The pieces the test e-mail runs one at a time, each bounded by one deadline: the DNS lookup,
 * the TCP connection, the implicit TLS handshake and an SMTP session driven by nodemailer that
 * keeps a transcript of the replies, so each step can be timed and explained.
 */
import { lookup } from 'node:dns/promises';
import net from 'node:net';
import tls from 'node:tls';
import SMTPConnection, {
  type SMTPConnectionOptions,
  type SMTPConnectionSendInfo,
  type SMTPEnvelope,
} from 'nodemailer/lib/smtp-connection';

/** An error shaped like nodemailer's, so the failure is classified the same way. */
function probeError(message: string, code: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), { code, ...extra });
}

/** One timeout for a whole run; every wait is cut short by what is left of it. */
export class Deadline {
  readonly at: number;

  constructor(readonly totalMs: number) {
    this.at = Date.now() + totalMs;
  }

  remaining(): number {
    return Math.max(0, this.at - Date.now());
  }

  /** Waits for `work`, or fails with ETIMEDOUT `reserveMs` before the deadline. */
  race<T>(work: Promise<T>, reserveMs = 0, timeoutType?: string): Promise<T> {
    const waitMs = Math.max(0, this.remaining() - reserveMs);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const seconds = Math.round(waitMs / 100) / 10;
        reject(probeError(`No answer within ${seconds} s`, 'ETIMEDOUT', { timeoutType }));
      }, waitMs);
    });
    return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
  }
}

/** The addresses of a host; an IP literal is its own address. */
export async function lookupHost(host: string, deadline: Deadline): Promise<string[]> {
  if (net.isIP(host)) return [host];
  const found = await deadline.race(lookup(host, { all: true }));
  return found.map((entry) => entry.address);
}

function connectOnce(address: string, port: number, deadline: Deadline): Promise<net.Socket> {
  const socket = net.connect({ host: address, port });
  const connected = new Promise<net.Socket>((resolve, reject) => {
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.off('error', reject);
      // Between steps nobody reads the socket yet; whoever does next sees its errors.
      socket.on('error', () => {});
      resolve(socket);
    });
  });
  return deadline.race(connected, 0, 'CONNECT_TIMEOUT').catch((error: unknown) => {
    socket.destroy();
    throw error;
  });
}

/** Opens a TCP connection to the first address that takes it. */
export async function connectTcp(
  addresses: string[],
  port: number,
  deadline: Deadline,
): Promise<{ socket: net.Socket; address: string; failed: string[] }> {
  const failed: string[] = [];
  let lastError: unknown;
  for (const address of addresses) {
    try {
      return { socket: await connectOnce(address, port, deadline), address, failed };
    } catch (error) {
      if ((error as { code?: string }).code === 'ETIMEDOUT') throw error;
      failed.push(address);
      lastError = error;
    }
  }
  throw lastError ?? probeError('The host has no address', 'EDNS');
}

/** Runs the implicit TLS handshake (SSL) over a connected socket, verifying the certificate. */
export function handshakeTls(
  socket: net.Socket,
  options: tls.ConnectionOptions & { host: string },
  deadline: Deadline,
): Promise<tls.TLSSocket> {
  const secure = tls.connect({ ...options, socket });
  const done = new Promise<tls.TLSSocket>((resolve, reject) => {
    secure.once('error', reject);
    secure.once('secureConnect', () => {
      secure.off('error', reject);
      secure.on('error', () => {});
      resolve(secure);
    });
  });
  return deadline.race(done, 0, 'UPGRADE_TIMEOUT').catch((error: unknown) => {
    secure.destroy();
    throw error;
  });
}

/**
 * Whether a port answers a TLS handshake: tells an implicit-TLS port from a server that is
 * silent. Nothing is sent over this connection, so its certificate does not matter here.
 */
export function answersTls(
  address: string,
  port: number,
  servername: string | undefined,
  waitMs: number,
): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tls.connect({
      host: address,
      port,
      ...(servername ? { servername } : {}),
      rejectUnauthorized: false,
    });
    const finish = (answer: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(answer);
    };
    const timer = setTimeout(() => finish(false), waitMs);
    socket.once('secureConnect', () => finish(true));
    socket.once('error', () => finish(false));
  });
}

export interface TranscriptLine {
  at: number;
  from: 'client' | 'server';
  text: string;
}

/** Client commands worth keeping, without their arguments; nothing of a login is kept. */
const keptCommand = /^(EHLO|HELO|STARTTLS|MAIL FROM|RCPT TO|DATA)\b/i;

/** An SMTP session on an open socket, nodemailer's protocol code with a transcript. */
export class ProbeSession {
  readonly transcript: TranscriptLine[] = [];
  /** The server certificate once STARTTLS verified it. */
  certificate?: tls.PeerCertificate;
  private readonly connection: SMTPConnection;
  private onSecured?: () => void;

  constructor(options: SMTPConnectionOptions) {
    const ignore = (): void => {};
    this.connection = new SMTPConnection({
      ...options,
      // The transaction log is how nodemailer tells each reply; it is kept here, never logged.
      logger: {
        debug: (entry: { tnx?: string }, message: unknown) => this.record(entry, message),
        trace: ignore,
        info: ignore,
        warn: ignore,
        error: ignore,
        fatal: ignore,
      },
      transactionLog: true,
      tls: {
        ...options.tls,
        checkServerIdentity: (host, certificate) => {
          const problem = tls.checkServerIdentity(host, certificate);
          if (!problem) {
            this.certificate = certificate;
            this.onSecured?.();
          }
          return problem;
        },
      },
    });
    // Errors also reach the pending call below; without a listener they would be thrown.
    this.connection.on('error', () => {});
  }

  /** Greets the server; `secured` settles when STARTTLS is done, `ready` after the last EHLO. */
  open(): { secured: Promise<void>; ready: Promise<void> } {
    const ready = this.call<void>((done) => this.connection.connect((error) => done(error)));
    const secured = new Promise<void>((resolve, reject) => {
      this.onSecured = resolve;
      ready.then(
        () => (this.certificate ? resolve() : reject(probeError('TLS was not started', 'ETLS'))),
        reject,
      );
    });
    ready.catch(() => {});
    secured.catch(() => {});
    return { secured, ready };
  }

  /** The server's greeting line. */
  get banner(): string {
    return this.transcript.find((line) => line.from === 'server')?.text ?? '';
  }

  /** The extensions of the last EHLO reply: those that hold for the rest of the session. */
  get capabilities(): string[] {
    const transcript = this.transcript;
    const lastEhlo = transcript.findLastIndex(
      (line) => line.from === 'client' && /^EHLO/i.test(line.text),
    );
    if (lastEhlo < 0) return [];
    const reply = transcript.slice(lastEhlo + 1).find((line) => line.from === 'server');
    return (reply?.text ?? '')
      .split('\n')
      .slice(1)
      .map((line) => line.replace(/^\d{3}[ -]/, '').trim())
      .filter((line) => line !== '');
  }

  /** Whether the server announced AUTH in its last EHLO reply. */
  get offersLogin(): boolean {
    return this.connection.allowsAuth;
  }

  login(user: string, pass: string): Promise<void> {
    return this.call<void>((done) => this.connection.login({ user, pass }, (error) => done(error)));
  }

  send(envelope: SMTPEnvelope, message: Buffer): Promise<SMTPConnectionSendInfo> {
    return this.call((done) => this.connection.send(envelope, message, done));
  }

  /** Says goodbye (RFC 5321 section 4.1.1.10) after a session that went well. */
  quit(): void {
    this.connection.quit();
    this.connection.close();
  }

  close(): void {
    this.connection.close();
  }

  /** A place in the transcript, to ask later what came after it. */
  mark(): number {
    return this.transcript.length;
  }

  /** The server replies received after `mark`, oldest first. */
  repliesAfter(mark: number): TranscriptLine[] {
    return this.transcript.slice(mark).filter((line) => line.from === 'server');
  }

  private record(entry: { tnx?: string } | undefined, message: unknown): void {
    if (typeof message !== 'string') return;
    if (entry?.tnx === 'server') {
      this.transcript.push({ at: Date.now(), from: 'server', text: message });
    } else if (entry?.tnx === 'client') {
      const command = keptCommand.exec(message);
      if (command) this.transcript.push({ at: Date.now(), from: 'client', text: command[0] });
    }
  }

  private call<T>(start: (done: (error?: Error | null, value?: T) => void) => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const finish = (error?: Error | null, value?: T): void => {
        this.connection.off('error', finish);
        this.connection.off('end', closed);
        if (error) reject(error);
        else resolve(value as T);
      };
      const closed = (): void => {
        finish(probeError('The server closed the connection', 'ECONNECTION'));
      };
      this.connection.once('error', finish);
      this.connection.once('end', closed);
      start(finish);
    });
  }
}
