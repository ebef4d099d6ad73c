import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {deriveSealKeys, openValue, sealValue} from '../src/sealed-value.js';

const SECRET = Buffer.alloc(32, 3);
const PAYLOAD = {a: 'token', x: 1};

describe('sealed values', () => {
  const session = deriveSealKeys([SECRET], 'session');

  it('openValue() returns what sealValue() sealed', () => {
    assert.deepEqual(openValue(session, sealValue(session, PAYLOAD), 4096), PAYLOAD);
  });

  it('openValue() returns null for a value sealed for another purpose with the same secret', () => {
    const signin = deriveSealKeys([SECRET], 'signin');
    assert.equal(openValue(signin, sealValue(session, PAYLOAD), 4096), null);
  });

  it('deriveSealKeys() derives different keys per purpose and the same key id per secret', () => {
    const signin = deriveSealKeys([SECRET], 'signin');
    assert.ok(!session.keys[0]!.key.equals(signin.keys[0]!.key));
    assert.ok(session.keys[0]!.id.equals(signin.keys[0]!.id));
    assert.ok(!session.keys[0]!.key.equals(SECRET), 'the secret itself is never the key');
  });

  const sealed = sealValue(session, PAYLOAD);
  const raw = Buffer.from(sealed, 'base64url');
  const mutate = (change: (bytes: Buffer) => Buffer): string =>
    change(Buffer.from(raw)).toString('base64url');
  const cases: [string, string][] = [
    ['a wrong version byte', mutate(b => ((b[0] = 2), b))],
    ['an unknown key id', mutate(b => ((b[1] = b[1]! ^ 1), b))],
    ['a changed IV', mutate(b => ((b[6] = b[6]! ^ 1), b))],
    ['a changed ciphertext', mutate(b => ((b[20] = b[20]! ^ 1), b))],
    ['a truncated tag', mutate(b => b.subarray(0, b.length - 1))],
    ['a value without ciphertext', mutate(b => b.subarray(0, 33))],
    [
      'non-canonical base64url',
      sealed.slice(0, -1) + String.fromCharCode(sealed.charCodeAt(sealed.length - 1) ^ 1),
    ],
    ['padding', sealed + '='],
    ['standard base64', raw.toString('base64')],
    ['an overlong value', sealed + 'A'.repeat(5000)],
    ['the empty string', ''],
  ];
  for (const [name, value] of cases) {
    it(`openValue() returns null for ${name}`, () => {
      if (value === sealed) return assert.fail('the case did not change the value');
      assert.equal(openValue(session, value, 4096), null);
    });
  }

  it('openValue() opens with any key of the ring and sealValue() uses the first', () => {
    const old = deriveSealKeys([SECRET], 'session');
    const ring = deriveSealKeys([Buffer.alloc(32, 4), SECRET], 'session');
    assert.deepEqual(openValue(ring, sealValue(old, PAYLOAD), 4096), PAYLOAD);
    assert.equal(openValue(old, sealValue(ring, PAYLOAD), 4096), null);
  });
});
