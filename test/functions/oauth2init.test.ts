import assert from 'node:assert/strict';
import {after, before, describe, it} from 'node:test';
import {parseSetCookie} from 'cookie';
import {codeChallengeS256} from '../../src/sign-in.js';
import {createTokenCookies} from '../../src/token-cookie.js';
import {cookiesFrom, setCookies, signIn, startHarness, type Harness} from '../support/harness.js';

describe('oauth2init', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.emulator.close());

  it('oauth2init redirects to the authorization endpoint with exactly the protocol parameters', async () => {
    const response = await h.init.get('/oauth2init').expect(302);
    const location = new URL(String(response.headers.location));
    assert.equal(location.origin + location.pathname, `${h.emulator.url}/o/oauth2/v2/auth`);
    const params = Object.fromEntries(location.searchParams);
    assert.deepEqual(Object.keys(params).sort(), [
      'client_id',
      'code_challenge',
      'code_challenge_method',
      'redirect_uri',
      'response_type',
      'scope',
      'state',
    ]);
    assert.equal(params.client_id, h.config.clientId);
    assert.equal(params.redirect_uri, 'http://localhost:8080/oauth2callback');
    assert.equal(params.response_type, 'code');
    assert.equal(params.scope, 'https://www.googleapis.com/auth/gmail.readonly');
    assert.equal(params.code_challenge_method, 'S256');
    assert.match(params.state ?? '', /^[A-Za-z0-9_-]{43}$/);

    const signInCookie = setCookies(response).find(c => c.startsWith('oauth2_signin='));
    assert.ok(signInCookie, 'a sign-in cookie is set');
    const parsed = parseSetCookie(signInCookie);
    assert.equal(parsed.httpOnly, true);
    assert.equal(parsed.sameSite, 'lax');
    assert.equal(parsed.path, '/');
    assert.equal(parsed.maxAge, 600);
    const opened = await createTokenCookies(h.config.cookieSecrets, false).openSignIn(
      cookiesFrom(signInCookie),
    );
    assert.equal(opened?.state, params.state);
    assert.equal(codeChallengeS256(opened?.verifier ?? ''), params.code_challenge);
    assert.equal(response.text, '');
  });

  it('oauth2init makes a fresh state and verifier for every sign-in', async () => {
    const a = new URL(String((await h.init.get('/oauth2init')).headers.location));
    const b = new URL(String((await h.init.get('/oauth2init')).headers.location));
    assert.notEqual(a.searchParams.get('state'), b.searchParams.get('state'));
    assert.notEqual(a.searchParams.get('code_challenge'), b.searchParams.get('code_challenge'));
  });

  it('oauth2init forwards nothing from the request: query, Host and X-Forwarded-* are ignored', async () => {
    const response = await h.init
      .get(
        '/oauth2init?redirect_uri=https://evil.example/cb&scope=https://mail.google.com/&state=mine&prompt=none&login_hint=x',
      )
      .set('Host', 'evil.example')
      .set('X-Forwarded-Host', 'evil.example')
      .set('X-Forwarded-Proto', 'https')
      .set('Forwarded', 'host=evil.example;proto=https')
      .expect(302);
    const location = String(response.headers.location);
    assert.doesNotMatch(location, /evil|mail\.google\.com%2F&|prompt|login_hint|state=mine/);
    assert.equal(
      new URL(location).searchParams.get('redirect_uri'),
      'http://localhost:8080/oauth2callback',
    );
  });

  it('oauth2init sends a signed-in user straight to listlabels', async () => {
    const session = await signIn(h);
    const response = await h.init.get('/oauth2init').set('Cookie', session).expect(302);
    assert.equal(response.headers.location, 'http://localhost:8080/listlabels');
    assert.equal(setCookies(response).length, 0);
  });

  it('oauth2init starts a new sign-in for a tampered session cookie', async () => {
    const response = await h.init
      .get('/oauth2init')
      .set('Cookie', 'oauth2_session=AAAA')
      .expect(302);
    assert.ok(String(response.headers.location).startsWith(h.emulator.url));
  });
});
