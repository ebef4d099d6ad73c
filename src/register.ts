import {http} from '@google-cloud/functions-framework';
import type {Config} from './config.js';
import {listlabels} from './functions/listlabels.js';
import {oauth2callback} from './functions/oauth2callback.js';
import {oauth2init} from './functions/oauth2init.js';
import {oauth2signout} from './functions/oauth2signout.js';
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

/** Registers the functions with functions-framework. */
export function registerFunctions(config: Config): void {
  setTraceProject(config.projectId);
  http('oauth2init', oauth2init(config));
  http('oauth2callback', oauth2callback(config));
  http('listlabels', listlabels(config));
  http('oauth2signout', oauth2signout(config));
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
