// What the log scenarios share: a harness whose secrets are sentinels, and a collector of every
// secret value a scenario handled. Scenarios run in a process of their own and write the values
// to a file; test/log.test.ts then looks for each of them in everything the process printed.
import {writeFileSync} from 'node:fs';
import {parseCookie} from 'cookie';
import {DEFAULT_CLIENT, type Emulator} from '../../emulator/index.js';
import type {Config} from '../../src/config.js';
import {createTokenCookies} from '../../src/token-cookie.js';
import {startHarness, type Harness} from './harness.js';

/** Values that must never be printed, recognisable wherever they would turn up. */
export const SENTINEL = {
  clientSecret: 'SENTINEL-client-secret-7f3a',
  accessToken: 'ya29.SENTINEL-access-token-91c2',
  refreshToken: '1//SENTINEL-refresh-token-5d8e',
  code: '4/SENTINEL-code-0b6f',
  /** 40 bytes, so a valid cookie key (at least 32). */
  cookieKey: Buffer.from('SENTINEL-cookie-key-2c71-000000000000000'),
};

// Request parameters that carry a code, verifier, state, token or secret.
const SECRET_PARAMS = [
  'code',
  'code_verifier',
  'state',
  'access_token',
  'refresh_token',
  'token',
  'client_secret',
];

/** A harness (and emulator client) whose client secret and cookie key are the sentinels. */
export function startSentinelHarness(overrides: Partial<Config>): Promise<Harness> {
  return startHarness(
    {...overrides, clientSecret: SENTINEL.clientSecret, cookieSecrets: [SENTINEL.cookieKey]},
    {
      clients: [
        {
          ...DEFAULT_CLIENT,
          clientSecret: SENTINEL.clientSecret,
          redirectUris: [...DEFAULT_CLIENT.redirectUris],
        },
      ],
    },
  );
}

/** Gathers the secret values a scenario handled. */
export interface SecretCollector {
  add(value: string): void;
  /** The values of a Cookie header (`a=1; b=2`) and the tokens, state, verifier sealed in them. */
  cookies(header: string): void;
  /** Adds the secrets of every request the emulator saw and of the cookies, and writes all values to `path`. */
  write(emulator: Emulator, path: string): Promise<void>;
}

/** A collector for a harness's config, seeded with the sentinels and the cookie key. */
export function createSecretCollector(config: Config): SecretCollector {
  const seen = new Set<string>();
  const add = (value: string | undefined): void => {
    if (value) seen.add(value);
  };
  for (const value of Object.values(SENTINEL)) add(String(value));
  for (const key of config.cookieSecrets) {
    add(key.toString('base64'));
    add(key.toString('hex'));
  }
  const sealed = createTokenCookies(config.cookieSecrets, config.secureCookies);
  const headers: string[] = [];
  return {
    add,
    cookies(header) {
      for (const value of Object.values(parseCookie(header))) add(value);
      headers.push(header);
    },
    async write(emulator, path) {
      // Opened here, once: the sealed cookies' contents are secrets too.
      for (const header of headers) {
        const session = await sealed.openSession(header);
        add(session?.accessToken);
        add(session?.refreshToken);
        const signIn = await sealed.openSignIn(header);
        add(signIn?.state);
        add(signIn?.verifier);
      }
      for (const request of emulator.requests) {
        for (const key of SECRET_PARAMS) add(request.params[key]);
      }
      writeFileSync(path, JSON.stringify([...seen]));
    },
  };
}
