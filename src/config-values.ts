/** Parsers for single configuration values; each throws a ConfigError naming its variable. */

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

/** The least a cookie key may hold. */
export const MIN_COOKIE_KEY_BYTES = 32;
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

/** PORT: 0-65535, default 8080. */
export function parsePort(value: string | undefined): number {
  if (value === undefined || value === '') return 8080;
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65535) {
    throw new ConfigError('PORT', `expected a port number, got "${value}"`);
  }
  return Number(value);
}

/** ACCESS_TYPE: online (default) or offline. */
export function parseAccessType(value: string | undefined): 'online' | 'offline' {
  if (value === undefined || value === '' || value === 'online') return 'online';
  if (value === 'offline') return 'offline';
  throw new ConfigError('ACCESS_TYPE', `expected "online" or "offline", got "${value}"`);
}

/** GOOGLE_CLOUD_PROJECT: a project id, or null. */
export function parseProjectId(value: string | undefined): string | null {
  if (value === undefined || value === '') return null;
  // Project ids: 6-30 lowercase letters, digits and hyphens (Resource Manager naming rules).
  if (!/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/.test(value)) {
    throw new ConfigError('GOOGLE_CLOUD_PROJECT', `expected a project id, got "${value}"`);
  }
  return value;
}

/** BASE_URL: an http(s) origin with optional path, normalised without a trailing slash. */
export function parseBaseUrl(value: string | undefined, port: number, deployed: boolean): string {
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

/**
 * GOOGLE_EMULATOR_URL: an http(s) origin, never when deployed; null when unset. The client
 * secret goes to it in every token request, so it must be this machine (loopback) unless
 * `remoteAllowed` (GOOGLE_EMULATOR_ALLOW_REMOTE=1) says a remote stand-in is meant.
 */
export function parseEmulatorUrl(
  value: string | undefined,
  deployed: boolean,
  remoteAllowed = false,
): string | null {
  if (value === undefined || value === '') return null;
  if (deployed) {
    throw new ConfigError('GOOGLE_EMULATOR_URL', 'must not be set when deployed');
  }
  const url = parseHttpUrl('GOOGLE_EMULATOR_URL', value);
  if (url.pathname !== '/' || url.search || url.hash) {
    throw new ConfigError('GOOGLE_EMULATOR_URL', 'must be an origin such as http://127.0.0.1:9090');
  }
  if (!remoteAllowed && !isLoopback(url.hostname)) {
    throw new ConfigError(
      'GOOGLE_EMULATOR_URL',
      `must be on this machine (localhost, 127.0.0.1 or [::1]), got "${url.hostname}": the client secret is sent to it; set GOOGLE_EMULATOR_ALLOW_REMOTE=1 if that host is meant`,
    );
  }
  return url.origin;
}

/** GOOGLE_EMULATOR_ALLOW_REMOTE: "1" or "true" allows a non-loopback emulator. */
export function parseRemoteEmulatorOptIn(value: string | undefined): boolean {
  if (value === undefined || value === '' || value === '0' || value === 'false') return false;
  if (value === '1' || value === 'true') return true;
  throw new ConfigError('GOOGLE_EMULATOR_ALLOW_REMOTE', `expected 1 or 0, got "${value}"`);
}

// RFC 6761 §6.3 (localhost), RFC 1122 §3.2.1.3 (127/8), RFC 4291 §2.5.3 (::1).
function isLoopback(hostname: string): boolean {
  return (
    hostname === 'localhost' ||
    hostname === '[::1]' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname)
  );
}

/** SESSION_LIFETIME_DAYS when unset: 30 days. */
export const DEFAULT_SESSION_LIFETIME_MS = 30 * 86_400_000;

/** The longest SESSION_LIFETIME_DAYS: RFC 6265bis §5.6.2 caps a cookie's Max-Age at 400 days. */
export const MAX_SESSION_LIFETIME_DAYS = 400;

/** SESSION_LIFETIME_DAYS: whole days a refreshable session lasts after sign-in (default 30). */
export function parseSessionLifetimeMs(value: string | undefined): number {
  if (value === undefined || value === '') return DEFAULT_SESSION_LIFETIME_MS;
  const days = /^\d{1,3}$/.test(value) ? Number(value) : NaN;
  if (!(days >= 1 && days <= MAX_SESSION_LIFETIME_DAYS)) {
    throw new ConfigError(
      'SESSION_LIFETIME_DAYS',
      `expected whole days from 1 to ${MAX_SESSION_LIFETIME_DAYS}, got "${value}"`,
    );
  }
  return days * 86_400_000;
}

/** An http(s) URL, or a ConfigError naming `variable`. */
export function parseHttpUrl(variable: string, value: string): URL {
  const url = URL.canParse(value) ? new URL(value) : null;
  if (url === null || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new ConfigError(variable, `expected an http(s) URL, got "${value}"`);
  }
  return url;
}

/**
 * COOKIE_SECRET: comma-separated base64 keys of at least 32 random bytes; null when unset.
 * Keys that are plainly not random (all one byte, a pattern, words typed as base64) are refused.
 */
export function parseCookieSecrets(value: string | undefined): Buffer[] | null {
  if (value === undefined || value.trim() === '') return null;
  return value.split(',').map((part, index) => {
    const text = part.trim();
    const key = BASE64.test(text) ? Buffer.from(text, 'base64') : null;
    const hint = 'make one with: openssl rand -base64 32';
    if (key === null || key.length < MIN_COOKIE_KEY_BYTES) {
      throw new ConfigError(
        'COOKIE_SECRET',
        `key ${index + 1} must be base64 of at least ${MIN_COOKIE_KEY_BYTES} random bytes; ${hint}`,
      );
    }
    if (!looksRandom(text, key)) {
      throw new ConfigError(
        'COOKIE_SECRET',
        `key ${index + 1} is not random enough (a repeated byte, a pattern or typed words); ${hint}`,
      );
    }
    return key;
  });
}

/**
 * A cheap test that a key came from a random generator: enough different bytes and characters,
 * both cases, not printable text. 32 random bytes fail it less than once in a million (none of
 * 10^6 did); a typed passphrase, a password encoded as base64 or a run of one byte fail it.
 */
function looksRandom(text: string, key: Buffer): boolean {
  const distinctBytes = new Set(key).size;
  const distinctChars = new Set(text.replace(/=+$/, '')).size;
  const mixedCase = /[a-z]/.test(text) && /[A-Z]/.test(text);
  // A password encoded as base64 decodes to printable text: 32 random bytes do so once in 10^14.
  const printable = key.every(byte => byte >= 0x20 && byte <= 0x7e);
  return distinctBytes >= 16 && distinctChars >= 20 && mixedCase && !printable;
}

/** SESSION_STORE: `cookie` (default: the tokens in the sealed cookie) or `firestore`. */
export function parseSessionStore(value: string | undefined): 'cookie' | 'firestore' {
  if (value === undefined || value === '' || value === 'cookie') return 'cookie';
  if (value === 'firestore') return 'firestore';
  throw new ConfigError('SESSION_STORE', `expected "cookie" or "firestore", got "${value}"`);
}

/** FIRESTORE_DATABASE: a database id, default `(default)`. */
export function parseFirestoreDatabase(value: string | undefined): string {
  if (value === undefined || value === '') return '(default)';
  // Firestore database ids: 4-63 lowercase letters, digits and hyphens, or "(default)".
  if (value === '(default)' || /^[a-z][a-z0-9-]{2,61}[a-z0-9]$/.test(value)) return value;
  throw new ConfigError('FIRESTORE_DATABASE', `expected a database id, got "${value}"`);
}

/** FIRESTORE_EMULATOR_HOST: host:port of a Firestore emulator on this machine; null when unset. */
export function parseFirestoreEmulatorHost(
  value: string | undefined,
  deployed: boolean,
): string | null {
  if (value === undefined || value === '') return null;
  if (deployed) {
    throw new ConfigError('FIRESTORE_EMULATOR_HOST', 'must not be set when deployed');
  }
  const url = URL.canParse(`http://${value}`) ? new URL(`http://${value}`) : null;
  if (url === null || url.host !== value || url.port === '' || !isLoopback(url.hostname)) {
    throw new ConfigError(
      'FIRESTORE_EMULATOR_HOST',
      `expected host:port on this machine, such as 127.0.0.1:8085, got "${value}"`,
    );
  }
  return value;
}
