/**
 * The e-mail and general settings: their names, their rules and their defaults.
 *
 * This module is shared by the server (validation of `PUT /api/settings/*`) and the web UI
 * (the same rules beside the fields), so it imports nothing from Node.
 */
import { z } from 'zod';

export const connectionTypes = ['none', 'ssl', 'tls'] as const;
export type ConnectionType = (typeof connectionTypes)[number];

export const senderAddressPlacements = ['reply-to', 'from-and-reply-to'] as const;
export type SenderAddressIn = (typeof senderAddressPlacements)[number];

export const senderNameKinds = ['first-last', 'custom'] as const;
export type SenderNameKind = (typeof senderNameKinds)[number];

/** The port a connection type uses when the SMTP server names none. */
export const defaultPorts: Record<ConnectionType, number> = { none: 25, ssl: 465, tls: 587 };

/** Placeholders the sender name format knows: fields of the signing user. */
export const senderNamePlaceholders = ['firstName', 'lastName', 'email', 'companyName'] as const;
export type SenderNamePlaceholder = (typeof senderNamePlaceholders)[number];

const placeholderPattern = /\{\{\s*([^{}]*?)\s*\}\}/g;
const lineBreak = /[\r\n]/;

/** A host name label: letters, digits and inner hyphens (RFC 1123). */
const hostLabel = /^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$/;

export interface SmtpServerAddress {
  host: string;
  port?: number;
}

/**
 * Reads `host`, `host:port`, `[v6]` or `[v6]:port` into its parts, or explains what is wrong.
 *
 * @example parseSmtpServer('smtp.mail.example.com:2525') // { host: 'smtp.mail.example.com', port: 2525 }
 */
export function parseSmtpServer(value: string): SmtpServerAddress | { error: string } {
  const text = value.trim();
  if (text === '') return { error: 'Enter the SMTP server, as host or host:port.' };
  if (/\s/.test(text)) return { error: 'The SMTP server may not contain spaces.' };

  let host: string;
  let portText: string | undefined;
  if (text.startsWith('[')) {
    const match = /^\[([0-9A-Fa-f:.]+)\](?::(.*))?$/.exec(text);
    if (!match || !isIpv6(match[1]!)) {
      return { error: 'An IPv6 address must be written in brackets, as [2001:db8::1]:587.' };
    }
    host = match[1]!;
    portText = match[2];
  } else {
    const parts = text.split(':');
    if (parts.length > 2) {
      return { error: 'An IPv6 address must be written in brackets, as [2001:db8::1]:587.' };
    }
    host = parts[0]!;
    portText = parts[1];
    if (!isHostName(host)) {
      return { error: `"${host}" is not a valid host name or IPv4 address.` };
    }
  }

  if (portText === undefined) return { host };
  if (!/^\d{1,5}$/.test(portText) || Number(portText) < 1 || Number(portText) > 65535) {
    return { error: 'The port must be a number from 1 to 65535.' };
  }
  return { host, port: Number(portText) };
}

function isHostName(host: string): boolean {
  if (host.length === 0 || host.length > 253) return false;
  if (/^[\d.]+$/.test(host)) {
    const octets = host.split('.');
    return octets.length === 4 && octets.every((o) => /^\d{1,3}$/.test(o) && Number(o) <= 255);
  }
  return host.replace(/\.$/, '').split('.').every((label) => hostLabel.test(label));
}

function isIpv6(text: string): boolean {
  if (!text.includes(':') || text.split('::').length > 2) return false;
  const groups = text.split(':');
  const last = groups[groups.length - 1]!;
  const tail = last.includes('.') ? groups.pop() : undefined;
  if (tail !== undefined && !isHostName(tail)) return false;
  const maxGroups = tail === undefined ? 8 : 6;
  const filled = groups.filter((g) => g !== '');
  if (filled.length > maxGroups) return false;
  if (!text.includes('::') && filled.length !== maxGroups) return false;
  return filled.every((g) => /^[0-9A-Fa-f]{1,4}$/.test(g));
}

/** The host and port to connect to, the port following the connection type when not named. */
export function resolveSmtpServer(
  smtpServer: string,
  connectionType: ConnectionType,
): { host: string; port: number } {
  const parsed = parseSmtpServer(smtpServer);
  if ('error' in parsed) throw new Error(parsed.error);
  return { host: parsed.host, port: parsed.port ?? defaultPorts[connectionType] };
}

/** The placeholder names a format uses that the sender name does not know. */
export function unknownPlaceholders(format: string): string[] {
  const known = new Set<string>(senderNamePlaceholders);
  const unknown: string[] = [];
  for (const match of format.matchAll(placeholderPattern)) {
    const name = match[1]!;
    if (!known.has(name) && !unknown.includes(name)) unknown.push(name);
  }
  return unknown;
}

/** Fills `{{ name }}` placeholders from values; unknown names become empty. */
export function fillPlaceholders(format: string, values: Record<string, string>): string {
  return format.replace(placeholderPattern, (_, name: string) => values[name] ?? '');
}

/** Checks a sender name format; returns the reason it is refused, or undefined. */
export function checkSenderNameFormat(format: string): string | undefined {
  if (lineBreak.test(format)) return 'The sender name format may not contain line breaks.';
  if (format.trim() === '') return 'Enter a sender name format, or choose First Name & Last Name.';
  if (format.length > 200) return 'The sender name format may be at most 200 characters.';
  const unknown = unknownPlaceholders(format);
  if (unknown.length > 0) {
    const list = unknown.map((name) => `{{ ${name} }}`).join(', ');
    return `Unknown placeholder ${list}; use ${senderNamePlaceholders.map((n) => `{{ ${n} }}`).join(', ')}.`;
  }
  const stray = format.replace(placeholderPattern, '');
  if (stray.includes('{{') || stray.includes('}}')) {
    return 'A placeholder is not closed: write it as {{ firstName }}.';
  }
  return undefined;
}

/** An e-mail address as a mailbox: no display name, no line breaks, one @, a dotted domain. */
export const emailAddress = z
  .string()
  .trim()
  .max(254, 'An e-mail address may be at most 254 characters.')
  .refine((v) => !lineBreak.test(v), 'An e-mail address may not contain line breaks.')
  .refine(
    (v) => /^[^\s@<>()",;:\\[\]]+@[^\s@<>()",;:\\[\]]+\.[^\s@<>()",;:\\[\].]+$/.test(v),
    'Enter an e-mail address such as name@example.com.',
  );

const optionalEmailAddress = z.union([z.literal(''), emailAddress]);

const noLineBreaks = (label: string) =>
  z
    .string()
    .max(254, `${label} may be at most 254 characters.`)
    .refine((v) => !lineBreak.test(v), `${label} may not contain line breaks.`);

const smtpServer = z
  .string()
  .trim()
  .superRefine((value, ctx) => {
    if (value === '') return;
    const parsed = parseSmtpServer(value);
    if ('error' in parsed) ctx.addIssue({ code: 'custom', message: parsed.error });
  });

const wholeNumber = (label: string, min: number, max: number) =>
  z
    .number({ error: `${label} must be a whole number.` })
    .min(min, `${label} must be at least ${min}.`)
    .max(max, `${label} may be at most ${max}.`)
    .refine(Number.isInteger, `${label} must be a whole number.`);

/** The e-mail settings as stored and read, without the password. */
export const emailSettingsFields = z.object({
  smtpServer,
  emailAddress: optionalEmailAddress,
  authorizationRequired: z.boolean(),
  login: noLineBreaks('The e-mail login'),
  connectionType: z.enum(connectionTypes, { error: 'Choose Not Secured, SSL or TLS.' }),
  senderAddressIn: z.enum(senderAddressPlacements, {
    error: 'Choose Reply-to field only, or From and Reply-to.',
  }),
  senderName: z.enum(senderNameKinds, { error: 'Choose First Name & Last Name, or Custom format.' }),
  senderNameFormat: z.string().max(1000),
  redirectAllToAdmin: z.boolean(),
  attachmentsAllowedInCrm: z.boolean(),
  maxAttachmentSizeKb: wholeNumber('The max attachment size', 0, 10_485_760),
  queuingEnabled: z.boolean(),
  bulkIntervalSeconds: wholeNumber('The bulk sending interval', 1, 86_400),
  bulkSize: wholeNumber('The bulk size', 1, 100_000),
});

/** Rules between fields. They run even when other fields failed, so all errors show at once. */
function refineEmailSettings(value: Record<string, unknown>, ctx: z.RefinementCtx): void {
  const format = value.senderNameFormat;
  if (typeof format === 'string') {
    const problem = value.senderName === 'custom'
      ? checkSenderNameFormat(format)
      : lineBreak.test(format) ? 'The sender name format may not contain line breaks.' : undefined;
    if (problem) ctx.addIssue({ code: 'custom', path: ['senderNameFormat'], message: problem });
  }
  if (value.authorizationRequired === true && typeof value.login === 'string' && value.login.trim() === '') {
    ctx.addIssue({
      code: 'custom',
      path: ['login'],
      message: 'Enter the e-mail login, or clear Authorization Required.',
    });
  }
}

const isObject = (payload: { value: unknown }) =>
  typeof payload.value === 'object' && payload.value !== null;

/** Body of `PUT /api/settings/email`: every field, the password optional (absent keeps it). */
export const emailSettingsInput = emailSettingsFields
  .extend({
    password: z
      .string()
      .max(1024, 'The password may be at most 1024 characters.')
      .refine((v) => !lineBreak.test(v), 'The password may not contain line breaks.')
      .optional(),
  })
  .strict()
  .superRefine((value, ctx) => refineEmailSettings(value, ctx), {
    when: (payload) => isObject(payload),
  });

export type EmailSettings = z.infer<typeof emailSettingsFields>;
export type EmailSettingsInput = z.infer<typeof emailSettingsInput>;

/** What `GET /api/settings/email` answers: the settings and whether a password is stored. */
export type EmailSettingsView = EmailSettings & { passwordSet: boolean };

/** The settings a connection needs, with the password in clear: never sent to a browser. */
export type SmtpSettings = EmailSettings & { password: string };

export const defaultEmailSettings: EmailSettings = {
  smtpServer: '',
  emailAddress: '',
  authorizationRequired: false,
  login: '',
  connectionType: 'tls',
  senderAddressIn: 'reply-to',
  senderName: 'first-last',
  senderNameFormat: '{{ firstName }} {{ lastName }} ({{ companyName }})',
  redirectAllToAdmin: false,
  attachmentsAllowedInCrm: true,
  maxAttachmentSizeKb: 10_240,
  queuingEnabled: false,
  bulkIntervalSeconds: 60,
  bulkSize: 100,
};

/** Body of `PUT /api/settings/general`, and what `GET` answers. */
export const generalSettings = z
  .object({
    companyName: noLineBreaks('The company name').refine(
      (v) => v.trim() !== '',
      'Enter the company name.',
    ),
    administratorEmail: optionalEmailAddress,
    portalUrl: z
      .string()
      .trim()
      .max(2000)
      .refine((v) => v === '' || /^https?:\/\/[^\s/]+(\/\S*)?$/.test(v), {
        message: 'Enter the portal URL as http:// or https:// followed by the host name.',
      }),
  })
  .strict();

export type GeneralSettings = z.infer<typeof generalSettings>;

export const defaultGeneralSettings: GeneralSettings = {
  companyName: 'Home Portal',
  administratorEmail: '',
  portalUrl: '',
};

/** Body of `POST /api/settings/email/test`. */
export const testEmailRequest = z
  .object({
    to: emailAddress,
    settings: emailSettingsInput.optional(),
  })
  .strict();

export type TestEmailRequest = z.infer<typeof testEmailRequest>;

/** One step of the test e-mail, in the order they run. */
export const testStepNames = [
  'dns',
  'connect',
  'tls',
  'greeting',
  'authentication',
  'sender',
  'recipient',
  'data',
] as const;
export type TestStepName = (typeof testStepNames)[number];

export interface TestStep {
  name: TestStepName;
  ok: boolean;
  ms: number;
  detail: string;
}

export interface TestEmailResult {
  ok: boolean;
  steps: TestStep[];
  hint?: string;
}
