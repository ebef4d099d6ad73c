import type {Agent} from 'node:http';

// process.getBuiltinModule, not `import`: importing node:http into an ES module evaluates all
// of its lazy exports, and one of them loads fetch's implementation (undici), a cost to every
// cold start that calls Google.
const http = process.getBuiltinModule('node:http');
const https = process.getBuiltinModule('node:https');

// One connection pool per instance for all calls to Google: a new TLS handshake per request
// would cost more than our own work. Agents hold sockets, never credentials.
const httpsAgent = new https.Agent({keepAlive: true});
const httpAgent = new http.Agent({keepAlive: true});

/** The instance's keep-alive agent for `url`'s protocol (http only for the emulator). */
export function keepAliveAgent(url: string): Agent {
  return url.startsWith('https:') ? httpsAgent : httpAgent;
}

/** `request` of node:http or node:https, for `url`'s protocol. */
export function httpRequest(url: string): typeof http.request {
  return url.startsWith('https:') ? https.request : http.request;
}
