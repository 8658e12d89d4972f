/**
 * What the browser tests share: a fresh build of the web UI, a Chromium to drive, a page per
 * test with a screenshot in test-results/ when it fails, and signing in as a person would.
 *
 * The browser is the system's Chromium (PORTAL_TEST_CHROMIUM, set by scripts/test.mjs when it
 * exists); without it the tests skip and say why.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  chromium,
  type Browser,
  type BrowserContext,
  type Locator,
  type Page,
} from 'playwright-core';
import { isVisible } from './expect.ts';

export type { Browser, Page };

const repositoryRoot = new URL('../..', import.meta.url).pathname;
const resultsDir = join(repositoryRoot, 'test-results');

/** Why the browser tests cannot run here, or undefined when they can. */
export const browserSkipReason: string | undefined = process.env.PORTAL_TEST_CHROMIUM
  ? undefined
  : 'no Chromium: PORTAL_TEST_CHROMIUM is not set (install chromium, then run npm test)';

export async function launchBrowser(): Promise<Browser> {
  await ensureWebBuild();
  return chromium.launch({
    executablePath: process.env.PORTAL_TEST_CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * Runs `body` with a page of its own (its own cookies); when it fails, the page as it was is
 * saved to test-results/<name>.png before the error goes on.
 */
export async function withPage(
  browser: Browser,
  name: string,
  body: (page: Page, context: BrowserContext) => Promise<void>,
): Promise<void> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  try {
    await body(page, context);
  } catch (error) {
    await screenshot(page, `failed-${name}`).catch(() => undefined);
    throw error;
  } finally {
    await context.close();
  }
}

/** Saves the whole page to test-results/<name>.png and answers the file's path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(resultsDir, { recursive: true });
  const path = join(resultsDir, `${name.replace(/[^\w-]+/g, '-')}.png`);
  // From the top: fixed and sticky parts (the header, the Save bar) are then drawn in place.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** A text input (number inputs and selects included) by its accessible name, as read aloud. */
export function textbox(page: Page, name: string) {
  return page.getByRole('textbox', { name, exact: true });
}

/** Saves one element, such as a result panel, to test-results/<name>.png. */
export async function screenshotOf(locator: Locator, name: string): Promise<string> {
  mkdirSync(resultsDir, { recursive: true });
  const path = join(resultsDir, `${name.replace(/[^\w-]+/g, '-')}.png`);
  await locator.screenshot({ path });
  return path;
}

/** Signs in through the sign-in page and waits for the start page. */
export async function signIn(page: Page, url: string, email: string, password: string) {
  await page.goto(`${url}/sign-in`);
  await textbox(page, 'E-mail').fill(email);
  await textbox(page, 'Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await isVisible(page.getByRole('button', { name: 'Sign out' }));
}

// The portal under test serves dist/web, so the tests build it when the sources are newer.
// Test files run in parallel processes: a lock folder lets one build while the others wait.
const buildLock = join(repositoryRoot, 'dist', '.web-build-lock');

async function ensureWebBuild(): Promise<void> {
  while (isBuildStale()) {
    mkdirSync(join(repositoryRoot, 'dist'), { recursive: true });
    if (!takeLock()) {
      await sleep(250);
      continue;
    }
    try {
      if (isBuildStale()) {
        execFileSync(process.execPath, [join(repositoryRoot, 'node_modules/vite/bin/vite.js'),
          'build', '--logLevel', 'error'], { cwd: repositoryRoot, stdio: 'inherit' });
      }
    } finally {
      rmdirSync(buildLock);
    }
  }
  while (existsSync(buildLock)) await sleep(250);
}

function takeLock(): boolean {
  try {
    mkdirSync(buildLock);
    return true;
  } catch {
    return false;
  }
}

function isBuildStale(): boolean {
  const built = join(repositoryRoot, 'dist/web/index.html');
  if (!existsSync(built)) return true;
  const sources = [
    join(repositoryRoot, 'web/src'),
    join(repositoryRoot, 'web/index.html'),
    join(repositoryRoot, 'src/modules/settings/schema.ts'),
    join(repositoryRoot, 'vite.config.ts'),
  ];
  return newestChange(sources) > statSync(built).mtimeMs;
}

function newestChange(paths: string[]): number {
  let newest = 0;
  for (const path of paths) {
    const stat = statSync(path);
    if (stat.isDirectory()) {
      const children = readdirSync(path).map((name) => join(path, name));
      newest = Math.max(newest, newestChange(children));
    } else {
      newest = Math.max(newest, stat.mtimeMs);
    }
  }
  return newest;
}
