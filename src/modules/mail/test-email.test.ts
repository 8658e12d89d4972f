import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import selfsigned from 'selfsigned';
import {
  defaultEmailSettings,
  testStepNames,
  type GeneralSettings,
  type SmtpSettings,
  type TestEmailResult,
  type TestStepName,
} from '../settings/schema.ts';
import {
  freePort,
  startSmtpServer,
  type SmtpServerFixture,
  type SmtpServerOptions,
} from '../../../test/support/smtp-server.ts';
import { testEmailSubject } from './test-email-message.ts';
import { runTestEmail } from './test-email.ts';

const general: GeneralSettings = {
  companyName: 'Acme Translations',
  administratorEmail: 'admin@acme.example',
  portalUrl: '',
};
const account = { user: 'portal@acme.example', pass: 'correct horse battery staple' };
const withLogin = { authorizationRequired: true, login: account.user, password: account.pass };
const to = 'someone@client.example';

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

/** Runs the test e-mail against `host:port`; answers the result and how long it took. */
async function probe(
  port: number,
  overrides: Partial<SmtpSettings>,
  { host = 'localhost', timeoutMs = 3000 } = {},
): Promise<TestEmailResult & { elapsed: number }> {
  const settings: SmtpSettings = {
    ...defaultEmailSettings,
    smtpServer: `${host}:${port}`,
    emailAddress: account.user,
    password: '',
    ...overrides,
  };
  const started = Date.now();
  const result = await runTestEmail({ settings, general, to, timeoutMs });
  return { ...result, elapsed: Date.now() - started };
}

function detailOf(result: TestEmailResult, name: TestStepName): string {
  return result.steps.find((step) => step.name === name)?.detail ?? '';
}

/** Asserts the run passed every step before `step` and failed there, reporting nothing after. */
function assertFailedAt(result: TestEmailResult, step: TestStepName): void {
  const expected = testStepNames.slice(0, testStepNames.indexOf(step) + 1);
  assert.equal(result.ok, false);
  assert.deepEqual(
    result.steps.map((s) => s.name),
    expected,
    JSON.stringify(result.steps),
  );
  assert.deepEqual(
    result.steps.map((s) => s.ok),
    expected.map((name) => name !== step),
  );
}

describe('runTestEmail', () => {
  test('passes every step over STARTTLS with a login and delivers the test message', async () => {
    const smtp = await server({ mode: 'starttls', auth: account });
    const result = await probe(smtp.port, { connectionType: 'tls', ...withLogin });

    assert.equal(result.ok, true, JSON.stringify(result));
    assert.deepEqual(
      result.steps.map((step) => step.name),
      [...testStepNames],
    );
    assert.equal(result.hint, undefined);
    for (const step of result.steps) {
      assert.equal(step.ok, true);
      assert.ok(step.ms >= 0 && step.ms < 3000, `${step.name} took ${step.ms} ms`);
    }
    assert.equal(detailOf(result, 'dns'), 'localhost resolves to 127.0.0.1.');
    assert.equal(detailOf(result, 'connect'), `Connected to 127.0.0.1 port ${smtp.port}.`);
    assert.match(
      detailOf(result, 'tls'),
      /^STARTTLS accepted; certificate for localhost issued by Home Portal Test CA/,
    );
    assert.match(
      detailOf(result, 'greeting'),
      /^220 .*ESMTP Home Portal test server; offers .*PIPELINING.*, AUTH PLAIN LOGIN/,
    );
    assert.equal(detailOf(result, 'authentication'), `Logged in as ${account.user}.`);
    assert.equal(detailOf(result, 'sender'), `MAIL FROM:<${account.user}> 250 Accepted`);
    assert.equal(detailOf(result, 'recipient'), `RCPT TO:<${to}> 250 Accepted`);

    const [message] = await smtp.waitForMessages(1);
    assert.ok(message);
    const accepted = `Message accepted: 250 OK: queued as ${message.queueId}`;
    assert.equal(detailOf(result, 'data'), accepted);
    assert.deepEqual(message.envelope, { mailFrom: account.user, rcptTo: [to] });
    assert.equal(message.secure, true);
    assert.equal(message.user, account.user);
    const { parsed } = message;
    assert.equal(parsed.subject, testEmailSubject);
    assert.deepEqual(parsed.from?.value, [{ name: 'Acme Translations', address: account.user }]);
    assert.deepEqual(
      [parsed.to].flat().flatMap((list) => list?.value.map((entry) => entry.address)),
      [to],
    );
    assert.equal(parsed.replyTo, undefined);
    assert.equal(parsed.headers.get('sender'), undefined);
    const text = parsed.text ?? '';
    assert.match(text, /these e-mail settings are correct/);
    assert.match(text, new RegExp(`SMTP Server: localhost\\n\\s+Port: ${smtp.port}\\n`));
    assert.match(text, /Connection Type: TLS \(STARTTLS\)/);
    assert.match(text, /Authorization Required: yes, as portal@acme\.example/);
    assert.ok(!message.raw.toString().includes(account.pass), 'the password is not in the message');
    assert.ok(!JSON.stringify(result).includes(account.pass), 'the password is not in the result');
  });

  test('passes over SSL, naming the TLS version and the certificate', async () => {
    const smtp = await server({ mode: 'ssl', auth: account });
    const result = await probe(smtp.port, { connectionType: 'ssl', ...withLogin });

    assert.equal(result.ok, true, JSON.stringify(result));
    assert.match(detailOf(result, 'tls'), /^TLSv1\.[23]; certificate for localhost issued by/);
    const [message] = await smtp.waitForMessages(1);
    assert.equal(message!.secure, true);
    assert.match(message!.parsed.text ?? '', /Connection Type: SSL/);
  });

  test('passes Not Secured, saying the connection is not secured', async () => {
    const smtp = await server({ mode: 'plain' });
    const result = await probe(smtp.port, { connectionType: 'none' });

    assert.equal(result.ok, true, JSON.stringify(result));
    assert.equal(result.steps.length, testStepNames.length);
    assert.match(detailOf(result, 'tls'), /^Not secured/);
    assert.match(detailOf(result, 'authentication'), /^Not required/);
    const [message] = await smtp.waitForMessages(1);
    assert.equal(message!.secure, false);
  });

  test('reaches a server at an IPv6 address', async () => {
    const smtp = await server({ mode: 'plain', host: '::1' });
    const result = await probe(smtp.port, { connectionType: 'none' }, { host: '[::1]' });

    assert.equal(result.ok, true, JSON.stringify(result));
    assert.equal(detailOf(result, 'dns'), '::1 is an IP address: no lookup needed.');
    assert.equal(detailOf(result, 'connect'), `Connected to ::1 port ${smtp.port}.`);
    await smtp.waitForMessages(1);
  });

  test('sends the test to the typed address even while mail is redirected', async () => {
    const smtp = await server({ mode: 'plain' });
    const result = await probe(smtp.port, { connectionType: 'none', redirectAllToAdmin: true });

    assert.equal(result.ok, true, JSON.stringify(result));
    const [message] = await smtp.waitForMessages(1);
    assert.deepEqual(message!.envelope.rcptTo, [to]);
    assert.equal(message!.parsed.headers.get('x-portal-original-to'), undefined);
    assert.doesNotMatch(message!.parsed.text ?? '', /Redirected/);
  });

  test('fails at authentication with a hint when the password is wrong', async () => {
    const smtp = await server({ mode: 'starttls', auth: account });
    const result = await probe(smtp.port, { ...withLogin, password: 'wrong-password' });

    assertFailedAt(result, 'authentication');
    assert.match(detailOf(result, 'authentication'), /^The server answered: 535 /);
    assert.match(result.hint ?? '', /refused the E-mail Login and Password/);
    assert.ok(!JSON.stringify(result).includes('wrong-password'), 'the password is not echoed');
    assert.equal(smtp.messages.length, 0);
  });

  test('explains that a STARTTLS port does not take SSL', async () => {
    const smtp = await server({ mode: 'starttls' });
    const result = await probe(smtp.port, { connectionType: 'ssl' });

    assertFailedAt(result, 'tls');
    assert.match(detailOf(result, 'tls'), /^TLS failed: wrong version number/);
    assert.equal(
      result.hint,
      `Port ${smtp.port} expects TLS (STARTTLS) or no encryption, the connection type is SSL: ` +
        'choose TLS, or use port 465 for SSL.',
    );
  });

  test('explains that an implicit-TLS port takes no STARTTLS, within the timeout', async () => {
    const smtp = await server({ mode: 'ssl' });
    const result = await probe(smtp.port, { connectionType: 'tls' });

    assertFailedAt(result, 'tls');
    assert.ok(result.elapsed < 3000 + 300, `took ${result.elapsed} ms`);
    assert.equal(
      result.hint,
      `Port ${smtp.port} expects SSL (implicit TLS), the connection type is TLS: ` +
        'choose SSL, or use port 587 for TLS.',
    );
  });

  test('explains that an implicit-TLS port does not take Not Secured either', async () => {
    const smtp = await server({ mode: 'ssl' });
    const result = await probe(smtp.port, { connectionType: 'none' });

    assertFailedAt(result, 'greeting');
    assert.ok(result.elapsed < 3000 + 300, `took ${result.elapsed} ms`);
    assert.match(result.hint ?? '', /expects SSL \(implicit TLS\), the connection type is Not/);
  });

  test('explains that TLS is chosen but the server offers no STARTTLS', async () => {
    const smtp = await server({ mode: 'plain' });
    const result = await probe(smtp.port, { connectionType: 'tls' });

    assertFailedAt(result, 'tls');
    assert.match(
      result.hint ?? '',
      new RegExp(`does not offer STARTTLS on port ${smtp.port}, the connection type is TLS`),
    );
  });

  test('names the certificate mismatch when an IP meets a certificate for localhost', async () => {
    const smtp = await server({ mode: 'starttls' });
    const result = await probe(smtp.port, { connectionType: 'tls' }, { host: '127.0.0.1' });

    assertFailedAt(result, 'tls');
    assert.equal(detailOf(result, 'dns'), '127.0.0.1 is an IP address: no lookup needed.');
    assert.equal(
      result.hint,
      "The server's certificate is not valid for 127.0.0.1 (it is for localhost): " +
        'enter the SMTP Server by a name on its certificate.',
    );
  });

  test('says an untrusted certificate is not signed by a trusted authority', async () => {
    const pems = await selfsigned.generate([{ name: 'commonName', value: 'localhost' }], {
      keyType: 'ec',
      extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }] }],
    });
    const certificate = { cert: pems.cert, key: pems.private };
    const smtp = await server({ mode: 'ssl', certificate });
    const result = await probe(smtp.port, { connectionType: 'ssl' });

    assertFailedAt(result, 'tls');
    assert.match(result.hint ?? '', /not signed by an authority this machine trusts/);
  });

  test('says nothing listens when the port refuses the connection', async () => {
    const port = await freePort();
    const result = await probe(port, { connectionType: 'tls' });

    assertFailedAt(result, 'connect');
    assert.equal(
      result.hint,
      `Nothing listens on localhost:${port}: check the SMTP Server and its port.`,
    );
  });

  test('says the name is unknown when DNS does not find the host', async () => {
    const result = await probe(587, {}, { host: 'smtp.portal-test.invalid' });

    assertFailedAt(result, 'dns');
    assert.match(result.hint ?? '', /^The name smtp\.portal-test\.invalid is not known to DNS/);
  });

  test('tells to use the account address when the server refuses the sender', async () => {
    const smtp = await server({
      mode: 'plain',
      rejectMailFrom: { code: 553, message: 'Sender address rejected: not owned by user' },
    });
    const result = await probe(smtp.port, { connectionType: 'none' });

    assertFailedAt(result, 'sender');
    assert.match(detailOf(result, 'sender'), /553 .*not owned by user/);
    assert.equal(
      result.hint,
      'The server does not allow sending as portal@acme.example; ' +
        "set E-mail Address to the account's own address.",
    );
  });

  test('says a login is needed when the server requires one that is not enabled', async () => {
    const smtp = await server({ mode: 'starttls', auth: account });
    const result = await probe(smtp.port, { connectionType: 'tls' });

    assertFailedAt(result, 'sender');
    assert.match(result.hint ?? '', /requires a login: turn on Authorization Required/);
  });

  test('reports a refused recipient after an accepted sender', async () => {
    const smtp = await server({
      mode: 'plain',
      rejectRcpt: (address) =>
        address === to ? { code: 550, message: 'No such user here' } : undefined,
    });
    const result = await probe(smtp.port, { connectionType: 'none' });

    assertFailedAt(result, 'recipient');
    assert.equal(detailOf(result, 'sender'), `MAIL FROM:<${account.user}> 250 Accepted`);
    assert.match(detailOf(result, 'recipient'), /550 .*No such user here/);
    assert.match(result.hint ?? '', /refused the recipient someone@client\.example/);
  });

  test('ends by the deadline when the server never greets', async () => {
    const smtp = await server({ mode: 'plain', greetingDelayMs: Infinity });
    const result = await probe(smtp.port, { connectionType: 'none' }, { timeoutMs: 2000 });

    assertFailedAt(result, 'greeting');
    assert.ok(result.elapsed < 2000 + 300, `took ${result.elapsed} ms`);
    assert.match(result.hint ?? '', /accepted the connection but never greeted/);
  });

  test('says the server hung up when it closes the connection before greeting', async () => {
    const smtp = await server({ mode: 'plain', closeAfterConnect: true });
    const result = await probe(smtp.port, { connectionType: 'none' });

    assertFailedAt(result, 'greeting');
    assert.match(result.hint ?? '', /closed the connection without a greeting/);
  });

  test('ends by the deadline when the server stalls after the sender', async () => {
    const smtp = await server({ mode: 'plain', stallAt: 'rcpt' });
    const result = await probe(smtp.port, { connectionType: 'none' }, { timeoutMs: 2000 });

    assertFailedAt(result, 'recipient');
    assert.ok(result.elapsed < 2000 + 300, `took ${result.elapsed} ms`);
    assert.match(detailOf(result, 'recipient'), /^No answer within/);
    assert.match(result.hint ?? '', /stopped answering at the recipient/);
  });
});
