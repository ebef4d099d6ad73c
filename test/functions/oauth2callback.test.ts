import assert from 'node:assert/strict';
import {after, afterEach, before, describe, it} from 'node:test';
import {parseSetCookie} from 'cookie';
import {deriveSealKeys, openValue} from '../../src/sealed-value.js';
import {createTokenCookies} from '../../src/token-cookie.js';
import {
  cookiesFrom,
  setCookies,
  startHarness,
  startSignIn,
  type Harness,
} from '../support/harness.js';

const GMAIL = 'https://www.googleapis.com/auth/gmail.readonly';

describe('oauth2callback', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  afterEach(() => {
    h.emulator.clearFaults();
    h.emulator.autoConsent = null;
  });
  after(() => h.emulator.close());

  const tokenRequests = (): number => h.emulator.requests.filter(r => r.route === 'token').length;

  /** Asserts the sign-in cookie is cleared and no session is set. */
  function assertNoSession(response: {headers: Record<string, unknown>}): void {
    const cookies = setCookies(response);
    const cleared = cookies.map(c => parseSetCookie(c)).find(c => c.name === 'oauth2_signin');
    assert.equal(cleared?.value, '', 'the sign-in cookie is cleared');
    assert.equal(cleared?.maxAge, 0);
    assert.ok(
      !cookies.some(c => c.startsWith('oauth2_session=') && !c.startsWith('oauth2_session=;')),
      'no session is set',
    );
  }

  it('oauth2callback redeems the code with the verifier, seals the session and 303s to listlabels', async () => {
    const {callbackPath, signInCookie} = await startSignIn(h);
    const response = await h.callback.get(callbackPath).set('Cookie', signInCookie).expect(303);
    assert.equal(response.headers.location, 'http://localhost:8080/listlabels');
    const cookies = setCookies(response).map(c => parseSetCookie(c));
    assert.equal(cookies.find(c => c.name === 'oauth2_signin')?.maxAge, 0);
    const session = cookies.find(c => c.name === 'oauth2_session');
    assert.ok(session?.value);
    assert.equal(session.httpOnly, true);
    assert.equal(session.sameSite, 'lax');
    const opened = await createTokenCookies(h.config.cookieSecrets, false).openSession(
      `oauth2_session=${session.value}`,
    );
    assert.match(opened?.accessToken ?? '', /^ya29\./);
    assert.equal(opened?.scope, GMAIL);
    assert.ok((opened?.expiresAt ?? 0) > Date.now() + 3500_000);
    const exchange = h.emulator.requests.filter(r => r.route === 'token').at(-1);
    assert.equal(exchange?.status, 200);
    assert.match(exchange?.params.code_verifier ?? '', /^[A-Za-z0-9_-]{43}$/);
  });

  it('oauth2callback never stores the id_token: the sealed payload holds exactly i, t, a, e, s, x', async () => {
    h.emulator.autoConsent = {decision: 'allow', scopes: ['openid', GMAIL]};
    const {callbackPath, signInCookie} = await startSignIn(h);
    const response = await h.callback.get(callbackPath).set('Cookie', signInCookie).expect(303);
    const exchange = h.emulator.requests.filter(r => r.route === 'token').at(-1);
    assert.equal(
      exchange?.status,
      200,
      'the emulator did issue tokens (with an id_token for openid)',
    );
    const value = cookiesFrom(setCookies(response)).split('=')[1]!;
    const payload = await openValue(deriveSealKeys(h.config.cookieSecrets, 'session'), value, 4096);
    assert.ok(typeof payload === 'object' && payload !== null);
    assert.deepEqual(Object.keys(payload).sort(), ['a', 'e', 'i', 's', 't', 'x']);
    assert.doesNotMatch(JSON.stringify(payload), /eyJ|id_token/);
  });

  it('oauth2callback shows a readable 403 page for access_denied, escaping what it reflects', async () => {
    h.emulator.autoConsent = {decision: 'deny'};
    const {callbackPath, signInCookie} = await startSignIn(h);
    const response = await h.callback.get(callbackPath).set('Cookie', signInCookie).expect(403);
    assert.match(response.text, /Access was not granted/);
    assert.match(response.text, /href="http:\/\/localhost:8080\/oauth2init"/);
    assertNoSession(response);
  });

  const errorCases: [string, string, RegExp][] = [
    [
      'a known code',
      'error=server_error&error_description=%3Cimg+src%3Dx%3E+Call+1-800-EVIL',
      /Google had a problem completing the sign-in. \(server_error\)/,
    ],
    [
      'an unknown code',
      'error=Call_1800_EVIL_now&error_description=Your+account+is+locked',
      /Google ended the sign-in with an error/,
    ],
  ];
  for (const [name, query, text] of errorCases) {
    it(`oauth2callback shows fixed words for ${name}, never the request's text`, async () => {
      const response = await h.callback.get(`/oauth2callback?${query}`).expect(400);
      assert.match(response.text, text);
      assert.doesNotMatch(response.text, /img|1-800|EVIL|locked/);
      assertNoSession(response);
    });
  }

  it('oauth2callback checks iss on error responses too', async () => {
    const response = await h.callback
      .get('/oauth2callback?error=access_denied&iss=https%3A%2F%2Fevil.example')
      .expect(400);
    assert.match(response.text, /wrong place/);
  });

  it('oauth2callback answers HEAD with 405 and redeems nothing', async () => {
    const {callbackPath, signInCookie} = await startSignIn(h);
    const before = tokenRequests();
    const head = await h.callback.head(callbackPath).set('Cookie', signInCookie).expect(405);
    assert.equal(head.headers.allow, 'GET');
    assert.equal(head.headers['set-cookie'], undefined);
    assert.equal(tokenRequests(), before);
    await h.callback.get(callbackPath).set('Cookie', signInCookie).expect(303);
  });

  it('oauth2callback answers 403 with a grant-again page when gmail.readonly was not granted', async () => {
    h.emulator.autoConsent = {decision: 'allow', scopes: ['openid']};
    const {callbackPath, signInCookie} = await startSignIn(h);
    const response = await h.callback.get(callbackPath).set('Cookie', signInCookie).expect(403);
    assert.match(response.text, /Permission to read Gmail labels is needed/);
    assert.match(response.text, /Grant access again/);
    assertNoSession(response);
  });

  it('oauth2callback rejects a replayed code without a second session', async () => {
    const {callbackPath, signInCookie} = await startSignIn(h);
    await h.callback.get(callbackPath).set('Cookie', signInCookie).expect(303);
    const replay = await h.callback.get(callbackPath).set('Cookie', signInCookie).expect(400);
    assert.match(replay.text, /This sign-in has expired/);
    assertNoSession(replay);
  });

  // Every one of these must fail before any request reaches the token endpoint.
  const stateCases: {
    name: string;
    status: number;
    text: RegExp;
    path: (p: string) => string;
    cookie: (c: string) => string;
  }[] = [
    {
      name: 'no sign-in cookie',
      status: 400,
      text: /has expired/,
      path: p => p,
      cookie: () => '',
    },
    {
      name: 'a tampered sign-in cookie',
      status: 400,
      text: /has expired/,
      path: p => p,
      cookie: c => c.slice(0, -3) + 'AAA',
    },
    {
      name: 'a forged state',
      status: 400,
      text: /does not match/,
      path: p => p.replace(/state=[^&]+/, 'state=' + 'A'.repeat(43)),
      cookie: c => c,
    },
    {
      name: 'a missing state',
      status: 400,
      text: /does not match/,
      path: p => p.replace(/&?state=[^&]+/, ''),
      cookie: c => c,
    },
    {
      name: 'a duplicated state',
      status: 400,
      text: /not valid/,
      path: p => p + '&' + /state=[^&]+/.exec(p)![0],
      cookie: c => c,
    },
    {
      name: 'a duplicated code',
      status: 400,
      text: /not valid/,
      path: p => p + '&code=other',
      cookie: c => c,
    },
    {
      name: 'an array code',
      status: 400,
      text: /not valid/,
      path: p => p.replace('code=', 'code[]='),
      cookie: c => c,
    },
    {
      name: 'a foreign issuer',
      status: 400,
      text: /wrong place/,
      path: p => p.replace(/iss=[^&]+/, 'iss=https%3A%2F%2Fevil.example'),
      cookie: c => c,
    },
    {
      name: "Google's issuer while emulating",
      status: 400,
      text: /wrong place/,
      path: p => p.replace(/iss=[^&]+/, 'iss=https%3A%2F%2Faccounts.google.com'),
      cookie: c => c,
    },
    {
      name: 'an overlong code',
      status: 400,
      text: /not valid/,
      path: p => p.replace(/code=[^&]+/, 'code=' + 'a'.repeat(3000)),
      cookie: c => c,
    },
    {
      name: 'a state from another sign-in',
      status: 400,
      text: /does not match/,
      path: p => p,
      cookie: () => 'swap',
    },
  ];
  for (const c of stateCases) {
    it(`oauth2callback answers ${c.status} for ${c.name}, without calling Google`, async () => {
      const {callbackPath, signInCookie} = await startSignIn(h);
      let cookie = c.cookie(signInCookie);
      if (cookie === 'swap') cookie = (await startSignIn(h)).signInCookie;
      const before = tokenRequests();
      const response = await h.callback
        .get(c.path(callbackPath))
        .set('Cookie', cookie)
        .expect(c.status);
      assert.match(response.text, c.text);
      assert.equal(tokenRequests(), before, 'no token request');
      assertNoSession(response);
    });
  }

  it('oauth2callback accepts a callback without iss (Google may omit it)', async () => {
    const {callbackPath, signInCookie} = await startSignIn(h);
    await h.callback
      .get(callbackPath.replace(/&?iss=[^&]+/, ''))
      .set('Cookie', signInCookie)
      .expect(303);
  });

  const tokenFaults: {
    name: string;
    fault: Parameters<Harness['emulator']['fault']>[1];
    status: number;
    text: RegExp;
  }[] = [
    {
      name: 'a 500',
      fault: {status: 500},
      status: 502,
      text: /did not answer in time/,
    },
    {
      name: 'a 503 with Retry-After',
      fault: {status: 503, retryAfter: '30'},
      status: 502,
      text: /did not answer in time/,
    },
    {
      name: 'invalid_client',
      fault: {status: 401, reason: 'invalid_client'},
      status: 502,
      text: /refused this app/,
    },
    {
      name: 'malformed JSON',
      fault: {body: '{"access_token": '},
      status: 502,
      text: /could not use/,
    },
    {
      name: 'a 200 without access_token',
      fault: {body: '{"token_type":"Bearer","expires_in":3599}'},
      status: 502,
      text: /could not use/,
    },
    {
      name: 'a reset connection',
      fault: {reset: true},
      status: 502,
      text: /did not answer in time/,
    },
  ];
  for (const c of tokenFaults) {
    it(`oauth2callback answers ${c.status} when the token endpoint sends ${c.name}, in one attempt`, async () => {
      const {callbackPath, signInCookie} = await startSignIn(h);
      h.emulator.fault('token', c.fault);
      const before = tokenRequests();
      const response = await h.callback
        .get(callbackPath)
        .set('Cookie', signInCookie)
        .expect(c.status);
      assert.match(response.text, c.text);
      assert.equal(tokenRequests() - before, 1, 'the code is redeemed at most once');
      assert.doesNotMatch(response.text, /at .*\.js|Error:|ya29|4\//);
      assertNoSession(response);
    });
  }

  it('oauth2callback gives up on a slow token endpoint after its deadline', async () => {
    const slow = await startHarness({googleTimeoutMs: 300});
    try {
      const {callbackPath, signInCookie} = await startSignIn(slow);
      slow.emulator.fault('token', {delayMs: 2000});
      const started = Date.now();
      await slow.callback.get(callbackPath).set('Cookie', signInCookie).expect(502);
      assert.ok(Date.now() - started < 1500, `took ${Date.now() - started} ms`);
    } finally {
      await slow.emulator.close();
    }
  });

  it('oauth2callback answers JSON errors for Accept: application/json', async () => {
    const response = await h.callback
      .get('/oauth2callback?error=access_denied')
      .set('Accept', 'application/json')
      .expect(403);
    assert.equal(response.headers['content-type'], 'application/json; charset=utf-8');
    assert.deepEqual(response.body, {
      error: 'access_denied',
      message:
        'You chose not to let this app read your Gmail labels. You can try again at any time.',
      retry_url: 'http://localhost:8080/oauth2init',
    });
  });
});
