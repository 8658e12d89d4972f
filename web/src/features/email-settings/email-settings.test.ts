import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import {
  adminClient,
  startTestPortal,
  type ApiClient,
  type TestPortal,
} from '../../../../test/support/portal.ts';
import { startSmtpServer, type SmtpServerFixture } from '../../../../test/support/smtp-server.ts';
import {
  browserSkipReason,
  launchBrowser,
  screenshot,
  screenshotOf,
  signIn,
  textbox,
  withPage,
  type Browser,
} from '../../../test-support/browser.ts';
import {
  eventually,
  hasText,
  hasValue,
  isChecked,
  isDisabled,
  isGone,
  isVisible,
} from '../../../test-support/expect.ts';

const smtpLogin = { user: 'mailer', pass: 'smtp secret' };

/** Opens the e-mail settings the way the help page describes: icon, menu, tab, sub-tab. */
async function openEmailSettings(page: Page): Promise<void> {
  await page.getByRole('banner').getByRole('link', { name: 'Configuration' }).click();
  await page.getByRole('link', { name: /General Configuration/ }).click();
  await page.getByRole('tab', { name: 'Settings' }).click();
  await page.getByRole('tab', { name: 'E-mail' }).click();
  await isVisible(page.getByRole('heading', { name: 'E-mail', exact: true }));
  assert.match(page.url(), /\/configuration\/general\/settings\/email$/);
}

async function choose(page: Page, label: string, option: string): Promise<void> {
  await page.getByRole('combobox', { name: label, exact: true }).click();
  await page.getByRole('option', { name: option, exact: true }).click();
}

/** The error shown beside an input: the element its aria-describedby names as the error. */
async function errorOf(input: Locator): Promise<string> {
  let errorId: string | undefined;
  await eventually(async () => {
    const ids = (await input.getAttribute('aria-describedby'))?.split(' ') ?? [];
    errorId = ids.find((id) => id.endsWith('-error'));
    assert.ok(errorId, 'the input names no error');
  });
  return input.page().locator(`[id="${errorId}"]`).innerText();
}

/** Stores settings through the API, over what is stored now. */
async function storeSettings(api: ApiClient, changes: Record<string, unknown>): Promise<void> {
  const { passwordSet: _, ...stored } = (await api.get('/api/settings/email')).body;
  const answer = await api.put('/api/settings/email', { ...stored, ...changes });
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
}

describe('the e-mail settings page', { skip: browserSkipReason }, () => {
  let browser: Browser;
  let portal: TestPortal;
  let smtp: SmtpServerFixture;
  let api: ApiClient;

  before(async () => {
    [browser, portal, smtp] = await Promise.all([
      launchBrowser(),
      startTestPortal(),
      startSmtpServer({ mode: 'starttls', auth: smtpLogin }),
    ]);
    api = await adminClient(portal);
    const general = {
      companyName: 'Acme Translations',
      administratorEmail: 'admin@example.com',
      portalUrl: 'https://portal.example.com',
    };
    assert.equal((await api.put('/api/settings/general', general)).status, 200);
  });
  after(async () => {
    await Promise.all([browser?.close(), portal?.close(), smtp?.close()]);
  });

  it('lets an administrator set every field, test the values and find them saved after a reload',
    async () => {
      await withPage(browser, 'email-settings-edit', async (page) => {
        await signIn(page, portal.url, portal.admin.email, portal.admin.password);
        await openEmailSettings(page);

        const server = textbox(page, 'SMTP Server');
        assert.equal(await server.getAttribute('readonly'), '');
        await page.getByRole('button', { name: 'Edit' }).click();
        await isDisabled(page.getByRole('button', { name: 'Save' }));

        await server.fill('bad host:99999');
        await server.blur();
        assert.equal(await errorOf(server), 'The SMTP server may not contain spaces.');
        await server.fill('badhost:99999');
        await server.blur();
        assert.equal(await errorOf(server), 'The port must be a number from 1 to 65535.');
        await server.fill(`localhost:${smtp.port}`);
        await server.blur();
        await hasText(page.getByText(/Connects to localhost/), `port ${smtp.port}`);

        await textbox(page, 'E-mail Address').fill('portal@example.com');
        await page.getByRole('checkbox', { name: 'Authorization Required' }).check();
        await textbox(page, 'E-mail Login').fill(smtpLogin.user);
        await textbox(page, 'Password').fill(smtpLogin.pass);

        const warning = page.getByText('The password would travel unencrypted');
        await choose(page, 'Connection Type', 'Not Secured');
        await isVisible(warning);
        await choose(page, 'Connection Type', 'TLS');
        await isGone(warning);

        await choose(page, "Set Sender's E-mail Address in", 'From and Reply-to');
        await page.getByRole('radio', { name: 'Custom format' }).check();
        const format = textbox(page, 'Sender name format');
        await format.fill('');
        await format.pressSequentially('Mail from ');
        const insert = page.getByRole('group', { name: 'Insert placeholder' });
        await insert.getByRole('button', { name: 'First name' }).click();
        await format.press('End');
        await format.pressSequentially(' at ');
        await insert.getByRole('button', { name: 'Company name' }).click();
        await hasValue(format, 'Mail from {{ firstName }} at {{ companyName }}');
        await hasText(page.getByTestId('sender-name-preview'),
          'Mail from Alice at Acme Translations <admin@example.com>');

        await page.getByRole('checkbox', { name: 'Redirect All Mail to Admin' }).check();
        await textbox(page, 'Max Attachment Size [KB] (0 - Unlimited)').fill('2048');
        await page.getByRole('checkbox', { name: 'Queuing Enabled' }).check();
        await textbox(page, 'Bulk Sending Interval (in seconds)').fill('30');
        await textbox(page, 'Bulk Size (e-mail messages)').fill('25');

        await textbox(page, 'Send Test E-mail to').fill('someone@example.com');
        await page.getByRole('button', { name: 'Test', exact: true }).click();
        const result = page.getByRole('region', { name: 'Test e-mail result' });
        await hasText(result, 'The test e-mail was sent');
        const steps = result.getByRole('list', { name: 'Test e-mail steps' }).getByRole('listitem');
        const names = (await steps.allInnerTexts()).map((text) => text.split('\n')[0]!.trim());
        const expected = ['DNS lookup', 'Connect', 'TLS', 'Greeting and capabilities',
          'Authentication', 'Sender', 'Recipient', 'Data'].map((name) => `${name} (passed)`);
        assert.deepEqual([...names].sort(), [...expected].sort());
        const [message] = await smtp.waitForMessages(1);
        assert.deepEqual(message!.envelope.rcptTo, ['someone@example.com']);
        assert.equal(message!.user, smtpLogin.user);
        assert.equal(message!.secure, true);

        await screenshot(page, 'email-settings-edit-mode');
        await screenshotOf(result, 'email-settings-test-result');

        await page.getByRole('button', { name: 'Save' }).click();
        await isVisible(page.getByText('The e-mail settings were saved.'));
        await isVisible(page.getByRole('button', { name: 'Edit' }));
        await hasText(page.getByRole('status').filter({ hasText: 'Redirect All Mail' }),
          'Redirect All Mail to Admin is on: all e-mail goes to admin@example.com');

        await page.reload();
        await hasValue(textbox(page, 'SMTP Server'), `localhost:${smtp.port}`);
        await hasValue(textbox(page, 'E-mail Address'), 'portal@example.com');
        await isChecked(page.getByRole('checkbox', { name: 'Authorization Required' }));
        await hasValue(textbox(page, 'E-mail Login'), smtpLogin.user);
        await isVisible(page.getByText('A password is set'));
        const combobox = (name: string) => page.getByRole('combobox', { name, exact: true });
        await hasValue(combobox('Connection Type'), 'TLS');
        await hasValue(combobox("Set Sender's E-mail Address in"), 'From and Reply-to');
        await isChecked(page.getByRole('radio', { name: 'Custom format' }));
        await hasValue(textbox(page, 'Sender name format'),
          'Mail from {{ firstName }} at {{ companyName }}');
        await isChecked(page.getByRole('checkbox', { name: 'Redirect All Mail to Admin' }));
        await isChecked(page.getByRole('checkbox', { name: 'Attachments Allowed in CRM' }));
        await hasValue(textbox(page, 'Max Attachment Size [KB] (0 - Unlimited)'), '2048');
        await isChecked(page.getByRole('checkbox', { name: 'Queuing Enabled' }));
        await hasValue(textbox(page, 'Bulk Sending Interval (in seconds)'), '30');
        await hasValue(textbox(page, 'Bulk Size (e-mail messages)'), '25');

        const saved = (await api.get('/api/settings/email')).body;
        assert.equal(saved.passwordSet, true);
        assert.equal('password' in saved, false);
      });
    });

  it('tests unsaved values in view and edit mode, and shows the failing step with a hint',
    async () => {
      await storeSettings(api, {
        smtpServer: `localhost:${smtp.port}`,
        emailAddress: 'portal@example.com',
        connectionType: 'tls',
        authorizationRequired: true,
        login: smtpLogin.user,
        password: 'not the password',
      });

      await withPage(browser, 'email-settings-test-failure', async (page) => {
        await signIn(page, portal.url, portal.admin.email, portal.admin.password);
        await page.goto(`${portal.url}/configuration/general/settings/email`);
        await textbox(page, 'Send Test E-mail to').fill('someone@example.com');
        await page.getByRole('button', { name: 'Test', exact: true }).click();

        const result = page.getByRole('region', { name: 'Test e-mail result' });
        await hasText(result, 'The test e-mail was not sent');
        const step = (name: string) => result.getByRole('listitem').filter({ hasText: name });
        await hasText(step('Authentication'), 'Authentication (failed)');
        await hasText(step('Data'), 'Data (not reached)');
        await screenshot(page, 'email-settings-test-failed');

        await page.getByRole('button', { name: 'Edit' }).click();
        await page.getByRole('button', { name: 'Replace password' }).click();
        await textbox(page, 'Password').fill(smtpLogin.pass);
        await page.getByRole('button', { name: 'Test', exact: true }).click();
        await hasText(result, 'The test e-mail was sent');

        await page.getByRole('button', { name: 'Cancel' }).click();
        await isVisible(page.getByText('A password is set'));
        await isGone(page.getByRole('button', { name: 'Save' }));
      });
    });

  it('asks before leaving with unsaved changes, and Cancel puts the saved values back',
    async () => {
      await storeSettings(api, { queuingEnabled: true, bulkSize: 25 });
      await withPage(browser, 'email-settings-unsaved', async (page) => {
        await signIn(page, portal.url, portal.admin.email, portal.admin.password);
        await page.goto(`${portal.url}/configuration/general/settings/email`);
        await page.getByRole('button', { name: 'Edit' }).click();
        const save = page.getByRole('button', { name: 'Save' });
        await isDisabled(save);
        await textbox(page, 'Bulk Size (e-mail messages)').fill('40');
        await isDisabled(save, false);

        await page.getByRole('tab', { name: 'Users' }).click();
        const dialog = page.getByRole('dialog', { name: 'Leave without saving?' });
        await isVisible(dialog);
        await dialog.getByRole('button', { name: 'Keep editing' }).click();
        await isGone(dialog);
        await hasValue(textbox(page, 'Bulk Size (e-mail messages)'), '40');

        await page.getByRole('button', { name: 'Sign out' }).click();
        await dialog.getByRole('button', { name: 'Keep editing' }).click();
        await isGone(dialog);
        await hasValue(textbox(page, 'Bulk Size (e-mail messages)'), '40');

        await page.getByRole('button', { name: 'Cancel' }).click();
        await hasValue(textbox(page, 'Bulk Size (e-mail messages)'), '25');
        await page.getByRole('button', { name: 'Edit' }).click();
        await textbox(page, 'Bulk Size (e-mail messages)').fill('41');
        await page.getByRole('tab', { name: 'Users' }).click();
        await dialog.getByRole('button', { name: 'Discard changes' }).click();
        await isVisible(page.getByRole('heading', { name: 'Users', exact: true }));
        assert.equal((await api.get('/api/settings/email')).body.bulkSize, 25);
      });
    });
});

describe('the e-mail settings page on a portal not set up yet', { skip: browserSkipReason }, () => {
  let browser: Browser;
  let portal: TestPortal;

  before(async () => {
    [browser, portal] = await Promise.all([launchBrowser(), startTestPortal()]);
  });
  after(async () => {
    await Promise.all([browser?.close(), portal?.close()]);
  });

  it('shows the server\'s refusals beside the fields they concern, not in a notification',
    async () => {
      await withPage(browser, 'email-settings-server-errors', async (page) => {
        await signIn(page, portal.url, portal.admin.email, portal.admin.password);
        await page.goto(`${portal.url}/configuration/general/settings/email`);
        await page.getByRole('button', { name: 'Edit' }).click();
        await textbox(page, 'SMTP Server').fill('smtp.example.com');
        await page.getByRole('checkbox', { name: 'Authorization Required' }).check();
        await textbox(page, 'E-mail Login').fill('mailer');
        const redirect = page.getByRole('checkbox', { name: 'Redirect All Mail to Admin' });
        await redirect.check();
        await page.getByRole('button', { name: 'Save' }).click();

        assert.equal(await errorOf(textbox(page, 'E-mail Address')),
          'Enter the e-mail address of the sending account.');
        assert.equal(await errorOf(textbox(page, 'Password')),
          'Enter the password, or clear Authorization Required.');
        assert.match(await errorOf(redirect), /Set the administrator e-mail/);
        assert.equal(await page.getByText('The e-mail settings were not saved').count(), 0);
        await isVisible(page.getByRole('button', { name: 'Save' }));
      });
    });
});
