import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {parseCallbackQuery} from '../src/callback-query.js';

const STATE = 'A'.repeat(43);

describe('parseCallbackQuery()', () => {
  it('parseCallbackQuery() reads code, state and iss, and lets Google-added parameters pass', () => {
    const query = parseCallbackQuery(
      `/oauth2callback?code=4/0Ab-_x&state=${STATE}&iss=https%3A%2F%2Faccounts.google.com&scope=a+b&authuser=0&prompt=consent`,
    );
    assert.deepEqual(query, {
      code: '4/0Ab-_x',
      state: STATE,
      error: undefined,
      errorDescription: undefined,
      iss: 'https://accounts.google.com',
    });
  });

  it('parseCallbackQuery() reads an error with its description', () => {
    const query = parseCallbackQuery('/cb?error=access_denied&error_description=The+user+said+no');
    assert.equal(query?.error, 'access_denied');
    assert.equal(query?.errorDescription, 'The user said no');
  });

  const rejected = [
    ['a repeated code', `?code=a&code=b&state=${STATE}`],
    ['a repeated state', `?code=a&state=${STATE}&state=${STATE}`],
    ['a repeated error', '?error=a&error=b'],
    ['a repeated iss', `?code=a&state=${STATE}&iss=x&iss=x`],
    ['an empty code', `?code=&state=${STATE}`],
    ['an overlong code', `?code=${'a'.repeat(2049)}&state=${STATE}`],
    ['a code with spaces', `?code=a+b&state=${STATE}`],
    ['a non-ASCII code', `?code=%C3%A9&state=${STATE}`],
    ['a state with markup', '?code=a&state=%3Cscript%3E'],
    ['an overlong state', `?code=a&state=${'A'.repeat(129)}`],
    ['an error with a quote', '?error=a%22b'],
    ['an error with markup in its description', '?error=x&error_description=%22%3E%3Cb%3E'],
  ];
  for (const [name, query] of rejected) {
    it(`parseCallbackQuery() returns null for ${name}`, () => {
      assert.equal(parseCallbackQuery(`/oauth2callback${query}`), null);
    });
  }

  it('parseCallbackQuery() does not treat array syntax as the parameter', () => {
    assert.deepEqual(parseCallbackQuery('/cb?code[]=a&state[x]=b'), {
      code: undefined,
      state: undefined,
      error: undefined,
      errorDescription: undefined,
      iss: undefined,
    });
  });
});
