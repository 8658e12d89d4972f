import { after, before, describe, it } from 'node:test';
import { startTestPortal, type TestPortal } from '../../../../test/support/portal.ts';
import {
  browserSkipReason,
  launchBrowser,
  signIn,
  textbox,
  withPage,
  type Browser,
} from '../../../test-support/browser.ts';
import { hasText, hasValue, isDisabled, isVisible } from '../../../test-support/expect.ts';

describe('the general settings page', { skip: browserSkipReason }, () => {
  let browser: Browser;
  let portal: TestPortal;

  before(async () => {
    [browser, portal] = await Promise.all([launchBrowser(), startTestPortal()]);
  });
  after(async () => {
    await Promise.all([browser?.close(), portal?.close()]);
  });

  it('saves the company details, and the audit log says who changed what', async () => {
    await withPage(browser, 'general-settings', async (page) => {
      await signIn(page, portal.url, portal.admin.email, portal.admin.password);
      await page.getByRole('banner').getByRole('link', { name: 'Configuration' }).click();
      await page.getByRole('link', { name: /General Configuration/ }).click();
      await page.getByRole('tab', { name: 'General' }).click();

      await page.getByRole('button', { name: 'Edit' }).click();
      await isDisabled(page.getByRole('button', { name: 'Save' }));
      await textbox(page, 'Company Name').fill('Acme Translations');
      await textbox(page, 'Administrator E-mail').fill('postmaster@example.com');
      await textbox(page, 'Portal URL').fill('portal.example.com');
      await page.getByRole('button', { name: 'Save' }).click();
      await isVisible(page.getByText(
        'Enter the portal URL as http:// or https:// followed by the host name.'));

      await textbox(page, 'Portal URL').fill('https://portal.example.com');
      await page.getByRole('button', { name: 'Save' }).click();
      await isVisible(page.getByText('The general settings were saved.'));
      await isVisible(page.getByRole('button', { name: 'Edit' }));

      await page.reload();
      await hasValue(textbox(page, 'Company Name'), 'Acme Translations');
      await hasValue(textbox(page, 'Administrator E-mail'), 'postmaster@example.com');
      await hasValue(textbox(page, 'Portal URL'), 'https://portal.example.com');

      await page.getByRole('tab', { name: 'Audit log' }).click();
      const changes = page.getByRole('table', { name: 'Settings changes' });
      const row = changes.getByRole('row').filter({ hasText: 'Company Name' });
      await hasText(row, 'admin@example.com');
      await hasText(row, 'Acme Translations');
    });
  });
});
