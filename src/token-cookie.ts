import {DEFAULT_SESSION_LIFETIME_MS} from './config-values.js';
import {parseCookie, stringifySetCookie, type SetCookie} from 'cookie';
import {deriveSealKeys, openValue, sealValue, type SealKeys} from './sealed-value.js';

/** What the session cookie carries: never the id_token, never more than listlabels needs. */
export interface Session {
  /** A random id, kept across refreshes: what the sign-out CSRF token is bound to. */
  readonly id: string;
  /** When the user signed in (ms since epoch), kept across refreshes: the session ends by then + its lifetime. */
  readonly signedInAt: number;
  readonly accessToken: string;
  /** When the access token expires (ms since epoch). */
  readonly expiresAt: number;
  /** The scopes Google granted, space-separated. */
  readonly scope: string;
  readonly refreshToken?: string | undefined;
}

/** What the short-lived sign-in cookie carries between oauth2init and oauth2callback. */
export interface SignIn {
  readonly state: string;
  readonly verifier: string;
  /** When the sign-in started (ms since epoch). */
  readonly createdAt: number;
  /** This sign-in already asked with prompt=consent (for a missing refresh token). */
  readonly consentForced?: boolean | undefined;
}

/** Seals, opens and clears the two cookies; build one per instance (keys are derived here). */
export interface TokenCookies {
  readonly sessionName: string;
  readonly signInName: string;
  /** The Set-Cookie header, or null when the tokens are too large for a cookie or the session is over. */
  sealSession(session: Session, now?: number): Promise<string | null>;
  openSession(cookieHeader: string | undefined, now?: number): Promise<Session | null>;
  clearSession(): string;
  /** A session cookie holding `value` (sealed by the caller); null when too large or over. */
  sessionCookie(value: string, maxAgeMs: number): string | null;
  /** The raw value of the session cookie, or null when there is none. */
  sessionCookieValue(cookieHeader: string | undefined): string | null;
  sealSignIn(signIn: SignIn): Promise<string>;
  openSignIn(cookieHeader: string | undefined, now?: number): Promise<SignIn | null>;
  clearSignIn(): string;
}

export const SIGN_IN_LIFETIME_MS = 10 * 60_000;
export {DEFAULT_SESSION_LIFETIME_MS};
/**
 * RFC 6265 §6.1: user agents keep cookies of at least 4096 bytes (name, value and attributes);
 * stay below, with room for the largest tokens Google documents in a compact JWE.
 */
export const MAX_SET_COOKIE_BYTES = 4000;
const MAX_VALUE_LENGTH = MAX_SET_COOKIE_BYTES;

/**
 * Builds the cookie functions; with `secure`, names get the `__Host-` prefix and `Secure`.
 * `sessionLifetimeMs` bounds a refreshable session, counted from its sign-in.
 */
export function createTokenCookies(
  secrets: readonly Buffer[],
  secure: boolean,
  sessionLifetimeMs: number = DEFAULT_SESSION_LIFETIME_MS,
): TokenCookies {
  // RFC 6265bis §4.1.3.2: a __Host- cookie must be Secure, Path=/ and have no Domain.
  const prefix = secure ? '__Host-' : '';
  const sessionName = `${prefix}oauth2_session`;
  const signInName = `${prefix}oauth2_signin`;
  const sessionKeys = deriveSealKeys(secrets, 'session');
  const signInKeys = deriveSealKeys(secrets, 'signin');
  const attributes = {
    httpOnly: true,
    sameSite: 'lax',
    path: '/',
    secure,
  } as const;

  const setCookie = (name: string, value: string, maxAgeMs: number): string | null => {
    const cookie: SetCookie = {
      name,
      value,
      ...attributes,
      maxAge: Math.max(0, Math.floor(maxAgeMs / 1000)),
    };
    const header = stringifySetCookie(cookie);
    return header.length > MAX_SET_COOKIE_BYTES ? null : header;
  };
  const clear = (name: string): string =>
    stringifySetCookie({
      name,
      value: '',
      ...attributes,
      maxAge: 0,
      expires: new Date(0),
    });

  return {
    sessionName,
    signInName,
    async sealSession(session, now = Date.now()) {
      const until = sessionUntil(session, sessionLifetimeMs);
      if (until <= now) return null;
      const payload = {
        i: session.id,
        t: session.signedInAt,
        a: session.accessToken,
        e: session.expiresAt,
        s: session.scope,
        r: session.refreshToken,
        x: until,
      };
      return setCookie(sessionName, await sealValue(sessionKeys, payload), until - now);
    },
    async openSession(cookieHeader, now = Date.now()) {
      const payload = await openCookie(sessionKeys, cookieHeader, sessionName, now);
      if (payload === null) return null;
      const {i, t, a, e, s, r} = payload;
      if (typeof i !== 'string' || typeof a !== 'string' || typeof t !== 'number') return null;
      if (typeof e !== 'number' || typeof s !== 'string') return null;
      if (r !== undefined && typeof r !== 'string') return null;
      // A lifetime shortened by configuration applies to sessions sealed before the change.
      if (t + sessionLifetimeMs <= now) return null;
      return {id: i, signedInAt: t, accessToken: a, expiresAt: e, scope: s, refreshToken: r};
    },
    clearSession: () => clear(sessionName),
    sessionCookie: (value, maxAgeMs) =>
      maxAgeMs <= 0 ? null : setCookie(sessionName, value, maxAgeMs),
    sessionCookieValue: cookieHeader =>
      typeof cookieHeader === 'string' && cookieHeader !== ''
        ? (parseCookie(cookieHeader)[sessionName] ?? null)
        : null,
    async sealSignIn(signIn) {
      const until = signIn.createdAt + SIGN_IN_LIFETIME_MS;
      const payload = {
        s: signIn.state,
        v: signIn.verifier,
        t: signIn.createdAt,
        p: signIn.consentForced === true ? 1 : undefined,
        x: until,
      };
      const sealed = await sealValue(signInKeys, payload);
      const header = setCookie(signInName, sealed, SIGN_IN_LIFETIME_MS);
      if (header === null)
        throw new Error('the sign-in cookie has a fixed size; it cannot overflow');
      return header;
    },
    async openSignIn(cookieHeader, now = Date.now()) {
      const payload = await openCookie(signInKeys, cookieHeader, signInName, now);
      if (payload === null) return null;
      const {s, v, t, p} = payload;
      if (typeof s !== 'string' || typeof v !== 'string' || typeof t !== 'number') return null;
      return {state: s, verifier: v, createdAt: t, consentForced: p === 1};
    },
    clearSignIn: () => clear(signInName),
  };
}

/**
 * When a session ends: an absolute lifetime from its sign-in (a refresh renews the access token,
 * never the session's end); without a refresh token, when its access token expires.
 */
export function sessionUntil(
  session: Pick<Session, 'signedInAt' | 'expiresAt' | 'refreshToken'>,
  sessionLifetimeMs: number,
): number {
  const end = session.signedInAt + sessionLifetimeMs;
  return session.refreshToken ? end : Math.min(session.expiresAt, end);
}

/** Reads one cookie and opens it; null unless it is ours, intact and unexpired. */
async function openCookie(
  keys: SealKeys,
  cookieHeader: string | undefined,
  name: string,
  now: number,
): Promise<Record<string, unknown> | null> {
  if (typeof cookieHeader !== 'string' || cookieHeader === '') return null;
  const value = parseCookie(cookieHeader)[name];
  if (value === undefined) return null;
  const payload = await openValue(keys, value, MAX_VALUE_LENGTH);
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return null;
  const fields: Record<string, unknown> = {...payload};
  if (typeof fields.x !== 'number' || fields.x <= now) return null;
  return fields;
}
