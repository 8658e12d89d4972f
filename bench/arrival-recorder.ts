/**
 * A receiving SMTP server that notes when each message arrives and nothing else: the time of
 * its MAIL FROM (the hand-off starts) and of the end of its data (the hand-off is done). The
 * content is drained unread. smtp-sink keeps no per-message times, hence this server.
 */
import type net from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface Arrival {
  mailFromAt: number;
  receivedAt: number;
}

export interface ArrivalRecorder {
  address: string;
  arrivals: Arrival[];
  close(): Promise<void>;
}

export async function startArrivalRecorder(): Promise<ArrivalRecorder> {
  const arrivals: Arrival[] = [];
  const mailFromAt = new Map<string, number>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    hideSTARTTLS: true,
    logger: false,
    onMailFrom(_address, session, callback) {
      mailFromAt.set(session.id, Date.now());
      callback();
    },
    onData(stream, session, callback) {
      stream.on('end', () => {
        const receivedAt = Date.now();
        arrivals.push({ mailFromAt: mailFromAt.get(session.id) ?? receivedAt, receivedAt });
        callback();
      });
      stream.resume();
    },
  });
  server.on('error', () => {
    // A client that hangs up mid-session is no concern of a measurement.
  });
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.server.address() as net.AddressInfo;
  return {
    address: `127.0.0.1:${port}`,
    arrivals,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
