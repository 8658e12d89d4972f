import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  checkSenderNameFormat,
  defaultEmailSettings,
  emailSettingsInput,
  fillPlaceholders,
  parseSmtpServer,
  resolveSmtpServer,
} from './schema.ts';

describe('SMTP server field', () => {
  it('reads host, host:port and bracketed IPv6 with or without a port', () => {
    assert.deepEqual(parseSmtpServer('smtp.mail.example.com'), { host: 'smtp.mail.example.com' });
    assert.deepEqual(parseSmtpServer('smtp.mail.example.com:2525'), {
      host: 'smtp.mail.example.com',
      port: 2525,
    });
    assert.deepEqual(parseSmtpServer('[2001:db8::1]:587'), { host: '2001:db8::1', port: 587 });
    assert.deepEqual(parseSmtpServer('[::1]'), { host: '::1' });
    assert.deepEqual(parseSmtpServer('192.0.2.10:25'), { host: '192.0.2.10', port: 25 });
  });

  it('refuses ports outside 1 to 65535, bare IPv6 and bad host names', () => {
    assert.match((parseSmtpServer('mail:0') as { error: string }).error, /1 to 65535/);
    assert.match((parseSmtpServer('mail:65536') as { error: string }).error, /1 to 65535/);
    assert.match((parseSmtpServer('mail:abc') as { error: string }).error, /1 to 65535/);
    assert.match((parseSmtpServer('2001:db8::1') as { error: string }).error, /brackets/);
    assert.match((parseSmtpServer('[2001:db8::zz]') as { error: string }).error, /brackets/);
    assert.match((parseSmtpServer('bad_host!') as { error: string }).error, /not a valid host/);
    assert.match((parseSmtpServer('999.1.1.1') as { error: string }).error, /not a valid host/);
    assert.match((parseSmtpServer('smtp example.com') as { error: string }).error, /spaces/);
  });

  it('takes the port from the connection type when none is given', () => {
    assert.equal(resolveSmtpServer('mail.example.com', 'none').port, 25);
    assert.equal(resolveSmtpServer('mail.example.com', 'ssl').port, 465);
    assert.equal(resolveSmtpServer('mail.example.com', 'tls').port, 587);
    assert.equal(resolveSmtpServer('mail.example.com:2525', 'tls').port, 2525);
  });
});

describe('sender name format', () => {
  it('knows first name, last name, e-mail and company name', () => {
    const format = '{{ firstName }} {{lastName}} <{{ email }}> at {{ companyName }}';
    assert.equal(checkSenderNameFormat(format), undefined);
    assert.equal(
      fillPlaceholders(format, { firstName: 'Ann', lastName: 'Lee', email: 'a@x.io', companyName: 'X' }),
      'Ann Lee <a@x.io> at X',
    );
  });

  it('refuses unknown placeholders, line breaks and unclosed placeholders', () => {
    assert.match(checkSenderNameFormat('{{ nickname }}')!, /Unknown placeholder \{\{ nickname \}\}/);
    assert.match(checkSenderNameFormat('Ann\r\nBcc: x@y.z')!, /line breaks/);
    assert.match(checkSenderNameFormat('{{ firstName }')!, /not closed/);
    assert.match(checkSenderNameFormat('  ')!, /Enter a sender name format/);
  });
});

describe('e-mail settings input', () => {
  const valid = { ...defaultEmailSettings, smtpServer: 'smtp.example.com', emailAddress: 'a@b.co' };

  it('accepts the defaults with a server and address', () => {
    assert.equal(emailSettingsInput.safeParse(valid).success, true);
  });

  it('names each field that is wrong', () => {
    const result = emailSettingsInput.safeParse({
      ...valid,
      smtpServer: 'mail:99999',
      emailAddress: 'not an address',
      connectionType: 'starttls',
      senderName: 'custom',
      senderNameFormat: '{{ boss }}',
      bulkSize: 0,
      maxAttachmentSizeKb: -1,
      bulkIntervalSeconds: 1.5,
      unknown: true,
    });
    assert.equal(result.success, false);
    const paths = new Set(result.error!.issues.map((i) => i.path.join('.') || 'keys'));
    for (const field of ['smtpServer', 'emailAddress', 'connectionType', 'senderNameFormat',
      'bulkSize', 'maxAttachmentSizeKb', 'bulkIntervalSeconds']) {
      assert.ok(paths.has(field), `expected an issue for ${field}`);
    }
  });

  it('refuses CR/LF in the login and the password', () => {
    const result = emailSettingsInput.safeParse({ ...valid, login: 'a\nb', password: 'x\ry' });
    assert.equal(result.success, false);
    const paths = result.error!.issues.map((i) => i.path.join('.'));
    assert.ok(paths.includes('login') && paths.includes('password'));
  });
});
