import assert from 'node:assert/strict';
import {randomBytes} from 'node:crypto';
import type {Config} from '../../src/config.js';
import {FUNCTION_NAMES} from '../../src/register.js';
import {createTokenCookies} from '../../src/token-cookie.js';
import type {EmulatorRoute} from '../../emulator/index.js';
import {signIn, startHarness, startSignIn, type Harness} from './harness.js';
import type {SealedValues} from './hostile-http.js';
import {listenRaw, type RawRequest, type RawResponse, type RawServers} from './raw-http.js';
import {assertSafeResponse} from './response-checks.js';

/** Which methods each function answers (what its 405 names in Allow). */
export const ALLOWED_METHODS: Readonly<Record<string, string>> = {
  oauth2init: 'GET, HEAD',
  oauth2callback: 'GET',
  listlabels: 'GET, HEAD',
  oauth2signout: 'GET, HEAD, POST',
};

/** A harness for hostile requests: raw servers, a canary, and sealed values to misuse. */
export interface HostileHarness {
  readonly h: Harness;
  readonly raw: RawServers;
  /** Marks every hostile string; finding it in an answer or a log line is a reflection. */
  readonly canary: string;
  readonly sealed: SealedValues;
  /** Requests the emulator saw on a route so far. */
  count(route: EmulatorRoute): number;
  /** Sends a request, asserts the answer is safe and that nothing was revoked. */
  send(name: string, req: RawRequest): Promise<RawResponse>;
  close(): Promise<void>;
}

/** The value of the first cookie of a `name=value; ...` header. */
export function firstValue(cookie: string): string {
  return cookie.slice(cookie.indexOf('=') + 1).split(';')[0]!;
}

/** A fresh canary: letters and digits only, so it reads the same in every encoding. */
export function newCanary(): string {
  return `cnry${randomBytes(4).toString('hex')}`;
}

/** Starts the emulator and every function, signs in once, and starts one sign-in left pending. */
export async function startHostileHarness(
  canary: string,
  overrides: Partial<Config> = {},
): Promise<HostileHarness> {
  const h = await startHarness(overrides);
  const raw = await listenRaw(FUNCTION_NAMES);
  const session = await signIn(h);
  const pending = await startSignIn(h);
  const other = createTokenCookies([Buffer.alloc(32, 1)], false);
  const otherSession = await other.sealSession({
    id: 'AAAAAAAAAAAAAAAAAAAAAA',
    signedInAt: Date.now(),
    accessToken: 'ya29.other',
    expiresAt: Date.now() + 3600_000,
    scope: 'https://www.googleapis.com/auth/gmail.readonly',
  });
  assert.ok(otherSession !== null);
  const sealed: SealedValues = {
    session: firstValue(session),
    signin: firstValue(pending.signInCookie),
    'other-key-session': firstValue(otherSession),
    'other-key-signin': firstValue(
      await other.sealSignIn({
        state: 'A'.repeat(43),
        verifier: 'B'.repeat(43),
        createdAt: Date.now(),
      }),
    ),
  };
  const count = (route: EmulatorRoute): number =>
    h.emulator.requests.filter(r => r.route === route).length;
  return {
    h,
    raw,
    canary,
    sealed,
    count,
    async send(name, req) {
      const revokes = count('revoke');
      const response = await raw.send(name, req);
      assertSafeResponse(response, h.config, canary, ALLOWED_METHODS[name] ?? '');
      assert.equal(count('revoke'), revokes, 'nothing is revoked');
      return response;
    },
    async close() {
      await raw.close();
      await h.emulator.close();
    },
  };
}
