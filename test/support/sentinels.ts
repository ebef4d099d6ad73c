// What the log scenarios share: a harness whose secrets are sentinels, and a collector of every
// secret value a scenario handled. Scenarios run in a process of their own, in the session mode
// given as argv[3], and write the values to a file (with, in firestore mode, every session
// document as stored); test/log.test.ts then looks for each of them in everything the process
// printed and in what Firestore stored.
import {writeFileSync} from 'node:fs';
import {parseCookie} from 'cookie';
import {DEFAULT_CLIENT, type Emulator} from '../../emulator/index.js';
import type {Config} from '../../src/config.js';
import {SESSIONS_COLLECTION} from '../../src/firestore-sessions.js';
import type {Session} from '../../src/token-cookie.js';
import {createTokenCookies} from '../../src/token-cookie.js';
import {sharedFirestoreEmulator} from './firestore-emulator.js';
import {startHarness, type Harness} from './harness.js';
import {modeConfig, SESSION_MODES, sessionOf, type SessionMode} from './session-modes.js';

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

/** What a scenario script writes for test/log.test.ts. */
export interface ScenarioFindings {
  /** Every secret value the scenario handled. */
  readonly secrets: string[];
  /** Firestore mode: every session document left, raw as the emulator's REST API returns it. */
  readonly stored: unknown[] | null;
}

/** The session mode a scenario script runs in: its argv[3] (cookie when absent). */
export function scenarioMode(argv: readonly string[] = process.argv): SessionMode {
  const mode = SESSION_MODES.find(m => m === (argv[3] ?? 'cookie'));
  if (mode === undefined) throw new Error(`unknown session mode "${argv[3]}"`);
  return mode;
}

/** A harness (and emulator client) in `mode` whose client secret and cookie key are the sentinels. */
export function startSentinelHarness(
  overrides: Partial<Config>,
  mode: SessionMode,
): Promise<Harness> {
  return startHarness(
    {
      ...overrides,
      ...modeConfig(mode),
      clientSecret: SENTINEL.clientSecret,
      cookieSecrets: [SENTINEL.cookieKey],
    },
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
  /**
   * The values of a Cookie header (`a=1; b=2`) and the state, verifier and session they carry:
   * sealed in them, or (firestore mode) in the document they name, read now and again at write().
   */
  cookies(header: string): void;
  /**
   * Adds the secrets of every request the emulator saw and of the cookies, and writes them to
   * `path` as ScenarioFindings, with the session documents Firestore holds in firestore mode.
   */
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
  const addSession = (session: Session | null): void => {
    add(session?.id);
    add(session?.accessToken);
    add(session?.refreshToken);
  };
  // Firestore mode: a document may be deleted (sign-out) before write(), so each is read when seen.
  const reads: Promise<void>[] = [];
  return {
    add,
    cookies(header) {
      for (const value of Object.values(parseCookie(header))) add(value);
      headers.push(header);
      if (config.sessionStore === 'firestore')
        reads.push(sessionOf(config, header).then(addSession));
    },
    async write(emulator, path) {
      await Promise.all(reads);
      // Opened here, once: the sealed cookies' contents (or the documents they name) are secrets too.
      for (const header of headers) {
        addSession(await sessionOf(config, header));
        const signIn = await sealed.openSignIn(header);
        add(signIn?.state);
        add(signIn?.verifier);
      }
      for (const request of emulator.requests) {
        for (const key of SECRET_PARAMS) add(request.params[key]);
      }
      const findings: ScenarioFindings = {secrets: [...seen], stored: await storedSessions(config)};
      writeFileSync(path, JSON.stringify(findings));
    },
  };
}

/** Firestore mode: every session document of the config's project, raw; null in cookie mode. */
async function storedSessions(config: Config): Promise<unknown[] | null> {
  if (config.firestore === null) return null;
  const firestore = await sharedFirestoreEmulator();
  return firestore.readCollection(SESSIONS_COLLECTION, config.firestore.projectId);
}
