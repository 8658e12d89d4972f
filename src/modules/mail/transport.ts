/**
 * Nodemailer transports made from the e-mail settings: which port, how the connection is
 * secured, which certificate is accepted and when to log in.
 */
import net from 'node:net';
import nodemailer, {
  type SMTPPoolOptions,
  type SMTPSentMessageInfo,
  type Transporter,
} from 'nodemailer';
import { resolveSmtpServer, type SmtpSettings } from '../settings/schema.ts';

/** What the caller decides beyond the settings: pooling and timeouts. */
export interface TransportExtras {
  /** Keep connections open and reuse them for further messages. */
  pool?: boolean;
  maxConnections?: number;
  /** Messages per pooled connection before it is replaced. */
  maxMessages?: number;
  /** Time to open the connection, DNS lookup included. */
  connectionTimeoutMs?: number;
  /** Time the server may take to send its greeting once connected. */
  greetingTimeoutMs?: number;
  /** Time the server may stay silent in the middle of a session. */
  socketTimeoutMs?: number;
}

export type MailTransportOptions = SMTPPoolOptions;

/** Nodemailer SMTP options for the settings; the password is in them, so never log them. */
export function createTransportOptions(
  settings: SmtpSettings,
  extra: TransportExtras = {},
): MailTransportOptions {
  const { host, port } = resolveSmtpServer(settings.smtpServer, settings.connectionType);
  // SNI and the certificate check use the name; an IP literal is checked as an IP (RFC 6066
  // forbids it as a server name).
  const servername = net.isIP(host) ? undefined : host;

  const options: MailTransportOptions = {
    host,
    port,
    // Implicit TLS from the first byte (RFC 8314), for SSL only.
    secure: settings.connectionType === 'ssl',
    // STARTTLS or fail: nodemailer refuses to go on in plain text when the upgrade is not
    // offered or does not succeed.
    requireTLS: settings.connectionType === 'tls',
    // Not Secured stays plain even when STARTTLS is offered: an opportunistic upgrade would
    // either trust any certificate (security in name only) or fail on servers whose
    // certificate does not verify, behind the back of an administrator who chose plain. TLS is
    // there for whoever wants encryption.
    ignoreTLS: settings.connectionType === 'none',
    opportunisticTLS: false,
    tls: { rejectUnauthorized: true, ...(servername ? { servername } : {}) },
    ...(servername ? { servername } : {}),
    connectionTimeout: extra.connectionTimeoutMs ?? 30_000,
    greetingTimeout: extra.greetingTimeoutMs ?? 30_000,
    // RFC 5321 section 4.5.3.2.7 gives the server ten minutes to answer the end of the data;
    // giving up sooner risks sending a message twice.
    socketTimeout: extra.socketTimeoutMs ?? 600_000,
    // Messages carry their content inline; nothing may make the transport read a file or URL.
    disableFileAccess: true,
    disableUrlAccess: true,
    logger: false,
  };

  if (settings.authorizationRequired) {
    options.auth = { user: settings.login, pass: settings.password };
    // Log in even when the server does not advertise AUTH, so a missing login fails loudly
    // instead of the message going out unauthenticated.
    options.forceAuth = true;
  }
  if (extra.pool) {
    options.pool = true;
    if (extra.maxConnections !== undefined) options.maxConnections = extra.maxConnections;
    if (extra.maxMessages !== undefined) options.maxMessages = extra.maxMessages;
  }
  return options;
}

/** A nodemailer transport for the settings; close it when the settings change. */
export function createMailTransport(
  settings: SmtpSettings,
  extra: TransportExtras = {},
): Transporter<SMTPSentMessageInfo> {
  return nodemailer.createTransport(createTransportOptions(settings, extra));
}
