import assert from 'node:assert/strict';
import {after, before, describe, it} from 'node:test';
import type {Browser} from 'playwright-core';
import {launchChromium, skipWithoutChromium} from './support/chromium.js';
import {startDevOrigin, type DevOrigin} from './support/dev-origin.js';
import {
  modeConfig,
  SESSION_MODES,
  sessionOf,
  skipForMode,
  type SessionMode,
} from './support/session-modes.js';

const HOSTILE_LABEL = '<img src=x onerror=alert(1)>';

for (const mode of SESSION_MODES) {
  const skip = skipWithoutChromium() || skipForMode(mode);
  describe(`the whole flow in Chromium (${mode} sessions)`, {skip}, () => wholeFlowSuite(mode));
  describe(`long sessions and sign-out in Chromium (${mode} sessions)`, {skip}, () =>
    longSessionsSuite(mode),
  );
}

function wholeFlowSuite(mode: SessionMode): void {
  let origin: DevOrigin;
  let browser: Browser;
  before(async () => {
    origin = await startDevOrigin(modeConfig(mode));
    origin.emulator.accounts[0]!.labels.push({
      id: 'Label_hostile',
      name: HOSTILE_LABEL,
      type: 'user',
    });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await origin?.close();
  });

  it('Chromium signs in on the consent page, lands on listlabels and sees every label as text', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const dialogs: string[] = [];
    const consoleErrors: string[] = [];
    page.on('console', message => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('dialog', dialog => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await page.goto(`${origin.baseUrl}/oauth2init`);
    assert.ok(page.url().startsWith(`${origin.emulator.url}/o/oauth2/v2/auth?`), page.url());
    await page.getByRole('button', {name: 'Allow'}).click();
    await page.waitForURL(`${origin.baseUrl}/listlabels`);

    await page.getByRole('heading', {name: 'Your Gmail labels'}).waitFor();
    const account = origin.emulator.accounts[0]!;
    await page.getByText(`${account.labels.length} labels`, {exact: true}).waitFor();
    assert.equal(await page.getByText(`Signed in as ${account.email}`).count(), 1);
    const rows = await page.locator('ul.labels li > span').allTextContents();
    assert.deepEqual(rows.slice(0, 3), ['Inbox', 'Starred', 'Important'], "Gmail's order");
    assert.ok(rows.includes('Projects') && rows.includes('Family & Friends'), rows.join());
    assert.equal(await page.getByText(HOSTILE_LABEL, {exact: true}).count(), 1);
    assert.equal(await page.locator('img').count(), 0, 'the hostile label is not markup');
    assert.deepEqual(dialogs, [], 'no script ran');
    assert.deepEqual(
      consoleErrors,
      [],
      'nothing was blocked by the CSP (the stylesheet hash matches)',
    );
    const weight = await page.evaluate("getComputedStyle(document.querySelector('h1')).fontWeight");
    assert.equal(weight, '500', 'the stylesheet applied');

    const cookies = await context.cookies();
    const session = cookies.find(c => c.name === 'oauth2_session');
    assert.equal(session?.httpOnly, true);
    assert.equal(session?.sameSite, 'Lax');
    const held = await sessionOf(origin.config, `${session?.name}=${session?.value}`);
    assert.ok(held !== null, `the cookie names a session kept the ${mode} way`);
    assert.equal(
      cookies.find(c => c.name === 'oauth2_signin'),
      undefined,
      'the sign-in cookie is gone',
    );
    assert.equal(await page.evaluate('document.cookie'), '', 'no cookie is readable by scripts');

    await page.goto(`${origin.baseUrl}/oauth2init`);
    assert.equal(
      page.url(),
      `${origin.baseUrl}/listlabels`,
      'a signed-in user skips the consent page',
    );
    await context.close();
  });

  it('Chromium shows a readable page with a way back when the user clicks Deny', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${origin.baseUrl}/oauth2init`);
    const response = page.waitForResponse(r =>
      r.url().startsWith(`${origin.baseUrl}/oauth2callback`),
    );
    await page.getByRole('button', {name: 'Deny'}).click();
    assert.equal((await response).status(), 403);
    await page.getByRole('heading', {name: 'Access was not granted'}).waitFor();
    await page.getByRole('link', {name: 'Sign in again'}).click();
    assert.ok(
      page.url().startsWith(`${origin.emulator.url}/o/oauth2/v2/auth?`),
      'the link starts a new sign-in',
    );
    await context.close();
  });

  it('Chromium without a session is sent from listlabels to the consent page', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${origin.baseUrl}/listlabels`);
    assert.ok(page.url().startsWith(`${origin.emulator.url}/o/oauth2/v2/auth?`), page.url());
    await context.close();
  });
}

function longSessionsSuite(mode: SessionMode): void {
  let origin: DevOrigin;
  let browser: Browser;
  before(async () => {
    origin = await startDevOrigin({...modeConfig(mode), accessType: 'offline'});
    origin.emulator.accessTokenTtlSeconds = 1; // every visit needs a refresh
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await origin?.close();
  });

  it('Chromium keeps a session with 1-second tokens working through refreshes, then signs out', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${origin.baseUrl}/oauth2init`);
    await page.getByRole('button', {name: 'Allow'}).click();
    await page.waitForURL(`${origin.baseUrl}/listlabels`);
    await page.getByRole('heading', {name: 'Your Gmail labels'}).waitFor();

    const refreshes = (): number =>
      origin.emulator.requests.filter(
        r => r.route === 'token' && r.params.grant_type === 'refresh_token',
      ).length;
    const before = refreshes();
    for (let i = 0; i < 2; i++) {
      await new Promise(resolve => setTimeout(resolve, 1100)); // the access token has expired
      const response = await page.reload();
      assert.equal(response?.status(), 200);
      assert.ok(page.url().endsWith('/listlabels'), 'no new sign-in');
    }
    assert.ok(refreshes() - before >= 2, `refreshed ${refreshes() - before} times`);

    const revokesBefore = origin.emulator.requests.filter(r => r.route === 'revoke').length;
    await page.getByRole('button', {name: 'Sign out'}).click();
    await page.getByRole('heading', {name: 'You are signed out'}).waitFor();
    assert.ok((await page.textContent('body'))?.includes('revoked at Google'));
    assert.equal(
      origin.emulator.requests.filter(r => r.route === 'revoke').length - revokesBefore,
      1,
    );
    assert.equal(
      (await context.cookies()).find(c => c.name === 'oauth2_session'),
      undefined,
    );

    await page.goto(`${origin.baseUrl}/listlabels`);
    assert.ok(
      page.url().startsWith(`${origin.emulator.url}/o/oauth2/v2/auth?`),
      'signed out for real',
    );
    await context.close();
  });

  it('Chromium refuses a sign-out posted from another site', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${origin.baseUrl}/oauth2init`);
    await page.getByRole('button', {name: 'Allow'}).click();
    await page.waitForURL(`${origin.baseUrl}/listlabels`);
    // A page on the emulator's origin (another site) that posts to oauth2signout.
    const attack = `${origin.emulator.url}/o/oauth2/v2/auth/consent`;
    await page.goto(attack).catch(() => undefined);
    await page.setContent(
      `<form method="post" action="${origin.baseUrl}/oauth2signout"><input name="csrf" value="x"><button>Go</button></form>`,
    );
    const response = page.waitForResponse(r => r.url() === `${origin.baseUrl}/oauth2signout`);
    await page.getByRole('button', {name: 'Go'}).click();
    assert.equal((await response).status(), 403);
    await page.goto(`${origin.baseUrl}/listlabels`);
    assert.equal(page.url(), `${origin.baseUrl}/listlabels`, 'still signed in');
    await context.close();
  });
}
