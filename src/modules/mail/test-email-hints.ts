/**
 * What to tell an administrator when a step of the test e-mail fails: the likely cause in the
 * settings' own words, and what to change.
 */
import { defaultPorts, type ConnectionType, type TestStepName } from '../settings/schema.ts';
import { isCertificateProblem, type SmtpFailure } from './smtp-failure.ts';

/** What the run learnt about the server, beyond the failure itself. */
export interface HintFacts {
  host: string;
  port: number;
  connectionType: ConnectionType;
  emailAddress: string;
  to: string;
  authorizationRequired: boolean;
  /** The plain-text EHLO reply listed STARTTLS. */
  startTlsOffered?: boolean;
  /** The last EHLO reply listed AUTH. */
  offersLogin?: boolean;
  /** The port completed a TLS handshake when asked after the plain greeting never came. */
  answersTls?: boolean;
  /** Names the server's certificate is valid for, when it was refused. */
  certificateNames?: string[];
  /** No server reply came at all on the SMTP connection. */
  silent?: boolean;
}

const typeLabels: Record<ConnectionType, string> = {
  none: 'Not Secured',
  ssl: 'SSL',
  tls: 'TLS',
};

/** OpenSSL's words for a reply that was no TLS at all: a server speaking plain SMTP. */
const notTls = new Set([
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'ERR_SSL_PACKET_LENGTH_TOO_LONG',
  'ERR_SSL_UNKNOWN_PROTOCOL',
  'ERR_SSL_RECORD_LAYER_FAILURE',
  'ERR_SSL_HTTP_REQUEST',
]);

/** A plain-language hint for a failed step: the likely cause and what to change. */
export function hintFor(step: TestStepName, failure: SmtpFailure, facts: HintFacts): string {
  if (failure.responseCode === 421) {
    return 'The server ended the session (421): it is busy or limits connections; try again later.';
  }
  const certificate = certificateHint(failure, facts);
  if (certificate) return certificate;

  switch (step) {
    case 'dns':
      return dnsHint(failure, facts.host);
    case 'connect':
      return connectHint(failure, `${facts.host}:${facts.port}`);
    case 'tls':
      if (facts.connectionType === 'ssl') return sslHint(failure, facts);
      return startTlsHint(failure, facts);
    case 'greeting':
      return greetingHint(failure, facts);
    case 'authentication':
      return authenticationHint(failure, facts);
    case 'sender':
      return senderHint(failure, facts);
    case 'recipient':
      return recipientHint(failure, facts);
    case 'data':
      return dataHint(failure);
  }
}

function dnsHint(failure: SmtpFailure, host: string): string {
  if (failure.code === 'ECONFIG') return failure.message;
  const code = failure.systemCode;
  if (code === 'ENOTFOUND' || code === 'EAI_NONAME' || code === 'ENODATA') {
    return `The name ${host} is not known to DNS: check the SMTP Server for a typo.`;
  }
  return `The DNS lookup of ${host} failed for now: check the network, then try again.`;
}

function connectHint(failure: SmtpFailure, where: string): string {
  if (failure.systemCode === 'ECONNREFUSED') {
    return `Nothing listens on ${where}: check the SMTP Server and its port.`;
  }
  if (failure.code === 'ETIMEDOUT') {
    return `${where} did not answer: the port may be wrong, or a firewall drops the connection.`;
  }
  return `The portal cannot reach ${where}: check the SMTP Server and the network.`;
}

function certificateHint(failure: SmtpFailure, facts: HintFacts): string | undefined {
  const code = failure.systemCode;
  if (!isCertificateProblem(code)) return undefined;
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    const names = facts.certificateNames?.length
      ? `it is for ${facts.certificateNames.join(', ')}`
      : 'it names other hosts';
    return (
      `The server's certificate is not valid for ${facts.host} (${names}): ` +
      'enter the SMTP Server by a name on its certificate.'
    );
  }
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') {
    return "The server's certificate is out of date: its administrator has to renew it.";
  }
  return (
    "The server's certificate is not signed by an authority this machine trusts " +
    '(self-signed or a private CA): install a valid certificate on the server, or trust its ' +
    "CA on the portal's machine."
  );
}

function sslHint(failure: SmtpFailure, facts: HintFacts): string {
  const { port } = facts;
  if (notTls.has(failure.systemCode ?? '')) {
    return (
      `Port ${port} expects TLS (STARTTLS) or no encryption, the connection type is SSL: ` +
      `choose TLS, or use port ${defaultPorts.ssl} for SSL.`
    );
  }
  if (failure.code === 'ETIMEDOUT') {
    return `Port ${port} did not answer the TLS handshake: check that it is an SSL port.`;
  }
  return `The TLS handshake with port ${port} failed: check the connection type and port.`;
}

function startTlsHint(failure: SmtpFailure, facts: HintFacts): string {
  const { port } = facts;
  // Without an EHLO reply the session failed before STARTTLS could be asked for.
  if (facts.silent || facts.startTlsOffered === undefined) return greetingHint(failure, facts);
  if (!facts.startTlsOffered) {
    return (
      `The server does not offer STARTTLS on port ${port}, the connection type is TLS: ` +
      `choose SSL if the port expects it (usually ${defaultPorts.ssl}), or use the ` +
      `provider's STARTTLS port (usually ${defaultPorts.tls}).`
    );
  }
  if (failure.command === 'STARTTLS') {
    return `The server refused STARTTLS on port ${port}; its reply says why.`;
  }
  return `The TLS handshake after STARTTLS failed on port ${port}: check the connection type.`;
}

function greetingHint(failure: SmtpFailure, facts: HintFacts): string {
  const { port, connectionType } = facts;
  if (facts.silent && facts.answersTls) {
    const type = typeLabels[connectionType];
    return (
      `Port ${port} expects SSL (implicit TLS), the connection type is ${type}: ` +
      `choose SSL, or use port ${defaultPorts[connectionType]} for ${type}.`
    );
  }
  if (failure.code === 'ETIMEDOUT') {
    return (
      `The server on port ${port} accepted the connection but never greeted: ` +
      'it may be overloaded, or the port is not an SMTP port.'
    );
  }
  if (facts.silent) {
    return (
      `The server on port ${port} closed the connection without a greeting: it may be ` +
      'overloaded, or refuse connections from this machine.'
    );
  }
  if (failure.responseCode !== undefined) {
    return 'The server refused the session at its greeting; its reply says why.';
  }
  return `The server on port ${port} does not speak SMTP: check the port.`;
}

function authenticationHint(failure: SmtpFailure, facts: HintFacts): string {
  if (failure.code === 'ETIMEDOUT') return stalled('login');
  if (failure.kind === 'configuration') {
    return 'Enter the E-mail Login and Password, or clear Authorization Required.';
  }
  if (failure.responseCode === 538 || (facts.offersLogin === false && facts.startTlsOffered)) {
    return (
      'The server offers a login only over an encrypted connection: ' +
      'choose TLS (or SSL) as the connection type.'
    );
  }
  if (facts.offersLogin === false) {
    return (
      'The server offers no login on this connection: ' +
      'clear Authorization Required if it needs none.'
    );
  }
  if (failure.responseCode === 534) {
    return (
      'The server refuses this way of logging in for the account: ' +
      'many providers need an app password for SMTP.'
    );
  }
  if (failure.kind === 'transient') {
    return 'The server could not check the login for now; try again.';
  }
  return (
    'The server refused the E-mail Login and Password: check both ' +
    '(some providers need an app password for SMTP).'
  );
}

function loginRequired(failure: SmtpFailure, facts: HintFacts): string | undefined {
  if (failure.responseCode !== 530 || facts.authorizationRequired) return undefined;
  return (
    'The server requires a login: turn on Authorization Required and enter the ' +
    'E-mail Login and Password.'
  );
}

function stalled(what: string): string {
  return `The server stopped answering at the ${what}: it may be overloaded; try again later.`;
}

function senderHint(failure: SmtpFailure, facts: HintFacts): string {
  const login = loginRequired(failure, facts);
  if (login) return login;
  if (failure.code === 'ETIMEDOUT') return stalled('sender (MAIL FROM)');
  if (failure.responseCode === undefined) return failure.message;
  if (failure.kind === 'transient') {
    return 'The server deferred the sender for now; try again later.';
  }
  return (
    `The server does not allow sending as ${facts.emailAddress}; ` +
    `set E-mail Address to the account's own address.`
  );
}

function recipientHint(failure: SmtpFailure, facts: HintFacts): string {
  const login = loginRequired(failure, facts);
  if (login) return login;
  if (failure.code === 'ETIMEDOUT') return stalled('recipient (RCPT TO)');
  if (failure.kind === 'transient') {
    return `The server deferred the recipient ${facts.to} for now; try again later.`;
  }
  return (
    `The server refused the recipient ${facts.to}: check the address; if it is right, the ` +
    'account may not be allowed to send to it.'
  );
}

function dataHint(failure: SmtpFailure): string {
  if (failure.code === 'ETIMEDOUT') {
    return 'The server took the message but did not confirm it in time.';
  }
  if (failure.kind === 'transient') {
    return 'The server deferred the message for now; try again later.';
  }
  return 'The server refused the message itself; its reply says why.';
}
