import {createHash} from 'node:crypto';
import type {Config} from './config.js';
import {googleAnswerOf} from './google-errors.js';
import {GMAIL_READONLY_SCOPE, hasScope, type GoogleClients} from './oauth-client.js';

/** What tokeninfo says of a bearer token, as far as listlabels needs to know. */
export type TokenCheck =
  | {readonly ok: true; readonly scope: string; readonly expiresAt: number}
  | {readonly ok: false; readonly reason: 'invalid_token' | 'insufficient_scope' | 'unavailable'};

/** Checks bearer tokens with Google's tokeninfo endpoint, caching good answers briefly. */
export interface TokenValidator {
  check(token: string): Promise<TokenCheck>;
}

/** How long a good answer is reused, and how many are kept, per instance. */
export const TOKEN_CACHE_TTL_MS = 60_000;
export const TOKEN_CACHE_MAX_ENTRIES = 1000;
/**
 * How long a refusal (invalid_token, insufficient_scope) is reused, and how many are kept: a
 * client repeating a bad token costs one tokeninfo call per period, not one per request.
 */
export const REFUSAL_CACHE_TTL_MS = 30_000;
export const REFUSAL_CACHE_MAX_ENTRIES = 1000;

interface Entry {
  readonly check: TokenCheck;
  readonly until: number;
}

/**
 * A validator for this instance. A token must be unexpired, issued to our client (`aud`, so a
 * token minted for another app is refused) and carry gmail.readonly. Two bounded caches, keyed
 * by a hash of the token: good answers (never past the token's expiry) and refusals. "Google
 * did not answer" is never cached.
 */
export function createTokenValidator(config: Config, google: GoogleClients): TokenValidator {
  const accepted = new Map<string, Entry>();
  const refused = new Map<string, Entry>();
  return {
    async check(token) {
      const key = createHash('sha256').update(token).digest('base64url');
      const now = Date.now();
      const hit = accepted.get(key) ?? refused.get(key);
      if (hit !== undefined && hit.until > now) return hit.check;
      accepted.delete(key);
      refused.delete(key);
      const check = await checkWithGoogle(config, google, token, now);
      if (check.ok) {
        remember(accepted, TOKEN_CACHE_MAX_ENTRIES, key, {
          check,
          until: Math.min(now + TOKEN_CACHE_TTL_MS, check.expiresAt),
        });
      } else if (check.reason !== 'unavailable') {
        remember(refused, REFUSAL_CACHE_MAX_ENTRIES, key, {
          check,
          until: now + REFUSAL_CACHE_TTL_MS,
        });
      }
      return check;
    },
  };
}

/** Adds an entry, dropping the oldest when the cache is full. */
function remember(cache: Map<string, Entry>, max: number, key: string, entry: Entry): void {
  if (cache.size >= max) cache.delete(cache.keys().next().value ?? '');
  cache.set(key, entry);
}

async function checkWithGoogle(
  config: Config,
  google: GoogleClients,
  token: string,
  now: number,
): Promise<TokenCheck> {
  const info = await fetchTokenInfo(google, token);
  if (info === 'invalid' || info === 'unavailable') {
    return {ok: false, reason: info === 'invalid' ? 'invalid_token' : 'unavailable'};
  }
  if (info.aud !== config.clientId || info.expiresAt <= now) {
    return {ok: false, reason: 'invalid_token'};
  }
  if (!hasScope(info.scope, GMAIL_READONLY_SCOPE)) return {ok: false, reason: 'insufficient_scope'};
  return {ok: true, scope: info.scope, expiresAt: info.expiresAt};
}

interface TokenInfo {
  readonly aud: string;
  readonly scope: string;
  readonly expiresAt: number;
}

/**
 * Asks tokeninfo about a token with OAuth2Client.getTokenInfo (a POST with the token in the
 * Authorization header, so it never sits in a URL or an access log); 'invalid' or
 * 'unavailable' when it cannot say.
 */
async function fetchTokenInfo(
  google: GoogleClients,
  token: string,
): Promise<TokenInfo | 'invalid' | 'unavailable'> {
  let info: unknown;
  try {
    info = await google.oauth2.getTokenInfo(token);
  } catch (error) {
    const answer = googleAnswerOf(error);
    // No answer, or a 200 the library could not read (getTokenInfo throws a TypeError on a
    // body without `scope`: a proxy page, not Google): we cannot say, so the caller retries.
    if (answer === null) return 'unavailable';
    if (answer.status === 429 || answer.status >= 500) return 'unavailable';
    // RFC 6750: a 4xx is invalid_token, whatever the body says.
    return 'invalid';
  }
  if (typeof info !== 'object' || info === null) return 'invalid';
  const aud: unknown = Reflect.get(info, 'aud');
  const scope: unknown = Reflect.get(info, 'scopes');
  const exp: unknown = Reflect.get(info, 'exp'); // seconds since epoch, as a string
  if (typeof aud !== 'string' || !Array.isArray(scope)) return 'invalid';
  if (typeof exp !== 'string' || !/^\d{1,12}$/.test(exp)) return 'invalid';
  return {aud, scope: scope.join(' '), expiresAt: Number(exp) * 1000};
}
