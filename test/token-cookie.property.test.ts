import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import fc from 'fast-check';
import {createTokenCookies, type Session, type SignIn} from '../src/token-cookie.js';
import {
  BAD_ESCAPES,
  hostileTextArb,
  mutate,
  mutationArb,
  TRICKY_COOKIE_NAMES,
} from './support/hostile-input.js';

// node:test does not print an error's cause: put the failed assertion in fast-check's report.
fc.configureGlobal({includeErrorInReport: true});

const KEY = Buffer.alloc(32, 7);
const OTHER_KEY = Buffer.alloc(32, 9);
const NOW = 1_800_000_000_000;
const CANARY = 'cookieCanary';
const RUNS = 1500;

const cookies = createTokenCookies([KEY], false);
const hostCookies = createTokenCookies([KEY], true);
const otherKeyCookies = createTokenCookies([OTHER_KEY], false);

const base64url = (length: number): fc.Arbitrary<string> =>
  fc.string({
    unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'),
    minLength: length,
    maxLength: length,
  });

const sessionArb: fc.Arbitrary<Session> = fc.record({
  id: base64url(22),
  signedInAt: fc.integer({min: NOW - 29 * 86_400_000, max: NOW}),
  accessToken: fc.string({unit: 'grapheme', minLength: 1, maxLength: 300}),
  expiresAt: fc.integer({min: NOW + 1000, max: NOW + 3600_000}),
  scope: fc.constantFrom(
    'https://www.googleapis.com/auth/gmail.readonly',
    'openid https://www.googleapis.com/auth/gmail.readonly',
    '',
  ),
  refreshToken: fc.option(fc.string({minLength: 1, maxLength: 120}), {nil: undefined}),
});

const signInArb: fc.Arbitrary<SignIn> = fc.record({
  state: base64url(43),
  verifier: base64url(43),
  createdAt: fc.integer({min: NOW - 500_000, max: NOW}),
  consentForced: fc.boolean(),
});

/** The value of the one cookie in a Set-Cookie header. */
function valueOf(setCookie: string | null): string {
  assert.ok(setCookie !== null, 'sealed');
  return setCookie.slice(setCookie.indexOf('=') + 1, setCookie.indexOf(';'));
}

/** The text the `cookie` package hands over for a value: trimmed of SP/HTAB, percent-decoded if it can be. */
function asParsed(value: string): string {
  const trimmed = value.replace(/^[ \t]+|[ \t]+$/g, '');
  try {
    return decodeURIComponent(trimmed);
  } catch {
    return trimmed;
  }
}

/** A cookie header of hostile pairs, joined as browsers join them or not quite. */
const hostileHeaderArb = fc
  .tuple(
    fc.array(
      fc.tuple(
        fc.oneof(fc.constantFrom(...TRICKY_COOKIE_NAMES), fc.string({maxLength: 12})),
        hostileTextArb(CANARY),
      ),
      {maxLength: 40},
    ),
    fc.constantFrom('; ', ';', ', ', ' ;  ', '\t;'),
  )
  .map(([pairs, separator]) => pairs.map(([name, value]) => `${name}=${value}`).join(separator));

describe('token cookies under hostile input', () => {
  it('openSession() and openSignIn() never throw and open nothing for arbitrary Cookie headers', async t => {
    let tried = 0;
    await fc.assert(
      fc.asyncProperty(fc.oneof(hostileHeaderArb, fc.string({unit: 'binary'})), async header => {
        tried++;
        for (const jar of [cookies, hostCookies]) {
          assert.equal(await jar.openSession(header, NOW), null);
          assert.equal(await jar.openSignIn(header, NOW), null);
        }
      }),
      {numRuns: RUNS * 2},
    );
    t.diagnostic(`${tried} hostile Cookie headers`);
  });

  it('openSession() opens a mutated sealed session to null or to exactly the original', async t => {
    let tried = 0;
    let opened = 0;
    await fc.assert(
      fc.asyncProperty(
        sessionArb,
        fc.array(mutationArb, {minLength: 1, maxLength: 3}),
        async (session, mutations) => {
          const sealed = valueOf(await cookies.sealSession(session, NOW));
          const value = mutations.reduce(mutate, sealed);
          const result = await cookies.openSession(`oauth2_session=${value}`, NOW);
          tried++;
          if (result === null) return;
          opened++;
          // Canonical encoding: only a re-spelling of the very same text (%41 for A) opens.
          assert.equal(asParsed(value), sealed);
          assert.deepEqual(result, {...session}); // fast-check records have no prototype
        },
      ),
      {numRuns: RUNS},
    );
    t.diagnostic(`${tried} mutated session cookies; ${opened} opened to the original`);
  });

  it('openSignIn() opens a mutated sealed sign-in to null or to exactly the original', async t => {
    let tried = 0;
    await fc.assert(
      fc.asyncProperty(
        signInArb,
        fc.array(mutationArb, {minLength: 1, maxLength: 3}),
        async (signIn, mutations) => {
          const sealed = valueOf(await cookies.sealSignIn(signIn));
          const value = mutations.reduce(mutate, sealed);
          const result = await cookies.openSignIn(`oauth2_signin=${value}`, NOW);
          tried++;
          if (result === null) return;
          assert.equal(asParsed(value), sealed);
          assert.deepEqual(result, {...signIn});
        },
      ),
      {numRuns: RUNS},
    );
    t.diagnostic(`${tried} mutated sign-in cookies`);
  });

  it("openSession() refuses a sign-in's value, openSignIn() a session's, and both another key's", async t => {
    let tried = 0;
    await fc.assert(
      fc.asyncProperty(
        sessionArb,
        signInArb,
        fc.option(mutationArb),
        async (session, signIn, mutation) => {
          const change = (value: string): string =>
            mutation === null ? value : mutate(value, mutation);
          const signInValue = change(valueOf(await cookies.sealSignIn(signIn)));
          const sessionValue = change(valueOf(await cookies.sealSession(session, NOW)));
          const foreignSession = change(valueOf(await otherKeyCookies.sealSession(session, NOW)));
          const foreignSignIn = change(valueOf(await otherKeyCookies.sealSignIn(signIn)));
          tried += 4;
          assert.equal(await cookies.openSession(`oauth2_session=${signInValue}`, NOW), null);
          assert.equal(await cookies.openSignIn(`oauth2_signin=${sessionValue}`, NOW), null);
          assert.equal(await cookies.openSession(`oauth2_session=${foreignSession}`, NOW), null);
          assert.equal(await cookies.openSignIn(`oauth2_signin=${foreignSignIn}`, NOW), null);
        },
      ),
      {numRuns: RUNS / 2},
    );
    t.diagnostic(`${tried} values of the wrong cookie or key`);
  });

  it('openSession() finds its cookie among many, and a hostile duplicate before it only hides it', async t => {
    let tried = 0;
    const noiseArb = fc.tuple(
      fc.oneof(
        fc.constantFrom(...TRICKY_COOKIE_NAMES.filter(name => name !== 'oauth2_session')),
        fc.stringMatching(/^[a-z_]{1,10}$/),
      ),
      fc.oneof(
        fc.stringMatching(/^[!#-+\--:<-[\]-~]{0,40}$/), // RFC 6265 §4.1.1 cookie-octets
        fc.constantFrom(...BAD_ESCAPES),
        fc.integer({min: 1, max: 8000}).map(length => 'x'.repeat(length)),
      ),
    );
    await fc.assert(
      fc.asyncProperty(
        sessionArb,
        fc.array(noiseArb, {maxLength: 200}),
        fc.nat(),
        fc.option(fc.tuple(fc.nat(), hostileTextArb(CANARY))),
        async (session, noise, position, duplicate) => {
          const pairs = noise.map(([name, value]) => `${name}=${value}`);
          const genuine = `oauth2_session=${valueOf(await cookies.sealSession(session, NOW))}`;
          const at = position % (pairs.length + 1);
          pairs.splice(at, 0, genuine);
          let shadowed = false;
          if (duplicate !== null) {
            const dupAt = duplicate[0] % (pairs.length + 1);
            shadowed = dupAt <= at;
            pairs.splice(dupAt, 0, `oauth2_session=${duplicate[1].replaceAll(';', '')}`);
          }
          tried++;
          const result = await cookies.openSession(pairs.join('; '), NOW);
          if (shadowed) assert.equal(result, null);
          else assert.deepEqual(result, {...session}); // fast-check records have no prototype
        },
      ),
      {numRuns: RUNS / 3},
    );
    t.diagnostic(`${tried} headers of up to 200 cookies`);
  });

  it('openSession() never throws for a huge header with thousands of cookies', async () => {
    const many = Array.from(
      {length: 5000},
      (_, i) => `${TRICKY_COOKIE_NAMES[i % TRICKY_COOKIE_NAMES.length]}${i}=v${i}`,
    );
    const header = [
      ...many,
      '__proto__=x',
      'constructor=y',
      `oauth2_session=${'A'.repeat(1 << 20)}`,
    ];
    assert.equal(await cookies.openSession(header.join('; '), NOW), null);
    assert.equal(
      await cookies.openSignIn(`oauth2_signin=${BAD_ESCAPES.join('').repeat(10_000)}`, NOW),
      null,
    );
  });
});
