import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {CompactEncrypt, compactDecrypt, decodeProtectedHeader} from 'jose';
import {deriveSealKeys, openValue, sealValue} from '../src/sealed-value.js';

const SECRET = Buffer.alloc(32, 3);
const PAYLOAD = {a: 'token', x: 1};
const MAX = 4096;

/** Re-encodes one part of a compact JWE after changing its bytes. */
function changePart(jwe: string, index: number, change: (bytes: Buffer) => Buffer): string {
  const parts = jwe.split('.');
  parts[index] = change(Buffer.from(parts[index]!, 'base64url')).toString('base64url');
  return parts.join('.');
}

describe('sealed values', () => {
  const session = deriveSealKeys([SECRET], 'session');

  it('openValue() returns what sealValue() sealed', async () => {
    assert.deepEqual(await openValue(session, await sealValue(session, PAYLOAD), MAX), PAYLOAD);
  });

  it('sealValue() writes a standard compact JWE (dir, A256GCM, kid, typ) that jose opens with the derived key', async () => {
    const sealed = await sealValue(session, PAYLOAD);
    assert.equal(sealed.split('.').length, 5);
    assert.equal(sealed.split('.')[1], '', 'dir has no encrypted key (RFC 7518 §4.5)');
    assert.deepEqual(decodeProtectedHeader(sealed), {
      alg: 'dir',
      enc: 'A256GCM',
      kid: session.keys[0]!.id,
      typ: 'session',
    });
    assert.equal(Buffer.from(sealed.split('.')[2]!, 'base64url').length, 12, '96-bit IV');
    const {plaintext} = await compactDecrypt(sealed, session.keys[0]!.key);
    assert.deepEqual(JSON.parse(Buffer.from(plaintext).toString('utf8')), PAYLOAD);
  });

  it('sealValue() uses a fresh IV each time', async () => {
    const ivs = new Set<string>();
    for (let i = 0; i < 50; i++) ivs.add((await sealValue(session, PAYLOAD)).split('.')[2]!);
    assert.equal(ivs.size, 50);
  });

  it('openValue() returns null for a value sealed for another purpose with the same secret', async () => {
    const signin = deriveSealKeys([SECRET], 'signin');
    assert.equal(await openValue(signin, await sealValue(session, PAYLOAD), MAX), null);
  });

  it('openValue() returns null for a JWE of another purpose sealed with the right key', async () => {
    // Same key, typ changed: only the purpose check in openValue() refuses it.
    const forged = await new CompactEncrypt(Buffer.from(JSON.stringify(PAYLOAD)))
      .setProtectedHeader({alg: 'dir', enc: 'A256GCM', kid: session.keys[0]!.id, typ: 'signin'})
      .encrypt(session.keys[0]!.key);
    assert.equal(await openValue(session, forged, MAX), null);
  });

  it('deriveSealKeys() derives different keys per purpose and the same key id per secret', () => {
    const signin = deriveSealKeys([SECRET], 'signin');
    assert.ok(!session.keys[0]!.key.equals(signin.keys[0]!.key));
    assert.equal(session.keys[0]!.id, signin.keys[0]!.id);
    assert.notEqual(
      session.keys[0]!.id,
      deriveSealKeys([Buffer.alloc(32, 4)], 'session').keys[0]!.id,
    );
    assert.ok(!session.keys[0]!.key.equals(SECRET), 'the secret itself is never the key');
  });

  it('openValue() opens with any key of the ring and sealValue() uses the first', async () => {
    const old = deriveSealKeys([SECRET], 'session');
    const ring = deriveSealKeys([Buffer.alloc(32, 4), SECRET], 'session');
    assert.deepEqual(await openValue(ring, await sealValue(old, PAYLOAD), MAX), PAYLOAD);
    assert.equal(await openValue(old, await sealValue(ring, PAYLOAD), MAX), null);
  });

  it('openValue() refuses another content encryption (A256CBC-HS512) even with a valid key', async () => {
    const key = Buffer.concat([session.keys[0]!.key, session.keys[0]!.key]);
    const other = await new CompactEncrypt(Buffer.from(JSON.stringify(PAYLOAD)))
      .setProtectedHeader({
        alg: 'dir',
        enc: 'A256CBC-HS512',
        kid: session.keys[0]!.id,
        typ: 'session',
      })
      .encrypt(key);
    assert.equal(await openValue(session, other, MAX), null);
  });

  it('openValue() returns null for every malformed value', async () => {
    const sealed = await sealValue(session, PAYLOAD);
    const [header, , iv, body, tag] = sealed.split('.') as [string, string, string, string, string];
    const lastFlipped = (part: string): string =>
      part.slice(0, -1) + String.fromCharCode(part.charCodeAt(part.length - 1) ^ 1);
    const noneHeader = Buffer.from(
      JSON.stringify({alg: 'none', enc: 'A256GCM', typ: 'session'}),
    ).toString('base64url');
    const cases: [string, string][] = [
      [
        'an unknown key id',
        changePart(sealed, 0, () =>
          Buffer.from(JSON.stringify({...decodeProtectedHeader(sealed), kid: 'AAAAAAAA'})),
        ),
      ],
      ['alg none', [noneHeader, '', iv, body, tag].join('.')],
      ['an encrypted key part', [header, 'AAAA', iv, body, tag].join('.')],
      ['a changed IV', changePart(sealed, 2, b => ((b[0] = b[0]! ^ 1), b))],
      ['a changed ciphertext', changePart(sealed, 3, b => ((b[0] = b[0]! ^ 1), b))],
      ['a truncated tag', changePart(sealed, 4, b => b.subarray(0, b.length - 1))],
      ['four parts', [header, '', iv, body].join('.')],
      ['six parts', sealed + '.AAAA'],
      ['a non-canonical tag', [header, '', iv, body, lastFlipped(tag)].join('.')],
      ['a non-canonical IV', [header, '', lastFlipped(iv), body, tag].join('.')],
      ['padding', sealed + '='],
      [
        'standard base64',
        sealed.replace(/-/g, '+').replace(/_/g, '/') +
          (sealed.includes('-') || sealed.includes('_') ? '' : '+'),
      ],
      ['an overlong value', sealed + 'A'.repeat(5000)],
      ['the empty string', ''],
      ['a JWS', `${header}.${body}.${tag}`],
    ];
    for (const [name, value] of cases) {
      assert.notEqual(value, sealed, `${name}: the case did not change the value`);
      assert.equal(await openValue(session, value, MAX), null, name);
    }
  });

  it('openValue() refuses a value longer than the cap before opening it', async () => {
    const sealed = await sealValue(session, PAYLOAD);
    assert.deepEqual(await openValue(session, sealed, sealed.length), PAYLOAD);
    assert.equal(await openValue(session, sealed, sealed.length - 1), null);
  });
});
