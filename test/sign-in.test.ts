import {testKey} from './support/keys.js';
import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {loadConfig} from '../src/config.js';
import {createGoogleClients, GMAIL_READONLY_SCOPE} from '../src/oauth-client.js';
import {authorizationUrl, codeChallengeS256, createSignIn, statesMatch} from '../src/sign-in.js';

const env = {
  GOOGLE_CLIENT_ID: 'id',
  GOOGLE_CLIENT_SECRET: 'secret',
  BASE_URL: 'https://r-p.cloudfunctions.net',
  COOKIE_SECRET: testKey('sign-in').toString('base64'),
};

describe('sign-in', () => {
  it('createSignIn() makes 43-character base64url state and verifier, different every time', () => {
    const a = createSignIn(5);
    const b = createSignIn(5);
    assert.match(a.state, /^[A-Za-z0-9_-]{43}$/);
    assert.match(a.verifier, /^[A-Za-z0-9_-]{43}$/);
    assert.notEqual(a.state, b.state);
    assert.notEqual(a.verifier, b.verifier);
    assert.notEqual(a.state, a.verifier);
    assert.equal(a.createdAt, 5);
  });

  it('codeChallengeS256() matches RFC 7636 Appendix B', () => {
    assert.equal(
      codeChallengeS256('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk'),
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    );
  });

  it('authorizationUrl() sends exactly the web-server flow parameters with PKCE S256, from generateAuthUrl', () => {
    const config = loadConfig(env);
    const url = new URL(authorizationUrl(config, createGoogleClients(config), 'S', 'V'));
    assert.equal(url.origin + url.pathname, 'https://accounts.google.com/o/oauth2/v2/auth');
    assert.deepEqual(Object.fromEntries(url.searchParams), {
      client_id: 'id',
      redirect_uri: 'https://r-p.cloudfunctions.net/oauth2callback',
      response_type: 'code',
      scope: GMAIL_READONLY_SCOPE,
      state: 'S',
      code_challenge: codeChallengeS256('V'),
      code_challenge_method: 'S256',
    });
    assert.doesNotMatch(url.href, /secret|V&|=V$/);
  });

  it('authorizationUrl() adds access_type=offline when configured, and prompt=consent when forced', () => {
    const config = loadConfig({...env, ACCESS_TYPE: 'offline'});
    const url = new URL(authorizationUrl(config, createGoogleClients(config), 'S', 'V', true));
    assert.equal(url.searchParams.get('access_type'), 'offline');
    assert.equal(url.searchParams.get('prompt'), 'consent');
  });

  it('statesMatch() is true only for equal strings', () => {
    assert.equal(statesMatch('abc', 'abc'), true);
    assert.equal(statesMatch('abc', 'abd'), false);
    assert.equal(statesMatch('abc', 'abcd'), false);
    assert.equal(statesMatch('abc', ''), false);
  });
});
