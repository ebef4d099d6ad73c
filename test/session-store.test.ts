import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import {fileURLToPath} from 'node:url';
import {describe, it} from 'node:test';
import {createSessionStore, createSignedInCheck} from '../src/session-store.js';
import {loadConfig} from '../src/config.js';
import {newSessionId} from '../src/sign-in.js';
import {COOKIE_SECRET} from './support/harness.js';

const SESSION_STORE_MODULE = fileURLToPath(new URL('../src/session-store.js', import.meta.url));
const GMAIL = 'https://www.googleapis.com/auth/gmail.readonly';

/** Which of Firestore's modules a fresh process has loaded after `script` ran. */
function firestoreModulesAfter(script: string): number {
  const program = `
    import {createRequire} from 'node:module';
    const {createSessionStore} = await import(${JSON.stringify(SESSION_STORE_MODULE)});
    ${script}
    const loaded = Object.keys(createRequire(import.meta.url).cache);
    console.log(loaded.filter(path => path.includes('@google-cloud/firestore')).length);`;
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', program], {
    env: {PATH: process.env.PATH ?? ''},
    encoding: 'utf8',
  });
  return Number(output.trim());
}

describe('createSessionStore()', () => {
  it('createSessionStore() in cookie mode never loads @google-cloud/firestore; firestore mode does', () => {
    const config = (store: string): string =>
      JSON.stringify({
        sessionStore: store,
        cookieSecrets: [],
        secureCookies: false,
        sessionLifetimeMs: 1,
        firestore: {projectId: 'p', databaseId: '(default)', emulatorHost: '127.0.0.1:1'},
        sessionCacheMs: 0,
        storeTimeoutMs: 1,
      });
    const withSecret = (store: string): string =>
      `const config = {...${config(store)}, cookieSecrets: [Buffer.alloc(32, 7)]};
       await createSessionStore(config);`;
    assert.equal(firestoreModulesAfter(withSecret('cookie')), 0);
    assert.ok(
      firestoreModulesAfter(withSecret('firestore')) > 0,
      'the check sees Firestore loaded',
    );
  });

  it('createSessionStore() in cookie mode keeps the whole session in the cookie, as before', async () => {
    const config = loadConfig({GOOGLE_CLIENT_ID: 'id', COOKIE_SECRET});
    const store = await createSessionStore(config);
    const now = Date.now();
    const session = {
      id: newSessionId(),
      signedInAt: now,
      accessToken: 'ya29.a',
      expiresAt: now + 3600_000,
      scope: GMAIL,
      refreshToken: '1//r',
    };
    const setCookie = await store.create(session, now);
    const cookie = setCookie?.split(';')[0] ?? '';
    assert.equal(store.kind, 'cookie');
    assert.deepEqual(await store.load(cookie, now), session);
    const renewed = {...session, accessToken: 'ya29.b'};
    const updated = await store.update(session, renewed, now);
    assert.ok(updated !== 'ended');
    assert.deepEqual(await store.load(updated.setCookie?.split(';')[0], now), renewed);
    assert.equal(await createSignedInCheck(config)(cookie, now), true);
    assert.equal(await createSignedInCheck(config)(undefined, now), false);
  });
});
