import {createHash, randomBytes, timingSafeEqual} from 'node:crypto';
import {CodeChallengeMethod} from 'google-auth-library/build/src/auth/oauth2client.js';
import type {Config} from './config.js';
import {GMAIL_READONLY_SCOPE, type GoogleClients} from './oauth-client.js';
import type {SignIn, TokenCookies} from './token-cookie.js';

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

/** A random session id (128 bits), for binding CSRF tokens to one session. */
export function newSessionId(): string {
  return randomBytes(16).toString('base64url');
}

/** A new sign-in: the sign-in cookie to set and the consent-page URL to send the browser to. */
export async function startSignIn(
  config: Config,
  google: GoogleClients,
  cookies: TokenCookies,
  forceConsent = false,
): Promise<{readonly setCookie: string; readonly location: string}> {
  const signIn = {...createSignIn(), consentForced: forceConsent};
  return {
    setCookie: await cookies.sealSignIn(signIn),
    location: authorizationUrl(config, google, signIn.state, signIn.verifier, forceConsent),
  };
}

/**
 * The consent-page URL (RFC 6749 §4.1.1 with PKCE, RFC 7636 §4.3) from OAuth2Client's
 * generateAuthUrl: our client id and redirect URI, from config only. `forceConsent` adds
 * prompt=consent: Google then issues a refresh token again.
 */
export function authorizationUrl(
  config: Config,
  google: GoogleClients,
  state: string,
  verifier: string,
  forceConsent = false,
): string {
  return google.oauth2.generateAuthUrl({
    scope: GMAIL_READONLY_SCOPE,
    state,
    code_challenge: codeChallengeS256(verifier),
    code_challenge_method: CodeChallengeMethod.S256,
    ...(config.accessType === 'offline' ? {access_type: 'offline'} : {}),
    ...(forceConsent ? {prompt: 'consent'} : {}),
  });
}
