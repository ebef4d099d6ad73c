import {http, type HttpFunction} from '@google-cloud/functions-framework';
import type {Config} from './config.js';
import {guard, sendProblem} from './http.js';
import {setTraceProject} from './log.js';
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
  for (const name of FUNCTION_NAMES) http(name, loadOnFirstRequest(name, config));
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
