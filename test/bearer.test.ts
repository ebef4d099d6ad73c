import assert from 'node:assert/strict';
import {randomBytes} from 'node:crypto';
import {after, afterEach, before, describe, it} from 'node:test';
import type {EmulatorFault, EmulatorRoute} from '../emulator/index.js';
import {signIn, startHarness, type Harness} from './support/harness.js';
import {captureLogs} from './support/response-checks.js';
import {expectedLabelsJson} from './support/users.js';

const GMAIL = 'https://www.googleapis.com/auth/gmail.readonly';
const OTHER_CLIENT = {
  clientId: 'another-app.apps.googleusercontent.com',
  clientSecret: 'another-secret',
  redirectUris: ['https://another.example/callback'],
};

type Response = {status: number; body: unknown; headers: Record<string, unknown>};

describe('listlabels with Authorization: Bearer', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({gmailBudgetMs: 800, googleTimeoutMs: 300});
    h.emulator.clients.push(OTHER_CLIENT);
  });
  afterEach(() => h.emulator.clearFaults());
  after(() => h.emulator.close());

  const count = (route: EmulatorRoute): number =>
    h.emulator.requests.filter(r => r.route === route).length;
  const withBearer = (token: string) =>
    h.labels.get('/listlabels').set('Authorization', `Bearer ${token}`);
  const expectedLabels = (): ReturnType<typeof expectedLabelsJson> =>
    expectedLabelsJson(h.emulator.accounts[0]!);
  /** Asserts an RFC 6750 §3 error: the JSON body and the WWW-Authenticate challenge. */
  const assertBearerError = (response: Response, error: string): void => {
    assert.match(String(response.headers['content-type']), /^application\/json/);
    const body = response.body;
    assert.ok(typeof body === 'object' && body !== null);
    assert.deepEqual(Object.keys(body).sort(), ['error', 'message']);
    assert.equal(Reflect.get(body, 'error'), error);
    const challenge = String(response.headers['www-authenticate']);
    assert.match(challenge, /^Bearer realm="listlabels"/);
    assert.ok(challenge.includes(`error="${error}"`), challenge);
    assert.equal(response.headers['set-cookie'], undefined);
  };

  it('listlabels answers the labels as JSON for a bearer token of ours, without any cookie', async () => {
    const response = await withBearer(h.emulator.mintAccessToken()).expect(200);
    assert.equal(response.headers['content-type'], 'application/json; charset=utf-8');
    assert.deepEqual(response.body, expectedLabels());
    assert.equal(response.headers['set-cookie'], undefined);
    assert.equal(response.headers['cache-control'], 'no-store');
  });

  it('listlabels reads the Bearer scheme case-insensitively (RFC 9110 §11.1)', async () => {
    const response = await h.labels
      .get('/listlabels')
      .set('Authorization', `bearer ${h.emulator.mintAccessToken()}`)
      .expect(200);
    assert.deepEqual(response.body, expectedLabels());
  });

  it('listlabels asks tokeninfo once per token and reuses the good answer', async () => {
    const token = h.emulator.mintAccessToken();
    const checks = count('tokeninfo');
    const gmailCalls = count('labels');
    await withBearer(token).expect(200);
    await withBearer(token).expect(200);
    assert.equal(count('tokeninfo') - checks, 1, 'the second request used the cached answer');
    assert.equal(count('labels') - gmailCalls, 2, 'Gmail is asked each time');
    await withBearer(h.emulator.mintAccessToken()).expect(200);
    assert.equal(count('tokeninfo') - checks, 2, 'another token is checked anew');
  });

  const refusals: [string, () => Promise<string> | string, 401 | 403, string][] = [
    [
      'a token issued to another app',
      () => h.emulator.mintAccessToken({clientId: OTHER_CLIENT.clientId}),
      401,
      'invalid_token',
    ],
    ['an expired token', () => h.emulator.mintAccessToken({ttlSeconds: 0}), 401, 'invalid_token'],
    [
      'a token tokeninfo says has expired',
      () => {
        const exp = String(Math.floor(Date.now() / 1000) - 10);
        const body = JSON.stringify({aud: h.config.clientId, scope: GMAIL, exp});
        h.emulator.fault('tokeninfo', {body});
        return h.emulator.mintAccessToken();
      },
      401,
      'invalid_token',
    ],
    [
      'an unknown token',
      () => `ya29.${randomBytes(32).toString('base64url')}`,
      401,
      'invalid_token',
    ],
    ['a garbage token', () => 'not-a-token', 401, 'invalid_token'],
    ['an unknown token of the maximum length', () => 'a'.repeat(2048), 401, 'invalid_token'],
    [
      'a revoked token',
      async () => {
        const token = h.emulator.mintAccessToken();
        const revoked = await fetch(`${h.emulator.url}/revoke`, {
          method: 'POST',
          body: new URLSearchParams({token}),
        });
        assert.equal(revoked.status, 200);
        return token;
      },
      401,
      'invalid_token',
    ],
    [
      'a token without gmail.readonly',
      () => h.emulator.mintAccessToken({scope: 'openid email'}),
      403,
      'insufficient_scope',
    ],
  ];
  for (const [name, token, status, error] of refusals) {
    it(`listlabels answers ${status} ${error} for ${name}, without calling Gmail`, async () => {
      const value = await token();
      const gmailCalls = count('labels');
      const response = await withBearer(value).expect(status);
      assertBearerError(response, error);
      if (error === 'insufficient_scope')
        assert.ok(String(response.headers['www-authenticate']).includes(`scope="${GMAIL}"`));
      assert.equal(count('labels'), gmailCalls);
    });
  }

  const malformed: [string, string][] = [
    ['"Bearer"', 'Bearer'],
    ['"Bearer" and spaces', 'Bearer  '],
    ['two tokens', 'Bearer a b'],
    ['a token with a character outside b64token', 'Bearer a"b'],
    ['a token one character too long', `Bearer ${'a'.repeat(2049)}`],
    ['a 3000-character token', `Bearer ${'a'.repeat(3000)}`],
  ];
  for (const [name, header] of malformed) {
    it(`listlabels answers 400 invalid_request for an Authorization header with ${name}`, async () => {
      const checks = count('tokeninfo');
      const gmailCalls = count('labels');
      const response = await h.labels.get('/listlabels').set('Authorization', header).expect(400);
      assertBearerError(response, 'invalid_request');
      assert.equal(count('tokeninfo'), checks);
      assert.equal(count('labels'), gmailCalls);
    });
  }

  const tokeninfoFailures: [string, EmulatorFault][] = [
    ['a 500', {status: 500}],
    ['a reset connection', {reset: true}],
    ['no answer within googleTimeoutMs', {delayMs: 1000}],
    ['a 200 that is not JSON (a proxy page)', {body: '<html>proxy</html>'}],
  ];
  for (const [name, fault] of tokeninfoFailures) {
    it(`listlabels answers 503 with Retry-After when tokeninfo fails with ${name}`, async () => {
      h.emulator.fault('tokeninfo', fault);
      const gmailCalls = count('labels');
      const started = Date.now();
      const response = await withBearer(h.emulator.mintAccessToken()).expect(503);
      assert.ok(
        Date.now() - started < h.config.googleTimeoutMs + 500,
        `bounded: ${Date.now() - started} ms`,
      );
      assert.equal(response.headers['retry-after'], '5');
      assert.equal(response.body.error, 'temporarily_unavailable');
      assert.equal(count('labels'), gmailCalls);
    });
  }

  // A client retrying a bad token in a loop costs one tokeninfo call per 30 s, not one per request.
  const repeatedRefusals: [string, () => string, number, 401 | 403, string][] = [
    [
      'the same unknown token',
      () => `ya29.${randomBytes(32).toString('base64url')}`,
      20,
      401,
      'invalid_token',
    ],
    [
      "another app's token",
      () => h.emulator.mintAccessToken({clientId: OTHER_CLIENT.clientId}),
      5,
      401,
      'invalid_token',
    ],
    [
      'a token without gmail.readonly',
      () => h.emulator.mintAccessToken({scope: 'openid email'}),
      5,
      403,
      'insufficient_scope',
    ],
  ];
  for (const [name, token, times, status, error] of repeatedRefusals) {
    it(`listlabels asks tokeninfo once for ${name} sent ${times} times, answering ${status} each time`, async () => {
      const value = token();
      const checks = count('tokeninfo');
      for (let i = 0; i < times; i++) {
        assertBearerError(await withBearer(value).expect(status), error);
      }
      assert.equal(count('tokeninfo') - checks, 1, 'the refusal is reused');
    });
  }

  const afterFailure: [string, () => string, 200 | 401][] = [
    ['a token of ours', () => h.emulator.mintAccessToken(), 200],
    ['an unknown token', () => `ya29.${randomBytes(32).toString('base64url')}`, 401],
  ];
  for (const [name, token, status] of afterFailure) {
    it(`listlabels does not cache a failed tokeninfo answer: ${name} is checked again and answered ${status}`, async () => {
      const value = token();
      const checks = count('tokeninfo');
      h.emulator.fault('tokeninfo', {status: 500});
      await withBearer(value).expect(503);
      await withBearer(value).expect(status);
      assert.equal(count('tokeninfo') - checks, 2);
    });
  }

  it('listlabels answers 503 with Retry-After when Gmail keeps failing after a good check', async () => {
    h.emulator.fault('labels', {status: 500, reason: 'backendError', times: Infinity});
    const started = Date.now();
    const response = await withBearer(h.emulator.mintAccessToken()).expect(503);
    assert.ok(
      Date.now() - started < h.config.gmailBudgetMs + 500,
      `bounded: ${Date.now() - started} ms`,
    );
    assert.match(String(response.headers['retry-after']), /^\d+$/);
    assert.equal(response.body.error, 'gmail_unavailable');
    assert.equal(response.headers['set-cookie'], undefined);
  });

  const gmailRefusals: [string, EmulatorFault, 401 | 403, string][] = [
    ['401', {status: 401, reason: 'authError'}, 401, 'invalid_token'],
    [
      '403 insufficientPermissions',
      {status: 403, reason: 'insufficientPermissions'},
      403,
      'insufficient_scope',
    ],
  ];
  for (const [name, fault, status, error] of gmailRefusals) {
    it(`listlabels answers ${status} ${error} when Gmail answers ${name} after a good check, logging Gmail's status`, async t => {
      const gmailCalls = count('labels');
      const logs = captureLogs(t);
      h.emulator.fault('labels', fault);
      const response = await withBearer(h.emulator.mintAccessToken()).expect(status);
      assertBearerError(response, error);
      assert.equal(count('labels') - gmailCalls, 1, 'not retried');
      const logged = logs
        .map(line => JSON.parse(line))
        .filter(entry => entry.event === 'gmail_error')
        .map(entry => entry.status);
      assert.deepEqual(logged, [fault.status]);
    });
  }

  it('listlabels lets the Authorization header win over a session cookie', async () => {
    const session = await signIn(h);
    await h.labels.get('/listlabels').set('Cookie', session).expect(200); // the cookie is good
    const gmailCalls = count('labels');
    const bad = await h.labels
      .get('/listlabels')
      .set('Cookie', session)
      .set('Authorization', 'Bearer not-a-token')
      .expect(401);
    assertBearerError(bad, 'invalid_token');
    const malformed = await h.labels
      .get('/listlabels')
      .set('Cookie', session)
      .set('Authorization', 'Bearer a b')
      .expect(400);
    assertBearerError(malformed, 'invalid_request');
    assert.equal(count('labels'), gmailCalls);
  });
});

describe('listlabels with another Authorization scheme', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.emulator.close());

  it('listlabels answers 401 with a bare Bearer challenge for Basic credentials (RFC 6750 §3.1)', async () => {
    const response = await h.labels
      .get('/listlabels')
      .set('Authorization', 'Basic abc')
      .expect(401);
    assert.equal(response.headers['www-authenticate'], 'Bearer realm="listlabels"');
    assert.equal(response.body.error, 'unauthorized');
    assert.equal(h.emulator.requests.length, 0, 'neither tokeninfo nor Gmail was asked');
  });
});
