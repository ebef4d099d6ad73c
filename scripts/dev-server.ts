import type {IncomingMessage, ServerResponse} from 'node:http';
import {dirname} from 'node:path';
import {fileURLToPath} from 'node:url';
import {getTestServer} from '@google-cloud/functions-framework/testing';
import type {Config} from '../src/config.js';
import {hideFrameworkErrorDetails} from '../src/http.js';
import {FUNCTION_NAMES, registerFunctions} from '../src/register.js';

/** A node:http request listener. */
export type Listener = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * One origin for the three functions, as on Cloud Functions: the first path segment picks the
 * function, and each is served by functions-framework's own request pipeline.
 */
export function createDevHandler(config: Config): Listener {
  // npm start may run from any folder: the framework is the one this script resolves.
  hideFrameworkErrorDetails(dirname(fileURLToPath(import.meta.url)));
  registerFunctions(config);
  const routes = new Map<string, Listener>();
  for (const name of FUNCTION_NAMES) {
    const listener = getTestServer(name).listeners('request')[0];
    if (typeof listener !== 'function') throw new Error(`no request listener for ${name}`);
    routes.set(name, (req, res) => listener.call(undefined, req, res));
  }
  return (req, res) => {
    const name = (req.url ?? '/').split(/[/?]/)[1] ?? '';
    const route = routes.get(name);
    if (route !== undefined) return route(req, res);
    res.writeHead(404, {
      'Content-Type': 'text/plain; charset=utf-8',
      'Cache-Control': 'no-store',
    });
    res.end(`Not found. The functions are at /${FUNCTION_NAMES.join(', /')}.\n`);
  };
}
