import assert from 'node:assert/strict';
import {randomBytes, randomInt} from 'node:crypto';
import {describe, it} from 'node:test';
import {parseCookieSecrets} from '../src/config-values.js';

// Real random keys, not fast-check's: its generators favour zeros and repeats on purpose,
// which are exactly the keys that must be refused.
const RUNS = 20_000;

describe('COOKIE_SECRET keys from a random generator', () => {
  const encodings: BufferEncoding[] = ['base64', 'base64url'];
  for (const encoding of encodings) {
    it(`parseCookieSecrets() accepts ${RUNS} random keys of 32 to 64 bytes in ${encoding}`, t => {
      let refused = 0;
      for (let i = 0; i < RUNS; i++) {
        const key = randomBytes(i % 2 === 0 ? 32 : randomInt(33, 65));
        try {
          assert.deepEqual(parseCookieSecrets(key.toString(encoding)), [key]);
        } catch {
          refused++;
        }
      }
      assert.equal(refused, 0, `${refused} of ${RUNS} random keys refused`);
      t.diagnostic(`${RUNS} keys`);
    });
  }
});
