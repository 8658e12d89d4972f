import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { AddressObject } from 'mailparser';
import {
  defaultEmailSettings,
  type EmailSettings,
  type GeneralSettings,
  type SenderAddressIn,
  type SenderNameKind,
  type SmtpSettings,
} from '../settings/schema.ts';
import { startSmtpServer, type SmtpServerFixture } from '../../../test/support/smtp-server.ts';
import {
  ComposeError,
  composeMessage,
  type ComposeInput,
  type MailActor,
  type MailDraft,
} from './compose.ts';
import { createMailTransport } from './transport.ts';

const account = 'portal@acme.example';
const admin = 'admin@acme.example';
const jane: MailActor = {
  kind: 'user',
  firstName: 'Jane',
  lastName: 'Doe',
  email: 'jane.doe@acme.example',
};
const company: MailActor = { kind: 'company' };

const general: GeneralSettings = {
  companyName: 'Acme Translations',
  administratorEmail: admin,
  portalUrl: 'https://portal.acme.example',
};

function settings(overrides: Partial<EmailSettings> = {}): EmailSettings {
  return {
    ...defaultEmailSettings,
    smtpServer: 'smtp.acme.example',
    emailAddress: account,
    senderNameFormat: '{{ firstName }} {{ lastName }} ({{ companyName }})',
    ...overrides,
  };
}

const draft: MailDraft = {
  to: ['anna@client.example', 'ben@client.example'],
  cc: ['carla@client.example'],
  bcc: ['dan@vendor.example'],
  subject: 'Your delivery is ready',
  text: 'Hello Anna,\nthe files are attached.',
};

function input(overrides: Partial<ComposeInput> = {}): ComposeInput {
  return { settings: settings(), general, actor: jane, draft, ...overrides };
}

describe('composeMessage', () => {
  const placements: SenderAddressIn[] = ['reply-to', 'from-and-reply-to'];
  const nameKinds: SenderNameKind[] = ['first-last', 'custom'];
  const actors = [
    ['the signed-in user', jane],
    ['the company', company],
  ] as const;

  for (const placement of placements) {
    for (const nameKind of nameKinds) {
      for (const [actorName, actor] of actors) {
        for (const redirect of [false, true]) {
          const title =
            `signs a message by ${actorName} with the sender address in ${placement} and a ` +
            `${nameKind} sender name, redirect ${redirect ? 'on' : 'off'}`;
          test(title, () => {
            const message = composeMessage(
              input({
                actor,
                settings: settings({
                  senderAddressIn: placement,
                  senderName: nameKind,
                  redirectAllToAdmin: redirect,
                }),
              }),
            );

            const userName = nameKind === 'custom' ? 'Jane Doe (Acme Translations)' : 'Jane Doe';
            if (actor.kind === 'company') {
              assert.deepEqual(message.from, { name: 'Acme Translations', address: account });
              assert.equal(message.replyTo, undefined);
              assert.equal(message.sender, undefined);
            } else if (placement === 'reply-to') {
              assert.deepEqual(message.from, { name: userName, address: account });
              assert.equal(message.replyTo, jane.email);
              assert.equal(message.sender, undefined);
            } else {
              assert.deepEqual(message.from, { name: userName, address: jane.email });
              assert.equal(message.replyTo, jane.email);
              assert.equal(message.sender, account);
            }
            assert.equal(message.envelope.from, account);
            assert.equal(message.subject, draft.subject);

            if (redirect) {
              assert.deepEqual(message.envelope.to, [admin]);
              assert.deepEqual(message.to, [admin]);
              assert.deepEqual(message.cc, []);
              assert.deepEqual(message.bcc, []);
              assert.deepEqual(message.headers, {
                'X-Portal-Original-To': 'anna@client.example, ben@client.example',
                'X-Portal-Original-Cc': 'carla@client.example',
                'X-Portal-Original-Bcc': 'dan@vendor.example',
              });
              assert.deepEqual(message.redirected, {
                target: admin,
                originalTo: draft.to,
                originalCc: draft.cc,
                originalBcc: draft.bcc,
              });
              assert.ok(message.text?.startsWith('[Redirected to the administrator'));
              assert.ok(message.text?.endsWith(`\n\n${draft.text}`));
            } else {
              assert.deepEqual(message.envelope.to, [
                'anna@client.example',
                'ben@client.example',
                'carla@client.example',
                'dan@vendor.example',
              ]);
              assert.deepEqual(message.to, draft.to);
              assert.deepEqual(message.cc, draft.cc);
              assert.deepEqual(message.bcc, draft.bcc);
              assert.deepEqual(message.headers, {});
              assert.equal(message.redirected, undefined);
              assert.equal(message.text, draft.text);
            }
          });
        }
      }
    }
  }

  test('fills every placeholder of a custom sender name and tidies the spaces', () => {
    const message = composeMessage(
      input({
        actor: { ...jane, lastName: '' } as MailActor,
        settings: settings({
          senderName: 'custom',
          senderNameFormat: '{{firstName}}  {{ lastName }} <{{ email }}> at {{ companyName }} ',
        }),
      }),
    );
    assert.equal(message.from.name, 'Jane <jane.doe@acme.example> at Acme Translations');
  });

  test('leaves out the Sender header when the user address is the account address', () => {
    const message = composeMessage(
      input({
        actor: { ...jane, email: 'Portal@Acme.example' } as MailActor,
        settings: settings({ senderAddressIn: 'from-and-reply-to' }),
      }),
    );
    assert.equal(message.from.address, 'Portal@Acme.example');
    assert.equal(message.sender, undefined);
  });

  test('names each original recipient in the note, one list per header', () => {
    const message = composeMessage(
      input({ settings: settings({ redirectAllToAdmin: true }), draft: { ...draft, cc: [] } }),
    );
    assert.equal(
      message.text,
      '[Redirected to the administrator (Redirect All Mail to Admin is on).]\n' +
        '[Original recipients: To: anna@client.example, ben@client.example; ' +
        'Bcc: dan@vendor.example]\n\n' +
        draft.text,
    );
    assert.equal(message.headers['X-Portal-Original-Cc'], undefined);
  });

  test('puts an HTML-escaped note at the top of the html body, inside its body element', () => {
    const message = composeMessage(
      input({
        settings: settings({ redirectAllToAdmin: true }),
        draft: {
          to: ["o'neil&co@client.example"],
          subject: 'Files',
          html: '<html><body class="mail"><p>Hello</p></body></html>',
        },
      }),
    );
    const html = message.html ?? '';
    assert.ok(html.startsWith('<html><body class="mail"><p '), html);
    assert.ok(html.includes('To: o&#39;neil&amp;co@client.example'), html);
    assert.ok(!html.includes("o'neil&co"), html);
    assert.ok(html.endsWith('<p>Hello</p></body></html>'));
    assert.equal(message.text, undefined, 'no text part is invented beside the html');
  });

  test('gives a redirected message without any body the note as its text', () => {
    const message = composeMessage(
      input({
        settings: settings({ redirectAllToAdmin: true }),
        draft: { to: ['anna@client.example'], subject: 'Empty' },
      }),
    );
    assert.equal(
      message.text,
      '[Redirected to the administrator (Redirect All Mail to Admin is on).]\n' +
        '[Original recipients: To: anna@client.example]\n\n',
    );
  });

  test('refuses to redirect when no administrator e-mail address is set', () => {
    assert.throws(
      () =>
        composeMessage(
          input({
            settings: settings({ redirectAllToAdmin: true }),
            general: { ...general, administratorEmail: '' },
          }),
        ),
      (error: unknown) =>
        error instanceof ComposeError &&
        error.field === 'general.administratorEmail' &&
        /Redirect All Mail to Admin is on/.test(error.message),
    );
  });

  test('sends each recipient once, even when named in To and Cc', () => {
    const message = composeMessage(
      input({ draft: { ...draft, cc: ['Anna@client.example', 'carla@client.example'] } }),
    );
    assert.deepEqual(message.envelope.to, [
      'anna@client.example',
      'ben@client.example',
      'carla@client.example',
      'dan@vendor.example',
    ]);
  });

  test('keeps the Message-ID, attachments and extra headers of the draft', () => {
    const attachment = {
      filename: 'offer.pdf',
      content: Buffer.from('%PDF'),
      contentType: 'application/pdf',
    };
    const message = composeMessage(
      input({
        messageId: '<42.outbox@portal.acme.example>',
        draft: { ...draft, attachments: [attachment], headers: { 'X-Portal-Message': '42' } },
      }),
    );
    assert.equal(message.messageId, '<42.outbox@portal.acme.example>');
    assert.deepEqual(message.attachments, [attachment]);
    assert.deepEqual(message.headers, { 'X-Portal-Message': '42' });
  });

  test('refuses a message without recipients or without the account address', () => {
    assert.throws(
      () => composeMessage(input({ draft: { to: [], subject: 'Nobody' } })),
      { name: 'ComposeError', field: 'draft.to' },
    );
    assert.throws(
      () => composeMessage(input({ settings: settings({ emailAddress: '' }) })),
      { name: 'ComposeError', field: 'settings.emailAddress' },
    );
  });

  test('refuses a recipient that is not a single address', () => {
    const cc = ['a@client.example, b@client.example'];
    assert.throws(() => composeMessage(input({ draft: { ...draft, cc } })), {
      name: 'ComposeError',
      field: 'draft.cc[0]',
    });
  });

  test('refuses draft headers that composition sets itself', () => {
    for (const name of ['From', 'reply-to', 'BCC', 'X-Portal-Original-To']) {
      const headers = { [name]: 'x@evil.example' };
      assert.throws(() => composeMessage(input({ draft: { ...draft, headers } })), {
        name: 'ComposeError',
        field: `draft.headers.${name}`,
      });
    }
  });

  test('narrows the envelope to some recipients and keeps every header as written', () => {
    const message = composeMessage(input({ draft: { ...draft, envelopeTo: ['Ben@client.example', 'dan@vendor.example'] } }));
    assert.deepEqual(message.envelope.to, ['Ben@client.example', 'dan@vendor.example']);
    assert.deepEqual(message.to, draft.to);
    assert.deepEqual(message.cc, draft.cc);
    assert.deepEqual(message.bcc, draft.bcc);
  });

  test('refuses to narrow the envelope to an address the draft does not name', () => {
    assert.throws(
      () => composeMessage(input({ draft: { ...draft, envelopeTo: ['stranger@elsewhere.example'] } })),
      { name: 'ComposeError', field: 'draft.envelopeTo', message: /stranger@elsewhere\.example is not one of/ },
    );
    assert.throws(() => composeMessage(input({ draft: { ...draft, envelopeTo: [] } })),
      { name: 'ComposeError', field: 'draft.envelopeTo' });
  });

  describe('refuses a line break in a header value, naming the field', () => {
    const custom = settings({ senderName: 'custom' });
    const user = (change: Partial<MailActor>): MailActor => ({ ...jane, ...change }) as MailActor;
    const withDraft = (change: Partial<MailDraft>): ComposeInput =>
      input({ draft: { ...draft, ...change } });
    const injected = 'Hi\r\nBcc: x@evil.example';
    const cases: Array<[string, ComposeInput]> = [
      ['draft.subject', withDraft({ subject: injected })],
      ['draft.to[1]', withDraft({ to: ['a@client.example', 'b@client.example\n'] })],
      ['draft.cc[0]', withDraft({ cc: ['c@client.example\r'] })],
      ['draft.bcc[0]', withDraft({ bcc: ['\nd@client.example'] })],
      ['actor.firstName', input({ actor: user({ firstName: injected }) })],
      ['actor.lastName', input({ actor: user({ lastName: 'Doe\n' }) })],
      ['actor.email', input({ actor: user({ email: 'jane@acme.example\r\n' }) })],
      [
        'general.companyName',
        input({ actor: company, general: { ...general, companyName: injected } }),
      ],
      ['settings.senderNameFormat', input({ settings: { ...custom, senderNameFormat: injected } })],
      ['settings.emailAddress', input({ settings: settings({ emailAddress: `${account}\n` }) })],
      [
        'general.administratorEmail',
        input({
          settings: settings({ redirectAllToAdmin: true }),
          general: { ...general, administratorEmail: `${admin}\r\n` },
        }),
      ],
      ['draft.headers.X-Tag', withDraft({ headers: { 'X-Tag': injected } })],
      ['draft.headers.X Tag', withDraft({ headers: { 'X Tag': 'a' } })],
      [
        'draft.attachments[0].filename',
        withDraft({ attachments: [{ filename: 'a.pdf\r\nX: y', content: 'x' }] }),
      ],
      ['messageId', input({ messageId: `<1@portal>${injected}` })],
    ];
    for (const [field, value] of cases) {
      test(`in ${field}`, () => {
        assert.throws(
          () => composeMessage(value),
          (error: unknown) => error instanceof ComposeError && error.field === field,
        );
      });
    }
  });
});

describe('a composed message sent through nodemailer', () => {
  let smtp: SmtpServerFixture;
  before(async () => {
    smtp = await startSmtpServer({ mode: 'plain' });
  });
  after(() => smtp.close());

  function smtpSettings(overrides: Partial<EmailSettings> = {}): SmtpSettings {
    return {
      ...settings({ senderAddressIn: 'from-and-reply-to', ...overrides }),
      smtpServer: `127.0.0.1:${smtp.port}`,
      connectionType: 'none',
      password: '',
    };
  }

  async function deliver(smtpSettings: SmtpSettings, extra: Partial<ComposeInput> = {}) {
    smtp.reset();
    const transport = createMailTransport(smtpSettings);
    await transport.sendMail(composeMessage(input({ settings: smtpSettings, ...extra })));
    transport.close();
    const [received] = await smtp.waitForMessages(1);
    return received!;
  }

  function addresses(value: AddressObject | AddressObject[] | undefined): string[] {
    const objects = value === undefined ? [] : Array.isArray(value) ? value : [value];
    return objects.flatMap((object) => object.value.map((entry) => entry.address ?? ''));
  }

  test('arrives with the headers as composed and Bcc only in the envelope', async () => {
    const received = await deliver(smtpSettings(), { messageId: '<7@portal.acme.example>' });

    const parsed = received.parsed;
    assert.deepEqual(received.envelope, {
      mailFrom: account,
      rcptTo: [
        'anna@client.example',
        'ben@client.example',
        'carla@client.example',
        'dan@vendor.example',
      ],
    });
    assert.deepEqual(parsed.from?.value, [{ address: jane.email, name: 'Jane Doe' }]);
    assert.equal((parsed.headers.get('sender') as AddressObject | undefined)?.text, account);
    assert.deepEqual(addresses(parsed.replyTo), [jane.email]);
    assert.deepEqual(addresses(parsed.to), ['anna@client.example', 'ben@client.example']);
    assert.deepEqual(addresses(parsed.cc), ['carla@client.example']);
    assert.equal(parsed.bcc, undefined);
    assert.ok(!received.raw.toString().includes('dan@vendor.example'), 'no Bcc in the message');
    assert.equal(parsed.messageId, '<7@portal.acme.example>');
    assert.equal(parsed.subject, draft.subject);
    assert.equal(parsed.headers.get('x-portal-original-to'), undefined);
  });

  test('arrives at the administrator alone when redirected, naming the recipients', async () => {
    const received = await deliver(smtpSettings({ redirectAllToAdmin: true }));

    const parsed = received.parsed;
    assert.deepEqual(received.envelope, { mailFrom: account, rcptTo: [admin] });
    assert.deepEqual(addresses(parsed.to), [admin]);
    assert.equal(parsed.cc, undefined);
    assert.deepEqual(parsed.from?.value, [{ address: jane.email, name: 'Jane Doe' }]);
    assert.equal((parsed.headers.get('sender') as AddressObject | undefined)?.text, account);
    assert.deepEqual(addresses(parsed.replyTo), [jane.email]);
    const header = (name: string) => parsed.headers.get(name);
    assert.equal(header('x-portal-original-to'), 'anna@client.example, ben@client.example');
    assert.equal(header('x-portal-original-cc'), 'carla@client.example');
    assert.equal(header('x-portal-original-bcc'), 'dan@vendor.example');
    assert.match(parsed.text ?? '', /^\[Redirected to the administrator/);
    assert.match(parsed.text ?? '', /Bcc: dan@vendor\.example\]\n\nHello Anna/);
  });
});
