import {testKey} from './support/keys.js';
import assert from 'node:assert/strict';
import {inspect} from 'node:util';
import {after, before, beforeEach, describe, it} from 'node:test';
import {startEmulator, type Emulator, type EmulatorFault} from '../emulator/index.js';
import {loadConfig, type Config} from '../src/config.js';
import {
  createGoogleClients,
  EAGER_REFRESH_MS,
  GMAIL_READONLY_SCOPE,
  googleEndpoints,
  hasScope,
  isSessionUsable,
  safeTransportOptions,
  type GoogleClients,
} from '../src/oauth-client.js';
import {gmail_v1} from '@googleapis/gmail/build/v1.js';
import {createLabelsReader} from '../src/gmail-labels.js';
import {readProfileEmail} from '../src/gmail-profile.js';
import {exchangeCode, refreshAccessToken, revokeToken} from '../src/token-exchange.js';
import {createTokenValidator} from '../src/token-validator.js';
import {libraryFailures} from './support/library-failures.js';

const NOW = 1_700_000_000_000;
const SECRET = {
  code: '4/0Sentinel-code-9f2c1d7e5b3a',
  verifier: 'Sentinel-verifier-0123456789abcdefghijklmnopqrstuvw',
  refreshToken: '1//0Sentinel-refresh-7c4e2a9d',
  accessToken: 'ya29.Sentinel-access-5d8b1f3e',
  clientSecret: 'GOCSPX-Sentinel-client-secret',
};

// Google failing in every way a retry would be tempted by: 5xx, 429, a reset, no answer in time.
const TRANSIENT_FAULTS: [string, EmulatorFault][] = [
  ['500', {status: 500}],
  ['503', {status: 503}],
  ['429', {status: 429, retryAfter: '1'}],
  ['a reset', {reset: true}],
  ['no answer in time', {delayMs: 1000}],
];

describe('oauth-client', () => {
  it("googleEndpoints() gives Google's endpoints, or the same paths at the emulator", async () => {
    assert.deepEqual(googleEndpoints(null), {
      authorize: 'https://accounts.google.com/o/oauth2/v2/auth',
      token: 'https://oauth2.googleapis.com/token',
      revoke: 'https://oauth2.googleapis.com/revoke',
      tokeninfo: 'https://oauth2.googleapis.com/tokeninfo',
      gmailRoot: 'https://gmail.googleapis.com/',
      issuer: 'https://accounts.google.com',
    });
    const emulated = googleEndpoints('http://127.0.0.1:9');
    assert.equal(emulated.token, 'http://127.0.0.1:9/token');
    assert.equal(emulated.issuer, 'http://127.0.0.1:9');
  });

  it('createGoogleClients() gives the instance client our id, secret, redirect URI and endpoints, and no user token', async () => {
    const google = createGoogleClients(configFor('http://127.0.0.1:9'));
    assert.equal(google.oauth2._clientId, 'client-id');
    assert.equal(google.oauth2._clientSecret, SECRET.clientSecret);
    assert.equal(String(google.oauth2.endpoints.oauth2TokenUrl), 'http://127.0.0.1:9/token');
    assert.equal(String(google.oauth2.endpoints.tokenInfoUrl), 'http://127.0.0.1:9/tokeninfo');
    assert.deepEqual(google.oauth2.credentials, {});
  });

  it('createGoogleClients().forUser() makes a new client each time, and the instance client stays empty', async () => {
    const google = createGoogleClients(configFor('http://127.0.0.1:9'));
    const a = google.forUser({access_token: 'a'});
    const b = google.forUser({access_token: 'b'});
    assert.notEqual(a, b);
    assert.equal(a.credentials.access_token, 'a');
    assert.equal(b.credentials.access_token, 'b');
    assert.deepEqual(google.oauth2.credentials, {});
  });

  it('createGoogleClients() installs none of the library logging interceptors (GOOGLE_SDK_NODE_LOGGING would print tokens)', async () => {
    const google = createGoogleClients(configFor('http://127.0.0.1:9'));
    for (const client of [google.oauth2, google.forUser({access_token: 'a'})]) {
      assert.equal(client.transporter.interceptors.request.size, 0);
      assert.equal(client.transporter.interceptors.response.size, 0);
    }
  });

  it('safeTransportOptions() turns retries off in a form that survives gaxios merging the library RETRY_CONFIG', async () => {
    const options = safeTransportOptions(1000);
    assert.equal(options.retryConfig?.retry, 0);
    assert.equal(options.retryConfig?.noResponseRetries, 0);
    assert.equal(options.retryConfig?.shouldRetry?.(new Error('x') as never), false);
    assert.equal(typeof options.fetchImplementation, 'function');
    assert.equal(
      options.timeout,
      undefined,
      'no gaxios timeout: its AbortSignal per call grew memory',
    );
  });

  it('hasScope() matches whole space-separated scopes only', async () => {
    assert.equal(hasScope(`openid ${GMAIL_READONLY_SCOPE}`, GMAIL_READONLY_SCOPE), true);
    assert.equal(hasScope(`${GMAIL_READONLY_SCOPE}x`, GMAIL_READONLY_SCOPE), false);
    assert.equal(hasScope('', GMAIL_READONLY_SCOPE), false);
  });

  const usable: [string, number, string, boolean][] = [
    ['an hour left', NOW + 3600_000, GMAIL_READONLY_SCOPE, true],
    ['just over the eager window', NOW + EAGER_REFRESH_MS + 1, GMAIL_READONLY_SCOPE, true],
    ['inside the eager window', NOW + EAGER_REFRESH_MS, GMAIL_READONLY_SCOPE, false],
    ['expired', NOW - 1, GMAIL_READONLY_SCOPE, false],
    ['without the scope', NOW + 3600_000, 'openid', false],
  ];
  for (const [name, expiresAt, scope, expected] of usable) {
    it(`isSessionUsable() is ${expected} for a session ${name}`, async () => {
      assert.equal(isSessionUsable({expiresAt, scope}, NOW), expected);
    });
  }
});

/** Every call we make to Google, through the clients the factory builds. */
describe('oauth-client: every call to Google, under faults', () => {
  let emulator: Emulator;
  let google: GoogleClients;
  let config: Config;
  before(async () => {
    emulator = await startEmulator({
      clients: [{clientId: 'client-id', clientSecret: SECRET.clientSecret, redirectUris: []}],
    });
    // A deadline well below the faults' 1 s delay: "no answer in time" really times out.
    config = {...configFor(emulator.url), googleTimeoutMs: 200};
    google = createGoogleClients(config);
  });
  after(() => emulator.close());
  beforeEach(() => emulator.clearFaults());

  const count = (route: string): number => emulator.requests.filter(r => r.route === route).length;
  const session = {
    id: 's',
    signedInAt: Date.now(),
    accessToken: SECRET.accessToken,
    refreshToken: SECRET.refreshToken,
    expiresAt: Date.now() - 1,
    scope: GMAIL_READONLY_SCOPE,
  };
  // Each call, the emulator route it reaches, and how to make it once with sentinel secrets.
  const calls: [string, 'token' | 'tokeninfo' | 'revoke' | 'labels', () => Promise<unknown>][] = [
    [
      'getToken() (the code exchange)',
      'token',
      () => exchangeCode(google, SECRET.code, SECRET.verifier),
    ],
    [
      'a refresh',
      'token',
      () =>
        refreshAccessToken(google, {
          ...session,
          refreshToken: `${SECRET.refreshToken}-${Math.random()}`,
        }),
    ],
    [
      'getTokenInfo()',
      'tokeninfo',
      () => createTokenValidator(config, google).check(SECRET.accessToken),
    ],
    ['the revocation', 'revoke', () => revokeToken(google, SECRET.refreshToken)],
  ];
  for (const [callName, route, call] of calls) {
    for (const [faultName, fault] of TRANSIENT_FAULTS) {
      it(`${callName} is sent exactly once when Google answers ${faultName}`, async () => {
        emulator.fault(route, fault);
        const before = count(route);
        await call();
        assert.equal(count(route) - before, 1);
      });
    }
  }

  it('users.labels.list makes one request per attempt: googleapis retries nothing of its own', async () => {
    // Our reader tries up to 4 times inside the budget; with the library's retries on top,
    // each attempt would be sent up to 4 times.
    const reader = createLabelsReader({...config, gmailBudgetMs: 2000}, google);
    emulator.fault('labels', {status: 503, times: 1});
    const before = count('labels');
    const outcome = await reader({...session, accessToken: emulator.mintAccessToken()});
    assert.equal(outcome.kind, 'ok');
    assert.equal(count('labels') - before, 2, 'the 503, then our one retry');
  });

  it('users.getProfile makes one request per attempt: googleapis retries nothing of its own', async () => {
    const gmail = new gmail_v1.Gmail({rootUrl: google.endpoints.gmailRoot});
    const auth = google.forUser({access_token: emulator.mintAccessToken(), token_type: 'Bearer'});
    emulator.fault('profile', {status: 503, times: 1});
    const before = count('profile');
    const outcome = await readProfileEmail({...config, gmailBudgetMs: 2000}, gmail, auth);
    assert.deepEqual(outcome, {kind: 'ok', value: 'alex@example.com'});
    assert.equal(count('profile') - before, 2, 'the 503, then our one retry');
  });

  it('the revocation sends the token in the form body, never in the URL (RFC 7009 §2.1)', async () => {
    const token = emulator.mintRefreshToken();
    assert.equal(await revokeToken(google, token), true);
    const revoke = emulator.requests.filter(r => r.route === 'revoke').at(-1);
    assert.equal(revoke?.params.token, token);
    assert.deepEqual(revoke?.queryNames, []);
  });

  for (const [name, call, route, fault] of libraryFailures(() => google, SECRET)) {
    it(`an error from ${name} prints none of the request's secrets with util.inspect`, async () => {
      emulator.fault(route, fault);
      const error = await call().then(
        () => assert.fail('expected the call to fail'),
        (caught: unknown) => caught,
      );
      const printed = inspect(error, {depth: null, showHidden: true});
      for (const value of Object.values(SECRET)) {
        assert.ok(!printed.includes(value), `util.inspect shows ${value.slice(0, 12)}...`);
        assert.ok(
          !printed.includes(encodeURIComponent(value)),
          `...encoded: ${value.slice(0, 12)}`,
        );
      }
      assert.match(printed, /GaxiosError/);
    });
  }
});

function configFor(emulatorUrl: string): Config {
  return loadConfig({
    GOOGLE_CLIENT_ID: 'client-id',
    GOOGLE_CLIENT_SECRET: SECRET.clientSecret,
    GOOGLE_EMULATOR_URL: emulatorUrl,
    BASE_URL: 'http://localhost:8080',
    COOKIE_SECRET: testKey('oauth-client').toString('base64'),
  });
}
