import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { startSmtpServer, type SmtpServerFixture } from './support/smtp-server.ts';

const run = promisify(execFile);
const bin = new URL('../bin/portal.js', import.meta.url).pathname;

describe('the portal command', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'portal-cli-'));
  let smtp: SmtpServerFixture;
  before(async () => {
    smtp = await startSmtpServer({ mode: 'starttls', auth: { user: 'cli-login', pass: 'cli-secret-77' } });
  });
  after(async () => {
    await smtp.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const portal = (args: string[], env: Record<string, string> = {}) =>
    run(process.execPath, [bin, ...args], {
      env: { ...process.env, PORTAL_DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...env },
    });

  it('creates a user with the password from the environment', async () => {
    const { stdout } = await portal(
      ['user', 'create', '--email', 'ann@example.com', '--first-name', 'Ann', '--last-name', 'Lee',
        '--role', 'administrator'],
      { PORTAL_USER_PASSWORD: 'a long password' },
    );
    const { user } = JSON.parse(stdout);
    assert.equal(user.email, 'ann@example.com');
    assert.equal(user.role, 'administrator');
  });

  it('says which field is wrong and exits with 2', async () => {
    await assert.rejects(portal(['user', 'create', '--email', 'nope', '--first-name', 'A',
      '--last-name', 'B']), (error: { code: number; stderr: string }) => {
      assert.equal(error.code, 2);
      assert.match(error.stderr, /email: Enter an e-mail address/);
      return true;
    });
  });

  it('sets and reads the e-mail settings, the password never printed', async () => {
    const { stdout } = await portal(
      ['settings', 'email', 'set', `smtpServer=localhost:${smtp.port}`, 'emailAddress=portal@example.com',
        'connectionType=tls', 'authorizationRequired=true', 'login=cli-login', 'bulkSize=7'],
      { PORTAL_SMTP_PASSWORD: 'cli-secret-77' },
    );
    assert.ok(!stdout.includes('cli-secret-77'));
    const read = JSON.parse((await portal(['settings', 'email', 'get'])).stdout);
    assert.equal(read.smtpServer, `localhost:${smtp.port}`);
    assert.equal(read.bulkSize, 7);
    assert.equal(read.authorizationRequired, true);
    assert.equal(read.passwordSet, true);
    assert.equal('password' in read, false);
  });

  it('refuses an unknown setting by name', async () => {
    await assert.rejects(portal(['settings', 'email', 'set', 'smtpPort=25']), /no e-mail setting "smtpPort"/);
  });

  it('sends a test e-mail with the saved settings and lists each step', async () => {
    smtp.reset();
    const { stdout } = await portal(['mail', 'test', '--to', 'me@example.org']);
    for (const step of ['dns', 'connect', 'tls', 'greeting', 'authentication', 'sender', 'recipient', 'data']) {
      assert.match(stdout, new RegExp(`^ok\\s+${step}\\b`, 'm'));
    }
    const [message] = await smtp.waitForMessages(1);
    assert.deepEqual(message!.envelope.rcptTo, ['me@example.org']);
    assert.equal(message!.user, 'cli-login');
  });
});
