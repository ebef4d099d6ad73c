import assert from 'node:assert/strict';
import {after, before, describe, it} from 'node:test';
import {startEmulator, type Emulator} from '../emulator/index.js';
import {loadConfig, type Config} from '../src/config.js';
import {firestoreSettings} from '../src/firestore-sessions.js';
import {createSessionStore, type SessionStore} from '../src/session-store.js';
import {newSessionId} from '../src/sign-in.js';
import type {Session} from '../src/token-cookie.js';
import {
  sharedFirestoreEmulator,
  skipWithoutFirestoreEmulator,
  type FirestoreEmulator,
} from './support/firestore-emulator.js';
import {COOKIE_SECRET} from './support/harness.js';

const GMAIL = 'https://www.googleapis.com/auth/gmail.readonly';
const DAY_MS = 86_400_000;
const skip = skipWithoutFirestoreEmulator();

function configFor(
  emulator: FirestoreEmulator,
  project: string,
  overrides: Partial<Config> = {},
): Config {
  return Object.freeze({
    ...loadConfig({
      GOOGLE_CLIENT_ID: 'id',
      COOKIE_SECRET,
      SESSION_STORE: 'firestore',
      FIRESTORE_EMULATOR_HOST: emulator.host,
    }),
    firestore: emulator.target(project),
    ...overrides,
  });
}

function session(fields: Partial<Session> = {}): Session {
  return {
    id: newSessionId(),
    signedInAt: Date.now(),
    accessToken: `ya29.access-${newSessionId()}`,
    expiresAt: Date.now() + 3600_000,
    scope: GMAIL,
    refreshToken: `1//refresh-${newSessionId()}`,
    ...fields,
  };
}

/** The cookie with one character of its ciphertext (the fourth JWE part) changed. */
function tamper(cookie: string): string {
  const at = cookie.lastIndexOf('.') - 5;
  const changed = cookie[at] === 'A' ? 'B' : 'A';
  return cookie.slice(0, at) + changed + cookie.slice(at + 1);
}

/** The `name=value` of a Set-Cookie header, to send back as a Cookie header. */
function cookieOf(setCookie: string | null): string {
  assert.ok(setCookie, 'a Set-Cookie header');
  return setCookie.split(';')[0]!;
}

describe('firestoreSettings()', () => {
  it('firestoreSettings() chooses REST, skips undefined fields and, with the emulator, sends no credentials', () => {
    const target = {projectId: 'p', databaseId: '(default)', emulatorHost: '127.0.0.1:1'};
    const settings = firestoreSettings(target);
    assert.equal(settings.preferRest, true);
    assert.equal(settings.ignoreUndefinedProperties, true);
    assert.equal(settings.ssl, false);
    assert.equal(settings.host, '127.0.0.1:1');
    assert.equal(settings.authClient?.constructor.name, 'PassThroughClient');
    const google = firestoreSettings({...target, emulatorHost: null});
    assert.equal(google.host, undefined);
    assert.equal(google.ssl, undefined);
    assert.equal(google.authClient, undefined, "Google's default credentials when deployed");
  });
});

describe('the firestore session store', {skip}, () => {
  let emulator: FirestoreEmulator;
  let config: Config;
  let store: SessionStore;
  before(async () => {
    emulator = await sharedFirestoreEmulator();
    config = configFor(emulator, 'demo-store');
    store = await createSessionStore(config);
  });
  after(() => emulator.stop());

  it('create() keeps the tokens sealed in a document named by the session id, with expireAt for the TTL policy', async () => {
    const s = session();
    const setCookie = await store.create(s);
    assert.match(
      setCookie ?? '',
      /^oauth2_session=[^;]+; Max-Age=2592000; Path=\/; HttpOnly; SameSite=Lax$/,
    );
    const raw = await emulator.readDocument(`oauth2_sessions/${s.id}`, 'demo-store');
    assert.ok(raw, 'the document exists');
    const text = JSON.stringify(raw);
    assert.ok(!text.includes(s.accessToken), 'no access token in clear');
    assert.ok(!text.includes(s.refreshToken!), 'no refresh token in clear');
    assert.ok(!cookieOf(setCookie).includes(s.accessToken.slice(6)), 'no token in the cookie');
    assert.deepEqual(Object.keys(raw).sort(), [
      'email',
      'expireAt',
      'expiresAt',
      'scope',
      'signedInAt',
      'tokens',
      'updatedAt',
    ]);
    assert.deepEqual(raw.expireAt, {
      timestampValue: new Date(s.signedInAt + 30 * DAY_MS).toISOString(),
    });
    assert.deepEqual(raw.email, {nullValue: null});
  });

  it('create() ends a session without a refresh token when its access token expires', async () => {
    const s = session({refreshToken: undefined});
    const setCookie = await store.create(s, s.signedInAt);
    assert.match(setCookie ?? '', /Max-Age=3600;/);
    const raw = await emulator.readDocument(`oauth2_sessions/${s.id}`, 'demo-store');
    assert.deepEqual(raw?.expireAt, {timestampValue: new Date(s.expiresAt).toISOString()});
  });

  it('load() returns the session of a cookie, from another instance too', async () => {
    const s = session();
    const cookie = cookieOf(await store.create(s));
    const other = await createSessionStore(config);
    assert.deepEqual(await other.load(cookie), s);
  });

  it('load() returns null for no cookie, a tampered one, a cookie-mode one and a deleted document', async () => {
    const s = session();
    const cookie = cookieOf(await store.create(s));
    const cookieMode = await createSessionStore(
      loadConfig({GOOGLE_CLIENT_ID: 'id', COOKIE_SECRET}),
    );
    const tokenCookie = cookieOf(await cookieMode.create(session()));
    const cases = [
      {name: 'no cookie', header: undefined},
      {name: 'tampered', header: tamper(cookie)},
      {name: 'a cookie-mode cookie', header: tokenCookie},
    ];
    for (const c of cases) assert.equal(await store.load(c.header), null, c.name);
    await store.remove(s);
    const uncached = await createSessionStore({...config, sessionCacheMs: 0});
    assert.equal(await uncached.load(cookie), null, 'deleted');
  });

  it('load() reads the document again after sessionCacheMs, and not before', async () => {
    const s = session();
    const cookie = cookieOf(await store.create(s));
    const reader = await createSessionStore({...config, sessionCacheMs: 300});
    assert.ok(await reader.load(cookie));
    await store.remove(s);
    assert.ok(await reader.load(cookie), 'still cached');
    await new Promise(resolve => setTimeout(resolve, 350));
    assert.equal(await reader.load(cookie), null, 'read again: gone');
  });

  it('update() keeps the later of two refreshes, in whichever order they come', async () => {
    const s = session({expiresAt: Date.now() + 60_000});
    const cookie = cookieOf(await store.create(s));
    const later = {...s, accessToken: 'ya29.later', expiresAt: Date.now() + 3600_000};
    const earlier = {...s, accessToken: 'ya29.earlier', expiresAt: Date.now() + 3500_000};
    const uncached = await createSessionStore({...config, sessionCacheMs: 0});
    assert.deepEqual(await store.update(s, later), {session: later, setCookie: null});
    // An instance whose refresh finished with a token that expires sooner takes the stored one.
    assert.deepEqual(await uncached.update(s, earlier), {session: later, setCookie: null});
    assert.equal((await uncached.load(cookie))?.accessToken, 'ya29.later');
  });

  it('update() by two instances at once ends with one consistent record', async () => {
    const google = await startEmulator();
    after(() => google.close());
    const s = session({expiresAt: Date.now() + 60_000, refreshToken: google.mintRefreshToken()});
    const cookie = cookieOf(await store.create(s));
    // The production deadline: the conditional write takes no lock, so contention costs a re-read.
    const [a, b] = [await createSessionStore(config), await createSessionStore(config)];
    const refreshToken = s.refreshToken!;
    const tokens = await Promise.all([
      refreshAtEmulator(google, refreshToken),
      refreshAtEmulator(google, refreshToken),
    ]);
    assert.notEqual(tokens[0]!.accessToken, tokens[1]!.accessToken, 'two tokens issued');
    const renewed = tokens.map((t, i) => ({...s, ...t, expiresAt: t.expiresAt - i * 1000}));
    const outcomes = await Promise.all([a.update(s, renewed[0]!), b.update(s, renewed[1]!)]);
    const stored = await (await createSessionStore({...config, sessionCacheMs: 0})).load(cookie);
    assert.deepEqual(stored, renewed[0], 'the token that lasts longer, with its own expiry');
    for (const outcome of outcomes) assert.notEqual(outcome, 'ended');
  });

  it('update() and remove() after sign-out: update() says the session ended', async () => {
    const s = session();
    await store.create(s);
    await store.remove(s);
    assert.equal(await store.update(s, {...s, accessToken: 'ya29.new'}), 'ended');
  });
});

/** A refresh at the Google emulator's token endpoint (RFC 6749 §6), as one instance makes it. */
async function refreshAtEmulator(
  google: Emulator,
  refreshToken: string,
): Promise<{accessToken: string; expiresAt: number}> {
  const client = google.clients[0]!;
  const response = await fetch(`${google.url}/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      client_id: client.clientId,
      client_secret: client.clientSecret,
    }),
  });
  const body: unknown = await response.json();
  assert.equal(response.status, 200);
  const accessToken: unknown = Reflect.get(Object(body), 'access_token');
  const expiresIn: unknown = Reflect.get(Object(body), 'expires_in');
  assert.ok(typeof accessToken === 'string' && typeof expiresIn === 'number');
  return {accessToken, expiresAt: Date.now() + expiresIn * 1000};
}
