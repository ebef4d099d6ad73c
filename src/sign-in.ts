import {createHash, timingSafeEqual} from 'node:crypto';
import type {Config} from './config.js';
import {takeRandomBytes} from './random-pool.js';
import {buildAuthorizationUrl, type GoogleEndpoints} from './oauth-client.js';
import type {SignIn, TokenCookies} from './token-cookie.js';

const RANDOM_BYTES = 32;

/** A fresh state and PKCE verifier: 32 random bytes each, base64url (RFC 7636 §4.1, RFC 9700 §4.7.1). */
export function createSignIn(now: number = Date.now()): SignIn {
  return {
    state: takeRandomBytes(RANDOM_BYTES).toString('base64url'),
    verifier: takeRandomBytes(RANDOM_BYTES).toString('base64url'),
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

/** A random session id (128 bits), for binding CSRF tokens to one session. */
export function newSessionId(): string {
  return takeRandomBytes(16).toString('base64url');
}

/** A new sign-in: the sign-in cookie to set and the consent-page URL to send the browser to. */
export function startSignIn(
  config: Config,
  endpoints: GoogleEndpoints,
  cookies: TokenCookies,
  forceConsent = false,
): {readonly setCookie: string; readonly location: string} {
  const signIn = {...createSignIn(), consentForced: forceConsent};
  const codeChallenge = codeChallengeS256(signIn.verifier);
  return {
    setCookie: cookies.sealSignIn(signIn),
    location: buildAuthorizationUrl(config, endpoints, {
      state: signIn.state,
      codeChallenge,
      forceConsent,
    }),
  };
}
