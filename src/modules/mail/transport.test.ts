import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { defaultEmailSettings, type SmtpSettings } from '../settings/schema.ts';
import {
  startSmtpServer,
  type SmtpServerFixture,
  type SmtpServerOptions,
} from '../../../test/support/smtp-server.ts';
import { classifySmtpError } from './smtp-failure.ts';
import { createMailTransport, createTransportOptions } from './transport.ts';

const account = { user: 'portal@acme.example', pass: 's3cret-pass' };

function smtpSettings(overrides: Partial<SmtpSettings> = {}): SmtpSettings {
  return {
    ...defaultEmailSettings,
    smtpServer: 'smtp.acme.example',
    emailAddress: account.user,
    password: '',
    ...overrides,
  };
}

const message = {
  envelope: { from: account.user, to: ['anna@client.example'] },
  from: account.user,
  to: 'anna@client.example',
  subject: 'Transport check',
  text: 'Hello',
};

describe('createTransportOptions', () => {
  test('uses implicit TLS on port 465 for SSL', () => {
    const options = createTransportOptions(smtpSettings({ connectionType: 'ssl' }));
    assert.equal(options.host, 'smtp.acme.example');
    assert.equal(options.port, 465);
    assert.equal(options.secure, true);
    assert.equal(options.requireTLS, false);
    assert.equal(options.ignoreTLS, false);
  });

  test('requires STARTTLS on port 587 for TLS', () => {
    const options = createTransportOptions(smtpSettings({ connectionType: 'tls' }));
    assert.equal(options.port, 587);
    assert.equal(options.secure, false);
    assert.equal(options.requireTLS, true);
    assert.equal(options.ignoreTLS, false);
    assert.equal(options.opportunisticTLS, false);
  });

  test('stays in plain text on port 25 for Not Secured', () => {
    const options = createTransportOptions(smtpSettings({ connectionType: 'none' }));
    assert.equal(options.port, 25);
    assert.equal(options.secure, false);
    assert.equal(options.requireTLS, false);
    assert.equal(options.ignoreTLS, true);
  });

  test('keeps a port named in the SMTP Server whatever the connection type', () => {
    const options = createTransportOptions(
      smtpSettings({ smtpServer: 'smtp.acme.example:2525', connectionType: 'ssl' }),
    );
    assert.equal(options.port, 2525);
    assert.equal(options.secure, true);
  });

  test('verifies the certificate against the host name, which is also the SNI name', () => {
    const options = createTransportOptions(smtpSettings());
    assert.deepEqual(options.tls, { rejectUnauthorized: true, servername: 'smtp.acme.example' });
    assert.equal(options.servername, 'smtp.acme.example');
  });

  test('sends no SNI name for an IP address, which is checked as an IP', () => {
    const options = createTransportOptions(smtpSettings({ smtpServer: '[2001:db8::1]:587' }));
    assert.equal(options.host, '2001:db8::1');
    assert.equal(options.port, 587);
    assert.deepEqual(options.tls, { rejectUnauthorized: true });
    assert.equal(options.servername, undefined);
  });

  test('logs in only when Authorization Required is on', () => {
    assert.equal(createTransportOptions(smtpSettings({ login: account.user })).auth, undefined);
    const options = createTransportOptions(
      smtpSettings({ authorizationRequired: true, login: account.user, password: account.pass }),
    );
    assert.deepEqual(options.auth, account);
    assert.equal(options.forceAuth, true);
  });

  test('pools connections and takes the timeouts when asked', () => {
    const options = createTransportOptions(smtpSettings(), {
      pool: true,
      maxConnections: 2,
      maxMessages: 50,
      connectionTimeoutMs: 1000,
      greetingTimeoutMs: 2000,
      socketTimeoutMs: 3000,
    });
    assert.equal(options.pool, true);
    assert.equal(options.maxConnections, 2);
    assert.equal(options.maxMessages, 50);
    assert.equal(options.connectionTimeout, 1000);
    assert.equal(options.greetingTimeout, 2000);
    assert.equal(options.socketTimeout, 3000);
  });

  test('refuses an SMTP Server it cannot read', () => {
    const unbracketed = smtpSettings({ smtpServer: '2001:db8::1' });
    assert.throws(() => createTransportOptions(unbracketed), /brackets/);
  });
});

describe('createMailTransport', () => {
  let servers: SmtpServerFixture[] = [];
  async function server(options: SmtpServerOptions): Promise<SmtpServerFixture> {
    const started = await startSmtpServer(options);
    servers.push(started);
    return started;
  }
  afterEach(async () => {
    await Promise.all(servers.map((s) => s.close()));
    servers = [];
  });

  const login = { authorizationRequired: true, login: account.user, password: account.pass };

  test('delivers over STARTTLS after logging in', async () => {
    const smtp = await server({ mode: 'starttls', auth: account });
    const transport = createMailTransport(
      smtpSettings({ ...login, smtpServer: `localhost:${smtp.port}`, connectionType: 'tls' }),
    );
    const info = await transport.sendMail(message);
    transport.close();

    const [received] = await smtp.waitForMessages(1);
    assert.equal(received!.secure, true);
    assert.equal(received!.user, account.user);
    assert.equal(received!.parsed.subject, 'Transport check');
    assert.match(info.response, new RegExp(`queued as ${received!.queueId}`));
  });

  test('delivers over implicit TLS', async () => {
    const smtp = await server({ mode: 'ssl', auth: account });
    const transport = createMailTransport(
      smtpSettings({ ...login, smtpServer: `localhost:${smtp.port}`, connectionType: 'ssl' }),
    );
    await transport.sendMail(message);
    transport.close();
    const [received] = await smtp.waitForMessages(1);
    assert.equal(received!.secure, true);
  });

  test('stays in plain text for Not Secured even when the server offers STARTTLS', async () => {
    const smtp = await server({ mode: 'starttls' });
    const transport = createMailTransport(
      smtpSettings({ smtpServer: `localhost:${smtp.port}`, connectionType: 'none' }),
    );
    await transport.sendMail(message);
    transport.close();
    const [received] = await smtp.waitForMessages(1);
    assert.equal(received!.secure, false);
  });

  test('never falls back to plain text when TLS is chosen and STARTTLS is missing', async () => {
    const smtp = await server({ mode: 'plain' });
    const transport = createMailTransport(
      smtpSettings({ smtpServer: `localhost:${smtp.port}`, connectionType: 'tls' }),
    );
    const error = await transport.sendMail(message).then(
      () => assert.fail('the message went out in plain text'),
      (caught: unknown) => caught,
    );
    transport.close();
    assert.equal(classifySmtpError(error).code, 'ETLS');
    assert.equal(classifySmtpError(error).kind, 'configuration');
    assert.equal(smtp.messages.length, 0);
  });

  test('refuses a certificate that does not name the host it connects to', async () => {
    const smtp = await server({ mode: 'starttls' });
    const transport = createMailTransport(
      smtpSettings({ smtpServer: `127.0.0.1:${smtp.port}`, connectionType: 'tls' }),
    );
    const error = await transport.sendMail(message).then(
      () => assert.fail('the certificate was accepted'),
      (caught: unknown) => caught,
    );
    transport.close();
    const failure = classifySmtpError(error);
    assert.equal(failure.systemCode, 'ERR_TLS_CERT_ALTNAME_INVALID');
    assert.equal(failure.kind, 'configuration');
    assert.equal(smtp.messages.length, 0);
  });

  test('connects to an IPv6 address written in brackets', async () => {
    const smtp = await server({ mode: 'plain', host: '::1' });
    const transport = createMailTransport(
      smtpSettings({ smtpServer: `[::1]:${smtp.port}`, connectionType: 'none' }),
    );
    await transport.sendMail(message);
    transport.close();
    const [received] = await smtp.waitForMessages(1);
    assert.deepEqual(received!.envelope.rcptTo, ['anna@client.example']);
  });

  test('sends several messages through a pool', async () => {
    const smtp = await server({ mode: 'starttls', auth: account });
    const transport = createMailTransport(
      smtpSettings({ ...login, smtpServer: `localhost:${smtp.port}`, connectionType: 'tls' }),
      { pool: true, maxConnections: 1 },
    );
    const subjects = ['No. 1', 'No. 2', 'No. 3'];
    await Promise.all(subjects.map((subject) => transport.sendMail({ ...message, subject })));
    transport.close();
    const received = await smtp.waitForMessages(3);
    assert.deepEqual(received.map((m) => m.parsed.subject).sort(), subjects);
    assert.equal(smtp.sessions, 1, 'one pooled connection carried all three');
  });
});
