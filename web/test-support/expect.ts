/**
 * Waiting assertions for browser tests: the page changes after the test acts, so each check
 * retries until it holds or its time is up, then fails with the last reason.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Locator } from 'playwright-core';

/** Retries `check` until it stops throwing, for at most `timeoutMs`. */
export async function eventually(check: () => Promise<void> | void, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(100);
    }
  }
}

export async function isVisible(locator: Locator, timeoutMs = 10_000): Promise<void> {
  await locator.waitFor({ state: 'visible', timeout: timeoutMs });
}

export async function isGone(locator: Locator, timeoutMs = 10_000): Promise<void> {
  await locator.waitFor({ state: 'hidden', timeout: timeoutMs });
}

export async function hasValue(locator: Locator, expected: string): Promise<void> {
  await eventually(async () => assert.equal(await locator.inputValue(), expected));
}

export async function isChecked(locator: Locator, expected = true): Promise<void> {
  await eventually(async () => assert.equal(await locator.isChecked(), expected));
}

export async function hasText(locator: Locator, expected: string | RegExp): Promise<void> {
  await eventually(async () => {
    const text = (await locator.innerText()).replace(/\s+/g, ' ').trim();
    if (typeof expected === 'string') assert.ok(text.includes(expected), `"${text}" lacks it`);
    else assert.match(text, expected);
  });
}

export async function isDisabled(locator: Locator, expected = true): Promise<void> {
  await eventually(async () => assert.equal(await locator.isDisabled(), expected));
}
