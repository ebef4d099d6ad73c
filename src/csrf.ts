import {createHmac, timingSafeEqual} from 'node:crypto';
import {deriveSealKeys} from './sealed-value.js';

/** CSRF tokens bound to a session id (OWASP CSRF cheat sheet: "HMAC based token pattern"). */
export interface Csrf {
  tokenFor(sessionId: string): string;
  verify(sessionId: string, token: unknown): boolean;
}

/** Builds CSRF tokens from the cookie secrets (own HKDF purpose; any key of the ring verifies). */
export function createCsrf(secrets: readonly Buffer[]): Csrf {
  const keys = deriveSealKeys(secrets, 'csrf').keys.map(entry => entry.key);
  const sign = (key: Buffer, sessionId: string): Buffer =>
    createHmac('sha256', key).update(`signout:${sessionId}`).digest();
  return {
    tokenFor: sessionId => sign(keys[0]!, sessionId).toString('base64url'),
    verify(sessionId, token) {
      if (typeof token !== 'string' || !/^[A-Za-z0-9_-]{43}$/.test(token)) return false;
      const given = Buffer.from(token, 'base64url');
      // Canonical spelling only (RFC 4648 §3.5): the last character's two unused bits must be zero.
      if (given.toString('base64url') !== token) return false;
      return keys.some(key => timingSafeEqual(sign(key, sessionId), given));
    },
  };
}
