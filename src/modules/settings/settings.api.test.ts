import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { testDialects } from '../../../test/support/db.ts';
import { adminClient, ApiClient, startTestPortal, type TestPortal } from '../../../test/support/portal.ts';
import { defaultEmailSettings } from './schema.ts';

const configured = {
  ...defaultEmailSettings,
  smtpServer: 'smtp.example.com:2525',
  emailAddress: 'portal@example.com',
  authorizationRequired: true,
  login: 'portal-login',
  password: 'the-smtp-secret-42',
  connectionType: 'ssl' as const,
  senderAddressIn: 'from-and-reply-to' as const,
  senderName: 'custom' as const,
  senderNameFormat: '{{ firstName }} {{ lastName }} | {{ companyName }}',
  maxAttachmentSizeKb: 0,
  queuingEnabled: true,
  bulkIntervalSeconds: 30,
  bulkSize: 25,
};

for (const dialect of testDialects) {
  describe(`e-mail settings API (${dialect})`, () => {
    const logLines: string[] = [];
    const log = pino({ level: 'trace' }, new Writable({
      write(chunk, _encoding, done) {
        logLines.push(String(chunk));
        done();
      },
    }));
    let portal: TestPortal;
    let admin: ApiClient;
    before(async () => {
      portal = await startTestPortal({ dialect, log });
      admin = await adminClient(portal);
    });
    after(() => portal.close());

    it('reads the defaults before anything is saved', async () => {
      const answer = await admin.get('/api/settings/email');
      assert.equal(answer.status, 200);
      assert.deepEqual(answer.body, { ...defaultEmailSettings, passwordSet: false });
    });

    it('saves every field, never returns the password, and keeps it when absent', async () => {
      const saved = await admin.put('/api/settings/email', configured);
      assert.equal(saved.status, 200);
      const { password: _password, ...expected } = configured;
      assert.deepEqual(saved.body, { ...expected, passwordSet: true });
      assert.ok(!JSON.stringify(saved.body).includes('the-smtp-secret-42'));

      const again = await admin.put('/api/settings/email', { ...expected, bulkSize: 26 });
      assert.equal(again.status, 200);
      assert.equal(again.body.passwordSet, true);
      const stored = await portal.portal.db.selectFrom('secrets').selectAll().execute();
      assert.equal(stored.length, 1);
      assert.ok(!stored[0]!.sealed.includes('the-smtp-secret-42'));
      assert.equal(portal.portal.cipher.open(stored[0]!.sealed), 'the-smtp-secret-42');
    });

    it('answers bad fields with 400 naming them, and saves nothing of the request', async () => {
      const before = (await admin.get('/api/settings/email')).body;
      const bad = await admin.put('/api/settings/email', {
        ...configured,
        smtpServer: 'bad host:99999',
        emailAddress: 'someone',
        senderNameFormat: '{{ firstName }}\r\nBcc: victim@example.com',
        bulkSize: 0,
        connectionType: 'starttls',
      });
      assert.equal(bad.status, 400);
      assert.equal(bad.body.error, 'VALIDATION_FAILED');
      assert.deepEqual(Object.keys(bad.body.fields).sort(),
        ['bulkSize', 'connectionType', 'emailAddress', 'senderNameFormat', 'smtpServer']);
      assert.match(bad.body.fields.senderNameFormat, /line breaks/);
      assert.deepEqual((await admin.get('/api/settings/email')).body, before);
    });

    it('refuses an unknown placeholder in the sender name format', async () => {
      const bad = await admin.put('/api/settings/email', { ...configured, senderNameFormat: '{{ title }} {{ lastName }}' });
      assert.equal(bad.status, 400);
      assert.match(bad.body.fields.senderNameFormat, /Unknown placeholder \{\{ title \}\}/);
    });

    it('refuses redirect to the administrator until the administrator address is set', async () => {
      const refused = await admin.put('/api/settings/email', { ...configured, redirectAllToAdmin: true });
      assert.equal(refused.status, 400);
      assert.match(refused.body.fields.redirectAllToAdmin, /administrator e-mail/);

      const general = await admin.put('/api/settings/general', {
        companyName: 'Acme Translations', administratorEmail: 'boss@example.com', portalUrl: 'https://portal.example.com',
      });
      assert.equal(general.status, 200);
      const accepted = await admin.put('/api/settings/email', { ...configured, redirectAllToAdmin: true });
      assert.equal(accepted.status, 200);
      assert.deepEqual((await admin.get('/api/status')).body,
        { redirectAllToAdmin: true, administratorEmail: 'boss@example.com', outboxPaused: false });

      const clearing = await admin.put('/api/settings/general', {
        companyName: 'Acme Translations', administratorEmail: '', portalUrl: '',
      });
      assert.equal(clearing.status, 400);
      assert.ok(clearing.body.fields.administratorEmail);
      await admin.put('/api/settings/email', { ...configured, redirectAllToAdmin: false });
    });

    it('validates the general settings field by field', async () => {
      const bad = await admin.put('/api/settings/general', {
        companyName: '', administratorEmail: 'x', portalUrl: 'ftp://x',
      });
      assert.equal(bad.status, 400);
      assert.deepEqual(Object.keys(bad.body.fields).sort(), ['administratorEmail', 'companyName', 'portalUrl']);
    });

    it('records who changed which setting, with the password only as changed', async () => {
      const audit = await admin.get('/api/settings/audit');
      assert.equal(audit.status, 200);
      const entries = audit.body.entries as Array<{ setting: string; change: string; userEmail: string }>;
      const password = entries.find((e) => e.setting === 'email.password');
      assert.equal(password?.change, 'changed');
      assert.equal(password?.userEmail, 'admin@example.com');
      const bulk = entries.find((e) => e.setting === 'email.bulkSize' && e.change === '25 → 26');
      assert.ok(bulk, 'the bulk size change is recorded with before and after');
      assert.ok(entries.some((e) => e.setting === 'general.companyName'));
      assert.ok(!JSON.stringify(audit.body).includes('the-smtp-secret-42'));
    });

    it('finds the settings as saved after a restart', async () => {
      const before = (await admin.get('/api/settings/email')).body;
      await portal.restart();
      const fresh = await adminClient(portal);
      assert.deepEqual((await fresh.get('/api/settings/email')).body, before);
      assert.equal((await fresh.get('/api/settings/general')).body.companyName, 'Acme Translations');
    });

    it('never writes the SMTP password to the log', () => {
      assert.ok(logLines.length > 0, 'the portal logged something');
      assert.ok(!logLines.join('').includes('the-smtp-secret-42'));
    });
  });
}

describe('status for staff', () => {
  it('tells every signed-in user whether redirect is on, but not the settings', async () => {
    const portal = await startTestPortal();
    try {
      const admin = await adminClient(portal);
      await admin.post('/api/users', {
        email: 'staff@example.com', firstName: 'S', lastName: 'T', password: 'staff password', role: 'user',
      });
      const staff = new ApiClient(portal.url);
      await staff.signIn('staff@example.com', 'staff password');
      assert.deepEqual((await staff.get('/api/status')).body,
        { redirectAllToAdmin: false, administratorEmail: '', outboxPaused: false });
      assert.equal((await staff.get('/api/settings/email')).status, 403);
    } finally {
      await portal.close();
    }
  });
});
