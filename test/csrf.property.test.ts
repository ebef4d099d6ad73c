import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import fc from 'fast-check';
import {createCsrf} from '../src/csrf.js';
import {mutate, mutationArb} from './support/hostile-input.js';

// node:test does not print an error's cause: put the failed assertion in fast-check's report.
fc.configureGlobal({includeErrorInReport: true});

const RUNS = 1000;
const csrf = createCsrf([Buffer.alloc(32, 5)]);
const otherKey = createCsrf([Buffer.alloc(32, 6)]);
const sessionIdArb = fc.stringMatching(/^[A-Za-z0-9_-]{22}$/);

describe('CSRF tokens under hostile input', () => {
  it('verify() never throws and refuses arbitrary form values', t => {
    let tried = 0;
    fc.assert(
      fc.property(
        sessionIdArb,
        fc.oneof(fc.anything(), fc.string({unit: 'binary'})),
        (sessionId, token) => {
          tried++;
          assert.equal(csrf.verify(sessionId, token), false);
        },
      ),
      {numRuns: RUNS},
    );
    t.diagnostic(`${tried} arbitrary form values`);
  });

  it("verify() refuses a mutated token, another session's and another key's", t => {
    let tried = 0;
    fc.assert(
      fc.property(sessionIdArb, sessionIdArb, mutationArb, (sessionId, otherId, mutation) => {
        const token = csrf.tokenFor(sessionId);
        const mutated = mutate(token, mutation);
        tried += 3;
        // base64url's last character carries 2 unused bits: a re-spelling of the same 32 bytes
        // is not a forgery (it needs the token), so only a change of bytes must be refused.
        const sameBytes =
          /^[A-Za-z0-9_-]{43}$/.test(mutated) &&
          Buffer.from(mutated, 'base64url').equals(Buffer.from(token, 'base64url'));
        assert.equal(csrf.verify(sessionId, mutated), sameBytes);
        assert.equal(csrf.verify(otherId, token), otherId === sessionId);
        assert.equal(otherKey.verify(sessionId, token), false);
      }),
      {numRuns: RUNS},
    );
    t.diagnostic(`${tried} forged tokens`);
  });
});
