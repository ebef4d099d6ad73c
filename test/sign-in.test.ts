import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {codeChallengeS256, createSignIn, statesMatch} from '../src/sign-in.js';

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

  it('statesMatch() is true only for equal strings', () => {
    assert.equal(statesMatch('abc', 'abc'), true);
    assert.equal(statesMatch('abc', 'abd'), false);
    assert.equal(statesMatch('abc', 'abcd'), false);
    assert.equal(statesMatch('abc', ''), false);
  });
});
