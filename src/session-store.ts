import type {Config} from './config.js';
import {isSessionUsable} from './oauth-client.js';
import {createSessionRefs} from './session-ref.js';
import {createTokenCookies, type Session, type TokenCookies} from './token-cookie.js';

/** Where sessions are kept: in the sealed cookie itself, or in Firestore behind a sealed id. */
export interface SessionStore {
  readonly kind: 'cookie' | 'firestore';
  /** After sign-in: keep the session; the Set-Cookie header to send, or null when it cannot be kept (too large). */
  create(session: Session, now?: number): Promise<string | null>;
  /** The request's session; null for none/ended/tampered/deleted. Throws StoreUnavailableError on an outage. */
  load(cookieHeader: string | undefined, now?: number): Promise<Session | null>;
  /**
   * After a refresh: keep the renewed tokens. 'ended' when the session is over; else the session
   * to use (another instance's, when it refreshed later) and a Set-Cookie to send, or null.
   */
  update(previous: Session, renewed: Session, now?: number): Promise<StoreUpdate | 'ended'>;
  /** Sign-out: forget it (firestore: delete the document). */
  remove(session: Session): Promise<void>;
  /** Keeps the account's address beside the session (firestore), for `npm run labels --email`. */
  recordEmail(sessionId: string, email: string): Promise<void>;
  /** The clearing Set-Cookie header. */
  clear(): string;
}

/** The outcome of SessionStore.update(): the session to go on with, and a cookie to send. */
export interface StoreUpdate {
  readonly session: Session;
  readonly setCookie: string | null;
}

/** The session store did not answer in time or failed: a 503, never a sign-out. Carries no secrets. */
export class StoreUnavailableError extends Error {
  constructor(
    /** What was asked: `load`, `create`, `update` or `remove`. */
    readonly operation: string,
    /** Why: `timeout`, or the store's error code (a gRPC status name or number). */
    readonly code: string,
  ) {
    super(`the session store did not complete ${operation} (${code})`);
    this.name = 'StoreUnavailableError';
  }
}

/**
 * The store of config.sessionStore. Firestore's client is imported here only in firestore mode,
 * so that cookie mode never loads it (its cold start and bundle stay as they were).
 */
export async function createSessionStore(
  config: Config,
  cookies: TokenCookies = cookiesFor(config),
): Promise<SessionStore> {
  if (config.sessionStore === 'cookie') return createCookieSessionStore(cookies);
  const {createFirestoreSessionStore} = await import('./firestore-sessions.js');
  return createFirestoreSessionStore(config, cookies);
}

/** Sessions sealed whole in the cookie (the default): nothing on the server. */
export function createCookieSessionStore(cookies: TokenCookies): SessionStore {
  return {
    kind: 'cookie',
    create: (session, now) => cookies.sealSession(session, now),
    load: (cookieHeader, now) => cookies.openSession(cookieHeader, now),
    async update(_previous, renewed, now) {
      const setCookie = await cookies.sealSession(renewed, now);
      return setCookie === null ? 'ended' : {session: renewed, setCookie};
    },
    remove: () => Promise.resolve(),
    recordEmail: () => Promise.resolve(),
    clear: () => cookies.clearSession(),
  };
}

/**
 * Whether the request's cookie may hold a session in use, for oauth2init's redirect. In firestore
 * mode only the sealed reference is checked, without reading the store: oauth2init then needs no
 * Firestore access, and a deleted session costs one redirect through listlabels, which clears it.
 */
export function createSignedInCheck(
  config: Config,
  cookies: TokenCookies = cookiesFor(config),
): (cookieHeader: string | undefined, now?: number) => Promise<boolean> {
  if (config.sessionStore === 'firestore') {
    const refs = createSessionRefs(config.cookieSecrets);
    return async (cookieHeader, now = Date.now()) =>
      (await refs.open(cookies.sessionCookieValue(cookieHeader), now)) !== null;
  }
  return async (cookieHeader, now = Date.now()) => {
    const session = await cookies.openSession(cookieHeader, now);
    return session !== null && isSessionUsable(session, now);
  };
}

/** The session and sign-in cookies of this configuration (keys derived here: build one per instance). */
export function cookiesFor(config: Config): TokenCookies {
  return createTokenCookies(config.cookieSecrets, config.secureCookies, config.sessionLifetimeMs);
}
