import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {takeRandomBytes} from '../src/random-pool.js';

describe('takeRandomBytes', () => {
  it('takeRandomBytes() never hands out the same bytes twice, across pool refills', () => {
    // 3,000 draws of 32 bytes cross the 4,096-byte pool about 23 times.
    const seen = new Set<string>();
    for (let i = 0; i < 3000; i++) seen.add(takeRandomBytes(32).toString('hex'));
    assert.equal(seen.size, 3000);
  });

  it('takeRandomBytes() returns copies: changing one does not change the next', () => {
    const a = takeRandomBytes(16);
    a.fill(0);
    const b = takeRandomBytes(16);
    assert.notDeepEqual(b, Buffer.alloc(16));
    assert.equal(a.buffer === b.buffer && a.byteOffset === b.byteOffset, false);
  });

  it('takeRandomBytes() gives exactly the size asked for, above the pool size too', () => {
    for (const size of [1, 12, 32, 4096, 5000]) assert.equal(takeRandomBytes(size).length, size);
  });

  it('takeRandomBytes() output looks uniform (each byte value within 6 sigma over 256 KiB)', () => {
    const counts = new Array<number>(256).fill(0);
    for (let i = 0; i < 8192; i++) for (const byte of takeRandomBytes(32)) counts[byte]! += 1;
    const expected = (8192 * 32) / 256;
    const sigma = Math.sqrt(expected);
    for (const count of counts) assert.ok(Math.abs(count - expected) < 6 * sigma, `${count}`);
  });
});
