import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import selfsigned from 'selfsigned';
import { defaultEmailSettings, type SmtpSettings } from '../settings/schema.ts';
import {
  freePort,
  startSmtpServer,
  type SmtpServerFixture,
  type SmtpServerOptions,
} from '../../../test/support/smtp-server.ts';
import { classifySmtpError, type SmtpFailure, type SmtpFailureKind } from './smtp-failure.ts';
import { createMailTransport, type TransportExtras } from './transport.ts';

const account = { user: 'portal@acme.example', pass: 's3cret-pass' };
const message = {
  envelope: { from: account.user, to: ['anna@client.example'] },
  from: account.user,
  to: 'anna@client.example',
  subject: 'Failure check',
  text: 'Hello',
};

let servers: SmtpServerFixture[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

async function server(options: SmtpServerOptions): Promise<SmtpServerFixture> {
  const started = await startSmtpServer(options);
  servers.push(started);
  return started;
}

/** Sends one message to `smtpServer` and answers how it failed. */
async function failureOf(
  smtpServer: string,
  connectionType: SmtpSettings['connectionType'],
  overrides: Partial<SmtpSettings> = {},
  extra: TransportExtras = {},
): Promise<SmtpFailure> {
  const settings = { ...defaultEmailSettings, emailAddress: account.user, password: '' };
  const transport = createMailTransport(
    { ...settings, smtpServer, connectionType, ...overrides },
    extra,
  );
  try {
    await transport.sendMail(message);
  } catch (error) {
    return classifySmtpError(error);
  } finally {
    transport.close();
  }
  return assert.fail('the message was accepted');
}

const login = { authorizationRequired: true, login: account.user, password: account.pass };

describe('classifySmtpError with errors from a real server', () => {
  test('calls a refused password an authentication failure and keeps the reply', async () => {
    const smtp = await server({ mode: 'starttls', auth: account });
    const failure = await failureOf(`localhost:${smtp.port}`, 'tls', {
      ...login,
      password: 'not-the-password',
    });
    assert.equal(failure.kind, 'authentication');
    assert.equal(failure.code, 'EAUTH');
    assert.equal(failure.responseCode, 535);
    assert.equal(failure.command, 'AUTH PLAIN');
    assert.match(failure.response ?? '', /^535 /);
    assert.ok(!JSON.stringify(failure).includes('not-the-password'));
  });

  test('calls a missing login the server requires an authentication failure', async () => {
    const smtp = await server({ mode: 'starttls', auth: account });
    const failure = await failureOf(`localhost:${smtp.port}`, 'tls');
    assert.equal(failure.kind, 'authentication');
    assert.equal(failure.responseCode, 530);
    assert.equal(failure.command, 'MAIL FROM');
  });

  test('calls a 550 for the recipient permanent and names the recipient', async () => {
    const smtp = await server({
      mode: 'plain',
      rejectRcpt: () => ({ code: 550, message: 'No such user here' }),
    });
    const failure = await failureOf(`localhost:${smtp.port}`, 'none');
    assert.equal(failure.kind, 'permanent');
    assert.equal(failure.code, 'EENVELOPE');
    assert.equal(failure.responseCode, 550);
    assert.equal(failure.command, 'RCPT TO');
    assert.equal(failure.recipient, 'anna@client.example');
    assert.match(failure.response ?? '', /No such user here/);
  });

  test('calls a 451 transient', async () => {
    const smtp = await server({
      mode: 'plain',
      rejectRcpt: () => ({ code: 451, message: 'Greylisted, try again later' }),
    });
    const failure = await failureOf(`localhost:${smtp.port}`, 'none');
    assert.equal(failure.kind, 'transient');
    assert.equal(failure.responseCode, 451);
  });

  test('calls a 421 in the middle of a session transient', async () => {
    const smtp = await server({
      mode: 'plain',
      rejectRcpt: () => ({ code: 421, message: 'Too busy, closing' }),
    });
    const failure = await failureOf(`localhost:${smtp.port}`, 'none');
    assert.equal(failure.kind, 'transient');
    assert.equal(failure.responseCode, 421);
  });

  test('calls a refused sender permanent', async () => {
    const smtp = await server({
      mode: 'plain',
      rejectMailFrom: { code: 553, message: 'Sender address rejected' },
    });
    const failure = await failureOf(`localhost:${smtp.port}`, 'none');
    assert.equal(failure.kind, 'permanent');
    assert.equal(failure.command, 'MAIL FROM');
  });

  test('calls a refused message permanent', async () => {
    const smtp = await server({ mode: 'plain', rejectData: { code: 554, message: 'Spam' } });
    const failure = await failureOf(`localhost:${smtp.port}`, 'none');
    assert.equal(failure.kind, 'permanent');
    assert.equal(failure.code, 'EMESSAGE');
    assert.equal(failure.command, 'DATA');
  });

  test('calls a refused port unreachable', async () => {
    const port = await freePort();
    const failure = await failureOf(`127.0.0.1:${port}`, 'none');
    assert.equal(failure.kind, 'unreachable');
    assert.equal(failure.systemCode, 'ECONNREFUSED');
  });

  test('calls a host DNS does not know unreachable', async () => {
    const failure = await failureOf('smtp.portal-test.invalid', 'none');
    assert.equal(failure.kind, 'unreachable');
    assert.equal(failure.code, 'EDNS');
    assert.equal(failure.systemCode, 'ENOTFOUND');
  });

  test('calls a server that never greets unreachable', async () => {
    const smtp = await server({ mode: 'plain', greetingDelayMs: Infinity });
    const extra = { greetingTimeoutMs: 300 };
    const failure = await failureOf(`localhost:${smtp.port}`, 'none', {}, extra);
    assert.equal(failure.kind, 'unreachable');
    assert.equal(failure.code, 'ETIMEDOUT');
  });

  test('calls a certificate for another name a configuration problem', async () => {
    const smtp = await server({ mode: 'ssl' });
    const failure = await failureOf(`127.0.0.1:${smtp.port}`, 'ssl');
    assert.equal(failure.kind, 'configuration');
    assert.equal(failure.systemCode, 'ERR_TLS_CERT_ALTNAME_INVALID');
  });

  test('calls a self-signed certificate a configuration problem', async () => {
    const pems = await selfsigned.generate([{ name: 'commonName', value: 'localhost' }], {
      keyType: 'ec',
      extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }] }],
    });
    const certificate = { cert: pems.cert, key: pems.private };
    const smtp = await server({ mode: 'starttls', certificate });
    const failure = await failureOf(`localhost:${smtp.port}`, 'tls');
    assert.equal(failure.kind, 'configuration');
    assert.equal(failure.systemCode, 'DEPTH_ZERO_SELF_SIGNED_CERT');
  });

  test('calls SSL against a STARTTLS port a configuration problem', async () => {
    const smtp = await server({ mode: 'starttls' });
    const failure = await failureOf(`localhost:${smtp.port}`, 'ssl');
    assert.equal(failure.kind, 'configuration');
    assert.match(failure.systemCode ?? '', /^ERR_SSL_/);
  });
});

describe('classifySmtpError over error shapes', () => {
  const cases: Array<[string, unknown, SmtpFailureKind]> = [
    ['a 4xx reply to MAIL FROM', { code: 'EENVELOPE', responseCode: 452 }, 'transient'],
    ['a 5xx reply to RCPT TO', { code: 'EENVELOPE', responseCode: 550 }, 'permanent'],
    ['552 for a message too big', { code: 'EMESSAGE', responseCode: 552 }, 'permanent'],
    ['503 bad sequence of commands', { code: 'EENVELOPE', responseCode: 503 }, 'transient'],
    ['421 at the greeting', { code: 'EPROTOCOL', responseCode: 421 }, 'transient'],
    ['535 bad credentials', { code: 'EAUTH', responseCode: 535 }, 'authentication'],
    ['534 mechanism too weak', { code: 'EAUTH', responseCode: 534 }, 'authentication'],
    ['530 authentication required', { code: 'EENVELOPE', responseCode: 530 }, 'authentication'],
    ['538 encryption required', { code: 'EAUTH', responseCode: 538 }, 'authentication'],
    ['504 for an unknown login method', { code: 'EAUTH', responseCode: 504 }, 'authentication'],
    ['454 temporary login failure', { code: 'EAUTH', responseCode: 454 }, 'transient'],
    ['missing credentials', { code: 'EAUTH', command: 'API' }, 'configuration'],
    ['454 TLS not available for now', { code: 'ETLS', responseCode: 454 }, 'transient'],
    ['502 for STARTTLS', { code: 'ETLS', responseCode: 502 }, 'configuration'],
    ['a greeting that is not SMTP', { code: 'EPROTOCOL' }, 'configuration'],
    ['554 at the greeting', { code: 'EPROTOCOL', responseCode: 554 }, 'permanent'],
    ['a reset mid-session', { code: 'ESOCKET', originalCode: 'ECONNRESET' }, 'transient'],
    ['a connection closed mid-session', { code: 'ECONNECTION' }, 'transient'],
    ['an idle timeout', { code: 'ETIMEDOUT', timeoutType: 'SOCKET_TIMEOUT' }, 'transient'],
    ['a connect timeout', { code: 'ETIMEDOUT', timeoutType: 'CONNECT_TIMEOUT' }, 'unreachable'],
    ['no route to host', { code: 'ESOCKET', originalCode: 'EHOSTUNREACH' }, 'unreachable'],
    ['a DNS failure for now', { code: 'EDNS', originalCode: 'EAI_AGAIN' }, 'unreachable'],
    ['a bare Node error', { code: 'ECONNREFUSED' }, 'unreachable'],
    [
      'an expired certificate',
      { code: 'ESOCKET', originalCode: 'CERT_HAS_EXPIRED' },
      'configuration',
    ],
    ['no recipients', { code: 'EENVELOPE', command: 'API' }, 'permanent'],
    ['something that is not an error', 'boom', 'transient'],
  ];
  for (const [name, error, kind] of cases) {
    test(`classifies ${name} as ${kind}`, () => {
      assert.equal(classifySmtpError(error).kind, kind);
    });
  }

  test('keeps a Node code as the system code and names anything else EUNKNOWN', () => {
    const refused = classifySmtpError({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' });
    assert.equal(refused.code, 'ECONNREFUSED');
    assert.equal(refused.systemCode, 'ECONNREFUSED');
    assert.deepEqual(classifySmtpError('boom'), {
      kind: 'transient',
      code: 'EUNKNOWN',
      message: 'boom',
    });
  });

  test('keeps the protocol facts and drops nodemailer\'s placeholder commands', () => {
    const error = Object.assign(new Error('Message failed: 554 5.7.1 Spam'), {
      code: 'EMESSAGE',
      responseCode: 554,
      command: 'DATA',
      response: '554 5.7.1 Spam\r\n',
    });
    assert.deepEqual(classifySmtpError(error), {
      kind: 'permanent',
      code: 'EMESSAGE',
      responseCode: 554,
      command: 'DATA',
      response: '554 5.7.1 Spam',
      message: 'Message failed: 554 5.7.1 Spam',
    });
    assert.equal(classifySmtpError({ code: 'ECONNECTION', command: 'CONN' }).command, undefined);
  });
});
