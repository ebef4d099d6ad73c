import assert from 'node:assert/strict';
import {getTestServer} from '@google-cloud/functions-framework/testing';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';
import {startEmulator, type Emulator, type EmulatorOptions} from '../../emulator/index.js';
import {loadConfig, type Config} from '../../src/config.js';
import {hideFrameworkErrorDetails} from '../../src/http.js';
import {registerFunctions} from '../../src/register.js';
import {testKey} from './keys.js';
import {sharedFirestoreEmulator} from './firestore-emulator.js';

/** A fixed key that passes the randomness check (a key of one repeated byte would not). */
export const COOKIE_SECRET = testKey('harness').toString('base64');

export const BASE_URL = 'http://localhost:8080';

/** The emulator, a config pointing at it, and one supertest agent per function. */
export interface Harness {
  readonly emulator: Emulator;
  readonly config: Config;
  readonly init: TestAgent;
  readonly callback: TestAgent;
  readonly labels: TestAgent;
  readonly signout: TestAgent;
}

let firestoreProjects = 0;

/**
 * Starts an emulator on a free port and registers the functions against it. With
 * `{sessionStore: 'firestore'}` and no `firestore`, sessions go to this file's Firestore emulator
 * (started at the first such call), in a project of this harness's own: harnesses share nothing.
 */
export async function startHarness(
  overrides: Partial<Config> = {},
  emulatorOptions: EmulatorOptions = {},
): Promise<Harness> {
  overrides = await withFirestoreProject(overrides);
  const emulator = await startEmulator(emulatorOptions);
  const config = Object.freeze({
    ...loadConfig({
      BASE_URL,
      COOKIE_SECRET,
      GOOGLE_EMULATOR_URL: emulator.url,
      GOOGLE_CLIENT_ID: emulator.clients[0]!.clientId,
      GOOGLE_CLIENT_SECRET: emulator.clients[0]!.clientSecret,
    }),
    ...overrides,
  });
  hideFrameworkErrorDetails(); // as index.ts does
  registerFunctions(config);
  return {
    emulator,
    config,
    init: request(getTestServer('oauth2init')),
    callback: request(getTestServer('oauth2callback')),
    labels: request(getTestServer('listlabels')),
    signout: request(getTestServer('oauth2signout')),
  };
}

/**
 * `overrides` with, in firestore mode and no `firestore` given, a project of its own in this
 * process's Firestore emulator (started at the first call); unchanged otherwise.
 */
export async function withFirestoreProject(overrides: Partial<Config>): Promise<Partial<Config>> {
  if (overrides.sessionStore !== 'firestore' || overrides.firestore !== undefined) return overrides;
  const firestore = await sharedFirestoreEmulator();
  firestoreProjects += 1;
  return {...overrides, firestore: firestore.target(`demo-harness-${firestoreProjects}`)};
}

/** The `name=value` pairs of a response's Set-Cookie headers, for sending back (empty values dropped). */
export function cookiesFrom(setCookie: string[] | string | undefined): string {
  const list = setCookie === undefined ? [] : Array.isArray(setCookie) ? setCookie : [setCookie];
  return list
    .map(header => header.split(';')[0]!)
    .filter(pair => !pair.endsWith('='))
    .join('; ');
}

/** Every Set-Cookie header of a response as a list. */
export function setCookies(response: {headers: Record<string, unknown>}): string[] {
  const value = response.headers['set-cookie'];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** oauth2init, then the emulator (auto-consent), up to the callback URL Google would send the browser to. */
export async function startSignIn(
  h: Harness,
): Promise<{callbackPath: string; signInCookie: string}> {
  h.emulator.autoConsent ??= {decision: 'allow'};
  const init = await h.init.get('/oauth2init').expect(302);
  const signInCookie = cookiesFrom(setCookies(init));
  const consent = await fetch(String(init.headers.location), {
    redirect: 'manual',
  });
  const location = consent.headers.get('location');
  if (consent.status !== 302 || location === null)
    throw new Error(`emulator answered ${consent.status}`);
  const url = new URL(location);
  return {callbackPath: url.pathname + url.search, signInCookie};
}

/** A whole sign-in through the functions; returns the session cookie to send. */
export async function signIn(h: Harness): Promise<string> {
  const {callbackPath, signInCookie} = await startSignIn(h);
  let callback = await h.callback.get(callbackPath).set('Cookie', signInCookie);
  if (callback.status === 302) {
    // ACCESS_TYPE=offline: Google sends a refresh token at a user's first consent only, so a
    // later sign-in goes once more through prompt=consent (the emulator consents at once).
    const consent = await fetch(String(callback.headers.location), {redirect: 'manual'});
    const again = new URL(consent.headers.get('location') ?? '');
    callback = await h.callback
      .get(again.pathname + again.search)
      .set('Cookie', cookiesFrom(setCookies(callback)));
  }
  assert.equal(callback.status, 303, 'the sign-in ended on listlabels');
  return cookiesFrom(setCookies(callback));
}
