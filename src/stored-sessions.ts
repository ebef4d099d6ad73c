import {Firestore, Timestamp, type QueryDocumentSnapshot} from '@google-cloud/firestore';
import type {Config} from './config.js';
import {
  SESSIONS_COLLECTION,
  firestoreSettings,
  normalizeEmail,
  readSession,
  storedTokenKeys,
  withDeadline,
} from './firestore-sessions.js';
import {isSessionUsable} from './oauth-client.js';
import type {Session} from './token-cookie.js';

/** Which stored session: a document id, or the account's address (the `email` field). */
export type SessionLookup = {readonly id: string} | {readonly email: string};

/** What a lookup found: a usable session, only ended ones, or no document at all. */
export type FoundSession =
  | {readonly kind: 'found'; readonly session: Session}
  | {readonly kind: 'ended'}
  | {readonly kind: 'none'};

/** The session documents read and written outside a request (offline access, the address). */
export interface StoredSessions {
  /** By id, or the most recently updated usable session of an address. Throws StoreUnavailableError. */
  find(lookup: SessionLookup, now?: number): Promise<FoundSession>;
  close(): Promise<void>;
}

/** Reads the collection of config.firestore (firestore mode only). */
export function createStoredSessions(config: Config): StoredSessions {
  if (config.firestore === null) throw new Error('stored sessions need config.firestore');
  const db = new Firestore(firestoreSettings(config.firestore));
  const collection = db.collection(SESSIONS_COLLECTION);
  const keys = storedTokenKeys(config.cookieSecrets);
  const deadline = <T>(operation: string, work: Promise<T>): Promise<T> =>
    withDeadline(operation, work, config.storeTimeoutMs);
  const usable = async (id: string, data: unknown, now: number): Promise<Session | null> => {
    const session = await readSession(
      keys,
      id,
      typeof data === 'object' && data !== null ? data : undefined,
      now,
      config.sessionLifetimeMs,
    );
    return session !== null && isSessionUsable(session, now) ? session : null;
  };

  return {
    async find(lookup, now = Date.now()) {
      if ('id' in lookup) {
        const snapshot = await deadline('find', collection.doc(lookup.id).get());
        if (!snapshot.exists) return {kind: 'none'};
        const session = await usable(lookup.id, snapshot.data(), now);
        return session === null ? {kind: 'ended'} : {kind: 'found', session};
      }
      // An equality filter on one field needs no composite index; the few sessions of one
      // address are ordered here, newest update first.
      const query = collection.where('email', '==', normalizeEmail(lookup.email));
      const {docs} = await deadline('find', query.get());
      if (docs.length === 0) return {kind: 'none'};
      for (const doc of [...docs].sort((a, b) => updatedAt(b) - updatedAt(a))) {
        const session = await usable(doc.id, doc.data(), now);
        if (session !== null) return {kind: 'found', session};
      }
      return {kind: 'ended'};
    },
    close: () => db.terminate(),
  };
}

function updatedAt(doc: QueryDocumentSnapshot): number {
  const value: unknown = doc.get('updatedAt');
  return value instanceof Timestamp ? value.toMillis() : 0;
}
