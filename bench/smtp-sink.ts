/**
 * Postfix's smtp-sink and smtp-source: where they are, and smtp-sink started on a free port of
 * the loopback interface. smtp-sink accepts every message and throws it away, so it measures
 * the client, not a mail store.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import net from 'node:net';

export const sinkPath = '/usr/sbin/smtp-sink';
export const sourcePath = '/usr/sbin/smtp-source';

/** The Postfix test tools missing on this machine (empty when both are there). */
export function missingPostfixTools(): string[] {
  return [sinkPath, sourcePath].filter((path) => {
    try {
      accessSync(path, constants.X_OK);
      return false;
    } catch {
      return true;
    }
  });
}

/** A TCP port nobody listens on right now. */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, resolve);
  });
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface SmtpSink {
  host: string;
  port: number;
  /** `host:port`, as the SMTP Server setting takes it. */
  address: string;
  stop(): Promise<void>;
}

async function acceptsConnections(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Starts smtp-sink on a free loopback port and waits until it accepts connections. */
export async function startSmtpSink(): Promise<SmtpSink> {
  const host = '127.0.0.1';
  const port = await freePort(host);
  // smtp-sink refuses to run as root unless told which user to become.
  const user = process.getuid?.() === 0 ? ['-u', 'nobody'] : [];
  // Backlog 256, and room for many more sessions than any scenario opens.
  const child: ChildProcess = spawn(sinkPath, [...user, '-m', '1000', `${host}:${port}`, '256'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let errors = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    errors += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  for (let tries = 0; !(await acceptsConnections(host, port)); tries += 1) {
    if (child.exitCode !== null || tries > 100) {
      child.kill();
      throw new Error(`smtp-sink did not start on ${host}:${port}: ${errors.trim()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return {
    host,
    port,
    address: `${host}:${port}`,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
