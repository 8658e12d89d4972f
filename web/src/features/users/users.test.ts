import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestPortal, type TestPortal } from '../../../../test/support/portal.ts';
import {
  browserSkipReason,
  launchBrowser,
  signIn,
  textbox,
  withPage,
  type Browser,
} from '../../../test-support/browser.ts';
import { hasText, isGone, isVisible } from '../../../test-support/expect.ts';

describe('the users page', { skip: browserSkipReason }, () => {
  let browser: Browser;
  let portal: TestPortal;

  before(async () => {
    [browser, portal] = await Promise.all([launchBrowser(), startTestPortal()]);
  });
  after(async () => {
    await Promise.all([browser?.close(), portal?.close()]);
  });

  it('lets an administrator add a user, and reports a taken address beside the E-mail field',
    async () => {
      await withPage(browser, 'users-add', async (page) => {
        await signIn(page, portal.url, portal.admin.email, portal.admin.password);
        await page.goto(`${portal.url}/configuration/general/users`);
        const users = page.getByRole('table', { name: 'Users' });
        await hasText(users, 'Alice Admin (you)');

        const form = page.getByRole('form', { name: 'Add a user' });
        await form.getByRole('button', { name: 'Add user' }).click();
        await isVisible(form.getByText('Enter the first name.'));

        await textbox(page, 'First name').fill('Carol');
        await textbox(page, 'Last name').fill('Clerk');
        await textbox(page, 'E-mail').fill('carol@example.com');
        await textbox(page, 'Password').fill('carol chooses a long password');
        await form.getByRole('button', { name: 'Add user' }).click();
        await isVisible(page.getByText('Carol Clerk can now sign in as carol@example.com.'));
        await hasText(users, 'carol@example.com');

        await textbox(page, 'First name').fill('Carol');
        await textbox(page, 'Last name').fill('Again');
        await textbox(page, 'E-mail').fill('carol@example.com');
        await form.getByRole('button', { name: 'Add user' }).click();
        const email = textbox(page, 'E-mail');
        await isVisible(form.getByText('A user with this e-mail exists already.'));
        assert.equal(await email.getAttribute('aria-invalid'), 'true');
      });
    });

  it('gives a user who is not an administrator no way into the configuration', async () => {
    await withPage(browser, 'users-not-administrator', async (page) => {
      await signIn(page, portal.url, portal.admin.email, portal.admin.password);
      await page.goto(`${portal.url}/configuration/general/users`);
      await textbox(page, 'First name').fill('Dave');
      await textbox(page, 'Last name').fill('Driver');
      await textbox(page, 'E-mail').fill('dave@example.com');
      await textbox(page, 'Password').fill('dave has a long password');
      await page.getByRole('button', { name: 'Add user' }).click();
      await isVisible(page.getByText('Dave Driver can now sign in as dave@example.com.'));
      await page.getByRole('button', { name: 'Sign out' }).click();

      await signIn(page, portal.url, 'dave@example.com', 'dave has a long password');
      await isVisible(page.getByRole('heading', { name: 'Welcome, Dave' }));
      await isGone(page.getByRole('link', { name: 'Configuration' }));
      await page.goto(`${portal.url}/configuration/general/settings/email`);
      await isVisible(page.getByText('Only an administrator can see this page.'));
    });
  });
});
