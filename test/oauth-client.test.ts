import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {loadConfig} from '../src/config.js';
import {
  buildAuthorizationUrl,
  EAGER_REFRESH_MS,
  GMAIL_READONLY_SCOPE,
  googleEndpoints,
  hasScope,
  isSessionUsable,
} from '../src/oauth-client.js';

const config = loadConfig({
  GOOGLE_CLIENT_ID: 'id',
  GOOGLE_CLIENT_SECRET: 'secret',
  BASE_URL: 'https://r-p.cloudfunctions.net',
});
const NOW = 1_700_000_000_000;

describe('oauth-client', () => {
  it("googleEndpoints() gives Google's endpoints, or the same paths at the emulator", () => {
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

  it('buildAuthorizationUrl() sends exactly the web-server flow parameters with PKCE S256', () => {
    const url = new URL(
      buildAuthorizationUrl(config, googleEndpoints(null), {state: 'S', codeChallenge: 'C'}),
    );
    assert.deepEqual(Object.fromEntries(url.searchParams), {
      client_id: 'id',
      redirect_uri: 'https://r-p.cloudfunctions.net/oauth2callback',
      response_type: 'code',
      scope: GMAIL_READONLY_SCOPE,
      state: 'S',
      code_challenge: 'C',
      code_challenge_method: 'S256',
    });
    assert.doesNotMatch(url.href, /secret/);
  });

  it('hasScope() matches whole space-separated scopes only', () => {
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
    it(`isSessionUsable() is ${expected} for a session ${name}`, () => {
      assert.equal(isSessionUsable({id: 'i', accessToken: 'a', expiresAt, scope}, NOW), expected);
    });
  }
});
