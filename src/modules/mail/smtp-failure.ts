/**
 * What went wrong when talking to the SMTP server, as plain data, and the one place where a
 * failure is judged: retry it later, give up on it, or stop and ask the administrator.
 */

/**
 * How a failure is handled.
 *
 * - `transient`: the server or the network failed for now (4xx, a dropped connection, a
 *   timeout mid-session); retry with backoff.
 * - `unreachable`: the server could not be reached at all (DNS, refused, no greeting), so
 *   nothing was handed over; hold delivery without spending an attempt.
 * - `permanent`: the server refused this message or recipient (5xx); retrying gets the same.
 * - `authentication`: the login was refused or is missing; pause sending, tell the
 *   administrator.
 * - `configuration`: the settings cannot work with this server (TLS or certificate trouble,
 *   not an SMTP server, no credentials); pause sending until an administrator changes them.
 */
export type SmtpFailureKind =
  | 'transient'
  | 'unreachable'
  | 'permanent'
  | 'authentication'
  | 'configuration';

/** The protocol facts of a failure, safe to store and show: never a password. */
export interface SmtpFailure {
  kind: SmtpFailureKind;
  /** Nodemailer's code (EAUTH, ECONNECTION, …) or, without one, the system's (ECONNREFUSED). */
  code: string;
  /** Node's or OpenSSL's code, e.g. ECONNREFUSED, ERR_TLS_CERT_ALTNAME_INVALID. */
  systemCode?: string;
  responseCode?: number;
  /** The SMTP command that got the failing reply, e.g. "RCPT TO". */
  command?: string;
  /** The server's reply as received. */
  response?: string;
  /** The recipient a per-recipient refusal concerns. */
  recipient?: string;
  message: string;
}

/** SMTP replies that concern the login rather than the message (RFC 4954 section 6). */
const authenticationReplies = new Set([530, 534, 535, 538]);

/** Node codes of a network that would not carry the connection at all. */
const unreachableSystemCodes = new Set([
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'ENETDOWN',
  'EADDRNOTAVAIL',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_FAIL',
  'EAI_NONAME',
  'ENODATA',
]);

/** Timeouts before the server said anything: nothing of the message left the portal. */
const unreachableTimeouts = new Set(['CONNECT_TIMEOUT', 'GREETING_TIMEOUT']);

const certificateSystemCodes = new Set([
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'HOSTNAME_MISMATCH',
]);

/** Codes nodemailer sets itself; any other code on an error is Node's or OpenSSL's. */
const nodemailerCodes = new Set([
  'ECONNECTION',
  'ETIMEDOUT',
  'ESOCKET',
  'EDNS',
  'ETLS',
  'EREQUIRETLS',
  'EPROTOCOL',
  'EENVELOPE',
  'EMESSAGE',
  'ESTREAM',
  'EABORT',
  'EAUTH',
  'ENOAUTH',
  'EOAUTH2',
  'EMAXLIMIT',
  'ECONFIG',
]);

/** Whether a system code is a certificate the portal refused to trust. */
export function isCertificateProblem(systemCode: string | undefined): boolean {
  return systemCode !== undefined && certificateSystemCodes.has(systemCode);
}

function isTlsProblem(systemCode: string): boolean {
  return isCertificateProblem(systemCode) || /^ERR_(SSL|TLS)_/.test(systemCode);
}

interface ErrorFacts {
  code?: unknown;
  originalCode?: unknown;
  responseCode?: unknown;
  command?: unknown;
  response?: unknown;
  recipient?: unknown;
  rejected?: unknown;
  timeoutType?: unknown;
  message?: unknown;
}

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

/** Keeps the protocol facts of a nodemailer or Node error and decides how it is handled. */
export function classifySmtpError(error: unknown): SmtpFailure {
  const facts: ErrorFacts = typeof error === 'object' && error !== null ? error : {};
  const code = text(facts.code) ?? 'EUNKNOWN';
  const failure: SmtpFailure = {
    kind: 'transient',
    code,
    message: text(facts.message) ?? String(error),
  };
  const systemCode =
    text(facts.originalCode) ?? (nodemailerCodes.has(code) ? undefined : text(facts.code));
  if (systemCode) failure.systemCode = systemCode;
  if (typeof facts.responseCode === 'number' && facts.responseCode > 0) {
    failure.responseCode = facts.responseCode;
  }
  const command = text(facts.command);
  // Nodemailer marks failures of its own checks "API" and of the connection "CONN": no command.
  if (command && command !== 'API' && command !== 'CONN') failure.command = command;
  const response = text(facts.response);
  if (response) failure.response = response.trim();
  // Nodemailer names the recipient on a per-recipient error, and lists them when all failed.
  const onlyRejected =
    Array.isArray(facts.rejected) && facts.rejected.length === 1 ? facts.rejected[0] : undefined;
  const recipient = text(facts.recipient) ?? text(onlyRejected);
  if (recipient) failure.recipient = recipient;

  failure.kind =
    failure.responseCode === undefined
      ? kindWithoutReply(failure, text(facts.timeoutType))
      : kindOfReply(code, failure.responseCode);
  return failure;
}

/** Judged by the server's reply: RFC 5321 section 4.2.1 makes 4yz transient, 5yz permanent. */
function kindOfReply(code: string, reply: number): SmtpFailureKind {
  if (authenticationReplies.has(reply)) return 'authentication';
  // Includes 421, the server closing the session (RFC 5321 section 3.8), and an unexpected
  // 2yz or 3yz reply: the session went wrong, the message was not refused.
  if (reply < 500) return 'transient';
  // 503 (bad sequence of commands) is the session in the wrong state; a new one may do.
  if (reply === 503) return 'transient';
  if (code === 'EAUTH') return 'authentication';
  // STARTTLS refused: this server cannot secure the connection as the settings demand.
  if (code === 'ETLS') return 'configuration';
  return 'permanent';
}

/** Judged by what failed when no reply explains it. */
function kindWithoutReply(failure: SmtpFailure, timeoutType: string | undefined): SmtpFailureKind {
  const { code, systemCode } = failure;
  if (systemCode !== undefined && isTlsProblem(systemCode)) return 'configuration';
  if (code === 'EDNS') return 'unreachable';
  if (systemCode !== undefined && unreachableSystemCodes.has(systemCode)) return 'unreachable';

  switch (code) {
    case 'ETIMEDOUT':
      return unreachableTimeouts.has(timeoutType ?? '') ? 'unreachable' : 'transient';
    case 'ETLS':
    case 'EREQUIRETLS':
    case 'ECONFIG':
    // A server that greets with something other than SMTP is the wrong host or port.
    case 'EPROTOCOL':
      return 'configuration';
    case 'EAUTH':
    case 'ENOAUTH':
    case 'EOAUTH2':
      // Without a command the login never reached the server: the credentials are missing.
      return failure.command === undefined ? 'configuration' : 'authentication';
    // Refused before a reply was needed: no recipients, an address with "<", a message too big.
    case 'EENVELOPE':
    case 'EMESSAGE':
      return 'permanent';
    default:
      return 'transient';
  }
}
