// The whole-flow suites run once per place a session can live (SESSION_STORE): sealed whole in
// the cookie, or in Firestore behind a sealed id. What differs between the two is kept here.
import type {Config} from '../../src/config.js';
import {createSessionStore, type SessionStore} from '../../src/session-store.js';
import type {Session} from '../../src/token-cookie.js';
import {skipWithoutFirestoreEmulator} from './firestore-emulator.js';

/** SESSION_STORE's values, in the order the suites run them. */
export const SESSION_MODES = ['cookie', 'firestore'] as const;

/** Where the functions keep sessions. */
export type SessionMode = (typeof SESSION_MODES)[number];

let firestoreSkip: string | false | undefined;

/** The `skip` option of a suite in `mode`: firestore needs gcloud's emulator and java (a hint otherwise, a failure under CI). */
export function skipForMode(mode: SessionMode): string | false {
  if (mode === 'cookie') return false;
  firestoreSkip ??= skipWithoutFirestoreEmulator();
  return firestoreSkip;
}

/** The config overrides that select `mode`; the harness adds a Firestore project of its own. */
export function modeConfig(mode: SessionMode): Partial<Config> {
  return mode === 'firestore' ? {sessionStore: 'firestore'} : {};
}

/**
 * The session cookie (`name=value`) a browser holding `session` sends, made as oauth2callback
 * makes it: the session sealed in it (cookie mode) or a document created in Firestore.
 */
export async function sessionCookieFor(config: Config, session: Session): Promise<string> {
  const setCookie = await (await uncachedStore(config)).create(session);
  if (setCookie === null) throw new Error('the session could not be kept');
  return setCookie.split(';')[0]!;
}

/** The session a Cookie header names as the functions would read it now, bypassing any instance's cache. */
export async function sessionOf(config: Config, cookieHeader: string): Promise<Session | null> {
  return (await uncachedStore(config)).load(cookieHeader);
}

// One store (one Firestore client) per config, so that a suite does not open a client per call;
// set-up, not the code under test: it may wait for a cold emulator on a loaded machine.
const stores = new WeakMap<Config, Promise<SessionStore>>();

function uncachedStore(config: Config): Promise<SessionStore> {
  let store = stores.get(config);
  if (store === undefined) {
    store = createSessionStore({...config, sessionCacheMs: 0, storeTimeoutMs: 15_000});
    stores.set(config, store);
  }
  return store;
}
