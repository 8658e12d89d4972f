/**
 * (a) The protocol limit of the machine: Postfix's smtp-source, written in C, sending into
 * smtp-sink over the same number of reused sessions the portal's pool keeps open.
 */
import { spawn } from 'node:child_process';
import { bodyBytes } from './message.ts';
import { progress } from './progress.ts';
import { sourcePath, type SmtpSink } from './smtp-sink.ts';

export interface SourceResult {
  messages: number;
  sessions: number;
  ms: number;
  perSecond: number;
}

export async function runSmtpSource(
  sink: SmtpSink,
  messages: number,
  sessions: number,
): Promise<SourceResult> {
  const shown = progress('(a) smtp-source');
  const args = [
    '-s', String(sessions),
    '-m', String(messages),
    '-l', String(bodyBytes),
    // Keep each session open for the next message, as a connection pool does.
    '-d',
    // Print a counter after each message, for the progress line.
    '-c',
    '-f', 'portal@bench.example',
    '-t', 'client@bench.example',
    `${sink.host}:${sink.port}`,
  ];
  const started = performance.now();
  const child = spawn(sourcePath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let sent = 0;
  let errors = '';
  child.stdout.on('data', (chunk: Buffer) => {
    const counters = chunk.toString().split('\r').filter((part) => /^\d+$/.test(part.trim()));
    if (counters.length > 0) sent = Number(counters[counters.length - 1]);
    shown.update(`sent ${sent}/${messages}`);
  });
  child.stderr.on('data', (chunk: Buffer) => {
    errors += chunk.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const ms = performance.now() - started;
  if (code !== 0) throw new Error(`smtp-source failed (exit ${code}): ${errors.trim()}`);

  const perSecond = (messages * 1000) / ms;
  shown.done(`sent ${messages}/${messages}: ${Math.round(perSecond)} msg/s`);
  return { messages, sessions, ms, perSecond };
}
