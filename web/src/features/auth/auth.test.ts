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
import { hasText, isVisible } from '../../../test-support/expect.ts';

describe('signing in and the first visit', { skip: browserSkipReason }, () => {
  let browser: Browser;
  before(async () => {
    browser = await launchBrowser();
  });
  after(() => browser?.close());

  describe('on a portal without users', () => {
    let portal: TestPortal;
    before(async () => {
      portal = await startTestPortal({ admin: false });
    });
    after(() => portal?.close());

    it('offers to create the first administrator, who is then signed in', async () => {
      await withPage(browser, 'setup', async (page) => {
        await page.goto(portal.url);
        await isVisible(page.getByRole('heading', { name: 'Set up the portal' }));

        await textbox(page, 'First name').fill('Grace');
        await textbox(page, 'Last name').fill('Hopper');
        await textbox(page, 'E-mail').fill('grace@example.com');
        await textbox(page, 'Password').fill('a long enough passphrase');
        await textbox(page, 'Confirm password').fill('a different passphrase');
        await page.getByRole('button', { name: 'Create administrator' }).click();
        await isVisible(page.getByText('The passwords do not match.'));

        await textbox(page, 'Confirm password').fill('a long enough passphrase');
        await page.getByRole('button', { name: 'Create administrator' }).click();
        await isVisible(page.getByRole('heading', { name: 'Welcome, Grace' }));
        await isVisible(page.getByRole('link', { name: 'Configuration' }).first());

        await page.goto(`${portal.url}/setup`);
        await isVisible(page.getByRole('heading', { name: 'Welcome, Grace' }));
      });
    });
  });

  describe('on a portal with an administrator', () => {
    let portal: TestPortal;
    before(async () => {
      portal = await startTestPortal();
    });
    after(() => portal?.close());

    it('refuses a wrong password with one message that does not say which part was wrong',
      async () => {
        await withPage(browser, 'sign-in-refused', async (page) => {
          await page.goto(`${portal.url}/sign-in`);
          await textbox(page, 'E-mail').fill(portal.admin.email);
          await textbox(page, 'Password').fill('not the password');
          await page.getByRole('button', { name: 'Sign in' }).click();
          await hasText(page.getByRole('alert'), 'The e-mail address or password is not correct.');
        });
      });

    it('signs in, returns to the page that was asked for, and signs out', async () => {
      await withPage(browser, 'sign-in-and-out', async (page) => {
        await page.goto(`${portal.url}/configuration/general/settings/general`);
        await isVisible(page.getByRole('heading', { name: 'Sign in to the Home Portal' }));
        await textbox(page, 'E-mail').fill(portal.admin.email);
        await textbox(page, 'Password').fill(portal.admin.password);
        await page.getByRole('button', { name: 'Sign in' }).click();
        await isVisible(page.getByRole('heading', { name: 'General', exact: true }));

        await page.getByRole('button', { name: 'Sign out' }).click();
        await isVisible(page.getByRole('heading', { name: 'Sign in to the Home Portal' }));
        await page.goto(portal.url);
        await isVisible(page.getByRole('heading', { name: 'Sign in to the Home Portal' }));

        await signIn(page, portal.url, portal.admin.email, portal.admin.password);
        await isVisible(page.getByRole('heading', { name: 'Welcome, Alice' }));
      });
    });
  });
});
