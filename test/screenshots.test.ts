import assert from 'node:assert/strict';
import {copyFileSync, mkdirSync, statSync} from 'node:fs';
import {dirname} from 'node:path';
import {after, before, describe, it} from 'node:test';
import {fileURLToPath} from 'node:url';
import type {Browser, Page} from 'playwright-core';
import {systemLabels} from '../emulator/defaults.js';
import type {EmulatorAccount} from '../emulator/index.js';
import {launchChromium, skipWithoutChromium} from './support/chromium.js';
import {startDevOrigin, type DevOrigin} from './support/dev-origin.js';

// Written on every run (gitignored); UPDATE_SCREENSHOTS=1 also refreshes the README's image.
const SHOTS = fileURLToPath(new URL('../../test-results/screenshots/', import.meta.url));
const README_IMAGE = fileURLToPath(new URL('../../docs/images/labels-page.png', import.meta.url));
const MAX_README_IMAGE_BYTES = 100 * 1024;

const VIEWPORTS = {
  desktop: {width: 1280, height: 800},
  phone: {width: 390, height: 844},
} as const;

// A mailbox like a real one: system labels in Gmail's answer order, user labels unsorted, a
// nested label with its parent, one without, and a long name that must wrap on a phone.
const ACCOUNT: EmulatorAccount = {
  sub: '108354102748295837461',
  email: 'alex.morgan@example.com',
  labels: [
    ...systemLabels(),
    {id: 'Label_1', name: 'Travel', type: 'user'},
    {id: 'Label_2', name: 'Receipts', type: 'user'},
    {id: 'Label_3', name: 'Work/Projects/Apollo', type: 'user'},
    {id: 'Label_4', name: 'Work', type: 'user'},
    {id: 'Label_5', name: 'Work/Clients', type: 'user'},
    {id: 'Label_6', name: 'family & friends', type: 'user'},
    {id: 'Label_7', name: 'Travel/2026 Lisbon', type: 'user'},
    {id: 'Label_8', name: 'Newsletters/engineering.weekly.digest@lists.example.com', type: 'user'},
  ],
};

/** Asserts the page fits its viewport's width, then saves it as `<name>-<viewport>.png`. */
async function shoot(page: Page, name: string, viewport: string): Promise<string> {
  // A string: the test is compiled without the DOM's types.
  const widths: unknown = await page.evaluate(
    '({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})',
  );
  assert.ok(typeof widths === 'object' && widths !== null);
  assert.ok('scroll' in widths && 'inner' in widths && typeof widths.scroll === 'number');
  assert.ok(
    widths.scroll <= Number(widths.inner),
    `${name} overflows at ${viewport}: ${widths.scroll} px wide in ${widths.inner} px`,
  );
  const path = `${SHOTS}${name}-${viewport}.png`;
  await page.screenshot({path, fullPage: true});
  return path;
}

// The one browser global used here (the tests are compiled without the DOM's types).
interface BrowserGlobals {
  getComputedStyle(element: unknown): {backgroundColor: string};
}

/** Asserts the button is filled with `color` and lies wholly inside the viewport's width. */
async function assertButton(page: Page, name: string, color: string): Promise<void> {
  const button = page.getByRole('button', {name, exact: true});
  const box = await button.boundingBox();
  assert.ok(box !== null && box.x >= 0 && box.x + box.width <= page.viewportSize()!.width, name);
  const background = await button.evaluate(
    element => (globalThis as unknown as BrowserGlobals).getComputedStyle(element).backgroundColor,
  );
  assert.equal(background, color, name);
}

describe(
  'every page in Chromium at desktop and phone widths',
  {skip: skipWithoutChromium()},
  () => {
    let origin: DevOrigin;
    let browser: Browser;
    before(async () => {
      mkdirSync(SHOTS, {recursive: true});
      origin = await startDevOrigin({}, {accounts: [ACCOUNT]});
      browser = await launchChromium();
    });
    after(async () => {
      await browser?.close();
      await origin?.close();
    });

    for (const [viewport, size] of Object.entries(VIEWPORTS)) {
      it(`each page fits ${size.width} px without horizontal scrolling (${viewport})`, async () => {
        const context = await browser.newContext({viewport: size});
        const page = await context.newPage();

        await page.goto(`${origin.baseUrl}/oauth2init`);
        await page
          .getByRole('heading', {name: 'Gmail Labels wants to access your Google Account'})
          .waitFor();
        await page.getByText('See your Gmail labels and messages').waitFor();
        await page.getByText(`Signed in as ${ACCOUNT.email}`).waitFor();
        await assertButton(page, 'Allow', 'rgb(11, 87, 208)');
        await assertButton(page, 'Deny', 'rgb(255, 255, 255)');
        await shoot(page, 'consent', viewport);

        await page.getByRole('button', {name: 'Deny'}).click();
        await page.getByRole('heading', {name: 'Access was not granted'}).waitFor();
        await shoot(page, 'access-denied', viewport);

        await page.goto(`${origin.baseUrl}/oauth2init`);
        await page.getByRole('button', {name: 'Allow'}).click();
        await page.waitForURL(`${origin.baseUrl}/listlabels`);
        await page.getByText(`Signed in as ${ACCOUNT.email}`).waitFor();
        const rows = await page.locator('ul.labels li > span').allTextContents();
        assert.deepEqual(rows.slice(-10), [
          'family & friends',
          'Newsletters',
          'engineering.weekly.digest@lists.example.com',
          'Receipts',
          'Travel',
          '2026 Lisbon',
          'Work',
          'Clients',
          'Projects',
          'Apollo',
        ]);
        await assertButton(page, 'Sign out', 'rgb(26, 115, 232)');
        await shoot(page, 'labels', viewport);
        if (viewport === 'desktop') {
          // The README shows the page's content only: the body's box and a margin.
          const cropped = `${SHOTS}labels-page.png`;
          const body = await page.locator('body').boundingBox();
          assert.ok(body !== null);
          const clip = {
            x: body.x - 24,
            y: 0,
            width: body.width + 48,
            height: body.y + body.height + 24,
          };
          await page.screenshot({path: cropped, clip});
          assert.ok(statSync(cropped).size < MAX_README_IMAGE_BYTES, `${cropped} is too large`);
          if (process.env.UPDATE_SCREENSHOTS === '1') {
            mkdirSync(dirname(README_IMAGE), {recursive: true});
            copyFileSync(cropped, README_IMAGE);
          }
        }
        await page.goto(`${origin.baseUrl}/oauth2signout`);
        await page.getByRole('heading', {name: 'Sign out'}).waitFor();
        await assertButton(page, 'Sign out', 'rgb(26, 115, 232)');
        await shoot(page, 'sign-out', viewport);

        await page.getByRole('button', {name: 'Sign out'}).click();
        await page.getByRole('heading', {name: 'You are signed out'}).waitFor();
        await shoot(page, 'signed-out', viewport);

        await page.goto(`${origin.baseUrl}/oauth2signout`);
        await page.getByRole('heading', {name: 'You are not signed in'}).waitFor();
        await shoot(page, 'not-signed-in', viewport);
        await context.close();
      });
    }
  },
);
