import assert from 'node:assert/strict';
import {createServer, type Server, type Socket} from 'node:net';
import {after, before, describe, it} from 'node:test';
import {parseSetCookie} from 'cookie';
import {createSessionRefs} from '../../src/session-ref.js';
import {createSessionStore, type SessionStore} from '../../src/session-store.js';
import {createCsrf} from '../../src/csrf.js';
import {newSessionId} from '../../src/sign-in.js';
import type {Session} from '../../src/token-cookie.js';
import {
  sharedFirestoreEmulator,
  skipWithoutFirestoreEmulator,
  type FirestoreEmulator,
} from '../support/firestore-emulator.js';
import {freePort, startFramework, type FrameworkProcess} from '../support/framework-process.js';
import {
  BASE_URL,
  COOKIE_SECRET,
  setCookies,
  signIn,
  startHarness,
  startSignIn,
  type Harness,
} from '../support/harness.js';

const GMAIL = 'https://www.googleapis.com/auth/gmail.readonly';
const LOGIN = `${BASE_URL}/oauth2init`;
const SIGN_OUT_CSRF = /<input type="hidden" name="csrf" value="([^"]*)">/;
const skip = skipWithoutFirestoreEmulator();

type Response = {status: number; text: string; headers: Record<string, unknown>};

/** The session cookie's Set-Cookie in a response; undefined when there is none. */
function sessionSetCookie(response: Response): ReturnType<typeof parseSetCookie> | undefined {
  return setCookies(response)
    .map(header => parseSetCookie(header))
    .find(cookie => cookie.name === 'oauth2_session');
}

/** The csrf value of the labels page's sign-out form. */
function csrfOf(page: string): string {
  const match = SIGN_OUT_CSRF.exec(page);
  assert.ok(match, 'the page has a sign-out form');
  return match[1]!;
}

/** A store reading the harness's Firestore without a cache: what the database holds now. */
function uncachedStore(h: Harness): Promise<SessionStore> {
  return createSessionStore({...h.config, sessionCacheMs: 0});
}

describe('the functions with SESSION_STORE=firestore', {skip}, () => {
  let h: Harness;
  let firestore: FirestoreEmulator;
  before(async () => {
    firestore = await sharedFirestoreEmulator();
    h = await startHarness({sessionStore: 'firestore', accessType: 'offline'});
  });
  after(() => h.emulator.close());

  const signOut = async (cookie: string): Promise<Response> => {
    const labels = await h.labels.get('/listlabels').set('Cookie', cookie).expect(200);
    return h.signout
      .post('/oauth2signout')
      .set('Cookie', cookie)
      .type('form')
      .send({csrf: csrfOf(labels.text)})
      .expect(200);
  };

  it('the whole flow: sign-in keeps a sealed id in the cookie, labels read the document, sign-out deletes it', async () => {
    const cookie = await signIn(h);
    const session = await (await uncachedStore(h)).load(cookie);
    assert.ok(session, 'the document exists');
    assert.ok(cookie.length < 250, `the cookie holds an id, not tokens (${cookie.length} chars)`);
    const labels = await h.labels
      .get('/listlabels')
      .set('Cookie', cookie)
      .set('Accept', 'application/json')
      .expect(200);
    assert.ok(Array.isArray(labels.body.labels) && labels.body.labels.length > 0);

    const response = await signOut(cookie);
    assert.match(response.text, /<h1>You are signed out<\/h1>/);
    assert.equal(sessionSetCookie(response)?.maxAge, 0, 'the cookie is cleared');
    assert.equal(await firestore.readDocument(`oauth2_sessions/${session.id}`, projectOf(h)), null);
  });

  it('a copied cookie is refused right after sign-out', async () => {
    const cookie = await signIn(h);
    const copy = cookie;
    await signOut(cookie);
    const stale = await h.labels.get('/listlabels').set('Cookie', copy).expect(302);
    assert.equal(stale.headers.location, LOGIN);
    const json = await h.labels
      .get('/listlabels')
      .set('Cookie', copy)
      .set('Accept', 'application/json')
      .expect(401);
    assert.equal(json.body.error, 'login_required');
  });

  it('the session document holds no token in clear, and expireAt at the absolute end', async () => {
    const cookie = await signIn(h);
    const session = await (await uncachedStore(h)).load(cookie);
    assert.ok(session?.refreshToken, 'an offline session');
    const raw = await firestore.readDocument(`oauth2_sessions/${session.id}`, projectOf(h));
    const text = JSON.stringify(raw);
    assert.ok(!text.includes(session.accessToken), 'no access token in clear');
    assert.ok(!text.includes(session.refreshToken), 'no refresh token in clear');
    assert.deepEqual(raw?.expireAt, {
      timestampValue: new Date(session.signedInAt + h.config.sessionLifetimeMs).toISOString(),
    });
    assert.deepEqual(raw?.expiresAt, {integerValue: String(session.expiresAt)});
  });

  it('listlabels refreshes an expiring session into the document, with no new cookie', async () => {
    const store = await createSessionStore(h.config);
    const session: Session = {
      id: newSessionId(),
      signedInAt: Date.now(),
      accessToken: h.emulator.mintAccessToken({ttlSeconds: 30}),
      expiresAt: Date.now() + 30_000,
      scope: GMAIL,
      refreshToken: h.emulator.mintRefreshToken(),
    };
    const cookie = (await store.create(session))!.split(';')[0]!;
    const response = await h.labels
      .get('/listlabels')
      .set('Cookie', cookie)
      .set('Accept', 'application/json')
      .expect(200);
    assert.equal(sessionSetCookie(response), undefined, 'the cookie stays as it is');
    const stored = await (await uncachedStore(h)).load(cookie);
    assert.ok(stored);
    assert.notEqual(stored.accessToken, session.accessToken, 'the new token is stored');
    assert.ok(stored.expiresAt > session.expiresAt + 60_000);
    assert.equal(stored.refreshToken, session.refreshToken);
  });

  it('oauth2init sends a signed-in user to listlabels without reading Firestore', async () => {
    const cookie = await signIn(h);
    const response = await h.init.get('/oauth2init').set('Cookie', cookie).expect(302);
    assert.equal(response.headers.location, `${BASE_URL}/listlabels`);
  });

  describe('another instance (a process of its own, from the bundle)', () => {
    let other: FrameworkProcess;
    before(async () => {
      other = await startFramework('listlabels', frameworkEnv(h, firestore.host));
    });
    after(() => other.stop());

    it('another instance stops serving a deleted session within sessionCacheMs (5 s)', async () => {
      const cookie = await signIn(h);
      const labels = async (): Promise<number> =>
        (await fetch(`${other.url}/listlabels`, {headers: {cookie}, redirect: 'manual'})).status;
      assert.equal(await labels(), 200, 'the other instance has it cached now');
      // Deleted as sign-out deletes it, without revoking: only the document is gone.
      const session = await (await uncachedStore(h)).load(cookie);
      assert.ok(session);
      await (await createSessionStore(h.config)).remove(session);
      const deletedAt = Date.now();
      assert.equal(await labels(), 200, 'served from its cache for a few seconds');
      let status = 200;
      while (status === 200 && Date.now() - deletedAt < 10_000) {
        await new Promise(resolve => setTimeout(resolve, 250));
        status = await labels();
      }
      const elapsed = Date.now() - deletedAt;
      assert.equal(status, 302);
      assert.ok(elapsed <= h.config.sessionCacheMs + 1000, `refused after ${elapsed} ms`);
    });
  });
});

describe(
  'the functions when Firestore is out (processes of their own, from the bundle)',
  {skip},
  () => {
    const outages: {name: string; listen: () => Promise<{host: string; close(): void}>}[] = [
      {name: 'refusing connections', listen: closedPort},
      {name: 'never answering', listen: silentServer},
    ];
    for (const outage of outages) {
      describe(`Firestore ${outage.name}`, () => {
        // In-process oauth2init (it never reads Firestore); the others in processes, stopped at the
        // end: the library's own attempts go on in the background after our 503.
        let h: Harness;
        let down: {host: string; close(): void};
        const fn: Record<string, FrameworkProcess> = {};
        before(async () => {
          down = await outage.listen();
          const firestore = {
            projectId: 'demo-down',
            databaseId: '(default)',
            emulatorHost: down.host,
          };
          h = await startHarness({sessionStore: 'firestore', firestore});
          const env = {...frameworkEnv(h, down.host), GOOGLE_CLOUD_PROJECT: 'demo-down'};
          const names = ['listlabels', 'oauth2callback', 'oauth2signout'];
          const started = await Promise.all(names.map(name => startFramework(name, env)));
          names.forEach((name, i) => (fn[name] = started[i]!));
        });
        after(async () => {
          await Promise.all(Object.values(fn).map(process => process.stop()));
          await h.emulator.close();
          down.close();
        });

        /** A cookie naming a session: what a signed-in browser sends. */
        const signedInCookie = async (): Promise<{cookie: string; id: string}> => {
          const id = newSessionId();
          const value = await createSessionRefs(h.config.cookieSecrets).seal({
            id,
            until: Date.now() + 3600_000,
          });
          return {cookie: `oauth2_session=${value}`, id};
        };
        /** A request to one function's process, timed. */
        const send = async (
          name: string,
          path: string,
          init: RequestInit,
        ): Promise<{status: number; text: string; headers: Headers; ms: number}> => {
          const started = Date.now();
          const response = await fetch(`${fn[name]!.url}${path}`, {...init, redirect: 'manual'});
          return {
            status: response.status,
            text: await response.text(),
            headers: response.headers,
            ms: Date.now() - started,
          };
        };
        const assertUnavailable = (response: Awaited<ReturnType<typeof send>>): void => {
          assert.equal(response.status, 503);
          assert.equal(response.headers.get('retry-after'), '5');
          assert.deepEqual(
            response.headers.getSetCookie().filter(c => c.startsWith('oauth2_session')),
            [],
            'the session cookie is left alone',
          );
          // storeTimeoutMs (2.5 s), where the library alone takes 10 s or more.
          assert.ok(response.ms < 4500, `answered at the deadline (${response.ms} ms)`);
        };

        it(`listlabels, oauth2callback and oauth2signout answer 503 with Retry-After, signing no one out (${outage.name})`, async () => {
          const {cookie, id} = await signedInCookie();
          const {callbackPath, signInCookie} = await startSignIn(h);
          const csrf = createCsrf(h.config.cookieSecrets).tokenFor(id);
          const json = {accept: 'application/json'};
          const [page, labelsJson, callback, signoutPage, signoutPost] = await Promise.all([
            send('listlabels', '/listlabels', {headers: {cookie}}),
            send('listlabels', '/listlabels', {headers: {cookie, ...json}}),
            send('oauth2callback', callbackPath, {headers: {cookie: signInCookie}}),
            send('oauth2signout', '/oauth2signout', {headers: {cookie}}),
            send('oauth2signout', '/oauth2signout', {
              method: 'POST',
              headers: {cookie, ...json, 'content-type': 'application/x-www-form-urlencoded'},
              body: new URLSearchParams({csrf}).toString(),
            }),
          ]);
          for (const response of [page, labelsJson, callback, signoutPage, signoutPost]) {
            assertUnavailable(response);
          }
          assert.match(page.text, /<h1>Sessions are unavailable right now<\/h1>/);
          assert.match(page.text, /no one was signed out/);
          assert.match(callback.text, /<h1>Sessions are unavailable right now<\/h1>/);
          assert.equal(JSON.parse(labelsJson.text).error, 'session_store_unavailable');
          assert.equal(JSON.parse(signoutPost.text).error, 'session_store_unavailable');
          assert.equal(h.emulator.requests.filter(r => r.route === 'revoke').length, 0);
          // The logs say what failed, never which session.
          const logs = Object.values(fn)
            .map(process => process.output())
            .join('');
          assert.match(logs, /"event":"session_store_unavailable"/);
          assert.ok(
            !logs.includes(id) && !logs.includes(cookie.slice(15)),
            'no session id or cookie in the logs',
          );
        });

        it(`oauth2init still answers: it reads only the cookie (${outage.name})`, async () => {
          const {cookie} = await signedInCookie();
          const response = await h.init.get('/oauth2init').set('Cookie', cookie).expect(302);
          assert.equal(response.headers.location, `${BASE_URL}/listlabels`);
        });
      });
    }
  },
);

function projectOf(h: Harness): string {
  assert.ok(h.config.firestore);
  return h.config.firestore.projectId;
}

/** The environment of a functions-framework process sharing the harness's Google and Firestore. */
function frameworkEnv(h: Harness, firestoreHost: string): Record<string, string> {
  const client = h.emulator.clients[0]!;
  return {
    BASE_URL,
    COOKIE_SECRET,
    GOOGLE_EMULATOR_URL: h.emulator.url,
    GOOGLE_CLIENT_ID: client.clientId,
    GOOGLE_CLIENT_SECRET: client.clientSecret,
    SESSION_STORE: 'firestore',
    FIRESTORE_EMULATOR_HOST: firestoreHost,
    GOOGLE_CLOUD_PROJECT: h.config.firestore?.projectId ?? '',
  };
}

/** A loopback port with nothing listening: connections are refused. */
async function closedPort(): Promise<{host: string; close(): void}> {
  return {host: `127.0.0.1:${await freePort()}`, close: () => undefined};
}

/** A server that accepts connections and never answers. */
async function silentServer(): Promise<{host: string; close(): void}> {
  const sockets = new Set<Socket>();
  const server: Server = createServer(socket => {
    sockets.add(socket);
    socket.on('error', () => undefined);
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  assert.ok(address !== null && typeof address === 'object');
  return {
    host: `127.0.0.1:${address.port}`,
    close: () => {
      // Sockets the library left open would keep the process alive.
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}
