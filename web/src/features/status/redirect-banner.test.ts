import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import {
  adminClient,
  startTestPortal,
  type ApiClient,
  type TestPortal,
} from '../../../../test/support/portal.ts';
import {
  browserSkipReason,
  launchBrowser,
  signIn,
  withPage,
  type Browser,
} from '../../../test-support/browser.ts';
import { hasText, isGone, isVisible } from '../../../test-support/expect.ts';

const bannerText = 'Redirect All Mail to Admin is on: all e-mail goes to postmaster@example.com.';

function banner(page: Page) {
  return page.getByRole('status').filter({ hasText: 'Redirect All Mail to Admin is on' });
}

async function setRedirect(api: ApiClient, on: boolean): Promise<void> {
  const { passwordSet: _, ...stored } = (await api.get('/api/settings/email')).body;
  const answer = await api.put('/api/settings/email', { ...stored, redirectAllToAdmin: on });
  assert.equal(answer.status, 200);
}

describe('the redirect banner', { skip: browserSkipReason }, () => {
  let browser: Browser;
  let portal: TestPortal;
  let api: ApiClient;
  const user = { email: 'bob@example.com', password: 'bob has a long password' };

  before(async () => {
    [browser, portal] = await Promise.all([launchBrowser(), startTestPortal()]);
    api = await adminClient(portal);
    await api.put('/api/settings/general', {
      companyName: 'Acme Translations',
      administratorEmail: 'postmaster@example.com',
      portalUrl: '',
    });
    const created = await api.post('/api/users', {
      ...user,
      firstName: 'Bob',
      lastName: 'Baker',
      role: 'user',
    });
    assert.equal(created.status, 201);
  });
  after(async () => {
    await Promise.all([browser?.close(), portal?.close()]);
  });

  it('is on every page an administrator opens while Redirect All Mail to Admin is on',
    async () => {
      await setRedirect(api, true);
      await withPage(browser, 'redirect-banner-administrator', async (page) => {
        await signIn(page, portal.url, portal.admin.email, portal.admin.password);
        const paths = [
          '/',
          '/configuration',
          '/configuration/general/settings/email',
          '/configuration/general/settings/general',
          '/configuration/general/users',
          '/configuration/general/audit-log',
          '/no-such-page',
        ];
        for (const path of paths) {
          await page.goto(`${portal.url}${path}`);
          await hasText(banner(page), bannerText);
        }
      });
    });

  it('is shown to users who are not administrators too, and goes once the redirect is off',
    async () => {
      await setRedirect(api, true);
      await withPage(browser, 'redirect-banner-user', async (page) => {
        await signIn(page, portal.url, user.email, user.password);
        await hasText(banner(page), bannerText);
        await page.goto(`${portal.url}/no-such-page`);
        await hasText(banner(page), bannerText);

        await setRedirect(api, false);
        await page.reload();
        await isVisible(page.getByRole('heading', { name: 'Page not found' }));
        await isGone(banner(page));
      });
    });

  it('appears as soon as an administrator saves the redirect in the e-mail settings',
    async () => {
      await setRedirect(api, false);
      await withPage(browser, 'redirect-banner-save', async (page) => {
        await signIn(page, portal.url, portal.admin.email, portal.admin.password);
        await page.goto(`${portal.url}/configuration/general/settings/email`);
        await isGone(banner(page));
        await page.getByRole('button', { name: 'Edit' }).click();
        await page.getByRole('checkbox', { name: 'Redirect All Mail to Admin' }).check();
        await page.getByRole('button', { name: 'Save' }).click();
        await hasText(banner(page), bannerText);
      });
    });
});
