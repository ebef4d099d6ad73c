import {randomFillSync} from 'node:crypto';

// Each synchronous randomBytes() call is a trip into OpenSSL costing microseconds (a sign-in
// needs three: state and verifier, the cookie's IV). One fill serves dozens of requests, as
// Node's own randomUUID() cache does. Every byte is handed out once and wiped from the pool.
const POOL_BYTES = 4096;
const pool = Buffer.alloc(POOL_BYTES);
let offset = POOL_BYTES;

/** `size` bytes from the CSPRNG (node:crypto), never handed out twice. */
export function takeRandomBytes(size: number): Buffer {
  if (size > POOL_BYTES) return randomFillSync(Buffer.alloc(size));
  if (offset + size > POOL_BYTES) {
    randomFillSync(pool);
    offset = 0;
  }
  const bytes = Buffer.from(pool.subarray(offset, offset + size));
  pool.fill(0, offset, offset + size);
  offset += size;
  return bytes;
}
