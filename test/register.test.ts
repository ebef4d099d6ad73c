import assert from 'node:assert/strict';
import {getTestServer} from '@google-cloud/functions-framework/testing';
import {after, before, describe, it} from 'node:test';
import request from 'supertest';
import {createCsrf} from '../src/csrf.js';
import {NEEDS_CLIENT_SECRET, registerFunctions, type FunctionName} from '../src/register.js';
import {createTokenCookies} from '../src/token-cookie.js';
import {COOKIE_SECRET, signIn, startHarness, type Harness} from './support/harness.js';
import {startFramework} from './support/framework-process.js';

const CLIENT_ID = 'id-only.apps.googleusercontent.com';
const BASE_URL = 'https://region-project.cloudfunctions.net';

// How deploy sets up oauth2init and oauth2signout: GOOGLE_CLIENT_ID alone, no secret, no file.
const ID_ONLY_ENV: Record<string, string> = {
  K_SERVICE: 'function',
  BASE_URL,
  COOKIE_SECRET,
  GOOGLE_CLIENT_ID: CLIENT_ID,
};

describe('registerFunctions() with GOOGLE_CLIENT_ID alone (functions-framework --target)', () => {
  const cases: {target: FunctionName; status: number; page: RegExp}[] = [
    {target: 'oauth2init', status: 302, page: /^$/},
    {target: 'oauth2signout', status: 200, page: /You are not signed in/},
    {target: 'oauth2callback', status: 503, page: /This service is not configured/},
    {target: 'listlabels', status: 503, page: /This service is not configured/},
  ];
  for (const c of cases) {
    const serves = !NEEDS_CLIENT_SECRET[c.target];
    it(`registerFunctions() ${serves ? 'serves' : 'refuses'} ${c.target} without a client secret`, async () => {
      const fn = await startFramework(c.target, {...ID_ONLY_ENV, K_SERVICE: c.target});
      try {
        for (let i = 0; i < 2; i++) {
          const response = await fetch(`${fn.url}/${c.target}`, {redirect: 'manual'});
          assert.equal(response.status, c.status);
          assert.match(await response.text(), c.page);
          if (c.target === 'oauth2init') {
            const location = new URL(response.headers.get('location') ?? '');
            assert.equal(location.origin, 'https://accounts.google.com');
            assert.equal(location.searchParams.get('client_id'), CLIENT_ID);
          }
        }
        const errors = fn
          .output()
          .split('\n')
          .filter(line => line.includes('"severity":"ERROR"'))
          .map(line => JSON.parse(line) as Record<string, unknown>);
        if (serves) {
          assert.deepEqual(errors, []);
          return;
        }
        // Two requests, one line: it says what to set and never quotes a value.
        assert.equal(errors.length, 1, fn.output());
        assert.equal(errors[0]?.event, 'config_invalid');
        assert.equal(errors[0]?.variable, 'CLIENT_SECRET_PATH');
        assert.equal(
          errors[0]?.message,
          `Not serving: CLIENT_SECRET_PATH: ${c.target} needs the OAuth client secret: mount the client's JSON and set CLIENT_SECRET_PATH to it, or set GOOGLE_CLIENT_SECRET`,
        );
      } finally {
        await fn.stop();
      }
    });
  }
});

describe('registerFunctions() without a client secret, against the emulator', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.emulator.close());

  it('registerFunctions() lets oauth2signout revoke at Google with the client id alone', async () => {
    const cookie = await signIn(h);
    const session = await createTokenCookies(h.config.cookieSecrets, false).openSession(cookie);
    assert.ok(session);
    registerFunctions({...h.config, clientSecret: null});
    const response = await request(getTestServer('oauth2signout'))
      .post('/oauth2signout')
      .set('Cookie', cookie)
      .type('form')
      .send({csrf: createCsrf(h.config.cookieSecrets).tokenFor(session.id)})
      .expect(200);
    assert.match(response.text, /<h1>You are signed out<\/h1>/);
    const revokes = h.emulator.requests.filter(r => r.route === 'revoke');
    assert.deepEqual(
      revokes.map(r => r.status),
      [200],
    );
  });
});
