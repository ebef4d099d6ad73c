import assert from 'node:assert/strict';
import {after, afterEach, before, describe, it} from 'node:test';
import {parseSetCookie} from 'cookie';
import {escapeHtml} from '../../src/html.js';
import {EAGER_REFRESH_MS} from '../../src/oauth-client.js';
import {createTokenCookies, type Session} from '../../src/token-cookie.js';
import {setCookies, signIn, startHarness, type Harness} from '../support/harness.js';

const GMAIL = 'https://www.googleapis.com/auth/gmail.readonly';
const HOSTILE_LABEL = '<img src=x onerror=alert(1)>';

describe('listlabels', () => {
  let h: Harness;
  let session: string;
  before(async () => {
    h = await startHarness({gmailBudgetMs: 1500, googleTimeoutMs: 400});
    session = await signIn(h);
  });
  afterEach(() => h.emulator.clearFaults());
  after(() => h.emulator.close());

  const labelRequests = (): number => h.emulator.requests.filter(r => r.route === 'labels').length;
  const sealed = async (s: Partial<Session>): Promise<string> => {
    const cookies = createTokenCookies(h.config.cookieSecrets, false);
    const full: Session = {
      id: 'session-id',
      signedInAt: Date.now(),
      accessToken: h.emulator.mintAccessToken(),
      expiresAt: Date.now() + 3600_000,
      scope: GMAIL,
      ...s,
    };
    return (await cookies.sealSession(full))!.split(';')[0]!;
  };
  const sessionCleared = (response: {headers: Record<string, unknown>}): boolean =>
    setCookies(response).some(c => {
      const parsed = parseSetCookie(c);
      return parsed.name === 'oauth2_session' && parsed.value === '' && parsed.maxAge === 0;
    });

  it('listlabels renders every label of the signed-in account as HTML', async () => {
    const response = await h.labels.get('/listlabels').set('Cookie', session).expect(200);
    assert.equal(response.headers['content-type'], 'text/html; charset=utf-8');
    const account = h.emulator.accounts[0]!;
    assert.match(response.text, new RegExp(`${account.labels.length} labels`));
    for (const label of account.labels)
      assert.ok(response.text.includes(`<li><span>${escapeHtml(label.name)}</span>`), label.name);
  });

  it('listlabels answers JSON with count and id/name/type for Accept: application/json', async () => {
    const response = await h.labels
      .get('/listlabels')
      .set('Cookie', session)
      .set('Accept', 'application/json')
      .expect(200);
    const account = h.emulator.accounts[0]!;
    assert.deepEqual(response.body, {
      count: account.labels.length,
      labels: account.labels.map(({id, name, type}) => ({id, name, type})),
    });
  });

  it('listlabels shows a label named with markup as text', async () => {
    h.emulator.accounts[0]!.labels.push({
      id: 'Label_html',
      name: HOSTILE_LABEL,
      type: 'user',
    });
    try {
      const response = await h.labels.get('/listlabels').set('Cookie', session).expect(200);
      assert.ok(response.text.includes('&lt;img src=x onerror=alert(1)&gt;'));
      assert.doesNotMatch(response.text, /<img/);
    } finally {
      h.emulator.accounts[0]!.labels.pop();
    }
  });

  const noSession: [string, () => string | Promise<string>][] = [
    ['no cookie', () => ''],
    ['a tampered cookie', () => session.slice(0, -4) + 'AAAA'],
    ['garbage', () => 'oauth2_session=%%%; oauth2_session=x'],
    ['an expired session', () => sealed({expiresAt: Date.now() - 1000})],
    [
      'a session inside the 5-minute eager-refresh window without refresh token',
      () => sealed({expiresAt: Date.now() + EAGER_REFRESH_MS - 1000}),
    ],
    ['a session without gmail.readonly', () => sealed({scope: 'openid'})],
  ];
  for (const [name, cookie] of noSession) {
    it(`listlabels clears the cookie and redirects to oauth2init for ${name}, without calling Gmail`, async () => {
      const before = labelRequests();
      const response = await h.labels
        .get('/listlabels')
        .set('Cookie', await cookie())
        .expect(302);
      assert.equal(response.headers.location, 'http://localhost:8080/oauth2init');
      assert.ok(sessionCleared(response));
      assert.equal(labelRequests(), before);
    });
    it(`listlabels answers 401 JSON with login_url for ${name}`, async () => {
      const response = await h.labels
        .get('/listlabels')
        .set('Cookie', await cookie())
        .set('Accept', 'application/json')
        .expect(401);
      assert.deepEqual(response.body, {
        error: 'login_required',
        message: 'Sign in first.',
        login_url: 'http://localhost:8080/oauth2init',
      });
      assert.ok(sessionCleared(response));
    });
  }

  it('listlabels re-authenticates when Gmail answers 401', async () => {
    h.emulator.fault('labels', {status: 401, reason: 'authError'});
    const response = await h.labels.get('/listlabels').set('Cookie', session).expect(302);
    assert.equal(response.headers.location, 'http://localhost:8080/oauth2init');
    assert.ok(sessionCleared(response));
  });

  it('listlabels shows the grant-again page when Gmail answers 403 insufficientPermissions', async () => {
    const before = labelRequests();
    h.emulator.fault('labels', {
      status: 403,
      reason: 'insufficientPermissions',
    });
    const response = await h.labels.get('/listlabels').set('Cookie', session).expect(403);
    assert.match(response.text, /Grant access again/);
    assert.ok(sessionCleared(response), 'cleared, so that oauth2init asks Google again');
    assert.equal(labelRequests() - before, 1, 'not retried');
  });

  const transient: [string, Parameters<Harness['emulator']['fault']>[1]][] = [
    ['500', {status: 500, reason: 'backendError'}],
    ['503', {status: 503}],
    ['429', {status: 429, reason: 'rateLimitExceeded'}],
    ['403 rateLimitExceeded', {status: 403, reason: 'rateLimitExceeded'}],
    ['a reset connection', {reset: true}],
    ['a timeout', {delayMs: 600}],
  ];
  for (const [name, fault] of transient) {
    it(`listlabels retries a ${name} and succeeds when Gmail recovers`, async () => {
      const before = labelRequests();
      h.emulator.fault('labels', {...fault, times: 1});
      const response = await h.labels.get('/listlabels').set('Cookie', session).expect(200);
      assert.match(response.text, /labels/);
      assert.equal(labelRequests() - before, 2);
    });
    it(`listlabels answers 503 with Retry-After and keeps the session when Gmail keeps failing with ${name}`, async () => {
      h.emulator.fault('labels', {...fault, times: Infinity});
      const started = Date.now();
      const response = await h.labels.get('/listlabels').set('Cookie', session).expect(503);
      assert.ok(
        Date.now() - started < h.config.gmailBudgetMs + 500,
        `bounded: ${Date.now() - started} ms`,
      );
      assert.match(String(response.headers['retry-after']), /^\d+$/);
      assert.match(response.text, /still signed in/);
      assert.ok(!sessionCleared(response));
      assert.equal(setCookies(response).length, 0);
    });
  }

  it('listlabels passes on the Retry-After Gmail sends', async () => {
    h.emulator.fault('labels', {
      status: 429,
      reason: 'rateLimitExceeded',
      retryAfter: '120',
      times: Infinity,
    });
    const response = await h.labels
      .get('/listlabels')
      .set('Cookie', session)
      .set('Accept', 'application/json')
      .expect(503);
    assert.equal(response.headers['retry-after'], '120');
    assert.equal(response.body.error, 'gmail_unavailable');
  });

  it("listlabels answers 502 without Google's text for other Gmail errors", async () => {
    h.emulator.fault('labels', {status: 400, reason: 'badRequest'});
    const response = await h.labels.get('/listlabels').set('Cookie', session).expect(502);
    assert.match(response.text, /Gmail refused the request/);
    assert.ok(!sessionCleared(response));
  });

  it('listlabels answers 503 when Gmail sends malformed JSON', async () => {
    h.emulator.fault('labels', {body: '{"labels": [', times: Infinity});
    const response = await h.labels.get('/listlabels').set('Cookie', session).expect(503);
    assert.doesNotMatch(response.text, /SyntaxError|JSON|\[/);
    assert.ok(!sessionCleared(response));
  });
});
