import assert from 'node:assert/strict';
import {after, afterEach, before, describe, it} from 'node:test';
import {parseSetCookie, type SetCookie} from 'cookie';
import type {EmulatorFault} from '../../emulator/index.js';
import {createTokenCookies, type Session} from '../../src/token-cookie.js';
import {setCookies, signIn, startHarness, type Harness} from '../support/harness.js';

const SIGN_OUT_ACTION = 'http://localhost:8080/oauth2signout';
// The form both the labels page and GET /oauth2signout show; the csrf value is captured.
const SIGN_OUT_FORM =
  /<form method="post" action="([^"]*)">\s*<input type="hidden" name="csrf" value="([^"]*)">\s*<button type="submit">Sign out<\/button>\s*<\/form>/;

type Response = {status: number; text: string; headers: Record<string, unknown>};

/** The action and csrf value of the sign-out form on a page; fails the test when there is none. */
function signOutForm(page: string): {action: string; csrf: string} {
  const match = SIGN_OUT_FORM.exec(page);
  assert.ok(match, 'the page has a sign-out form');
  return {action: match[1]!, csrf: match[2]!};
}

/** The Set-Cookie of the session cookie in a response, parsed; undefined when there is none. */
function sessionSetCookie(response: Response): SetCookie | undefined {
  return setCookies(response)
    .map(header => parseSetCookie(header))
    .find(cookie => cookie.name === 'oauth2_session');
}

/** Asserts the response clears the session cookie with the attributes it was set with. */
function assertSessionCleared(response: Response): void {
  const cookie = sessionSetCookie(response);
  assert.ok(cookie, 'a Set-Cookie for oauth2_session');
  assert.equal(cookie.value, '');
  assert.equal(cookie.maxAge, 0);
  assert.equal(cookie.httpOnly, true);
  assert.equal(cookie.sameSite, 'lax');
  assert.equal(cookie.path, '/');
  assert.equal(cookie.domain, undefined);
}

/** Asserts the headers every answer of the function carries. */
function assertSecurityHeaders(response: Response): void {
  assert.equal(response.headers['cache-control'], 'no-store');
  const csp = String(response.headers['content-security-policy']);
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /frame-ancestors 'none'/);
  assert.equal(response.headers['x-frame-options'], 'DENY');
}

/** The status the emulator's Gmail answers for an access token. */
async function gmailStatus(h: Harness, accessToken: string): Promise<number> {
  const response = await fetch(`${h.emulator.url}/gmail/v1/users/me/labels`, {
    headers: {authorization: `Bearer ${accessToken}`},
  });
  await response.arrayBuffer();
  return response.status;
}

async function openSession(h: Harness, cookieHeader: string): Promise<Session> {
  const session = await createTokenCookies(h.config.cookieSecrets, false).openSession(cookieHeader);
  assert.ok(session, 'the sign-in left a session cookie');
  return session;
}

function revokeRequests(h: Harness): {token: string | undefined; status: number}[] {
  return h.emulator.requests
    .filter(r => r.route === 'revoke')
    .map(r => ({token: r.params.token, status: r.status}));
}

describe('oauth2signout', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({googleTimeoutMs: 300});
  });
  afterEach(() => h.emulator.clearFaults());
  after(() => h.emulator.close());

  /** A fresh session and the csrf value of its labels page. */
  const signedIn = async (): Promise<{cookie: string; csrf: string}> => {
    const cookie = await signIn(h);
    const labels = await h.labels.get('/listlabels').set('Cookie', cookie).expect(200);
    return {cookie, csrf: signOutForm(labels.text).csrf};
  };

  it('oauth2signout shows a signed-in user a form that posts a CSRF token to itself', async () => {
    const cookie = await signIn(h);
    const response = await h.signout.get('/oauth2signout').set('Cookie', cookie).expect(200);
    assert.equal(response.headers['content-type'], 'text/html; charset=utf-8');
    assert.match(response.text, /<h1>Sign out<\/h1>/);
    const form = signOutForm(response.text);
    assert.equal(form.action, SIGN_OUT_ACTION);
    assert.match(form.csrf, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(sessionSetCookie(response), undefined, 'GET leaves the session alone');
    assertSecurityHeaders(response);
  });

  it('oauth2signout tells a visitor without a session that they are not signed in', async () => {
    const response = await h.signout.get('/oauth2signout').expect(200);
    assert.match(response.text, /<h1>You are not signed in<\/h1>/);
    assert.doesNotMatch(response.text, /<form/);
    assert.match(response.text, /href="http:\/\/localhost:8080\/oauth2init"/);
    assertSecurityHeaders(response);
  });

  it('listlabels shows the same sign-out form, with the csrf value oauth2signout gives', async () => {
    const cookie = await signIn(h);
    const labels = await h.labels.get('/listlabels').set('Cookie', cookie).expect(200);
    const signout = await h.signout.get('/oauth2signout').set('Cookie', cookie).expect(200);
    assert.deepEqual(signOutForm(labels.text), signOutForm(signout.text));
    assert.equal(signOutForm(labels.text).action, SIGN_OUT_ACTION);
  });

  it("oauth2signout signs out with the labels page's form: cookie cleared, access token revoked", async () => {
    const {cookie, csrf} = await signedIn();
    const {accessToken, refreshToken} = await openSession(h, cookie);
    assert.equal(refreshToken, undefined, 'an online session has no refresh token');
    assert.equal(await gmailStatus(h, accessToken), 200, 'the token works before sign-out');
    const before = revokeRequests(h).length;

    const response = await h.signout
      .post('/oauth2signout')
      .set('Cookie', cookie)
      .type('form')
      .send({csrf})
      .expect(200);

    assert.match(response.text, /<h1>You are signed out<\/h1>/);
    assert.match(response.text, /access to your Gmail has been revoked at Google/);
    assertSessionCleared(response);
    assertSecurityHeaders(response);
    assert.deepEqual(revokeRequests(h).slice(before), [{token: accessToken, status: 200}]);
    assert.equal(await gmailStatus(h, accessToken), 401, 'Google no longer accepts the token');
    // A browser that kept the old cookie is sent to sign in again.
    const stale = await h.labels.get('/listlabels').set('Cookie', cookie).expect(302);
    assert.equal(stale.headers.location, 'http://localhost:8080/oauth2init');
  });

  it('oauth2signout answers JSON signed_out for Accept: application/json', async () => {
    const {cookie, csrf} = await signedIn();
    const response = await h.signout
      .post('/oauth2signout')
      .set('Cookie', cookie)
      .set('Accept', 'application/json')
      .type('form')
      .send({csrf})
      .expect(200);
    assert.match(String(response.headers['content-type']), /^application\/json/);
    assert.deepEqual(response.body, {
      error: 'signed_out',
      message: 'This app\u2019s access to your Gmail has been revoked at Google.',
      login_url: 'http://localhost:8080/oauth2init',
    });
    assertSessionCleared(response);
  });

  const revokeFailures: [string, EmulatorFault][] = [
    ['a 500', {status: 500}],
    ['a reset connection', {reset: true}],
    ['no answer within googleTimeoutMs', {delayMs: 1000}],
  ];
  for (const [name, fault] of revokeFailures) {
    it(`oauth2signout signs out but says Google did not confirm when revoke fails with ${name}`, async () => {
      const {cookie, csrf} = await signedIn();
      const before = revokeRequests(h).length;
      h.emulator.fault('revoke', fault);
      const started = Date.now();
      const response = await h.signout
        .post('/oauth2signout')
        .set('Cookie', cookie)
        .type('form')
        .send({csrf})
        .expect(200);
      assert.ok(
        Date.now() - started < h.config.googleTimeoutMs + 500,
        `bounded: ${Date.now() - started} ms`,
      );
      assert.match(response.text, /<h1>You are signed out<\/h1>/);
      assert.match(response.text, /Google did not confirm that it revoked/);
      assert.match(response.text, /https:\/\/myaccount\.google\.com\/permissions/);
      assertSessionCleared(response);
      assert.equal(revokeRequests(h).length - before, 1, 'one attempt');
    });
  }

  it('oauth2signout answers JSON signed_out_not_revoked when revoke fails', async () => {
    const {cookie, csrf} = await signedIn();
    h.emulator.fault('revoke', {status: 503});
    const response = await h.signout
      .post('/oauth2signout')
      .set('Cookie', cookie)
      .set('Accept', 'application/json')
      .type('form')
      .send({csrf})
      .expect(200);
    assert.equal(response.body.error, 'signed_out_not_revoked');
    assert.match(response.body.message, /https:\/\/myaccount\.google\.com\/permissions/);
    assertSessionCleared(response);
  });

  const noSession: [string, string][] = [
    ['no cookie', ''],
    ['a tampered cookie', 'oauth2_session=AAAA.BBBB'],
  ];
  for (const [name, cookie] of noSession) {
    it(`oauth2signout answers a POST with ${name} "You are not signed in" and sets no cookie`, async () => {
      const before = revokeRequests(h).length;
      // The reviewed case: a POST that looks cross-origin (Origin null, no Sec-Fetch-Site), which
      // the origin check lets through (our own no-referrer form sends Origin null too).
      const response = await h.signout
        .post('/oauth2signout')
        .set('Cookie', cookie)
        .set('Origin', 'null')
        .type('form')
        .send({})
        .expect(200);
      assert.match(response.text, /<h1>You are not signed in<\/h1>/);
      // A cross-site POST without a session changes nothing, not even a cookie.
      assert.equal(response.headers['set-cookie'], undefined);
      assert.equal(revokeRequests(h).length, before, 'nothing to revoke');
    });
  }

  for (const method of ['put', 'delete', 'patch'] as const) {
    it(`oauth2signout refuses ${method.toUpperCase()} with 405 and Allow: GET, HEAD, POST`, async () => {
      const response = await h.signout[method]('/oauth2signout').expect(405);
      assert.equal(response.headers.allow, 'GET, HEAD, POST');
      assert.match(response.text, /This address answers GET, HEAD, POST only/);
      assert.equal(sessionSetCookie(response), undefined);
      assertSecurityHeaders(response);
    });
  }
});

describe('oauth2signout CSRF protection', () => {
  let h: Harness;
  let session: string;
  let csrf: string;
  let otherCsrf: string;
  before(async () => {
    h = await startHarness();
    session = await signIn(h);
    const other = await signIn(h);
    const page = (cookie: string) => h.signout.get('/oauth2signout').set('Cookie', cookie);
    csrf = signOutForm((await page(session).expect(200)).text).csrf;
    otherCsrf = signOutForm((await page(other).expect(200)).text).csrf;
    assert.notEqual(csrf, otherCsrf, 'each session has its own token');
  });
  after(() => h.emulator.close());

  const revokeCount = (): number => h.emulator.requests.filter(r => r.route === 'revoke').length;

  type Attempt = {path?: string; body: string; headers?: Record<string, string>};
  const refusals: [string, () => Attempt][] = [
    ['without the csrf field', () => ({body: 'other=1'})],
    ['with a wrong csrf', () => ({body: `csrf=${'A'.repeat(43)}`})],
    ['with a malformed csrf', () => ({body: 'csrf=%3Cscript%3E'})],
    ['with the csrf of another session', () => ({body: `csrf=${otherCsrf}`})],
    ['with the csrf field repeated', () => ({body: `csrf=${csrf}&csrf=${csrf}`})],
    [
      'with the csrf in the query string instead of the form',
      () => ({path: `/oauth2signout?csrf=${csrf}`, body: 'other=1'}),
    ],
    [
      'from Origin: https://evil.example',
      () => ({body: `csrf=${csrf}`, headers: {Origin: 'https://evil.example'}}),
    ],
    [
      'from Origin: null with the csrf of another session',
      () => ({body: `csrf=${otherCsrf}`, headers: {Origin: 'null'}}),
    ],
    [
      'with Sec-Fetch-Site: cross-site',
      () => ({body: `csrf=${csrf}`, headers: {'Sec-Fetch-Site': 'cross-site'}}),
    ],
    [
      'with Sec-Fetch-Site: same-site',
      () => ({body: `csrf=${csrf}`, headers: {'Sec-Fetch-Site': 'same-site'}}),
    ],
  ];
  for (const [name, attempt] of refusals) {
    it(`oauth2signout refuses a POST ${name}: 403, session kept, nothing revoked`, async () => {
      const {path = '/oauth2signout', body, headers = {}} = attempt();
      const before = revokeCount();
      const response = await h.signout
        .post(path)
        .set('Cookie', session)
        .set(headers)
        .type('form')
        .send(body)
        .expect(403);
      assert.match(response.text, /<h1>This sign-out form has expired<\/h1>/);
      assert.match(response.text, /href="http:\/\/localhost:8080\/listlabels"/);
      assert.deepEqual(setCookies(response), [], 'the session cookie is left as it is');
      assert.equal(revokeCount(), before);
      assertSecurityHeaders(response);
    });
  }

  it('oauth2signout refusals leave the session usable', async () => {
    await h.labels.get('/listlabels').set('Cookie', session).expect(200);
  });

  it('oauth2signout refuses a cross-site POST as JSON csrf_failed', async () => {
    const response = await h.signout
      .post('/oauth2signout')
      .set('Cookie', session)
      .set('Accept', 'application/json')
      .set('Origin', 'https://evil.example')
      .type('form')
      .send({csrf})
      .expect(403);
    assert.equal(response.body.error, 'csrf_failed');
  });

  it('oauth2signout refuses a cross-site POST without a session too', async () => {
    const response = await h.signout
      .post('/oauth2signout')
      .set('Sec-Fetch-Site', 'cross-site')
      .type('form')
      .send({})
      .expect(403);
    assert.deepEqual(setCookies(response), []);
  });

  // With Referrer-Policy: no-referrer, browsers send `Origin: null` on our own form's POST
  // (Fetch §3.2.5), so it is accepted; the session-bound csrf value is what counts.
  const ownPage: [string, Record<string, string>][] = [
    ['Origin and Sec-Fetch-Site of its own page', {Origin: 'http://localhost:8080'}],
    ['Origin: null, as a no-referrer page sends it', {Origin: 'null'}],
  ];
  for (const [name, headers] of ownPage) {
    it(`oauth2signout accepts the csrf with ${name}`, async () => {
      const cookie = await signIn(h);
      const page = await h.signout.get('/oauth2signout').set('Cookie', cookie).expect(200);
      const before = revokeCount();
      const response = await h.signout
        .post('/oauth2signout')
        .set('Cookie', cookie)
        .set({...headers, 'Sec-Fetch-Site': 'same-origin'})
        .type('form')
        .send({csrf: signOutForm(page.text).csrf})
        .expect(200);
      assert.match(response.text, /<h1>You are signed out<\/h1>/);
      assertSessionCleared(response);
      assert.equal(revokeCount() - before, 1);
    });
  }
});

describe('oauth2signout with a refresh token (ACCESS_TYPE=offline)', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({accessType: 'offline'});
  });
  after(() => h.emulator.close());

  it('oauth2signout revokes the refresh token, which ends the whole grant', async () => {
    const cookie = await signIn(h);
    const {accessToken, refreshToken} = await openSession(h, cookie);
    assert.match(refreshToken ?? '', /^1\/\//, 'a first offline sign-in has a refresh token');
    const labels = await h.labels.get('/listlabels').set('Cookie', cookie).expect(200);
    const before = revokeRequests(h).length;

    const response = await h.signout
      .post('/oauth2signout')
      .set('Cookie', cookie)
      .type('form')
      .send({csrf: signOutForm(labels.text).csrf})
      .expect(200);

    assert.match(response.text, /<h1>You are signed out<\/h1>/);
    assertSessionCleared(response);
    assert.deepEqual(revokeRequests(h).slice(before), [{token: refreshToken, status: 200}]);
    assert.equal(await gmailStatus(h, accessToken), 401, 'the access token died with the grant');
    const refresh = await fetch(`${h.emulator.url}/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: refreshToken!,
        client_id: h.config.clientId,
        client_secret: h.config.clientSecret ?? '',
      }),
    });
    assert.equal(refresh.status, 400);
    assert.match(await refresh.text(), /"error":\s*"invalid_grant"/);
  });
});
