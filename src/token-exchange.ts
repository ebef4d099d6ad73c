import type {Credentials} from 'google-auth-library/build/src/auth/credentials.js';
import {googleAnswerOf} from './google-errors.js';
import {GMAIL_READONLY_SCOPE, type GoogleClients} from './oauth-client.js';
import {parseRetryAfter, retryAfterSeconds} from './retry-after.js';
import type {Session} from './token-cookie.js';

/** Tokens from a token request: what a session holds (any id_token is dropped here). */
export type GrantedTokens = Omit<Session, 'id' | 'signedInAt'>;

/** The outcome of a token request: expected failures are values, not exceptions. */
export type ExchangeResult =
  | {readonly ok: true; readonly tokens: GrantedTokens}
  | {
      readonly ok: false;
      /** invalid_grant: code used, expired or verifier wrong; rejected: our client is refused; unavailable: Google did not answer usefully. */
      readonly reason: 'invalid_grant' | 'rejected' | 'unavailable';
      readonly status: number | null;
      readonly error: string | null;
      /** When to try again, in seconds: Google's Retry-After, else a default. */
      readonly retryAfterSeconds: number;
    };

// Google: access tokens up to 2048 bytes, refresh tokens up to 512 (token-types doc).
const MAX_ACCESS_TOKEN_LENGTH = 2048;
const MAX_REFRESH_TOKEN_LENGTH = 512;
const MAX_SCOPE_LENGTH = 1024;
const MAX_LIFETIME_MS = 86_400_000;
const OAUTH_ERROR_CODE = /^[a-z_]{1,64}$/;

/**
 * Redeems an authorization code with its PKCE verifier (RFC 6749 §4.1.3, RFC 7636 §4.5) through
 * OAuth2Client.getToken. Exactly one request: a code is single-use, so a failed exchange is never
 * retried (safeTransportOptions turns off the library's retries).
 */
export function exchangeCode(
  google: GoogleClients,
  code: string,
  verifier: string,
): Promise<ExchangeResult> {
  const request = google.oauth2.getToken({code, codeVerifier: verifier}).then(({tokens}) => tokens);
  return settle(request, GMAIL_READONLY_SCOPE);
}

// Refreshes in this instance, by refresh token: those under way, and for a few seconds the
// finished ones, so requests that still carry the old cookie share the new token.
const refreshesInFlight = new Map<string, Promise<ExchangeResult>>();
const recentRefreshes = new Map<
  string,
  {readonly result: ExchangeResult; readonly until: number}
>();
const REUSE_REFRESH_MS = 10_000;
const MAX_RECENT_REFRESHES = 1000;

/**
 * Gets a new access token with the session's refresh token (RFC 6749 §6), in one request, with
 * a client made for this session alone. Calls for the same session in this instance share it
 * (single flight), including calls that arrive within seconds after it finished.
 */
export function refreshAccessToken(
  google: GoogleClients,
  session: Session,
): Promise<ExchangeResult> {
  const refreshToken = session.refreshToken;
  if (refreshToken === undefined) throw new Error('refreshAccessToken() needs a refresh token');
  const recent = recentRefreshes.get(refreshToken);
  if (recent !== undefined && recent.until > Date.now()) return Promise.resolve(recent.result);
  recentRefreshes.delete(refreshToken);
  const inFlight = refreshesInFlight.get(refreshToken);
  if (inFlight !== undefined) return inFlight;
  const request = settle(refreshWithClient(google, refreshToken), session.scope)
    .then((result): ExchangeResult => {
      if (!result.ok) return result;
      // Google usually keeps the refresh token; it sends a new one only when it rotates it.
      const tokens = {...result.tokens, refreshToken: result.tokens.refreshToken ?? refreshToken};
      rememberRefresh(refreshToken, {ok: true, tokens});
      return {ok: true, tokens};
    })
    .finally(() => refreshesInFlight.delete(refreshToken));
  refreshesInFlight.set(refreshToken, request);
  return request;
}

/** The token response of a refresh, as Google sent it (a rotated refresh token included). */
async function refreshWithClient(
  google: GoogleClients,
  refreshToken: string,
): Promise<Credentials> {
  const client = google.forUser({refresh_token: refreshToken});
  // getAccessToken() then overwrites the refresh token with the one it had (oauth2client.js
  // refreshAccessTokenAsync); the 'tokens' event sees Google's answer first.
  let issued: Credentials = {};
  client.on('tokens', (tokens: Credentials) => (issued = {...tokens}));
  await client.getAccessToken();
  return issued;
}

function rememberRefresh(refreshToken: string, result: ExchangeResult & {ok: true}): void {
  // Never hand out a token in its last seconds.
  const until = Math.min(Date.now() + REUSE_REFRESH_MS, result.tokens.expiresAt - 5_000);
  if (until <= Date.now()) return;
  if (recentRefreshes.size >= MAX_RECENT_REFRESHES) {
    recentRefreshes.delete(recentRefreshes.keys().next().value ?? '');
  }
  recentRefreshes.set(refreshToken, {result, until});
}

/** A token request's outcome as a value; the error itself (it knows the request) goes no further. */
async function settle(request: Promise<unknown>, requestedScope: string): Promise<ExchangeResult> {
  let response: unknown;
  try {
    response = await request;
  } catch (error) {
    const answer = googleAnswerOf(error);
    // No answer, or one that is not JSON (a proxy page, a cut body): Google was not reachable.
    if (answer === null || answer.json === undefined) return failure('unavailable', null, null);
    return classifyError(answer.status, answer.json, answer.retryAfter);
  }
  const tokens = parseTokenResponse(response, Date.now(), requestedScope);
  return tokens === null ? failure('unavailable', 200, null) : {ok: true, tokens};
}

function classifyError(status: number, json: unknown, retryAfter: string | null): ExchangeResult {
  const error =
    typeof json === 'object' && json !== null && 'error' in json && typeof json.error === 'string'
      ? json.error
      : null;
  const code = error !== null && OAUTH_ERROR_CODE.test(error) ? error : null;
  // RFC 6749 §5.2: invalid_grant covers used, expired and mismatched codes and verifiers.
  if (status === 400 && code === 'invalid_grant') return failure('invalid_grant', status, code);
  if (status === 429 || status >= 500) {
    return failure('unavailable', status, code, parseRetryAfter(retryAfter));
  }
  return failure('rejected', status, code);
}

function failure(
  reason: 'invalid_grant' | 'rejected' | 'unavailable',
  status: number | null,
  error: string | null,
  retryAfterMs: number | null = null,
): ExchangeResult {
  return {ok: false, reason, status, error, retryAfterSeconds: retryAfterSeconds(retryAfterMs)};
}

/**
 * Validates a token response (RFC 6749 §5.1) as google-auth-library hands it over (`expires_in`
 * turned into `expiry_date`); null when it is not one we can use.
 */
export function parseTokenResponse(
  json: unknown,
  now: number,
  requestedScope: string = GMAIL_READONLY_SCOPE,
): GrantedTokens | null {
  if (typeof json !== 'object' || json === null) return null;
  const field = (name: string): unknown => {
    const value: unknown = Object.hasOwn(json, name) ? Reflect.get(json, name) : undefined;
    return value;
  };
  const accessToken = field('access_token');
  const tokenType = field('token_type');
  const expiresAt = field('expiry_date');
  const scope = field('scope') ?? requestedScope; // §5.1: omitted scope means as requested
  const refreshToken = field('refresh_token') ?? undefined;
  if (!isToken(accessToken, MAX_ACCESS_TOKEN_LENGTH)) return null;
  if (typeof tokenType !== 'string' || tokenType.toLowerCase() !== 'bearer') return null; // §7.1
  if (typeof expiresAt !== 'number' || !Number.isFinite(expiresAt)) return null;
  if (expiresAt <= now || expiresAt > now + MAX_LIFETIME_MS) return null;
  if (typeof scope !== 'string' || scope.length > MAX_SCOPE_LENGTH) return null;
  if (refreshToken !== undefined && !isToken(refreshToken, MAX_REFRESH_TOKEN_LENGTH)) return null;
  return {accessToken, expiresAt, scope, refreshToken};
}

function isToken(value: unknown, maxLength: number): value is string {
  // RFC 6750 §2.1 b64token characters, bounded so the session cookie stays small.
  return (
    typeof value === 'string' && value.length <= maxLength && /^[A-Za-z0-9\-._~+/]+=*$/.test(value)
  );
}

/**
 * Revokes a token at Google (RFC 7009 §2.1; revoking either token of a grant ends the grant),
 * posted through our client's transporter with the token in the form body. The library's own
 * revokeToken() puts it in the URL's query, where proxies and access logs keep it.
 * True when Google confirmed it; false on any failure (the caller signs out regardless).
 */
export async function revokeToken(google: GoogleClients, token: string): Promise<boolean> {
  try {
    await google.oauth2.transporter.request({
      method: 'POST',
      url: google.endpoints.revoke,
      data: new URLSearchParams({token}),
    });
    return true;
  } catch {
    return false;
  }
}
