import {Firestore, Timestamp, type DocumentData, type Settings} from '@google-cloud/firestore';
import {PassThroughClient} from 'google-auth-library/build/src/auth/passthrough.js';
import type {Config, FirestoreTarget} from './config.js';
import {deriveSealKeys, openValue, sealValue, type SealKeys} from './sealed-value.js';
import {createSessionRefs} from './session-ref.js';
import {StoreUnavailableError, type SessionStore, type StoreUpdate} from './session-store.js';
import {sessionUntil, type Session, type TokenCookies} from './token-cookie.js';

/** The collection holding one document per session, named by the session's id. */
export const SESSIONS_COLLECTION = 'oauth2_sessions';
const MAX_CACHED_SESSIONS = 10_000;
// A sealed {a, r}: Google's largest tokens (2048 + 512) plus the JWE's overhead.
const MAX_SEALED_TOKENS_LENGTH = 4096;
// Enough for a refresh racing other instances' writes; an outage ends at the deadline.
const WRITE_ATTEMPTS = 5;
// gRPC NOT_FOUND and FAILED_PRECONDITION: the document was deleted or changed since it was read.
const CHANGED_SINCE_READ = [5, 9];

/**
 * Settings for the Firestore client, chosen rather than inherited (docs/google-libraries.md):
 * - preferRest: HTTP/1.1 instead of gRPC, which spares loading grpc-js at a cold start and gives
 *   up on a refused connection in 10 s rather than 45 s (measured) in the background;
 * - ignoreUndefinedProperties: a session without a refresh token has no `r`, not an error;
 * - with the emulator, a client that sends no credentials: Google's default credentials would
 *   look for a metadata server (a network lookup) and send a real token to the emulator.
 */
export function firestoreSettings(target: FirestoreTarget): Settings {
  const base: Settings = {
    projectId: target.projectId,
    databaseId: target.databaseId,
    preferRest: true,
    ignoreUndefinedProperties: true,
  };
  if (target.emulatorHost === null) return base;
  return {...base, host: target.emulatorHost, ssl: false, authClient: new PassThroughClient()};
}

/** Sessions in Firestore: the cookie holds a sealed id, the document the sealed tokens. */
export function createFirestoreSessionStore(config: Config, cookies: TokenCookies): SessionStore {
  if (config.firestore === null) throw new Error('firestore mode needs config.firestore');
  const db = new Firestore(firestoreSettings(config.firestore));
  const collection = db.collection(SESSIONS_COLLECTION);
  const refs = createSessionRefs(config.cookieSecrets);
  const tokenKeys = storedTokenKeys(config.cookieSecrets);
  const cache = new Map<string, {readonly session: Session; readonly until: number}>();
  const deadline = <T>(operation: string, work: Promise<T>): Promise<T> =>
    withDeadline(operation, work, config.storeTimeoutMs);
  const remember = (session: Session, now: number): void => {
    if (config.sessionCacheMs <= 0) return;
    cache.delete(session.id);
    if (cache.size >= MAX_CACHED_SESSIONS) cache.delete(cache.keys().next().value ?? '');
    cache.set(session.id, {session, until: now + config.sessionCacheMs});
  };
  const read = (id: string, data: DocumentData | undefined, now: number): Promise<Session | null> =>
    readSession(tokenKeys, id, data, now, config.sessionLifetimeMs);

  const updatesInFlight = new Map<string, Promise<StoreUpdate | 'ended'>>();
  const updateStored = async (
    previous: Session,
    renewed: Session,
    now: number,
  ): Promise<StoreUpdate | 'ended'> => {
    const outcome = await deadline('update', writeIfNewer(previous, renewed, now));
    if (outcome === 'ended') cache.delete(previous.id);
    else remember(outcome.session, now);
    return outcome;
  };
  // A read, then a write on condition that the document is as read (its update time); when
  // another instance wrote in between, read again. A transaction would lock the document: two
  // instances refreshing at once then wait on each other's lock (about 3 s on the emulator,
  // measured), past storeTimeoutMs, and one of them answers 503.
  const writeIfNewer = async (
    previous: Session,
    renewed: Session,
    now: number,
  ): Promise<StoreUpdate | 'ended'> => {
    const doc = collection.doc(previous.id);
    for (let attempt = 1; ; attempt++) {
      const snapshot = await doc.get();
      const stored = await read(previous.id, snapshot.data(), now);
      if (stored === null || snapshot.updateTime === undefined) return 'ended';
      // Another instance refreshed meanwhile and got a token that lasts longer: keep theirs.
      if (stored.expiresAt > renewed.expiresAt) return {session: stored, setCookie: null};
      try {
        await doc.update(await tokenFields(tokenKeys, renewed, now), {
          lastUpdateTime: snapshot.updateTime,
        });
        return {session: renewed, setCookie: null};
      } catch (error) {
        if (!changedSinceRead(error) || attempt >= WRITE_ATTEMPTS) throw error;
      }
    }
  };

  return {
    kind: 'firestore',
    async create(session, now = Date.now()) {
      const until = sessionUntil(session, config.sessionLifetimeMs);
      const setCookie = cookies.sessionCookie(
        await refs.seal({id: session.id, until}),
        until - now,
      );
      if (setCookie === null) return null;
      const document = {
        signedInAt: Timestamp.fromMillis(session.signedInAt),
        // The field of the TTL policy: Firestore deletes the document some time after it.
        expireAt: Timestamp.fromMillis(until),
        email: null,
        ...(await tokenFields(tokenKeys, session, now)),
      };
      await deadline('create', collection.doc(session.id).create(document));
      remember(session, now);
      return setCookie;
    },
    async load(cookieHeader, now = Date.now()) {
      const ref = await refs.open(cookies.sessionCookieValue(cookieHeader), now);
      if (ref === null) return null;
      const cached = cache.get(ref.id);
      if (cached !== undefined && cached.until > now) return cached.session;
      cache.delete(ref.id);
      const snapshot = await deadline('load', collection.doc(ref.id).get());
      const session = await read(ref.id, snapshot.data(), now);
      if (session !== null) remember(session, now);
      return session;
    },
    update(previous, renewed, now = Date.now()) {
      // Every request that joined one refresh (token-exchange.ts's single flight) brings the same
      // renewed token: they share one write. One each on the same document contend for it
      // and time out (measured: 25 at once on the emulator, all past storeTimeoutMs).
      const cached = cache.get(previous.id);
      if (
        cached !== undefined &&
        cached.until > now &&
        cached.session.expiresAt >= renewed.expiresAt
      ) {
        return Promise.resolve({session: cached.session, setCookie: null});
      }
      const key = `${previous.id} ${renewed.accessToken}`;
      let pending = updatesInFlight.get(key);
      if (pending === undefined) {
        pending = updateStored(previous, renewed, now).finally(() => updatesInFlight.delete(key));
        updatesInFlight.set(key, pending);
      }
      return pending;
    },
    async remove(session) {
      cache.delete(session.id);
      await deadline('remove', collection.doc(session.id).delete());
    },
    async recordEmail(sessionId, email) {
      // update(), not set(): a document deleted meanwhile (signed out) stays deleted.
      const fields = {email: normalizeEmail(email)};
      await deadline('record_email', collection.doc(sessionId).update(fields));
    },
    clear: () => cookies.clearSession(),
  };
}

/** The fields a refresh rewrites: both tokens sealed with the cookie key, never in clear. */
async function tokenFields(keys: SealKeys, session: Session, now: number): Promise<DocumentData> {
  return {
    tokens: await sealValue(keys, {a: session.accessToken, r: session.refreshToken}),
    expiresAt: session.expiresAt,
    scope: session.scope,
    updatedAt: Timestamp.fromMillis(now),
  };
}

/** A session document as a Session; null when missing, malformed, not ours or over. */
export async function readSession(
  keys: SealKeys,
  id: string,
  data: DocumentData | undefined,
  now: number,
  sessionLifetimeMs: number,
): Promise<Session | null> {
  if (data === undefined) return null;
  const {signedInAt, expireAt, expiresAt, scope, tokens} = data;
  if (!(signedInAt instanceof Timestamp) || !(expireAt instanceof Timestamp)) return null;
  if (typeof expiresAt !== 'number' || typeof scope !== 'string' || typeof tokens !== 'string') {
    return null;
  }
  // A TTL policy deletes expired documents within a day or so, not at once: check here too.
  if (expireAt.toMillis() <= now || signedInAt.toMillis() + sessionLifetimeMs <= now) return null;
  const sealed = await openValue(keys, tokens, MAX_SEALED_TOKENS_LENGTH);
  if (typeof sealed !== 'object' || sealed === null) return null;
  const a: unknown = Reflect.get(sealed, 'a');
  const r: unknown = Reflect.get(sealed, 'r');
  if (typeof a !== 'string' || (r !== undefined && typeof r !== 'string')) return null;
  return {
    id,
    signedInAt: signedInAt.toMillis(),
    accessToken: a,
    expiresAt,
    scope,
    refreshToken: r,
  };
}

/**
 * Runs one call to Firestore within `ms`; any failure becomes a StoreUnavailableError. The
 * library has no per-call deadline and retries a refused connection for 10 s (reads) to minutes
 * (writes): the user gets the 503 at the deadline while its attempt ends in the background.
 */
export async function withDeadline<T>(operation: string, work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new StoreUnavailableError(operation, 'timeout')), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } catch (error) {
    if (error instanceof StoreUnavailableError) throw error;
    // Only the gRPC status code goes on: the message names the document (the session id).
    throw new StoreUnavailableError(operation, statusCodeOf(error));
  } finally {
    clearTimeout(timer);
  }
}

function statusCodeOf(error: unknown): string {
  const code = typeof error === 'object' && error !== null ? Reflect.get(error, 'code') : null;
  return typeof code === 'number' && Number.isInteger(code) ? `grpc_${code}` : 'error';
}

function changedSinceRead(error: unknown): boolean {
  const code: unknown =
    typeof error === 'object' && error !== null ? Reflect.get(error, 'code') : null;
  return typeof code === 'number' && CHANGED_SINCE_READ.includes(code);
}

/** The keys sealing a document's tokens, for readers of the collection outside the store. */
export function storedTokenKeys(secrets: readonly Buffer[]): SealKeys {
  return deriveSealKeys(secrets, 'stored-tokens');
}

/**
 * Gmail addresses are case-insensitive, so the field holds them in lower case: a lookup by
 * `Ada@Example.com` finds the session of `ada@example.com`.
 */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}
