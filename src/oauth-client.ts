import type {Config} from './config.js';
import type {Session} from './token-cookie.js';

/** The one scope we ask for. */
export const GMAIL_READONLY_SCOPE = 'https://www.googleapis.com/auth/gmail.readonly';
/** Google's issuer identifier, sent as `iss` on the authorization response (RFC 9207). */
export const GOOGLE_ISSUER = 'https://accounts.google.com';
/**
 * A session's access token counts as expiring this long before it does (google-auth-library's
 * eagerRefreshThresholdMillis, 5 minutes): it is then refreshed, or without a refresh token the
 * user signs in again, so no request reaches Gmail with a token about to lapse.
 */
export const EAGER_REFRESH_MS = 5 * 60_000;

/** Where each Google endpoint is, for real Google or the emulator (same paths). */
export interface GoogleEndpoints {
  readonly authorize: string;
  readonly token: string;
  readonly revoke: string;
  readonly tokeninfo: string;
  readonly gmailRoot: string;
  readonly issuer: string;
}

/** Google's endpoints, or the same paths at the emulator's origin. */
export function googleEndpoints(emulatorUrl: string | null): GoogleEndpoints {
  if (emulatorUrl !== null) {
    return Object.freeze({
      authorize: `${emulatorUrl}/o/oauth2/v2/auth`,
      token: `${emulatorUrl}/token`,
      revoke: `${emulatorUrl}/revoke`,
      tokeninfo: `${emulatorUrl}/tokeninfo`,
      gmailRoot: `${emulatorUrl}/`,
      issuer: emulatorUrl,
    });
  }
  // https://accounts.google.com/.well-known/openid-configuration
  return Object.freeze({
    authorize: 'https://accounts.google.com/o/oauth2/v2/auth',
    token: 'https://oauth2.googleapis.com/token',
    revoke: 'https://oauth2.googleapis.com/revoke',
    tokeninfo: 'https://oauth2.googleapis.com/tokeninfo',
    gmailRoot: 'https://gmail.googleapis.com/',
    issuer: GOOGLE_ISSUER,
  });
}

/**
 * The consent-page URL (RFC 6749 §4.1.1 with PKCE, RFC 7636 §4.3); built from config only.
 * `forceConsent` adds prompt=consent: Google then issues a refresh token again.
 */
export function buildAuthorizationUrl(
  config: Config,
  endpoints: GoogleEndpoints,
  request: {state: string; codeChallenge: string; forceConsent?: boolean},
): string {
  // Each value percent-encoded on its own: about half the cost of URLSearchParams, per request.
  const params: [string, string][] = [
    ['client_id', config.clientId],
    ['redirect_uri', config.redirectUri],
    ['response_type', 'code'],
    ['scope', GMAIL_READONLY_SCOPE],
    ['state', request.state],
    ['code_challenge', request.codeChallenge],
    ['code_challenge_method', 'S256'],
  ];
  if (config.accessType === 'offline') params.push(['access_type', 'offline']);
  if (request.forceConsent) params.push(['prompt', 'consent']);
  const query = params.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
  return `${endpoints.authorize}?${query}`;
}

/** True when a space-separated scope string (RFC 6749 §3.3) contains `scope`. */
export function hasScope(granted: string, scope: string): boolean {
  return granted.split(' ').includes(scope);
}

/** True when the access token expires within EAGER_REFRESH_MS (refresh it, or sign in again). */
export function isExpiring(session: Session, now: number): boolean {
  return session.expiresAt - EAGER_REFRESH_MS <= now;
}

/** True when the session has the scope and either a fresh access token or a refresh token. */
export function isSessionUsable(session: Session, now: number): boolean {
  if (!hasScope(session.scope, GMAIL_READONLY_SCOPE)) return false;
  return session.refreshToken !== undefined || !isExpiring(session, now);
}
