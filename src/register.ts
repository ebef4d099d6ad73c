import {http, type HttpFunction} from '@google-cloud/functions-framework';
import {ConfigError, type Config} from './config.js';
import {guard, sendProblem} from './http.js';
import {logEvent, setTraceProject} from './log.js';
import {PROBLEMS} from './problems.js';

/** The deployed functions, by the name each is deployed and reached under. */
export const FUNCTION_NAMES = [
  'oauth2init',
  'oauth2callback',
  'listlabels',
  'oauth2signout',
] as const;

/** One of the deployed functions' names. */
export type FunctionName = (typeof FUNCTION_NAMES)[number];

/**
 * Which functions authenticate to Google's token endpoint with the client secret. The deploy
 * mounts the secret only in these, and the others run with GOOGLE_CLIENT_ID alone.
 */
export const NEEDS_CLIENT_SECRET: Readonly<Record<FunctionName, boolean>> = Object.freeze({
  // Builds the consent URL: client id only (RFC 6749 §4.1.1).
  oauth2init: false,
  // Redeems the code: client authentication (RFC 6749 §4.1.3, §2.3.1).
  oauth2callback: true,
  // Refreshes access tokens: client authentication (RFC 6749 §6).
  listlabels: true,
  // Google's revocation endpoint takes the token alone (developers.google.com/identity/protocols/oauth2/web-server#tokenrevoke).
  oauth2signout: false,
});

/**
 * Which functions read or write the session store in firestore mode (SESSION_STORE=firestore).
 * The deploy grants roles/datastore.user only to these.
 */
export const USES_SESSION_STORE: Readonly<Record<FunctionName, boolean>> = Object.freeze({
  // Checks only the cookie's sealed session id to redirect a signed-in user (session-store.ts).
  oauth2init: false,
  // Creates the session's document.
  oauth2callback: true,
  // Reads the document; writes refreshed tokens and the address.
  listlabels: true,
  // Deletes the document.
  oauth2signout: true,
});

type Factory = (config: Config) => HttpFunction;

// Each instance serves one function, so each evaluates only that function's modules, at its
// first request: an oauth2init instance never sets up the client for calls to Google.
const LOADERS: Readonly<Record<FunctionName, () => Promise<Factory>>> = {
  oauth2init: async () => (await import('./functions/oauth2init.js')).oauth2init,
  oauth2callback: async () => (await import('./functions/oauth2callback.js')).oauth2callback,
  listlabels: async () => (await import('./functions/listlabels.js')).listlabels,
  oauth2signout: async () => (await import('./functions/oauth2signout.js')).oauth2signout,
};

/** Registers the functions with functions-framework; each is loaded by its first request. */
export function registerFunctions(config: Config): void {
  setTraceProject(config.projectId);
  for (const name of FUNCTION_NAMES) {
    const ready = config.clientSecret !== null || !NEEDS_CLIENT_SECRET[name];
    http(name, ready ? loadOnFirstRequest(name, config) : refuseWithoutClientSecret(name));
  }
}

/**
 * A function that needs the client secret, in an instance that has none: every instance
 * registers all four functions and serves one, so the error is logged at the first request to
 * this one, once, and not at start-up by the instances serving the others.
 */
function refuseWithoutClientSecret(name: FunctionName): HttpFunction {
  let logged = false;
  return guard(name, (req, res) => {
    if (!logged) {
      logged = true;
      logConfigError(
        new ConfigError(
          'CLIENT_SECRET_PATH',
          `${name} needs the OAuth client secret: mount the client's JSON and set CLIENT_SECRET_PATH to it, or set GOOGLE_CLIENT_SECRET`,
          true,
        ),
      );
    }
    sendProblem(req, res, PROBLEMS.notConfigured);
  });
}

/** The one log line of an instance that does not serve because of its configuration. */
export function logConfigError(error: ConfigError): void {
  logEvent('ERROR', 'config_invalid', `Not serving: ${error.message}`, {variable: error.variable});
}

/** A function whose module is imported, and whose handler is built, once, at its first request. */
function loadOnFirstRequest(name: FunctionName, config: Config): HttpFunction {
  let handler: HttpFunction | null = null;
  let loading: Promise<HttpFunction> | null = null;
  return (req, res) => {
    // Once loaded, called directly: no promise of ours per request.
    if (handler !== null) return handler(req, res);
    loading ??= LOADERS[name]().then(factory => (handler = factory(config)));
    return loading.then(loaded => loaded(req, res));
  };
}

/** Registers stand-ins that refuse to serve (503), for an instance whose configuration is wrong. */
export function registerUnconfigured(): void {
  for (const name of FUNCTION_NAMES) {
    http(
      name,
      guard(name, (req, res) => sendProblem(req, res, PROBLEMS.notConfigured)),
    );
  }
}
