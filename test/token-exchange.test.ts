import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {parseTokenResponse} from '../src/token-exchange.js';

const NOW = 1_700_000_000_000;
const GMAIL = 'https://www.googleapis.com/auth/gmail.readonly';
// As google-auth-library hands a token response over: expires_in already turned into expiry_date.
const OK = {
  access_token: 'ya29.abc',
  expiry_date: NOW + 3599_000,
  scope: GMAIL,
  token_type: 'Bearer',
};

describe('parseTokenResponse()', () => {
  it('parseTokenResponse() keeps the access token, expiry, scope and refresh token, and drops the id_token', () => {
    const tokens = parseTokenResponse({...OK, refresh_token: '1//r', id_token: 'eyJ.x.y'}, NOW);
    assert.deepEqual(tokens, {
      accessToken: 'ya29.abc',
      expiresAt: NOW + 3599_000,
      scope: GMAIL,
      refreshToken: '1//r',
    });
  });

  it('parseTokenResponse() reads an omitted scope as the one requested (RFC 6749 §5.1)', () => {
    const withoutScope: Record<string, unknown> = {...OK};
    delete withoutScope.scope;
    assert.equal(parseTokenResponse(withoutScope, NOW)?.scope, GMAIL);
  });

  it('parseTokenResponse() accepts token_type in any case (RFC 6749 §5.1)', () => {
    assert.notEqual(parseTokenResponse({...OK, token_type: 'bearer'}, NOW), null);
  });

  const rejected: [string, unknown][] = [
    ['not an object', 'ya29.abc'],
    ['null', null],
    ['no access_token', {...OK, access_token: undefined}],
    ['an empty access_token', {...OK, access_token: ''}],
    ['an access_token with spaces', {...OK, access_token: 'ya29 abc'}],
    ['an access_token over 2048 characters', {...OK, access_token: 'a'.repeat(2049)}],
    ['a refresh_token over 512 characters', {...OK, refresh_token: 'r'.repeat(513)}],
    ['a numeric refresh_token', {...OK, refresh_token: 5}],
    ['a MAC token type', {...OK, token_type: 'mac'}],
    ['no token_type', {...OK, token_type: undefined}],
    ['expiry_date as a string', {...OK, expiry_date: String(NOW + 3599_000)}],
    ['no expiry_date (Google sent no or a zero expires_in)', {...OK, expiry_date: undefined}],
    ['an expiry_date now (a zero or negative expires_in)', {...OK, expiry_date: NOW}],
    ['an expiry_date over a day away', {...OK, expiry_date: NOW + 86_401_000}],
    ['a NaN expiry_date (a non-numeric expires_in)', {...OK, expiry_date: NaN}],
    ['a non-string scope', {...OK, scope: ['a']}],
    [
      'an inherited access_token',
      Object.create({access_token: 'ya29.abc', token_type: 'Bearer', expiry_date: NOW + 1000}),
    ],
  ];
  for (const [name, json] of rejected) {
    it(`parseTokenResponse() returns null for ${name}`, () => {
      assert.equal(parseTokenResponse(json, NOW), null);
    });
  }
});
