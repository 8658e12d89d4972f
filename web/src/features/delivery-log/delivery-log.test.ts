import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import {
  startOutboxPortal,
  waitForState,
  type OutboxTestPortal,
} from '../../../../test/support/outbox.ts';
import type { ApiClient } from '../../../../test/support/portal.ts';
import { startSmtpServer, type SmtpServerFixture } from '../../../../test/support/smtp-server.ts';
import {
  browserSkipReason,
  launchBrowser,
  screenshot,
  signIn,
  withPage,
  type Browser,
} from '../../../test-support/browser.ts';
import { eventually, hasText, hasValue, isGone, isVisible } from '../../../test-support/expect.ts';

/** Queues one message as the signed-in user of `api`; answers its id. */
async function queue(api: ApiClient, message: Record<string, unknown>): Promise<string> {
  const answer = await api.post('/api/mail/messages', {
    lane: 'account',
    text: 'Hello',
    ...message,
  });
  assert.equal(answer.status, 202, JSON.stringify(answer.body));
  return answer.body.id;
}

function logTable(page: Page) {
  return page.getByRole('table', { name: 'Delivery log' });
}

function rowOf(page: Page, text: string) {
  return logTable(page).getByRole('row').filter({ hasText: text });
}

/** The rows of the log's table, without its header. */
async function rowCount(page: Page): Promise<number> {
  return (await logTable(page).getByRole('row').count()) - 1;
}

async function chooseState(page: Page, label: string): Promise<void> {
  await page.getByRole('radiogroup', { name: 'State' }).getByText(label, { exact: true }).click();
}

function search(page: Page) {
  return page.getByRole('textbox', { name: 'Search by recipient or subject' });
}

describe('the delivery log', { skip: browserSkipReason }, () => {
  let browser: Browser;
  let smtp: SmtpServerFixture;
  let test: OutboxTestPortal;
  const ids: Record<string, string> = {};

  before(async () => {
    [browser, smtp] = await Promise.all([
      launchBrowser(),
      startSmtpServer({
        mode: 'plain',
        rejectRcpt: (address) => {
          if (address.startsWith('nobody')) return { code: 550, message: '5.1.1 No such user' };
          if (address.startsWith('busy')) return { code: 451, message: '4.2.1 Mailbox busy' };
          return undefined;
        },
      }),
    ]);
    // A deferred message waits half a minute for its next attempt, long enough to look at.
    test = await startOutboxPortal(smtp, {
      env: { PORTAL_OUTBOX_RETRY_BASE_SECONDS: '30', PORTAL_OUTBOX_RETRY_MAX_SECONDS: '60' },
    });
  });
  after(async () => {
    await Promise.all([browser?.close(), test?.portal.close(), smtp?.close()]);
  });

  const signInAdmin = (page: Page) =>
    signIn(page, test.portal.url, test.portal.admin.email, test.portal.admin.password);

  it('lists queued messages with recipients, subject, sender and attempts until they are sent',
    async () => {
      ids.quote = await queue(test.admin, { to: 'client-a@example.org', subject: 'Quote 1001' });
      ids.invoice = await queue(test.admin, {
        to: ['client-b@example.org', 'accounts-b@example.org', 'boss-b@example.org'],
        cc: ['copy-b@example.org'],
        subject: 'Invoice 2002',
      });
      await withPage(browser, 'delivery-log-list', async (page) => {
        await signInAdmin(page);
        await page.getByRole('navigation', { name: 'Main' })
          .getByRole('link', { name: 'Delivery log' }).click();
        await isVisible(page.getByRole('heading', { name: 'Delivery log' }));
        assert.match(page.url(), /\/mail\/log$/);

        const quote = rowOf(page, 'Quote 1001');
        await hasText(quote, 'client-a@example.org');
        await hasText(quote, 'admin@example.com');
        await hasText(quote, /Sent 1$/i);
        const invoice = rowOf(page, 'Invoice 2002');
        await hasText(invoice, 'client-b@example.org, accounts-b@example.org and 1 more');
        await hasText(invoice, /Sent/i);
        await isVisible(page.getByRole('link', { name: 'Download “Quote 1001” as .eml' }));
        await screenshot(page, 'delivery-log');
      });
    });

  it('filters by state and searches by recipient, with both kept in the URL', async () => {
    ids.lost = await queue(test.admin, { to: 'nobody@example.org', subject: 'Lost parcel' });
    await waitForState(test.admin, ids.lost, ['failed']);
    await waitForState(test.admin, ids.quote!, ['sent']);
    await withPage(browser, 'delivery-log-filters', async (page) => {
      await signInAdmin(page);
      await page.goto(`${test.portal.url}/mail/log`);
      await isVisible(rowOf(page, 'Lost parcel'));
      await hasText(rowOf(page, 'Lost parcel'), /Failed 550/i);

      await chooseState(page, 'Failed');
      await isGone(rowOf(page, 'Quote 1001'));
      await eventually(async () => assert.equal(await rowCount(page), 1));
      assert.match(page.url(), /[?&]state=failed/);

      await chooseState(page, 'All');
      await search(page).fill('client-b');
      await isGone(rowOf(page, 'Quote 1001'));
      await eventually(async () => assert.equal(await rowCount(page), 1));
      await isVisible(rowOf(page, 'Invoice 2002'));
      assert.match(page.url(), /[?&]q=client-b/);
      assert.doesNotMatch(page.url(), /state=/);

      await search(page).fill('no such words');
      await isVisible(page.getByText('No message matches'));
      await page.getByRole('button', { name: 'Clear the filters' }).click();
      await isVisible(rowOf(page, 'Quote 1001'));
      await hasValue(search(page), '');

      await page.goto(`${test.portal.url}/mail/log?state=failed&q=lost`);
      await isVisible(rowOf(page, 'Lost parcel'));
      await hasValue(search(page), 'lost');
      assert.equal(await page.getByRole('radio', { name: 'Failed' }).isChecked(), true);
      await page.goBack();
      await isVisible(rowOf(page, 'Quote 1001'));
      await hasValue(search(page), '');
    });
  });

  it('opens a message with its recipients, Message-ID and the server reply, and resends it',
    async () => {
      const before = await waitForState(test.admin, ids.invoice!, ['sent']);
      await withPage(browser, 'delivery-log-detail', async (page) => {
        await signInAdmin(page);
        await page.goto(`${test.portal.url}/mail/log?q=invoice`);
        await page.getByRole('link', { name: 'Invoice 2002', exact: true }).click();
        const dialog = page.getByRole('dialog', { name: 'Invoice 2002' });
        await isVisible(dialog);
        assert.match(page.url(), new RegExp(`/mail/log/${ids.invoice}\\?q=invoice$`));

        const facts = dialog.locator('dl');
        await hasText(facts, 'To client-b@example.org, accounts-b@example.org, boss-b@example.org');
        await hasText(facts, 'Cc copy-b@example.org');
        await hasText(facts, `Message-ID ${before.messageId}`);
        const attempts = dialog.getByRole('list', { name: 'Delivery attempts' });
        await hasText(attempts, /Attempt 1 Sent/i);
        await hasText(attempts, /250 .*queued as [0-9A-F]+/);
        await hasText(attempts, 'To client-b@example.org, accounts-b@example.org');
        await screenshot(page, 'delivery-log-detail');

        smtp.reset();
        await dialog.getByRole('button', { name: 'Resend' }).click();
        const confirm = page.getByRole('dialog', { name: 'Send this message again?' });
        await confirm.getByRole('button', { name: 'Send again' }).click();
        await hasText(attempts, /Attempt 2 Sent/i);
        assert.equal(await attempts.getByRole('listitem').count(), 2);
        const [again] = await smtp.waitForMessages(1);
        assert.equal(again!.parsed.messageId, before.messageId);

        await dialog.getByRole('button', { name: 'Close the message' }).click();
        await isGone(dialog);
        assert.match(page.url(), /\/mail\/log\?q=invoice$/);
        await hasText(rowOf(page, 'Invoice 2002'), /Sent 2$/i);
      });
    });

  it('shows the code, command and reply of a refusal, and the recipients a server refused',
    async () => {
      const partly = await queue(test.admin, {
        to: ['client-c@example.org', 'nobody-c@example.org'],
        subject: 'Minutes',
      });
      await waitForState(test.admin, partly, ['sent']);
      await withPage(browser, 'delivery-log-refusals', async (page) => {
        await signInAdmin(page);
        await page.goto(`${test.portal.url}/mail/log/${ids.lost}`);
        const lost = page.getByRole('dialog', { name: 'Lost parcel' });
        await hasText(lost, /Failed Not delivered\./i);
        const attempts = lost.getByRole('list', { name: 'Delivery attempts' });
        await hasText(attempts, /Attempt 1 Failed/i);
        await hasText(attempts, 'Server reply (reply code 550, after RCPT TO');
        await hasText(attempts, '550 5.1.1 No such user');
        await isGone(lost.getByRole('button', { name: 'Cancel message' }));
        await screenshot(page, 'delivery-log-refused');

        await page.goto(`${test.portal.url}/mail/log/${partly}`);
        const minutes = page.getByRole('dialog', { name: 'Minutes' });
        await hasText(minutes, 'The server refused nobody-c@example.org.');
      });
    });

  it('shows when a deferred message is tried next, and cancels it', async () => {
    const id = await queue(test.admin, { to: 'busy@example.org', subject: 'Try later' });
    await waitForState(test.admin, id, ['deferred']);
    await withPage(browser, 'delivery-log-deferred', async (page) => {
      await signInAdmin(page);
      await page.goto(`${test.portal.url}/mail/log?state=deferred`);
      await hasText(rowOf(page, 'Try later'), /Deferred next try .* 451/i);
      await page.getByRole('link', { name: 'Try later', exact: true }).click();

      const dialog = page.getByRole('dialog', { name: 'Try later' });
      await hasText(dialog, /Deferred The server could not take it yet\. Next attempt at /i);
      const attempts = dialog.getByRole('list', { name: 'Delivery attempts' });
      await hasText(attempts, /Attempt 1 Deferred/i);
      await hasText(attempts, '451 4.2.1 Mailbox busy');
      await isVisible(dialog.getByRole('button', { name: 'Retry now' }));
      await dialog.getByRole('button', { name: 'Cancel message' }).click();
      await hasText(dialog, /Cancelled It will not be sent/i);
      await dialog.getByRole('button', { name: 'Close the message' }).click();
      await isVisible(page.getByText('No message matches'));
    });
  });

  it('downloads a message as an .eml file', async () => {
    await withPage(browser, 'delivery-log-download', async (page) => {
      await signInAdmin(page);
      await page.goto(`${test.portal.url}/mail/log/${ids.quote}`);
      const dialog = page.getByRole('dialog', { name: 'Quote 1001' });
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        dialog.getByRole('link', { name: 'Download .eml' }).click(),
      ]);
      assert.equal(download.suggestedFilename(), `message-${ids.quote}.eml`);
      const source = await readFile((await download.path())!, 'utf8');
      assert.match(source, /^Subject: Quote 1001$/m);
      assert.match(source, /^To: client-a@example\.org$/m);
    });
  });

  it('says where a message really went while Redirect All Mail to Admin was on', async () => {
    const redirect = async (on: boolean) => {
      const { passwordSet: _, ...stored } = (await test.admin.get('/api/settings/email')).body;
      const saved = await test.admin.put('/api/settings/email', {
        ...stored,
        redirectAllToAdmin: on,
      });
      assert.equal(saved.status, 200);
    };
    await redirect(true);
    try {
      const id = await queue(test.admin, { to: 'client-d@example.org', subject: 'Order 3003' });
      await waitForState(test.admin, id, ['sent']);
      await withPage(browser, 'delivery-log-redirected', async (page) => {
        await signInAdmin(page);
        await page.goto(`${test.portal.url}/mail/log`);
        await hasText(rowOf(page, 'Order 3003'),
          'client-d@example.org redirected to boss@example.com');
        await page.getByRole('link', { name: 'Order 3003', exact: true }).click();
        const dialog = page.getByRole('dialog', { name: 'Order 3003' });
        await hasText(dialog, 'this message went to boss@example.com instead of its recipients');
        await hasText(dialog.locator('dl'), 'To client-d@example.org');
        await hasText(dialog.locator('dl'), 'Delivered to boss@example.com');
        await hasText(dialog.getByRole('list', { name: 'Delivery attempts' }),
          'To boss@example.com');
      });
    } finally {
      await redirect(false);
    }
  });

  it('links a message to the entry that sends it again to a recipient refused for now', async () => {
    const id = await queue(test.admin, {
      to: ['client-e@example.org', 'busy-e@example.org'],
      subject: 'Board pack',
    });
    const parent = await waitForState(test.admin, id, ['sent']);
    const [retry] = parent.retries;
    assert.ok(retry, 'an entry for the recipient refused for now');
    await withPage(browser, 'delivery-log-retry', async (page) => {
      await signInAdmin(page);
      await page.goto(`${test.portal.url}/mail/log?q=board%20pack`);
      await eventually(async () => assert.equal(await rowCount(page), 2));
      await hasText(rowOf(page, 'again, after a refusal for now'), 'busy-e@example.org');

      await page.goto(`${test.portal.url}/mail/log/${id}`);
      const sent = page.getByRole('dialog', { name: 'Board pack' });
      await hasText(sent, 'The server refused busy-e@example.org.');
      await hasText(sent, 'busy-e@example.org: refused for now, tried again (deferred).');
      await sent.getByRole('link', { name: 'tried again' }).click();

      await page.waitForURL(`**/mail/log/${retry.id}`);
      const again = page.getByRole('dialog', { name: 'Board pack' });
      await hasText(again, /Deferred The server could not take it yet/i);
      await hasText(again, 'The server refused busy-e@example.org for now when it took this message for the others.');
      await screenshot(page, 'delivery-log-retry');
      await again.getByRole('link', { name: 'this message' }).click();
      await page.waitForURL(`**/mail/log/${id}`);
      await hasText(page.getByRole('dialog', { name: 'Board pack' }), 'The server refused busy-e@example.org.');
    });
  });
});
