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
        // Only the token itself passes: not even a re-spelling of its 32 bytes (RFC 4648 §3.5).
        assert.equal(csrf.verify(sessionId, mutated), mutated === token);
        assert.equal(csrf.verify(otherId, token), otherId === sessionId);
        assert.equal(otherKey.verify(sessionId, token), false);
      }),
      {numRuns: RUNS},
    );
    t.diagnostic(`${tried} forged tokens`);
  });
});
