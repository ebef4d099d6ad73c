import assert from 'node:assert/strict';
import {after, before, describe, it} from 'node:test';
import {parseCookie} from 'cookie';
import fc from 'fast-check';
import {startSignIn} from '../support/harness.js';
import {
  firstValue,
  newCanary,
  startHostileHarness,
  type HostileHarness,
} from '../support/hostile-harness.js';
import {
  cookieHeader,
  headerSafe,
  HOSTILE_METHODS,
  HOSTILE_PARAM_NAMES,
  hostileCookiesArb,
  hostileHeadersArb,
  hostileParamsArb,
  hostilePaths,
  type CookieSource,
} from '../support/hostile-http.js';
import {
  markupPayloads,
  mutate,
  mutationArb,
  wellFormed,
  type Mutation,
} from '../support/hostile-input.js';
import type {RawRequest} from '../support/raw-http.js';
import {assertLogsClean, captureLogs} from '../support/response-checks.js';

// node:test does not print an error's cause: put the failed assertion in fast-check's report.
fc.configureGlobal({includeErrorInReport: true});

const CANARY = newCanary();
const RUNS = 400;
// Parameters that leave a genuine callback genuine: redirect targets, and array or object
// names that are not the parameter itself.
const HARMLESS_PARAM_NAMES = HOSTILE_PARAM_NAMES.filter(
  name => !['code', 'state', 'error', 'error_description', 'iss'].includes(name),
);

const ISS_VARIANTS = [
  'keep',
  'drop',
  'slash',
  'upper',
  'google',
  'evil',
  'encoded',
  'empty',
  'markup',
  'twice',
] as const;

interface CallbackCase {
  method: string;
  /** Start a real sign-in for this request (else: a made-up code and state). */
  fresh: boolean;
  /** Change what the state check reads; without it the callback is genuine but for hostile extras. */
  tamper: boolean;
  stateMutation: Mutation | null;
  drop: ('code' | 'state')[];
  iss: (typeof ISS_VARIANTS)[number];
  signInCookie: {placement: 'first' | 'last' | 'absent'; mutation: Mutation | null; swap: boolean};
  /** Extra parameters when tampering: any name, the callback's own too. */
  params: string[];
  /** Extra parameters otherwise: redirect targets and array names only. */
  harmlessParams: string[];
  cookies: [string, CookieSource][];
  headers: Record<string, string | string[]>;
  path: string;
}

const callbackCaseArb: fc.Arbitrary<CallbackCase> = fc.record({
  method: fc.oneof({weight: 4, arbitrary: fc.constant('GET')}, fc.constantFrom(...HOSTILE_METHODS)),
  fresh: fc.boolean(),
  tamper: fc.boolean(),
  stateMutation: fc.option(mutationArb),
  drop: fc.subarray<'code' | 'state'>(['code', 'state']),
  iss: fc.constantFrom(...ISS_VARIANTS),
  signInCookie: fc.record({
    placement: fc.constantFrom('first', 'last', 'absent'),
    mutation: fc.option(mutationArb, {freq: 2}),
    swap: fc.boolean(),
  }),
  params: hostileParamsArb(CANARY),
  harmlessParams: hostileParamsArb(CANARY, HARMLESS_PARAM_NAMES),
  cookies: hostileCookiesArb(CANARY),
  headers: hostileHeadersArb(CANARY),
  path: fc.oneof(
    {weight: 2, arbitrary: fc.constant('/oauth2callback')},
    {weight: 1, arbitrary: fc.constantFrom(...hostilePaths(CANARY))},
  ),
});

/** The sign-in a request belongs to: its state and its sign-in cookie's value. */
interface Genuine {
  readonly state: string;
  readonly cookieValue: string;
}

/**
 * True when a code may be redeemed for this request: a GET whose one state is the sign-in's,
 * whose first sign-in cookie is that sign-in's, without an error and with no foreign issuer.
 */
function mayRedeem(req: RawRequest, genuine: Genuine | null, issuer: string): boolean {
  if (genuine === null || req.method !== 'GET') return false;
  const params = new URLSearchParams(req.path.slice(req.path.indexOf('?') + 1));
  const states = params.getAll('state');
  const iss = params.getAll('iss');
  const cookies = parseCookie(String(req.headers.cookie ?? ''));
  return (
    states.length === 1 &&
    states[0] === genuine.state &&
    params.getAll('error').length === 0 &&
    (iss.length === 0 || (iss.length === 1 && iss[0] === issuer)) &&
    cookies.oauth2_signin === genuine.cookieValue
  );
}

describe('oauth2callback under hostile requests', () => {
  let x: HostileHarness;
  before(async () => {
    x = await startHostileHarness(CANARY);
  });
  after(() => x.close());

  /** The query parts for `iss` as the variant spells it (RFC 9207 §2.4: it must be exactly ours). */
  function issuerParts(pairs: [string, string][], variant: CallbackCase['iss']): string[] {
    const issuer = x.h.emulator.url;
    if (variant === 'encoded') {
      return [`iss=${[...Buffer.from(issuer)].map(byte => `%${byte.toString(16)}`).join('')}`];
    }
    const spelled: Record<Exclude<typeof variant, 'encoded'>, string[]> = {
      keep: pairs.filter(([name]) => name === 'iss').map(([, value]) => value),
      drop: [],
      slash: [`${issuer}/`],
      upper: [issuer.toUpperCase()],
      google: ['https://accounts.google.com'],
      evil: ['https://evil.example'],
      empty: [''],
      markup: [markupPayloads(CANARY)[1]!],
      twice: [issuer, issuer],
    };
    return spelled[variant].map(value => `iss=${encodeURIComponent(value)}`);
  }

  /** The request for a case, and the sign-in it belongs to (null: none of ours). */
  async function requestFor(c: CallbackCase): Promise<{req: RawRequest; genuine: Genuine | null}> {
    let pairs: [string, string][] = [
      ['code', '4/0Anot-a-code-Google-issued'],
      ['state', 'A'.repeat(43)],
      ['iss', x.h.emulator.url],
    ];
    let signInValue = x.sealed.signin;
    let genuine: Genuine | null = null;
    if (c.fresh) {
      const signIn = await startSignIn(x.h);
      const params = new URL(signIn.callbackPath, 'http://localhost').searchParams;
      pairs = [...params];
      signInValue = firstValue(signIn.signInCookie);
      genuine = {state: params.get('state') ?? '', cookieValue: signInValue};
    }
    let cookies = c.cookies;
    let placement = c.signInCookie.placement;
    let extras = c.harmlessParams;
    if (c.tamper) {
      pairs = pairs.filter(([name]) => !c.drop.some(dropped => dropped === name));
      const change = c.stateMutation;
      if (change !== null)
        pairs = pairs.map(([name, value]) => [
          name,
          name === 'state' ? mutate(value, change) : value,
        ]);
      extras = [...issuerParts(pairs, c.iss), ...c.params];
      pairs = pairs.filter(([name]) => name !== 'iss');
      if (c.signInCookie.swap) signInValue = x.sealed.signin;
      if (c.signInCookie.mutation !== null)
        signInValue = mutate(signInValue, c.signInCookie.mutation);
    } else {
      cookies = cookies.filter(([name]) => name !== 'oauth2_signin');
      placement = 'first';
    }
    const query = [
      ...pairs.map(([name, value]) => `${name}=${encodeURIComponent(wellFormed(value))}`),
      ...extras,
    ].join('&');
    const own = placement === 'absent' ? [] : [`oauth2_signin=${headerSafe(signInValue)}`];
    const hostile = cookieHeader(cookies, x.sealed);
    const cookie = (placement === 'first' ? [...own, hostile] : [hostile, ...own]).join('; ');
    return {
      req: {method: c.method, path: `${c.path}?${query}`, headers: {...c.headers, cookie}},
      genuine,
    };
  }

  it('oauth2callback redeems no code unless state, sign-in cookie and issuer match, and answers safely', async t => {
    const logs = captureLogs(t);
    let sent = 0;
    let redeemed = 0;
    let signIns = 0;
    await fc.assert(
      fc.asyncProperty(callbackCaseArb, async c => {
        const {req, genuine} = await requestFor(c);
        if (c.fresh) signIns++;
        const tokens = x.count('token');
        const response = await x.send('oauth2callback', req);
        sent++;
        const calls = x.count('token') - tokens;
        redeemed += calls;
        if (!mayRedeem(req, genuine, x.h.emulator.url)) assert.equal(calls, 0, 'no token request');
        assert.ok(calls <= 1, 'at most one token request');
        if (c.fresh && !c.tamper && c.method === 'GET') {
          assert.equal(calls, 1, 'a genuine callback is redeemed despite hostile extras');
          assert.equal(response.status, 303);
          assert.equal(response.headers.location, `${x.h.config.baseUrl}/listlabels`);
        }
      }),
      {numRuns: RUNS},
    );
    assertLogsClean(logs, CANARY);
    t.diagnostic(
      `${sent} hostile callbacks (${signIns} on real sign-ins), ${redeemed} codes redeemed, ${logs.length} log lines checked`,
    );
  });
});
