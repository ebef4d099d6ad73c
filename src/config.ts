import {randomBytes} from 'node:crypto';
import {readFileSync} from 'node:fs';
import {parseClientSecretFile} from './client-secret.js';

/** Everything the functions need to run, read once per instance. */
export interface Config {
  readonly clientId: string;
  readonly clientSecret: string;
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
  /** Time allowed for one request to Google. */
  readonly googleTimeoutMs: number;
  /** Time allowed for all attempts of one Gmail call, retries included. */
  readonly gmailBudgetMs: number;
  /** Things worth a warning at start-up (never secret values). */
  readonly warnings: readonly string[];
}

/** A configuration problem, naming the variable that is wrong. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
    readonly missing = false,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

type Env = Readonly<Record<string, string | undefined>>;

const MIN_COOKIE_KEY_BYTES = 32;
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

/** Reads and validates the configuration; the only reader of the environment and the client-secret file. */
export function loadConfig(env: Env = process.env): Config {
  const deployed = Boolean(env.K_SERVICE);
  const warnings: string[] = [];
  const port = parsePort(env.PORT);
  const baseUrl = parseBaseUrl(env.BASE_URL, port, deployed);
  const redirectUri = `${baseUrl}/oauth2callback`;
  const emulatorUrl = parseEmulatorUrl(env.GOOGLE_EMULATOR_URL, deployed);
  const client = readClient(env, redirectUri, warnings);
  if (env.GOOGLE_SDK_NODE_LOGGING) {
    // With it, google-auth-library and gaxios print request and response bodies: tokens.
    const why = 'makes the Google libraries log tokens and Gmail data';
    if (deployed)
      throw new ConfigError('GOOGLE_SDK_NODE_LOGGING', `must not be set when deployed: it ${why}`);
    warnings.push(`GOOGLE_SDK_NODE_LOGGING is set: it ${why}; never use it with a real account`);
  }
  let cookieSecrets = parseCookieSecrets(env.COOKIE_SECRET);
  if (cookieSecrets === null) {
    if (deployed) {
      throw new ConfigError('COOKIE_SECRET', 'is required when deployed', true);
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
    googleTimeoutMs: 5_000,
    gmailBudgetMs: 10_000,
    warnings: Object.freeze(warnings),
  });
}

function parsePort(value: string | undefined): number {
  if (value === undefined || value === '') return 8080;
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65535) {
    throw new ConfigError('PORT', `expected a port number, got "${value}"`);
  }
  return Number(value);
}

function parseBaseUrl(value: string | undefined, port: number, deployed: boolean): string {
  if (value === undefined || value === '') {
    if (deployed) {
      throw new ConfigError(
        'BASE_URL',
        'is required when deployed (https://REGION-PROJECT.cloudfunctions.net)',
        true,
      );
    }
    return `http://localhost:${port}`;
  }
  const url = parseHttpUrl('BASE_URL', value);
  if (url.search || url.hash || url.username || url.password) {
    throw new ConfigError(
      'BASE_URL',
      'must be an origin with an optional path, without query, fragment or credentials',
    );
  }
  if (deployed && url.protocol !== 'https:') {
    throw new ConfigError('BASE_URL', 'must be https when deployed');
  }
  return (url.origin + url.pathname).replace(/\/+$/, '');
}

function parseEmulatorUrl(value: string | undefined, deployed: boolean): string | null {
  if (value === undefined || value === '') return null;
  if (deployed) {
    throw new ConfigError('GOOGLE_EMULATOR_URL', 'must not be set when deployed');
  }
  const url = parseHttpUrl('GOOGLE_EMULATOR_URL', value);
  if (url.pathname !== '/' || url.search || url.hash) {
    throw new ConfigError('GOOGLE_EMULATOR_URL', 'must be an origin such as http://127.0.0.1:9090');
  }
  return url.origin;
}

function parseHttpUrl(variable: string, value: string): URL {
  const url = URL.canParse(value) ? new URL(value) : null;
  if (url === null || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new ConfigError(variable, `expected an http(s) URL, got "${value}"`);
  }
  return url;
}

function readClient(
  env: Env,
  redirectUri: string,
  warnings: string[],
): {clientId: string; clientSecret: string} {
  const {GOOGLE_CLIENT_ID: id, GOOGLE_CLIENT_SECRET: secret} = env;
  if (id || secret) {
    if (!id) throw new ConfigError('GOOGLE_CLIENT_ID', 'is required with GOOGLE_CLIENT_SECRET');
    if (!secret) throw new ConfigError('GOOGLE_CLIENT_SECRET', 'is required with GOOGLE_CLIENT_ID');
    return {clientId: id, clientSecret: secret};
  }
  const path = env.CLIENT_SECRET_PATH || './client_secret.json';
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

function parseCookieSecrets(value: string | undefined): Buffer[] | null {
  if (value === undefined || value.trim() === '') return null;
  return value.split(',').map((part, index) => {
    const text = part.trim();
    const key = BASE64.test(text) ? Buffer.from(text, 'base64') : null;
    if (key === null || key.length < MIN_COOKIE_KEY_BYTES) {
      throw new ConfigError(
        'COOKIE_SECRET',
        `key ${index + 1} must be base64 of at least ${MIN_COOKIE_KEY_BYTES} random bytes (openssl rand -base64 32)`,
      );
    }
    return key;
  });
}
