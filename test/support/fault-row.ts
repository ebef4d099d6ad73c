import assert from 'node:assert/strict';
import {parseSetCookie} from 'cookie';
import type {Response} from 'supertest';
import type {RecordedRequest} from '../../emulator/index.js';
import {escapeHtml} from '../../src/html.js';
import {GMAIL_READONLY_SCOPE} from '../../src/oauth-client.js';
import {newSessionId} from '../../src/sign-in.js';
import {createTokenCookies} from '../../src/token-cookie.js';
import {EMULATOR_ROUTE, FAULTS, SIGN_IN_AGAIN, type FaultRow} from './fault-matrix.js';
import {BASE_URL, cookiesFrom, setCookies, startSignIn, type Harness} from './harness.js';
import {sessionCookieFor, sessionOf} from './session-modes.js';

/** How to run a row. */
export interface RowOptions {
  /** Ask for JSON, as an API client does, instead of pages. */
  readonly json: boolean;
  /** A session cookie from a real sign-in (a live access token, no refresh token). */
  readonly session: string;
  /** Gets every Cookie header sent and the cookies of every answer (to collect secrets). */
  readonly remember?: (cookieHeader: string) => void;
}

// A stack frame, an error class name or a token in what the user gets.
const LEAK = /\bat \S+:\d+|\w*Error\b|ya29\.|1\/\//;

/**
 * Runs one row: the request while Google keeps failing, asserting status, problem, Retry-After,
 * time, attempts and the session cookie; then the next request once Google is back, which works.
 */
export async function runFaultRow(h: Harness, row: FaultRow, options: RowOptions): Promise<void> {
  const remember = options.remember ?? ((): void => {});
  const {request, cookie} = await prepare(h, row, options, remember);
  h.emulator.fault(EMULATOR_ROUTE[row.call], {...FAULTS[row.fault], times: Infinity});
  const before = h.emulator.requests.length;
  const started = Date.now();
  const response = await request();
  const elapsed = Date.now() - started;
  const calls = h.emulator.requests.slice(before);
  h.emulator.clearFaults();
  remember(cookiesFrom(setCookies(response)));

  assertOutcome(response, row, options.json);
  assert.ok(elapsed <= row.withinMs, `answered in ${elapsed} ms, more than ${row.withinMs} ms`);
  assertAttempts(calls, row);
  assertSessionCookie(h, response, row);
  await assertRecovers(h, row, {request, cookie}, options, remember);
}

/** The request that meets the fault, to send again, and the Cookie header it sends. */
interface Prepared {
  readonly request: () => Promise<Response>;
  readonly cookie: string;
}

/** Everything up to the request that meets the fault. */
async function prepare(
  h: Harness,
  row: FaultRow,
  options: RowOptions,
  remember: (cookieHeader: string) => void,
): Promise<Prepared> {
  const accept = options.json ? 'application/json' : 'text/html';
  if (row.call === 'exchange') {
    const {callbackPath, signInCookie} = await startSignIn(h);
    // A browser that is already signed in: a failed sign-in must leave its session alone.
    const cookie = `${signInCookie}; ${options.session}`;
    remember(cookie);
    return {
      request: async () => h.callback.get(callbackPath).set('Cookie', cookie).set('Accept', accept),
      cookie,
    };
  }
  const cookie = row.call === 'refresh' ? await expiredRefreshableSession(h) : options.session;
  remember(cookie);
  return {
    request: async () => h.labels.get('/listlabels').set('Cookie', cookie).set('Accept', accept),
    cookie,
  };
}

/** A session whose access token has expired, with a refresh token of its own (none shared). */
function expiredRefreshableSession(h: Harness): Promise<string> {
  return sessionCookieFor(h.config, {
    id: newSessionId(),
    signedInAt: Date.now(),
    accessToken: h.emulator.mintAccessToken({ttlSeconds: 1}),
    expiresAt: Date.now() - 1000,
    scope: GMAIL_READONLY_SCOPE,
    refreshToken: h.emulator.mintRefreshToken(),
  });
}

function assertOutcome(response: Response, row: FaultRow, json: boolean): void {
  const {outcome} = row;
  const problem = 'title' in outcome ? outcome : null;
  if (problem) assert.equal(row.status, problem.status, 'the row agrees with src/problems.ts');
  const status = json && problem === null ? SIGN_IN_AGAIN.jsonStatus : row.status;
  assert.equal(response.status, status, `status; answered ${response.text.slice(0, 300)}`);
  if (json) {
    assert.match(String(response.headers['content-type']), /^application\/json/);
    assert.equal(response.body.error, outcome.error);
  } else if (problem === null) {
    assert.equal(response.headers.location, `${BASE_URL}/oauth2init`);
  } else {
    assert.ok(
      response.text.includes(`<title>${escapeHtml(problem.title)}</title>`),
      `the "${problem.title}" page`,
    );
  }
  assert.equal(response.headers['retry-after'] ?? null, row.retryAfter, 'Retry-After');
  assert.doesNotMatch(response.text, LEAK);
}

function assertAttempts(calls: readonly RecordedRequest[], row: FaultRow): void {
  const route = EMULATOR_ROUTE[row.call];
  const attempts = calls.filter(call => call.route === route);
  const [min, max] = typeof row.attempts === 'number' ? [row.attempts, row.attempts] : row.attempts;
  assert.ok(
    attempts.length >= min && attempts.length <= max,
    `${attempts.length} requests to ${route}, expected ${min}..${max}`,
  );
  assert.deepEqual(
    calls
      .filter(call => call.route !== route && !(row.call === 'gmail' && isProfile(call)))
      .map(call => call.path),
    [],
    'no other call to Google',
  );
  if (row.call === 'gmail') return;
  const grant = row.call === 'exchange' ? 'authorization_code' : 'refresh_token';
  assert.ok(attempts.every(call => call.params.grant_type === grant));
}

/**
 * listlabels asks for the profile (the address) in parallel with the labels, so that call may
 * land before or after the answer: rows count the labels calls only, and allow the profile
 * call only where the labels are asked (not after a failed refresh or exchange).
 */
function isProfile(call: RecordedRequest): boolean {
  return call.route === 'profile';
}

function assertSessionCookie(h: Harness, response: Response, row: FaultRow): void {
  const names = createTokenCookies(h.config.cookieSecrets, h.config.secureCookies);
  const set = setCookies(response).map(header => parseSetCookie(header));
  const session = set.filter(cookie => cookie.name === names.sessionName);
  if (row.session === 'kept') {
    assert.deepEqual(session, [], 'no Set-Cookie touches the session');
  } else {
    assert.equal(session.length, 1, 'one Set-Cookie clears the session');
    assert.equal(session[0]!.value, '');
    assert.equal(session[0]!.maxAge, 0);
  }
  if (row.call !== 'exchange') return;
  // RFC 9700 §4.7.1: the sign-in (state, verifier) is single-use, whatever the outcome.
  const signIn = set.find(cookie => cookie.name === names.signInName);
  assert.equal(signIn?.value, '', 'the sign-in cookie is cleared');
  assert.equal(signIn?.maxAge, 0);
}

/** With the fault cleared, the next request succeeds: a new sign-in, or the same cookie again. */
async function assertRecovers(
  h: Harness,
  row: FaultRow,
  failed: Prepared,
  options: RowOptions,
  remember: (cookieHeader: string) => void,
): Promise<void> {
  // A code is single-use: the browser comes back with a new sign-in.
  const next = row.call === 'exchange' ? await prepare(h, row, options, remember) : failed;
  const before = h.emulator.requests.length;
  const response = await next.request();
  remember(cookiesFrom(setCookies(response)));
  const calls = h.emulator.requests
    .slice(before)
    .filter(call => !(row.call !== 'exchange' && isProfile(call)))
    .map(call => `${call.route} ${call.status}`);
  if (row.call === 'exchange') {
    assert.equal(response.status, 303, 'a new sign-in completes');
    assert.equal(response.headers.location, `${BASE_URL}/listlabels`);
  } else {
    assert.equal(response.status, 200, 'the labels are listed');
  }
  const expected = {
    exchange: ['token 200'],
    refresh: ['token 200', 'labels 200'],
    gmail: ['labels 200'],
  }[row.call];
  assert.deepEqual(calls, expected, 'one call to each endpoint, each answered');
  const names = createTokenCookies(h.config.cookieSecrets, h.config.secureCookies);
  const session = setCookies(response)
    .map(header => parseSetCookie(header))
    .find(cookie => cookie.name === names.sessionName);
  // A completed sign-in sets a new session cookie; a plain listing leaves it alone.
  if (row.call === 'exchange') assert.ok(session?.value, 'a new session cookie');
  if (row.call === 'gmail') assert.equal(session, undefined);
  if (row.call !== 'refresh') return;
  // A refresh seals the new token into a new cookie (cookie mode), or into the session's
  // document, leaving the cookie as it is (firestore mode): either way the session is live again.
  if (h.config.sessionStore === 'cookie') assert.ok(session?.value, 'a new session cookie');
  else assert.equal(session, undefined, 'the cookie stays as it is');
  const held = session?.value ? `${session.name}=${session.value}` : failed.cookie;
  const renewed = await sessionOf(h.config, held);
  assert.ok(renewed !== null && renewed.expiresAt > Date.now(), 'the refreshed session is kept');
}
