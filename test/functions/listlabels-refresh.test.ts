import assert from 'node:assert/strict';
import {after, afterEach, before, describe, it} from 'node:test';
import {parseSetCookie} from 'cookie';
import type {EmulatorFault} from '../../emulator/index.js';
import {createTokenCookies, type Session} from '../../src/token-cookie.js';
import {
  cookiesFrom,
  setCookies,
  startHarness,
  startSignIn,
  type Harness,
} from '../support/harness.js';
import {expectedLabelsJson} from '../support/users.js';

const GMAIL = 'https://www.googleapis.com/auth/gmail.readonly';
// SESSION_LIFETIME_DAYS' default, which the harness keeps.
const THIRTY_DAYS_MS = 30 * 24 * 3600_000;

describe('long sessions (ACCESS_TYPE=offline)', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({accessType: 'offline', googleTimeoutMs: 400, gmailBudgetMs: 1500});
  });
  afterEach(() => {
    h.emulator.clearFaults();
    h.emulator.autoConsent = null;
  });
  after(() => h.emulator.close());

  const cookies = (): ReturnType<typeof createTokenCookies> =>
    createTokenCookies(h.config.cookieSecrets, false);
  const refreshRequests = (): number =>
    h.emulator.requests.filter(r => r.route === 'token' && r.params.grant_type === 'refresh_token')
      .length;
  /** A session whose access token is about to expire, with a live refresh token. */
  const expiringSession = async (): Promise<{cookie: string; session: Session}> => {
    const session: Session = {
      id: 'session-1',
      signedInAt: Date.now(),
      accessToken: h.emulator.mintAccessToken({ttlSeconds: 60}),
      expiresAt: Date.now() + 60_000,
      scope: GMAIL,
      refreshToken: h.emulator.mintRefreshToken(),
    };
    return {cookie: (await cookies().sealSession(session))!.split(';')[0]!, session};
  };
  const sessionCleared = (response: {headers: Record<string, unknown>}): boolean =>
    setCookies(response).some(c => c.startsWith('oauth2_session=;'));

  it('oauth2init asks Google for offline access', async () => {
    const response = await h.init.get('/oauth2init').expect(302);
    const location = new URL(String(response.headers.location));
    assert.equal(location.searchParams.get('access_type'), 'offline');
    assert.equal(
      location.searchParams.get('prompt'),
      null,
      'no prompt=consent on a normal sign-in',
    );
  });

  it('oauth2callback seals the refresh token of a first offline grant', async () => {
    const {callbackPath, signInCookie} = await startSignIn(h);
    const response = await h.callback.get(callbackPath).set('Cookie', signInCookie).expect(303);
    const session = await cookies().openSession(cookiesFrom(setCookies(response)));
    assert.match(session?.refreshToken ?? '', /^1\/\//);
    assert.equal(
      parseSetCookie(setCookies(response).find(c => c.startsWith('oauth2_session='))!).maxAge,
      30 * 24 * 3600,
    );
  });

  it('oauth2callback asks once with prompt=consent when Google sends no refresh token', async () => {
    // Google sent this user's refresh token at the first consent (the test above), not again.
    const {callbackPath, signInCookie} = await startSignIn(h);
    const first = await h.callback.get(callbackPath).set('Cookie', signInCookie).expect(302);
    const again = new URL(String(first.headers.location));
    assert.equal(again.origin, h.emulator.url);
    assert.equal(again.searchParams.get('prompt'), 'consent');
    assert.equal(again.searchParams.get('access_type'), 'offline');
    assert.ok(
      !setCookies(first).some(
        c => c.startsWith('oauth2_session=') && !c.startsWith('oauth2_session=;'),
      ),
    );

    const consent = await fetch(again, {redirect: 'manual'});
    const back = new URL(consent.headers.get('location')!);
    const done = await h.callback
      .get(back.pathname + back.search)
      .set('Cookie', cookiesFrom(setCookies(first)))
      .expect(303);
    assert.match(
      (await cookies().openSession(cookiesFrom(setCookies(done))))?.refreshToken ?? '',
      /^1\/\//,
    );
  });

  it('oauth2callback prompts only once: without a refresh token the second time it signs in anyway', async () => {
    const {callbackPath, signInCookie} = await startSignIn(h);
    const first = await h.callback.get(callbackPath).set('Cookie', signInCookie).expect(302);
    const consent = await fetch(String(first.headers.location), {redirect: 'manual'});
    const back = new URL(consent.headers.get('location')!);
    const noRefresh = {
      access_token: h.emulator.mintAccessToken(),
      expires_in: 3599,
      scope: GMAIL,
      token_type: 'Bearer',
    };
    h.emulator.fault('token', {body: JSON.stringify(noRefresh)});
    const done = await h.callback
      .get(back.pathname + back.search)
      .set('Cookie', cookiesFrom(setCookies(first)))
      .expect(303);
    const session = await cookies().openSession(cookiesFrom(setCookies(done)));
    assert.equal(session?.accessToken, noRefresh.access_token);
    assert.equal(session?.refreshToken, undefined);
  });

  it('listlabels refreshes an expiring access token, re-seals the cookie and lists the labels', async () => {
    const {cookie, session} = await expiringSession();
    const before = refreshRequests();
    const response = await h.labels.get('/listlabels').set('Cookie', cookie).expect(200);
    assert.match(response.text, /Your Gmail labels/);
    assert.equal(refreshRequests() - before, 1);
    const renewed = await cookies().openSession(cookiesFrom(setCookies(response)));
    assert.ok(renewed !== null, 'a new session cookie is sent');
    assert.notEqual(renewed.accessToken, session.accessToken);
    assert.equal(renewed.refreshToken, session.refreshToken);
    assert.equal(renewed.id, session.id, 'the session id survives a refresh');
    assert.ok(renewed.expiresAt > Date.now() + 3500_000);
    // The renewed cookie works without another refresh.
    await h.labels
      .get('/listlabels')
      .set('Cookie', cookiesFrom(setCookies(response)))
      .expect(200);
    assert.equal(refreshRequests() - before, 1);
  });

  it('listlabels keeps working through refreshes of 1-second tokens', async () => {
    h.emulator.accessTokenTtlSeconds = 1;
    try {
      let cookie = (await expiringSession()).cookie;
      for (let i = 0; i < 3; i++) {
        const response = await h.labels.get('/listlabels').set('Cookie', cookie).expect(200);
        cookie = cookiesFrom(setCookies(response));
        await new Promise(resolve => setTimeout(resolve, 1100));
      }
    } finally {
      h.emulator.accessTokenTtlSeconds = 3599;
    }
  });

  it('listlabels shares one refresh among 50 concurrent requests of one session, all with the same labels', async () => {
    const {cookie} = await expiringSession();
    const before = refreshRequests();
    // A slow token endpoint keeps the refresh in flight while the other requests arrive.
    h.emulator.fault('token', {delayMs: 100});
    const responses = await Promise.all(
      Array.from({length: 50}, () =>
        h.labels.get('/listlabels').set('Cookie', cookie).set('Accept', 'application/json'),
      ),
    );
    assert.deepEqual(new Set(responses.map(r => r.status)), new Set([200]));
    assert.equal(refreshRequests() - before, 1);
    for (const response of responses) {
      assert.deepEqual(response.body, expectedLabelsJson(h.emulator.accounts[0]!));
    }
    const opened = await Promise.all(
      responses.map(r => cookies().openSession(cookiesFrom(setCookies(r)))),
    );
    const renewed = new Set(opened.map(session => session?.accessToken));
    assert.equal(renewed.size, 1, 'every response carries the same renewed token');
    assert.ok(!renewed.has(undefined));
  });

  it('listlabels ends the session when the refresh token was revoked', async () => {
    const {cookie, session} = await expiringSession();
    await fetch(`${h.emulator.url}/revoke`, {
      method: 'POST',
      body: new URLSearchParams({token: session.refreshToken!}),
    });
    const response = await h.labels.get('/listlabels').set('Cookie', cookie).expect(302);
    assert.equal(response.headers.location, 'http://localhost:8080/oauth2init');
    assert.ok(sessionCleared(response));
    const json = await h.labels
      .get('/listlabels')
      .set('Cookie', cookie)
      .set('Accept', 'application/json')
      .expect(401);
    assert.equal(json.body.error, 'login_required');
  });

  const faults: {name: string; fault: EmulatorFault; ends: boolean}[] = [
    {name: 'a 500', fault: {status: 500}, ends: false},
    {name: 'a 503 with Retry-After', fault: {status: 503, retryAfter: '7'}, ends: false},
    {name: 'a 429', fault: {status: 429}, ends: false},
    {name: 'a reset connection', fault: {reset: true}, ends: false},
    {name: 'malformed JSON', fault: {body: '{"access_token": "x'}, ends: false},
    {
      name: 'a 200 without access_token',
      fault: {body: '{"token_type":"Bearer","expires_in":3599}'},
      ends: false,
    },
    {name: 'a slow answer', fault: {delayMs: 1000}, ends: false},
    {name: 'invalid_grant', fault: {status: 400, reason: 'invalid_grant'}, ends: true},
    {name: 'invalid_client', fault: {status: 401, reason: 'invalid_client'}, ends: true},
  ];
  for (const {name, fault, ends} of faults) {
    it(`listlabels ${ends ? 'ends the session' : 'answers 503 and keeps the session'} when a refresh meets ${name}`, async () => {
      const {cookie} = await expiringSession();
      const before = refreshRequests();
      h.emulator.fault('token', fault);
      const started = Date.now();
      const response = await h.labels.get('/listlabels').set('Cookie', cookie);
      assert.ok(Date.now() - started < 1500, `answered in ${Date.now() - started} ms`);
      assert.equal(refreshRequests() - before, 1, 'one attempt');
      if (ends) {
        assert.equal(response.status, 302);
        assert.ok(sessionCleared(response));
        return;
      }
      assert.equal(response.status, 503);
      assert.match(String(response.headers['retry-after']), /^\d+$/);
      assert.equal(setCookies(response).length, 0, 'the session is kept as it was');
      await h.labels.get('/listlabels').set('Cookie', cookie).expect(200);
    });
  }

  /**
   * A refreshable session signed in `signedInAgoMs` ago whose access token expires in a minute,
   * as its cookie was last sealed `sealedAgoMs` ago (at sign-in or at the last refresh).
   */
  const sessionSignedIn = async (
    signedInAgoMs: number,
    sealedAgoMs: number,
  ): Promise<{cookie: string; session: Session}> => {
    const now = Date.now();
    const session: Session = {
      id: 'old-session',
      signedInAt: now - signedInAgoMs,
      accessToken: h.emulator.mintAccessToken({ttlSeconds: 60}),
      expiresAt: now + 60_000,
      scope: GMAIL,
      refreshToken: h.emulator.mintRefreshToken(),
    };
    const sealed = createTokenCookies(h.config.cookieSecrets, false, h.config.sessionLifetimeMs);
    const header = await sealed.sealSession(session, now - sealedAgoMs);
    assert.ok(header !== null, 'sealed while the session was still on');
    return {cookie: header.split(';')[0]!, session};
  };

  it('listlabels refreshes a session signed in 30 days less a minute ago, but its new cookie ends with the session', async () => {
    const {cookie, session} = await sessionSignedIn(THIRTY_DAYS_MS - 60_000, 0);
    const before = refreshRequests();
    const response = await h.labels.get('/listlabels').set('Cookie', cookie).expect(200);
    assert.match(response.text, /Your Gmail labels/);
    assert.equal(refreshRequests() - before, 1);
    const header = setCookies(response).find(c => c.startsWith('oauth2_session='));
    assert.ok(header !== undefined, 'the refreshed tokens are sealed in a new cookie');
    const maxAge = parseSetCookie(header).maxAge ?? Infinity;
    // The refresh renews the access token (an hour), not the session: it ends 30 days after sign-in.
    assert.ok(maxAge > 50 && maxAge <= 60, `Max-Age=${maxAge}`);
    const renewed = await cookies().openSession(cookiesFrom([header]));
    assert.equal(renewed?.signedInAt, session.signedInAt, 'the sign-in time survives a refresh');
    assert.ok(renewed.expiresAt > Date.now() + 3500_000, 'a new access token');
    const ended = await cookies().openSession(
      cookiesFrom([header]),
      session.signedInAt + THIRTY_DAYS_MS,
    );
    assert.equal(ended, null, 'a replayed cookie is refused once the 30 days are over');
  });

  it('listlabels sends a session signed in 30 days and a second ago to sign in, without a refresh', async () => {
    // Its cookie was re-sealed by a refresh 55 minutes ago: still fresh, but the session is over.
    const {cookie} = await sessionSignedIn(THIRTY_DAYS_MS + 1000, 55 * 60_000);
    const before = h.emulator.requests.length;
    const response = await h.labels.get('/listlabels').set('Cookie', cookie).expect(302);
    assert.equal(response.headers.location, 'http://localhost:8080/oauth2init');
    assert.ok(sessionCleared(response));
    assert.deepEqual(
      h.emulator.requests.slice(before).map(r => r.route),
      [],
      'neither a refresh nor Gmail',
    );
  });

  it('listlabels does not refresh an access token with time left', async () => {
    const session: Session = {
      id: 's',
      signedInAt: Date.now(),
      accessToken: h.emulator.mintAccessToken(),
      expiresAt: Date.now() + 3600_000,
      scope: GMAIL,
      refreshToken: h.emulator.mintRefreshToken(),
    };
    const before = refreshRequests();
    const cookie = (await cookies().sealSession(session))!.split(';')[0]!;
    const response = await h.labels.get('/listlabels').set('Cookie', cookie).expect(200);
    assert.equal(refreshRequests(), before);
    assert.equal(setCookies(response).length, 0);
  });
});
