import {createHash} from 'node:crypto';
import {spawn, type ChildProcess} from 'node:child_process';
import {mkdirSync, writeFileSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import {DEFAULT_CLIENT} from '../../emulator/index.js';
import {loadConfig, type Config} from '../../src/config.js';
import {createGoogleClients, type GoogleClients} from '../../src/oauth-client.js';
import {createSessionStore} from '../../src/session-store.js';
import {authorizationUrl, createSignIn, newSessionId} from '../../src/sign-in.js';
import {createTokenCookies, type SignIn, type TokenCookies} from '../../src/token-cookie.js';
import {exchangeCode} from '../../src/token-exchange.js';
import type {Probe} from './processes.js';

/** The project root (package.json's `main` is what the platform loads). */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BASELINES = fileURLToPath(new URL('../../bench-baselines/', import.meta.url));
// A fixed, made-up key: the benchmark seals its own cookies, nothing real is at stake.
const COOKIE_SECRET = createHash('sha256').update('bench cookie key').digest('base64');

/** The emulator in its own process. */
export interface EmulatorProcess {
  readonly url: string;
  stop(): Promise<void>;
}

/** Starts the benchmark's emulator (auto-consent) and waits for its origin. */
export async function startEmulatorProcess(): Promise<EmulatorProcess> {
  const script = fileURLToPath(new URL('./emulator-process.js', import.meta.url));
  const child: ChildProcess = spawn(process.execPath, [script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const kill = (): void => void child.kill('SIGTERM');
  process.once('exit', kill);
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.once('data', chunk => resolve(String(chunk).trim()));
    child.once('exit', code => reject(new Error(`the emulator exited (${code})`)));
  });
  return {
    url,
    async stop() {
      process.off('exit', kill);
      const exited = new Promise(resolve => child.once('exit', resolve));
      kill();
      await exited;
    },
  };
}

/**
 * The environment every function process gets: the emulator as Google, a fixed cookie key; with
 * `firestoreHost` (host:port of a Firestore emulator), sessions in Firestore instead of the cookie.
 */
export function functionEnv(emulatorUrl: string, firestoreHost?: string): Record<string, string> {
  const env = {
    BASE_URL: 'http://localhost:8080',
    COOKIE_SECRET,
    GOOGLE_EMULATOR_URL: emulatorUrl,
    GOOGLE_CLIENT_ID: DEFAULT_CLIENT.clientId,
    GOOGLE_CLIENT_SECRET: DEFAULT_CLIENT.clientSecret,
  };
  if (firestoreHost === undefined) return env;
  return {...env, SESSION_STORE: 'firestore', FIRESTORE_EMULATOR_HOST: firestoreHost};
}

/** Builds sign-in cookies, codes and sessions against the emulator, as a browser would hold them. */
export class SignInMaterial {
  private readonly config: Config;
  private readonly cookies: TokenCookies;
  private readonly google: GoogleClients;

  /** Made with the functions' environment (functionEnv()), so that they open what is made here. */
  constructor(emulatorUrl: string, firestoreHost?: string) {
    this.config = loadConfig(functionEnv(emulatorUrl, firestoreHost));
    this.cookies = createTokenCookies(this.config.cookieSecrets, this.config.secureCookies);
    this.google = createGoogleClients(this.config);
  }

  /** A fresh sign-in cookie and the callback query Google sends back with its code. */
  async callbackProbe(): Promise<Probe> {
    const signIn = createSignIn();
    const query = await this.consent(signIn);
    return {
      path: `/${query.search}`,
      headers: {cookie: pair(await this.cookies.sealSignIn(signIn))},
      expectStatus: 303,
    };
  }

  /**
   * A session cookie for a real (emulator-issued) access token, and that token. Kept by the
   * configured store as the callback keeps it: sealed whole, or a Firestore document.
   */
  async session(): Promise<{cookie: string; accessToken: string}> {
    const signIn = createSignIn();
    const code = (await this.consent(signIn)).searchParams.get('code') ?? '';
    const result = await exchangeCode(this.google, code, signIn.verifier);
    if (!result.ok) throw new Error(`the emulator refused the code: ${result.reason}`);
    const session = {id: newSessionId(), signedInAt: Date.now(), ...result.tokens};
    const setCookie = await (await createSessionStore(this.config)).create(session);
    if (setCookie === null) throw new Error('the session does not fit in a cookie');
    return {cookie: pair(setCookie), accessToken: result.tokens.accessToken};
  }

  /** The redirect back from the (auto-consenting) emulator's consent page. */
  private async consent(signIn: SignIn): Promise<URL> {
    const authorize = authorizationUrl(this.config, this.google, signIn.state, signIn.verifier);
    const consent = await fetch(authorize, {redirect: 'manual'});
    const location = consent.headers.get('location');
    if (consent.status !== 302 || location === null) {
      throw new Error(`the emulator answered ${consent.status} to the authorization request`);
    }
    return new URL(location);
  }
}

function pair(setCookie: string): string {
  return setCookie.split(';')[0]!;
}

/**
 * Writes the baselines as CommonJS packages (a `.cjs` main, so functions-framework skips its
 * package.json lookup exactly as it does for ours): an empty function that redirects, and one
 * that only forwards the request's bearer token to Gmail's labels endpoint with fetch.
 */
export function writeBaselines(): {emptySource: string; fetchSource: string} {
  const emptySource = `${BASELINES}empty`;
  const fetchSource = `${BASELINES}direct-fetch`;
  writeBaseline(
    emptySource,
    `const {http} = require('@google-cloud/functions-framework');
http('empty', (req, res) => {
  res.redirect(302, 'https://accounts.google.com/o/oauth2/v2/auth?client_id=x');
});
`,
  );
  writeBaseline(
    fetchSource,
    `const {http} = require('@google-cloud/functions-framework');
const labelsUrl = process.env.GOOGLE_EMULATOR_URL + '/gmail/v1/users/me/labels';
http('directfetch', async (req, res) => {
  const answer = await fetch(labelsUrl, {headers: {authorization: req.headers.authorization}});
  res.status(answer.status).json(await answer.json());
});
`,
  );
  return {emptySource, fetchSource};
}

function writeBaseline(dir: string, source: string): void {
  mkdirSync(dir, {recursive: true});
  writeFileSync(`${dir}/package.json`, JSON.stringify({private: true, main: 'index.cjs'}));
  writeFileSync(`${dir}/index.cjs`, source);
}
