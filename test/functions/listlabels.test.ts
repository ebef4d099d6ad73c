import assert from 'node:assert/strict';
import {after, afterEach, before, describe, it} from 'node:test';
import {parseSetCookie} from 'cookie';
import {EAGER_REFRESH_MS} from '../../src/oauth-client.js';
import {createTokenCookies, type Session} from '../../src/token-cookie.js';
import {setCookies, signIn, startHarness, type Harness} from '../support/harness.js';
import {captureLogs} from '../support/response-checks.js';

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
    // Sealed while it was still valid: sealSession() seals nothing that has already ended.
    const sealedAt = Math.min(Date.now(), full.expiresAt - 60_000);
    return (await cookies.sealSession(full, sealedAt))!.split(';')[0]!;
  };
  const sessionCleared = (response: {headers: Record<string, unknown>}): boolean =>
    setCookies(response).some(c => {
      const parsed = parseSetCookie(c);
      return parsed.name === 'oauth2_session' && parsed.value === '' && parsed.maxAge === 0;
    });

  // The default account's labels as the page lists them (src/label-list.ts): Gmail's menu order,
  // the categories, the rest; then user labels by name, Work/Projects under a "Work" parent row.
  const PAGE_ROWS = [
    'Inbox',
    'Starred',
    'Important',
    'Sent',
    'Drafts',
    'Spam',
    'Trash',
    'Personal',
    'Social',
    'Promotions',
    'Updates',
    'Forums',
    'Chats',
    'Unread',
    'Family &amp; Friends',
    'Receipts',
    'Travel',
    'Work',
    'Projects',
  ];
  const rowsOf = (text: string): string[] =>
    [...text.matchAll(/<li><span[^>]*>([^<]*)<\/span>/g)].map(match => match[1]!);

  it("listlabels renders every label of the signed-in account as HTML, in Gmail's order", async () => {
    const response = await h.labels.get('/listlabels').set('Cookie', session).expect(200);
    assert.equal(response.headers['content-type'], 'text/html; charset=utf-8');
    const account = h.emulator.accounts[0]!;
    assert.match(response.text, new RegExp(`${account.labels.length} labels`));
    assert.deepEqual(rowsOf(response.text), PAGE_ROWS);
    assert.ok(
      response.text.includes('<span class="note" title="Not a label of its own">Work</span>'),
    );
  });

  it('listlabels names the signed-in account (users.getProfile) above the labels', async () => {
    const response = await h.labels.get('/listlabels').set('Cookie', session).expect(200);
    assert.ok(response.text.includes('<p>Signed in as <strong>alex@example.com</strong></p>'));
  });

  it('listlabels asks for the labels and the profile once each, at the same time, for a new session', async () => {
    const fresh = await signIn(h);
    const before = h.emulator.requests.length;
    // Each answer takes 300 ms: one after the other they would take 600 ms.
    h.emulator.fault('labels', {delayMs: 300});
    h.emulator.fault('profile', {delayMs: 300});
    const started = Date.now();
    const response = await h.labels.get('/listlabels').set('Cookie', fresh).expect(200);
    const elapsed = Date.now() - started;
    assert.match(response.text, /Signed in as/);
    const routes = h.emulator.requests.slice(before).map(r => `${r.route} ${r.path}`);
    assert.deepEqual(routes.sort(), [
      'labels /gmail/v1/users/me/labels',
      'profile /gmail/v1/users/me/profile',
    ]);
    assert.ok(elapsed < 550, `answered in ${elapsed} ms`);
  });

  it('listlabels asks for the profile once per session: later pages reuse the address', async () => {
    const fresh = await signIn(h);
    const profileCalls = (): number =>
      h.emulator.requests.filter(r => r.route === 'profile').length;
    const before = profileCalls();
    for (let i = 0; i < 3; i++) {
      const response = await h.labels.get('/listlabels').set('Cookie', fresh).expect(200);
      assert.ok(response.text.includes('Signed in as <strong>alex@example.com</strong>'));
    }
    assert.equal(profileCalls() - before, 1);
  });

  it('listlabels answers JSON with count, email and id/name/type in page order for Accept: application/json', async () => {
    const response = await h.labels
      .get('/listlabels')
      .set('Cookie', session)
      .set('Accept', 'application/json')
      .expect(200);
    const account = h.emulator.accounts[0]!;
    assert.deepEqual(Object.keys(response.body), ['count', 'email', 'labels']);
    assert.equal(response.body.email, 'alex@example.com');
    assert.equal(response.body.count, account.labels.length);
    assert.deepEqual(
      response.body.labels.map((label: {id: string}) => label.id),
      [
        ...['INBOX', 'STARRED', 'IMPORTANT', 'SENT', 'DRAFT', 'SPAM', 'TRASH'],
        ...['CATEGORY_PERSONAL', 'CATEGORY_SOCIAL', 'CATEGORY_PROMOTIONS', 'CATEGORY_UPDATES'],
        ...['CATEGORY_FORUMS', 'CHAT', 'UNREAD', 'Label_4', 'Label_1', 'Label_2', 'Label_3'],
      ],
    );
    for (const label of account.labels) {
      const {id, name, type} = label;
      assert.deepEqual(
        response.body.labels.find((l: {id: string}) => l.id === id),
        {id, name, type},
      );
    }
  });

  // A retried failure may outlast the 300 ms the page waits for the address: then it is "late".
  const profileFailures: [string, Parameters<Harness['emulator']['fault']>[1], RegExp][] = [
    [
      '500',
      {status: 500, reason: 'backendError'},
      /"outcome":"(late","status":0|unavailable","status":500)/,
    ],
    // Gmail's own status, not 0.
    ['401', {status: 401}, /"outcome":"unauthorized","status":401/],
    [
      '403 insufficientPermissions',
      {status: 403, reason: 'insufficientPermissions'},
      /"outcome":"forbidden","status":403/,
    ],
    [
      'a body without emailAddress',
      {body: '{"messagesTotal": 3}'},
      /"outcome":"(late","status":0|unavailable","status":200)/,
    ],
    ['a slow answer (2 s)', {delayMs: 2000}, /"outcome":"late","status":0/],
  ];
  for (const [name, fault, logged] of profileFailures) {
    it(`listlabels lists the labels without the address when the profile call fails with ${name}`, async t => {
      const session = await signIn(h); // a new one: an address once read is remembered
      const logs = captureLogs(t);
      h.emulator.fault('profile', {...fault, times: Infinity});
      const started = Date.now();
      const page = await h.labels.get('/listlabels').set('Cookie', session).expect(200);
      const json = await h.labels
        .get('/listlabels')
        .set('Cookie', session)
        .set('Accept', 'application/json')
        .expect(200);
      const elapsed = Date.now() - started;
      assert.deepEqual(rowsOf(page.text), PAGE_ROWS);
      assert.doesNotMatch(page.text, /Signed in as/);
      assert.equal(json.body.email, null);
      assert.equal(json.body.count, h.emulator.accounts[0]!.labels.length);
      assert.ok(!sessionCleared(page) && !sessionCleared(json), 'the session is kept');
      // Two requests, each the labels' time plus at most the 300 ms grace: not the Gmail
      // budget (1.5 s) that a profile call retried to its end would take.
      assert.ok(elapsed < h.config.gmailBudgetMs, `answered in ${elapsed} ms`);
      const lines = logs.filter(line => line.includes('"event":"gmail_profile_error"'));
      assert.equal(lines.length, 2, `one line per request: ${logs.join('')}`);
      for (const line of lines) assert.match(line, logged);
    });
  }

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

  // Gmail's own status in the log, so that a 401 and a 403 can be told apart from a timeout (0).
  const loggedRefusals: [string, Parameters<Harness['emulator']['fault']>[1], number, string][] = [
    ['401', {status: 401, reason: 'authError'}, 302, 'unauthorized'],
    [
      '403 insufficientPermissions',
      {status: 403, reason: 'insufficientPermissions'},
      403,
      'forbidden',
    ],
  ];
  for (const [name, fault, answered, outcome] of loggedRefusals) {
    it(`listlabels logs one gmail_error with Gmail's status when Gmail answers ${name}`, async t => {
      const fresh = await signIn(h);
      const logs = captureLogs(t);
      h.emulator.fault('labels', fault);
      await h.labels.get('/listlabels').set('Cookie', fresh).expect(answered);
      const lines = logs
        .map(line => JSON.parse(line))
        .filter(entry => entry.event === 'gmail_error');
      assert.deepEqual(
        lines.map(entry => [entry.severity, entry.outcome, entry.status]),
        [['WARNING', outcome, fault.status]],
      );
    });
  }

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
