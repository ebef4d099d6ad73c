import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {parseSetCookie} from 'cookie';
import {
  createTokenCookies,
  MAX_SET_COOKIE_BYTES,
  DEFAULT_SESSION_LIFETIME_MS,
  SIGN_IN_LIFETIME_MS,
  type Session,
} from '../src/token-cookie.js';

const KEY_1 = Buffer.alloc(32, 7);
const KEY_2 = Buffer.alloc(32, 9);
const NOW = 1_800_000_000_000;
// Realistic sizes: Google access tokens run to ~220 characters, refresh tokens ~100.
const SESSION: Session = {
  id: 'AAAAAAAAAAAAAAAAAAAAAA',
  signedInAt: NOW,
  accessToken: 'ya29.' + 'a'.repeat(215),
  expiresAt: NOW + 3599_000,
  scope: 'https://www.googleapis.com/auth/gmail.readonly',
};
const SIGN_IN = {
  state: 's'.repeat(43),
  verifier: 'v'.repeat(43),
  createdAt: NOW,
  consentForced: false,
};

/** The `name=value` part of a Set-Cookie header, as a browser would send it back. */
function cookieOf(setCookie: string | null): string {
  assert.ok(setCookie !== null);
  return setCookie.split(';')[0]!;
}

function valueOf(setCookie: string | null): string {
  return cookieOf(setCookie).split('=')[1]!;
}

describe('token cookies', () => {
  const cookies = createTokenCookies([KEY_1], false);

  it('openSession() returns the session that sealSession() sealed', async () => {
    const header = await cookies.sealSession(SESSION, NOW);
    assert.deepEqual(await cookies.openSession(cookieOf(header), NOW), {
      ...SESSION,
      refreshToken: undefined,
    });
  });

  it('openSignIn() returns the sign-in that sealSignIn() sealed', async () => {
    const header = await cookies.sealSignIn(SIGN_IN);
    assert.deepEqual(await cookies.openSignIn(cookieOf(header), NOW + 1000), SIGN_IN);
  });

  it('openSignIn() keeps the consentForced mark', async () => {
    const header = await cookies.sealSignIn({...SIGN_IN, consentForced: true});
    assert.equal((await cookies.openSignIn(cookieOf(header), NOW))?.consentForced, true);
  });

  it('sealSession() uses a fresh IV each time', async () => {
    assert.notEqual(
      valueOf(await cookies.sealSession(SESSION, NOW)),
      valueOf(await cookies.sealSession(SESSION, NOW)),
    );
  });

  it('sealSession() output contains no token in the clear', async () => {
    const header = (await cookies.sealSession(
      {...SESSION, refreshToken: '1//refresh-sentinel'},
      NOW,
    ))!;
    assert.doesNotMatch(header, /ya29|refresh-sentinel|gmail/);
  });

  it('openSession() returns null for a tampered cookie, at every byte', async () => {
    const value = valueOf(await cookies.sealSession(SESSION, NOW));
    for (let i = 0; i < value.length; i++) {
      const flipped = value.slice(0, i) + (value[i] === 'A' ? 'B' : 'A') + value.slice(i + 1);
      assert.equal(await cookies.openSession(`oauth2_session=${flipped}`, NOW), null, `byte ${i}`);
    }
  });

  const malformed = [
    '',
    '=',
    'oauth2_session=',
    'oauth2_session=abc',
    'oauth2_session=%E0%A4%A',
    'oauth2_session=a.b.c',
    'oauth2_session=' + 'A'.repeat(5000),
    'oauth2_session={"a":1}',
    'oauth2_session=__proto__',
    '__proto__=x; constructor=y',
    'oauth2_session="quoted"',
  ];
  for (const header of malformed) {
    it(`openSession() returns null for malformed input ${JSON.stringify(header.slice(0, 40))}`, async () => {
      assert.equal(await cookies.openSession(header, NOW), null);
    });
  }

  it('openSession() returns null once the access token has expired', async () => {
    const header = cookieOf(await cookies.sealSession(SESSION, NOW));
    assert.notEqual(await cookies.openSession(header, SESSION.expiresAt - 1), null);
    assert.equal(await cookies.openSession(header, SESSION.expiresAt), null);
  });

  it('openSession() keeps a session with a refresh token for 30 days from sign-in', async () => {
    const header = cookieOf(await cookies.sealSession({...SESSION, refreshToken: '1//r'}, NOW));
    assert.equal(
      (await cookies.openSession(header, NOW + DEFAULT_SESSION_LIFETIME_MS - 1))?.refreshToken,
      '1//r',
    );
    assert.equal(await cookies.openSession(header, NOW + DEFAULT_SESSION_LIFETIME_MS), null);
  });

  it('sealSession() never extends a session past 30 days from sign-in, however often it is re-sealed', async () => {
    const refreshable = {...SESSION, refreshToken: '1//r'};
    // Re-sealed at a refresh 29 days in: the cookie lives one more day, not 30.
    const later = NOW + 29 * 86_400_000;
    const header = (await cookies.sealSession(
      {...refreshable, expiresAt: later + 3599_000},
      later,
    ))!;
    assert.match(header, /Max-Age=86400(;|$)/);
    const cookie = cookieOf(header);
    assert.notEqual(await cookies.openSession(cookie, NOW + DEFAULT_SESSION_LIFETIME_MS - 1), null);
    assert.equal(await cookies.openSession(cookie, NOW + DEFAULT_SESSION_LIFETIME_MS), null);
    // At or past the end, nothing is sealed at all.
    assert.equal(await cookies.sealSession(refreshable, NOW + DEFAULT_SESSION_LIFETIME_MS), null);
  });

  it('createTokenCookies() applies a configured lifetime, also to sessions sealed before', async () => {
    const day = 86_400_000;
    const sealedLong = cookieOf(await cookies.sealSession({...SESSION, refreshToken: '1//r'}, NOW));
    const short = createTokenCookies([KEY_1], false, 7 * day);
    assert.notEqual(await short.openSession(sealedLong, NOW + 7 * day - 1), null);
    assert.equal(await short.openSession(sealedLong, NOW + 7 * day), null);
    const header = (await short.sealSession({...SESSION, refreshToken: '1//r'}, NOW))!;
    assert.match(header, /Max-Age=604800(;|$)/);
  });

  it('openSession() returns the sign-in time, which a re-seal keeps', async () => {
    const header = cookieOf(
      await cookies.sealSession({...SESSION, refreshToken: '1//r'}, NOW + 5000),
    );
    assert.equal((await cookies.openSession(header, NOW + 5000))?.signedInAt, NOW);
  });

  it('openSignIn() returns null after 10 minutes', async () => {
    const header = cookieOf(await cookies.sealSignIn(SIGN_IN));
    assert.equal(await cookies.openSignIn(header, NOW + SIGN_IN_LIFETIME_MS), null);
  });

  it('openSignIn() refuses a session cookie value, and openSession() a sign-in value', async () => {
    const session = valueOf(await cookies.sealSession(SESSION, NOW));
    const signIn = valueOf(await cookies.sealSignIn(SIGN_IN));
    assert.equal(await cookies.openSignIn(`oauth2_signin=${session}`, NOW), null);
    assert.equal(await cookies.openSession(`oauth2_session=${signIn}`, NOW), null);
  });

  it('openSession() opens values sealed with an older key after rotation, and seals with the first', async () => {
    const old = createTokenCookies([KEY_1], false);
    const rotated = createTokenCookies([KEY_2, KEY_1], false);
    const oldHeader = cookieOf(await old.sealSession(SESSION, NOW));
    assert.equal((await rotated.openSession(oldHeader, NOW))?.accessToken, SESSION.accessToken);
    const newHeader = cookieOf(await rotated.sealSession(SESSION, NOW));
    assert.equal(
      await old.openSession(newHeader, NOW),
      null,
      'the new key is not known to the old keyring',
    );
    assert.equal(
      (await createTokenCookies([KEY_2], false).openSession(newHeader, NOW))?.accessToken,
      SESSION.accessToken,
    );
  });

  it('openSession() returns null for a value sealed with an unknown key', async () => {
    const header = cookieOf(await createTokenCookies([KEY_2], false).sealSession(SESSION, NOW));
    assert.equal(await cookies.openSession(header, NOW), null);
  });

  it('openSession() reads only its own cookie among many', async () => {
    const header = cookieOf(await cookies.sealSession(SESSION, NOW));
    const many = ['a=1', 'oauth2_signin=zzz', header, 'b=2'].join('; ');
    assert.equal((await cookies.openSession(many, NOW))?.accessToken, SESSION.accessToken);
  });

  it('sealSession() fits the largest tokens Google documents (2048-byte access, 512-byte refresh)', async () => {
    const big = {...SESSION, accessToken: 'a'.repeat(2048), refreshToken: 'r'.repeat(512)};
    const header = await cookies.sealSession(big, NOW);
    assert.ok(header !== null && header.length <= MAX_SET_COOKIE_BYTES, `${header?.length} bytes`);
    const typical = (await cookies.sealSession(
      {...SESSION, refreshToken: '1//' + 'r'.repeat(100)},
      NOW,
    ))!;
    assert.ok(typical.length < 1000, `typical session cookie is ${typical.length} bytes`);
  });

  it('sealSession() returns null rather than a cookie a browser would drop', async () => {
    assert.equal(await cookies.sealSession({...SESSION, accessToken: 'a'.repeat(3000)}, NOW), null);
  });

  const attributeCases = [
    {
      secure: false,
      name: 'oauth2_session',
      attrs: {httpOnly: true, sameSite: 'lax', path: '/', secure: undefined},
    },
    {
      secure: true,
      name: '__Host-oauth2_session',
      attrs: {httpOnly: true, sameSite: 'lax', path: '/', secure: true},
    },
  ];
  for (const c of attributeCases) {
    it(`sealSession() sets HttpOnly, SameSite=Lax, Path=/${c.secure ? ', Secure and __Host-' : ' without Secure'} (secure=${c.secure})`, async () => {
      const jar = createTokenCookies([KEY_1], c.secure);
      const parsed = parseSetCookie((await jar.sealSession(SESSION, NOW))!);
      assert.equal(parsed.name, c.name);
      assert.equal(parsed.httpOnly, c.attrs.httpOnly);
      assert.equal(parsed.sameSite, c.attrs.sameSite);
      assert.equal(parsed.path, c.attrs.path);
      assert.equal(parsed.secure, c.attrs.secure);
      assert.equal(parsed.domain, undefined);
      assert.equal(parsed.maxAge, 3599);
      const cleared = parseSetCookie(jar.clearSession());
      assert.equal(cleared.name, c.name);
      assert.equal(cleared.value, '');
      assert.equal(cleared.maxAge, 0);
      assert.equal(cleared.secure, c.attrs.secure);
    });
  }

  it('openSession() ignores the unprefixed cookie when names are __Host- prefixed', async () => {
    const plain = cookieOf(await cookies.sealSession(SESSION, NOW));
    assert.equal(await createTokenCookies([KEY_1], true).openSession(plain, NOW), null);
  });
});
