import {randomBytes} from 'node:crypto';
import {readFileSync} from 'node:fs';
import {parseClientSecretFile} from './client-secret.js';
import {
  ConfigError,
  MIN_COOKIE_KEY_BYTES,
  parseAccessType,
  parseBaseUrl,
  parseCookieSecrets,
  parseEmulatorUrl,
  parsePort,
  parseProjectId,
  parseRemoteEmulatorOptIn,
  parseFirestoreDatabase,
  parseFirestoreEmulatorHost,
  parseSessionLifetimeMs,
  parseSessionStore,
} from './config-values.js';

export {ConfigError};

/** Everything the functions need to run, read once per instance. */
export interface Config {
  readonly clientId: string;
  /**
   * Null when only GOOGLE_CLIENT_ID is given: enough for the functions that never authenticate
   * to Google's token endpoint (register.ts NEEDS_CLIENT_SECRET); the others refuse to serve.
   */
  readonly clientSecret: string | null;
  /** Origin plus optional path prefix, without a trailing slash. */
  readonly baseUrl: string;
  readonly redirectUri: string;
  /** True when BASE_URL is https: cookies get `Secure` and the `__Host-` prefix. */
  readonly secureCookies: boolean;
  /** Cookie keys; the first seals, all open. */
  readonly cookieSecrets: readonly Buffer[];
  /** Origin of the Google stand-in, or null for real Google. */
  readonly emulatorUrl: string | null;
  /** Running on Cloud Functions / Cloud Run (K_SERVICE is set). */
  readonly deployed: boolean;
  readonly port: number;
  /** `offline` asks Google for a refresh token (long sessions); `online` (default) does not. */
  readonly accessType: 'online' | 'offline';
  /** The Google Cloud project, for trace ids in logs; null when unknown. */
  readonly projectId: string | null;
  /** How long a refreshable session lasts after sign-in (SESSION_LIFETIME_DAYS). */
  readonly sessionLifetimeMs: number;
  /** Time allowed for one request to Google. */
  readonly googleTimeoutMs: number;
  /** Time allowed for all attempts of one Gmail call, retries included. */
  readonly gmailBudgetMs: number;
  /** Where sessions live: `cookie` (the tokens sealed in the cookie) or `firestore` (SESSION_STORE). */
  readonly sessionStore: 'cookie' | 'firestore';
  /** The Firestore database of the sessions; null in cookie mode. */
  readonly firestore: FirestoreTarget | null;
  /** How long an instance may reuse a session it read from the store (firestore mode). */
  readonly sessionCacheMs: number;
  /** Time allowed for one call to the session store. */
  readonly storeTimeoutMs: number;
  /** Things worth a warning at start-up (never secret values). */
  readonly warnings: readonly string[];
}

/** A Firestore database, and the emulator standing in for it (locally). */
export interface FirestoreTarget {
  readonly projectId: string;
  readonly databaseId: string;
  /** host:port of the Firestore emulator (FIRESTORE_EMULATOR_HOST), or null for Google's. */
  readonly emulatorHost: string | null;
}

/** The project id the Firestore emulator is given when GOOGLE_CLOUD_PROJECT is unset. */
export const EMULATOR_PROJECT_ID = 'demo-oauth';

/** How long an instance reuses a session it read from Firestore (no setting changes it). */
export const SESSION_CACHE_MS = 5_000;

type Env = Readonly<Record<string, string | undefined>>;

/** Reads and validates the configuration; the only reader of the environment and the client-secret file. */
export function loadConfig(env: Env = process.env): Config {
  const deployed = Boolean(env.K_SERVICE);
  const warnings: string[] = [];
  const port = parsePort(env.PORT);
  const baseUrl = parseBaseUrl(env.BASE_URL, port, deployed);
  const redirectUri = `${baseUrl}/oauth2callback`;
  const emulatorUrl = parseEmulatorUrl(
    env.GOOGLE_EMULATOR_URL,
    deployed,
    parseRemoteEmulatorOptIn(env.GOOGLE_EMULATOR_ALLOW_REMOTE),
  );
  const client = readClient(env, redirectUri, warnings);
  checkLibraryLogging(env.GOOGLE_SDK_NODE_LOGGING, deployed, warnings);
  const sessionStore = parseSessionStore(env.SESSION_STORE);
  let cookieSecrets = parseCookieSecrets(env.COOKIE_SECRET);
  if (cookieSecrets === null) {
    if (deployed) {
      throw new ConfigError('COOKIE_SECRET', 'is required when deployed', true);
    }
    // An https BASE_URL is a real site: a per-process key would sign everyone out at each restart
    // and differ between instances.
    if (baseUrl.startsWith('https:')) {
      throw new ConfigError(
        'COOKIE_SECRET',
        'is required with an https BASE_URL; make one with: openssl rand -base64 32',
        true,
      );
    }
    cookieSecrets = [randomBytes(MIN_COOKIE_KEY_BYTES)];
    warnings.push(
      'COOKIE_SECRET is not set: using a random key for this process only; sessions end when it stops',
    );
  }
  return Object.freeze({
    clientId: client.clientId,
    clientSecret: client.clientSecret,
    baseUrl,
    redirectUri,
    secureCookies: baseUrl.startsWith('https:'),
    cookieSecrets: Object.freeze(cookieSecrets),
    emulatorUrl,
    deployed,
    port,
    accessType: parseAccessType(env.ACCESS_TYPE),
    projectId: parseProjectId(env.GOOGLE_CLOUD_PROJECT),
    sessionStore,
    firestore: sessionStore === 'firestore' ? readFirestoreTarget(env, deployed) : null,
    sessionCacheMs: SESSION_CACHE_MS,
    storeTimeoutMs: 2_500,
    sessionLifetimeMs: parseSessionLifetimeMs(env.SESSION_LIFETIME_DAYS),
    googleTimeoutMs: 5_000,
    gmailBudgetMs: 10_000,
    warnings: Object.freeze(warnings),
  });
}

/** Firestore mode: the project (GOOGLE_CLOUD_PROJECT, any id with the emulator) and database. */
function readFirestoreTarget(env: Env, deployed: boolean): FirestoreTarget {
  const emulatorHost = parseFirestoreEmulatorHost(env.FIRESTORE_EMULATOR_HOST, deployed);
  const projectId = parseProjectId(env.GOOGLE_CLOUD_PROJECT);
  if (projectId === null && emulatorHost === null) {
    throw new ConfigError(
      'GOOGLE_CLOUD_PROJECT',
      'is required with SESSION_STORE=firestore: the project whose Firestore holds the sessions',
      true,
    );
  }
  return Object.freeze({
    projectId: projectId ?? EMULATOR_PROJECT_ID,
    databaseId: parseFirestoreDatabase(env.FIRESTORE_DATABASE),
    emulatorHost,
  });
}

/**
 * GOOGLE_SDK_NODE_LOGGING switches on google-auth-library's debug log (google-logging-utils),
 * which prints token requests and responses. Our clients keep its interceptors off, but a
 * user's own client would not: refused when deployed, a warning locally.
 */
function checkLibraryLogging(
  value: string | undefined,
  deployed: boolean,
  warnings: string[],
): void {
  if (!value) return;
  const risk = "Google's client libraries then print token responses";
  if (deployed) {
    throw new ConfigError('GOOGLE_SDK_NODE_LOGGING', `must not be set when deployed: ${risk}`);
  }
  warnings.push(`GOOGLE_SDK_NODE_LOGGING is set: ${risk}; never share this output`);
}

function readClient(
  env: Env,
  redirectUri: string,
  warnings: string[],
): {clientId: string; clientSecret: string | null} {
  const {GOOGLE_CLIENT_ID: id, GOOGLE_CLIENT_SECRET: secret, CLIENT_SECRET_PATH: file} = env;
  if (secret && !id) {
    throw new ConfigError('GOOGLE_CLIENT_ID', 'is required with GOOGLE_CLIENT_SECRET');
  }
  if (id) {
    // The consent URL carries the client id only (RFC 6749 §4.1.1): oauth2init is deployed with
    // GOOGLE_CLIENT_ID alone, and then no file is read, so it holds no secret it does not use.
    if (!secret && file) {
      warnings.push(
        'CLIENT_SECRET_PATH is ignored: GOOGLE_CLIENT_ID is set without GOOGLE_CLIENT_SECRET',
      );
    }
    return {clientId: id, clientSecret: secret || null};
  }
  const path = file || './client_secret.json';
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new ConfigError(
      'CLIENT_SECRET_PATH',
      `cannot read ${path}: download the OAuth client's JSON from the Google Cloud console, or set GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET`,
      true,
    );
  }
  const parsed = parseClientSecretFile(text);
  if (typeof parsed === 'string') {
    throw new ConfigError('CLIENT_SECRET_PATH', `${path} ${parsed}`);
  }
  if (parsed.redirectUris.length > 0 && !parsed.redirectUris.includes(redirectUri)) {
    warnings.push(
      `${path} does not list the redirect URI ${redirectUri}; add it to the OAuth client in the Google Cloud console`,
    );
  }
  return parsed;
}
