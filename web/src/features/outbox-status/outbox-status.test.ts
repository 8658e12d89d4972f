import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Page } from 'playwright-core';
import {
  startOutboxPortal,
  waitForState,
  waitForStats,
  type OutboxTestPortal,
} from '../../../../test/support/outbox.ts';
import { startSmtpServer, type SmtpServerFixture } from '../../../../test/support/smtp-server.ts';
import {
  browserSkipReason,
  launchBrowser,
  screenshot,
  screenshotOf,
  signIn,
  withPage,
  type Browser,
} from '../../../test-support/browser.ts';
import { eventually, hasText, isGone, isVisible } from '../../../test-support/expect.ts';

function pausedBanner(page: Page) {
  return page.getByRole('status').filter({ hasText: 'Sending is paused' });
}

function heldNotice(page: Page) {
  return page.getByRole('status').filter({ hasText: 'The SMTP server cannot be reached' });
}

describe('the outbox on every page and above the delivery log', { skip: browserSkipReason }, () => {
  let browser: Browser;
  let smtp: SmtpServerFixture;
  let test: OutboxTestPortal;
  const bob = { email: 'bob@example.com', password: 'bob has a long password' };

  before(async () => {
    [browser, smtp] = await Promise.all([launchBrowser(), startSmtpServer({ mode: 'plain' })]);
    // CRM mail is paced to 50 messages a second, so that a run of 200 lasts a few seconds.
    test = await startOutboxPortal(smtp, {
      settings: { queuingEnabled: true, bulkSize: 50, bulkIntervalSeconds: 1 },
    });
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

  it('tells everyone that sending is paused, and lets an administrator resume it', async () => {
    await test.portal.portal.db.updateTable('outbox_control')
      .set({ paused: 1, pause_reason: 'The SMTP server refused the login' }).execute();
    const queued = await test.admin.post('/api/mail/messages', {
      to: 'client@example.org', subject: 'Waits for the resume', text: 'Hi', lane: 'account',
    });
    assert.equal(queued.status, 202);

    await withPage(browser, 'outbox-paused-user', async (page) => {
      await signIn(page, test.portal.url, bob.email, bob.password);
      await hasText(pausedBanner(page),
        'Messages wait in the outbox and go out once an administrator resumes sending.');
      await isGone(pausedBanner(page).getByText('The SMTP server refused the login'));
      await isGone(pausedBanner(page).getByRole('button', { name: 'Resume sending' }));
    });

    await withPage(browser, 'outbox-paused-administrator', async (page) => {
      await signInAdmin(page);
      const banner = pausedBanner(page);
      await hasText(banner, 'Sending is paused The SMTP server refused the login');
      await page.goto(`${test.portal.url}/configuration/general/users`);
      await hasText(banner, 'The SMTP server refused the login');
      await page.goto(`${test.portal.url}/mail/log`);
      await hasText(page.getByRole('table', { name: 'Delivery log' }), /Queued/i);
      await screenshotOf(banner, 'outbox-paused-banner');
      await screenshot(page, 'outbox-paused-page');
      assert.equal((await test.admin.get(`/api/mail/messages/${queued.body.id}`)).body.state,
        'queued');

      await banner.getByRole('button', { name: 'Resume sending' }).click();
      await isGone(banner);
      await isVisible(page.getByText('Sending resumed.'));
      await waitForState(test.admin, queued.body.id, ['sent']);
      await hasText(page.getByRole('table', { name: 'Delivery log' }), /Sent/i);
    });
  });

  it('shows administrators that delivery is held while the server cannot be reached',
    async () => {
      const heldUntil = new Date(Date.now() + 60_000).toISOString();
      const reason = 'The SMTP server cannot be reached: connect ECONNREFUSED 127.0.0.1:2525';
      await test.portal.portal.db.updateTable('outbox_control')
        .set({ held_until: heldUntil, hold_reason: reason }).execute();
      try {
        await withPage(browser, 'outbox-held', async (page) => {
          await signInAdmin(page);
          await hasText(heldNotice(page), 'delivery resumes by itself');
          await hasText(heldNotice(page), 'ECONNREFUSED 127.0.0.1:2525');
          await isGone(pausedBanner(page));

          await test.portal.portal.db.updateTable('outbox_control')
            .set({ held_until: null, hold_reason: null }).execute();
          await isGone(heldNotice(page), 10_000);
        });
      } finally {
        await test.portal.portal.db.updateTable('outbox_control')
          .set({ held_until: null, hold_reason: null }).execute();
      }
    });

  it('shows a run of CRM mail as a labelled bar beside sent / total, polled only while it runs',
    async () => {
      await withPage(browser, 'outbox-progress', async (page) => {
        await signInAdmin(page);
        await page.goto(`${test.portal.url}/mail/log`);
        const outbox = page.getByRole('region', { name: 'Outbox' });
        await hasText(outbox, /Sent 1\b/i);
        const bar = page.getByRole('progressbar', { name: 'Sending progress' });
        await isGone(bar);

        const statsRequests: number[] = [];
        page.on('request', (request) => {
          if (request.url().endsWith('/api/outbox/stats')) statsRequests.push(Date.now());
        });
        const messages = Array.from({ length: 200 }, (_, index) => ({
          to: `reader-${index}@example.org`, subject: `Newsletter ${index}`, text: 'News',
          lane: 'crm',
        }));
        const batch = await test.admin.post('/api/mail/messages/batch', { messages });
        assert.equal(batch.status, 202);
        await page.getByRole('button', { name: 'Refresh the delivery log' }).click();

        await isVisible(bar);
        await hasText(outbox, /\d+ \/ 200 sent/);
        const seen = new Set<number>();
        await eventually(async () => {
          seen.add(Number(await bar.getAttribute('aria-valuenow')));
          assert.ok([...seen].some((value) => value > 0 && value < 100), `seen ${[...seen]}`);
        }, 10_000);
        await screenshot(page, 'outbox-progress');

        await isGone(bar, 20_000);
        await hasText(outbox, /Queued 0 Sending 0 Deferred 0 Sent 201\b/i);
        const polls = statsRequests.length;
        assert.ok(polls >= 3, `the counts were asked for ${polls} times during the run`);
        await sleep(3000);
        assert.equal(statsRequests.length, polls, 'the counts are not asked for once idle');
      });
      await waitForStats(test.admin, (stats) => stats.counts.sent === 201);
    });
});
