import {createHash} from 'node:crypto';

/** A fixed, random-looking 32-byte key for tests, named by `seed` (one repeated byte is refused). */
export function testKey(seed: string): Buffer {
  return createHash('sha256').update(`test cookie key: ${seed}`).digest();
}
