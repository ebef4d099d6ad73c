import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {createCsrf} from '../src/csrf.js';
import {testKey} from './support/keys.js';

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const csrf = createCsrf([testKey('csrf')]);

/**
 * The four spellings of a token's last character: 43 base64url characters carry 258 bits for
 * 32 bytes, so the last character's two low bits are unused and any value decodes the same.
 */
function spellingsOfLast(token: string): string[] {
  const index = BASE64URL.indexOf(token.at(-1)!);
  const group = index - (index % 4);
  return [0, 1, 2, 3].map(low => token.slice(0, -1) + BASE64URL[group + low]!);
}

describe('CSRF tokens', () => {
  const sessionIds = ['session-1', 'AAAAAAAAAAAAAAAAAAAAAA', 'zzzzzzzzzzzzzzzzzzzzzz', 'a'];
  for (const sessionId of sessionIds) {
    it(`verify() takes the canonical token of session "${sessionId}" and refuses its 3 other spellings`, () => {
      const token = csrf.tokenFor(sessionId);
      const spellings = spellingsOfLast(token);
      for (const spelling of spellings) {
        assert.ok(Buffer.from(spelling, 'base64url').equals(Buffer.from(token, 'base64url')));
      }
      // RFC 4648 §3.5: the unused bits are zero in the one canonical spelling.
      assert.deepEqual(
        spellings.map(spelling => csrf.verify(sessionId, spelling)),
        spellings.map(spelling => spelling === token),
      );
      assert.equal(spellings.filter(spelling => spelling === token).length, 1);
    });
  }
});
