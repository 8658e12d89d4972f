/**
 * Composition: who signs a message, where it really goes, and what the headers say. A pure
 * function from settings, actor and draft to a message nodemailer can send as it is.
 *
 * When Redirect All Mail to Admin is on, the message goes to the administrator alone and the
 * recipients it was written for travel with it in `X-Portal-Original-To`, `X-Portal-Original-Cc`
 * and `X-Portal-Original-Bcc` (each present when that list is not empty, addresses separated
 * by ", "), and in a note at the top of the body.
 */
import {
  emailAddress,
  fillPlaceholders,
  type EmailSettings,
  type GeneralSettings,
} from '../settings/schema.ts';

/** Who caused a message: a signed-in user, or the company for mail no user caused. */
export type MailActor =
  | { kind: 'user'; firstName: string; lastName: string; email: string }
  | { kind: 'company' };

export interface MailAttachment {
  filename: string;
  content: string | Buffer;
  contentType?: string;
}

/** A message as written: recipients, subject and content. */
export interface MailDraft {
  to: string[];
  cc?: string[];
  bcc?: string[];
  subject: string;
  text?: string;
  html?: string;
  attachments?: MailAttachment[];
  headers?: Record<string, string>;
  /**
   * Only these of the recipients get the message; the headers still name them all. The outbox
   * sets it when a server refused some recipients for now and accepted the others.
   */
  envelopeTo?: string[];
}

export interface ComposeInput {
  settings: EmailSettings;
  general: GeneralSettings;
  actor: MailActor;
  draft: MailDraft;
  /** The stable Message-ID the outbox keeps across retries. */
  messageId?: string;
}

export interface MailAddress {
  name: string;
  address: string;
}

/** Where a redirected message would have gone. */
export interface Redirection {
  target: string;
  originalTo: string[];
  originalCc: string[];
  originalBcc: string[];
}

/** A message ready for nodemailer's sendMail, and whether it was redirected. */
export interface ComposedMessage {
  envelope: { from: string; to: string[] };
  from: MailAddress;
  sender?: string;
  replyTo?: string;
  to: string[];
  cc: string[];
  bcc: string[];
  subject: string;
  text?: string;
  html?: string;
  messageId?: string;
  headers: Record<string, string>;
  attachments: MailAttachment[];
  redirected?: Redirection;
}

/** A value that cannot go into a message; `field` names where it came from. */
export class ComposeError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'ComposeError';
  }
}

export const originalRecipientHeaders = {
  to: 'X-Portal-Original-To',
  cc: 'X-Portal-Original-Cc',
  bcc: 'X-Portal-Original-Bcc',
} as const;

/** Headers that composition or nodemailer writes; a draft may not bring its own. */
const managedHeaders = new Set([
  'from',
  'sender',
  'reply-to',
  'to',
  'cc',
  'bcc',
  'subject',
  'message-id',
  'date',
  'mime-version',
  'content-type',
  'content-transfer-encoding',
  ...Object.values(originalRecipientHeaders).map((name) => name.toLowerCase()),
]);

/** RFC 5322 section 3.6.8: printable US-ASCII except the colon. */
const headerName = /^[\x21-\x39\x3b-\x7e]+$/;

function refuseLineBreak(field: string, value: string): string {
  // A line break in a header value would end the header and start one the sender chose.
  if (/[\r\n]/.test(value)) {
    throw new ComposeError(field, `${field} contains a line break; header values are one line.`);
  }
  return value;
}

function checkAddress(field: string, value: string): string {
  refuseLineBreak(field, value);
  const parsed = emailAddress.safeParse(value);
  if (!parsed.success) {
    throw new ComposeError(field, `${field} is not an e-mail address: "${value}".`);
  }
  return parsed.data;
}

function checkAddresses(field: string, values: string[] | undefined): string[] {
  return (values ?? []).map((value, i) => checkAddress(`${field}[${i}]`, value));
}

function unique(addresses: string[]): string[] {
  const seen = new Set<string>();
  return addresses.filter((address) => {
    const key = address.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function senderName(settings: EmailSettings, general: GeneralSettings, actor: MailActor): string {
  const companyName = refuseLineBreak('general.companyName', general.companyName);
  if (actor.kind === 'company') return companyName.trim();
  const values = {
    firstName: refuseLineBreak('actor.firstName', actor.firstName),
    lastName: refuseLineBreak('actor.lastName', actor.lastName),
    email: actor.email,
    companyName,
  };
  const format =
    settings.senderName === 'custom'
      ? refuseLineBreak('settings.senderNameFormat', settings.senderNameFormat)
      : '{{ firstName }} {{ lastName }}';
  const name = fillPlaceholders(format, values);
  // An empty placeholder leaves doubled or trailing spaces behind.
  return name.replace(/\s+/g, ' ').trim();
}

function checkHeaders(headers: Record<string, string> | undefined): Record<string, string> {
  const checked: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const field = `draft.headers.${name}`;
    if (!headerName.test(name)) throw new ComposeError(field, `"${name}" is not a header name.`);
    if (managedHeaders.has(name.toLowerCase())) {
      throw new ComposeError(field, `The ${name} header is set by composition, not by a draft.`);
    }
    checked[name] = refuseLineBreak(field, value);
  }
  return checked;
}

function checkAttachments(attachments: MailAttachment[] | undefined): MailAttachment[] {
  return (attachments ?? []).map((attachment, i) => {
    refuseLineBreak(`draft.attachments[${i}].filename`, attachment.filename);
    if (attachment.contentType !== undefined) {
      refuseLineBreak(`draft.attachments[${i}].contentType`, attachment.contentType);
    }
    return { ...attachment };
  });
}

const htmlEscapes: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => htmlEscapes[char]!);
}

function recipientSummary(redirection: Redirection): string {
  const lists: Array<[string, string[]]> = [
    ['To', redirection.originalTo],
    ['Cc', redirection.originalCc],
    ['Bcc', redirection.originalBcc],
  ];
  return lists
    .filter(([, list]) => list.length > 0)
    .map(([label, list]) => `${label}: ${list.join(', ')}`)
    .join('; ');
}

function redirectNotes(redirection: Redirection): { text: string; html: string } {
  const intro = 'Redirected to the administrator (Redirect All Mail to Admin is on).';
  const recipients = `Original recipients: ${recipientSummary(redirection)}`;
  return {
    text: `[${intro}]\n[${recipients}]\n\n`,
    html:
      '<p style="border:1px solid #c92a2a;padding:8px;font-family:sans-serif">' +
      `${escapeHtml(intro)}<br>${escapeHtml(recipients)}</p>\n`,
  };
}

function prependToHtml(html: string, note: string): string {
  const body = /<body[^>]*>/i.exec(html);
  if (!body) return note + html;
  const at = body.index + body[0].length;
  return html.slice(0, at) + note + html.slice(at);
}

/** Turns a draft into the message to send: signer, recipients, redirect and checked headers. */
export function composeMessage(input: ComposeInput): ComposedMessage {
  const { settings, general, actor, draft } = input;
  if (settings.emailAddress === '') {
    throw new ComposeError(
      'settings.emailAddress',
      'The E-mail Address of the sending account is not set.',
    );
  }
  const account = checkAddress('settings.emailAddress', settings.emailAddress);
  const name = senderName(settings, general, actor);
  const userAddress = actor.kind === 'user' ? checkAddress('actor.email', actor.email) : undefined;

  const to = checkAddresses('draft.to', draft.to);
  const cc = checkAddresses('draft.cc', draft.cc);
  const bcc = checkAddresses('draft.bcc', draft.bcc);
  if (to.length + cc.length + bcc.length === 0) {
    throw new ComposeError('draft.to', 'The message has no recipients.');
  }

  const message: ComposedMessage = {
    envelope: { from: account, to: unique([...to, ...cc, ...bcc]) },
    from: { name, address: account },
    to,
    cc,
    bcc,
    subject: refuseLineBreak('draft.subject', draft.subject),
    headers: checkHeaders(draft.headers),
    attachments: checkAttachments(draft.attachments),
  };
  if (draft.text !== undefined) message.text = draft.text;
  if (draft.html !== undefined) message.html = draft.html;
  if (input.messageId !== undefined) {
    message.messageId = refuseLineBreak('messageId', input.messageId);
  }

  if (draft.envelopeTo !== undefined) message.envelope.to = onlyTo(message.envelope.to, draft.envelopeTo);

  if (userAddress !== undefined) {
    message.replyTo = userAddress;
    if (settings.senderAddressIn === 'from-and-reply-to') {
      message.from = { name, address: userAddress };
      // RFC 5322 section 3.6.2: Sender names the mailbox that actually sent the message, and
      // is left out when it is the From address itself.
      if (userAddress.toLowerCase() !== account.toLowerCase()) message.sender = account;
    }
  }

  if (settings.redirectAllToAdmin) redirect(message, general);
  return message;
}

/** The envelope narrowed to some of the draft's own recipients, never to anyone else. */
function onlyTo(recipients: string[], wanted: string[]): string[] {
  const only = checkAddresses('draft.envelopeTo', wanted);
  const known = new Set(recipients.map((address) => address.toLowerCase()));
  const stranger = only.find((address) => !known.has(address.toLowerCase()));
  if (stranger !== undefined) {
    throw new ComposeError('draft.envelopeTo', `${stranger} is not one of the message's recipients.`);
  }
  if (only.length === 0) throw new ComposeError('draft.envelopeTo', 'The message has no recipients.');
  return unique(only);
}

function redirect(message: ComposedMessage, general: GeneralSettings): void {
  if (general.administratorEmail === '') {
    throw new ComposeError(
      'general.administratorEmail',
      'Redirect All Mail to Admin is on, but no administrator e-mail address is set.',
    );
  }
  const target = checkAddress('general.administratorEmail', general.administratorEmail);
  const redirection: Redirection = {
    target,
    originalTo: message.to,
    originalCc: message.cc,
    originalBcc: message.bcc,
  };

  for (const kind of ['to', 'cc', 'bcc'] as const) {
    const list = message[kind];
    if (list.length > 0) message.headers[originalRecipientHeaders[kind]] = list.join(', ');
  }
  const notes = redirectNotes(redirection);
  if (message.text !== undefined || message.html === undefined) {
    message.text = notes.text + (message.text ?? '');
  }
  if (message.html !== undefined) message.html = prependToHtml(message.html, notes.html);

  message.envelope = { from: message.envelope.from, to: [target] };
  message.to = [target];
  message.cc = [];
  message.bcc = [];
  message.redirected = redirection;
}
