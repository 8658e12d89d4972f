import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { startOutboxPortal, type OutboxTestPortal } from '../../../../test/support/outbox.ts';
import { ApiClient } from '../../../../test/support/portal.ts';
import { startSmtpServer, type SmtpServerFixture } from '../../../../test/support/smtp-server.ts';
import {
  browserSkipReason,
  launchBrowser,
  screenshot,
  signIn,
  withPage,
  type Browser,
} from '../../../test-support/browser.ts';
import { hasText, isGone, isVisible } from '../../../test-support/expect.ts';

async function queue(api: ApiClient, to: string, subject: string): Promise<string> {
  const answer = await api.post('/api/mail/messages', { to, subject, text: 'Hi', lane: 'account' });
  assert.equal(answer.status, 202, JSON.stringify(answer.body));
  return answer.body.id;
}

function rowOf(page: Page, text: string) {
  return page.getByRole('table', { name: 'Delivery log' }).getByRole('row')
    .filter({ hasText: text });
}

// Without a worker in the portal, queued messages stay queued for as long as a test needs.
describe('the delivery log of messages waiting in the outbox', { skip: browserSkipReason }, () => {
  let browser: Browser;
  let smtp: SmtpServerFixture;
  let test: OutboxTestPortal;
  const bob = { email: 'bob@example.com', password: 'bob has a long password' };

  before(async () => {
    [browser, smtp] = await Promise.all([launchBrowser(), startSmtpServer({ mode: 'plain' })]);
    test = await startOutboxPortal(smtp, { env: { PORTAL_WORKER: 'off' } });
    const created = await test.admin.post('/api/users', {
      ...bob, firstName: 'Bob', lastName: 'Baker', role: 'user',
    });
    assert.equal(created.status, 201);
  });
  after(async () => {
    await Promise.all([browser?.close(), test?.portal.close(), smtp?.close()]);
  });

  const signInAdmin = (page: Page) =>
    signIn(page, test.portal.url, test.portal.admin.email, test.portal.admin.password);

  it('says that nothing was sent yet, which differs from a search that matches nothing',
    async () => {
      await withPage(browser, 'delivery-log-empty', async (page) => {
        await signInAdmin(page);
        await page.goto(`${test.portal.url}/mail/log`);
        await isVisible(page.getByText('Nothing sent yet'));
        await isGone(page.getByRole('table', { name: 'Delivery log' }));
        await screenshot(page, 'delivery-log-empty');

        await page.getByRole('textbox', { name: 'Search by recipient or subject' }).fill('acme');
        await isVisible(page.getByText('No message matches'));
        await isGone(page.getByText('Nothing sent yet'));
        await screenshot(page, 'delivery-log-no-match');

        await page.goto(`${test.portal.url}/mail/log/no-such-message`);
        await hasText(page.getByRole('dialog', { name: 'Message' }), 'No such message');
      });
    });

  it('cancels a queued message, after which it can only be resent', async () => {
    const id = await queue(test.admin, 'client@example.org', 'Reminder');
    await withPage(browser, 'delivery-log-cancel', async (page) => {
      await signInAdmin(page);
      await page.goto(`${test.portal.url}/mail/log`);
      const outbox = page.getByRole('region', { name: 'Outbox' });
      await hasText(outbox, /Queued 1 /i);
      await hasText(rowOf(page, 'Reminder'), /Queued/i);
      await page.getByRole('link', { name: 'Reminder', exact: true }).click();

      const dialog = page.getByRole('dialog', { name: 'Reminder' });
      await hasText(dialog, /Queued Waiting to be sent\./i);
      await hasText(dialog.getByRole('region', { name: 'Attempts' }), 'No attempt yet.');
      await isGone(dialog.getByRole('button', { name: 'Resend' }));
      await dialog.getByRole('button', { name: 'Cancel message' }).click();
      await hasText(dialog, /Cancelled It will not be sent unless it is resent/i);
      await isGone(dialog.getByRole('button', { name: 'Cancel message' }));
      await screenshot(page, 'delivery-log-cancelled');
      await isVisible(dialog.getByRole('button', { name: 'Resend' }));

      await dialog.getByRole('button', { name: 'Close the message' }).click();
      await hasText(rowOf(page, 'Reminder'), /Cancelled/i);
      await hasText(outbox, /Queued 0 /i);
      await hasText(outbox, /Cancelled 1\b/i);
      const stored = (await test.admin.get(`/api/mail/messages/${id}`)).body;
      assert.equal(stored.state, 'cancelled');
    });
  });

  it('shows a user who is not an administrator their own messages only, without the counts',
    async () => {
      const client = new ApiClient(test.portal.url);
      assert.equal((await client.signIn(bob.email, bob.password)).status, 200);
      await queue(client, 'vendor@example.org', 'Bob asks for a quote');
      await queue(test.admin, 'partner@example.org', 'Alice writes a partner');

      await withPage(browser, 'delivery-log-user', async (page) => {
        await signIn(page, test.portal.url, bob.email, bob.password);
        await page.getByRole('navigation', { name: 'Main' })
          .getByRole('link', { name: 'Delivery log' }).click();
        await hasText(rowOf(page, 'Bob asks for a quote'), 'bob@example.com');
        await isGone(rowOf(page, 'Alice writes a partner'));
        await isGone(page.getByRole('region', { name: 'Outbox' }));
        await isVisible(page.getByText('The messages you sent from the portal'));
      });
    });
});
