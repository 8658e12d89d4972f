/**
 * The message every scenario sends: 2,048 bytes of plain ASCII text in lines of at most 76
 * characters, so that nodemailer sends it as 7bit, unencoded, byte for byte like smtp-source.
 */
export const bodyBytes = 2048;

const words = ['portal', 'outbox', 'delivery', 'message', 'lease', 'worker', 'queue', 'sender',
  'bulk', 'interval', 'recipient', 'account', 'client', 'vendor', 'project', 'invoice'];

function makeBody(bytes: number): string {
  const lines: string[] = [];
  let length = 0;
  let line = '';
  for (let i = 0; length + line.length < bytes; i += 1) {
    const word = words[(i * 7) % words.length]!;
    if (line.length + word.length + 1 > 75) {
      lines.push(line);
      length += line.length + 1;
      line = '';
    }
    line = line === '' ? word : `${line} ${word}`;
  }
  lines.push(line);
  return lines.join('\n').slice(0, bytes);
}

/** The text body, exactly `bodyBytes` long. */
export const body = makeBody(bodyBytes);

/** The recipient of message `i`: a different mailbox each time, as in a real mailing. */
export function recipient(i: number): string {
  return `client${i}@bench.example`;
}

/** The sending account the portal and the bare pool use. */
export const accountAddress = 'portal@bench.example';
