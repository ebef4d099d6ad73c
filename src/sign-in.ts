import {createHash, randomBytes, timingSafeEqual} from 'node:crypto';
import type {SignIn} from './token-cookie.js';

const RANDOM_BYTES = 32;

/** A fresh state and PKCE verifier: 32 random bytes each, base64url (RFC 7636 §4.1, RFC 9700 §4.7.1). */
export function createSignIn(now: number = Date.now()): SignIn {
  return {
    state: randomBytes(RANDOM_BYTES).toString('base64url'),
    verifier: randomBytes(RANDOM_BYTES).toString('base64url'),
    createdAt: now,
  };
}

/** RFC 7636 §4.2: code_challenge = BASE64URL(SHA256(ASCII(code_verifier))). */
export function codeChallengeS256(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

/** Compares states in constant time (hashing first so lengths never leak or throw). */
export function statesMatch(expected: string, received: string): boolean {
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(received).digest();
  return timingSafeEqual(a, b);
}
