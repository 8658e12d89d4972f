/**
 * A stand-in for smtp-sink when Postfix is not installed: an smtp-server in a process of its
 * own that drains every message unread. It costs more CPU than smtp-sink, so figures taken
 * with it are lower and not comparable with those taken with smtp-sink.
 *
 * Run as a child of the bench (`startNodeSink`); it reports its port over IPC.
 */
import { fork } from 'node:child_process';
import type net from 'node:net';
import { SMTPServer } from 'smtp-server';
import type { SmtpSink } from './smtp-sink.ts';

/** Starts the stand-in sink on a free loopback port. */
export async function startNodeSink(): Promise<SmtpSink> {
  const child = fork(new URL(import.meta.url).pathname, ['--serve'], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (message: { port: number }) => resolve(message.port));
    child.once('exit', (code) => reject(new Error(`the stand-in sink exited (code ${code})`)));
  });
  const host = '127.0.0.1';
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

function serve(): void {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    hideSTARTTLS: true,
    logger: false,
    maxClients: 1000,
    onData(stream, _session, callback) {
      stream.on('end', () => callback());
      stream.resume();
    },
  });
  server.on('error', () => {});
  server.listen(0, '127.0.0.1', () => {
    process.send!({ port: (server.server.address() as net.AddressInfo).port });
  });
  process.on('disconnect', () => process.exit(0));
}

if (process.argv.includes('--serve')) serve();
