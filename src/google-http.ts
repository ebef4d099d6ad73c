import type {Agent, IncomingMessage, request as Request} from 'node:http';

/** What a Google endpoint answered: status, Retry-After, and the body as JSON (undefined when not JSON). */
export interface GoogleAnswer {
  readonly status: number;
  readonly retryAfter: string | null;
  readonly json: unknown;
}

// Token and tokeninfo answers are a few hundred bytes; a mailbox's labels (at most 10,000
// user labels, Gmail's limit) fit well inside this. More is not Google.
const MAX_ANSWER_BYTES = 2 * 1024 * 1024;

/** GETs a Google API resource with the user's access token, once, within `timeoutMs`; null when no answer came. */
export function getJson(
  url: string,
  accessToken: string,
  timeoutMs: number,
): Promise<GoogleAnswer | null> {
  return exchange(url, 'GET', {authorization: `Bearer ${accessToken}`}, '', timeoutMs);
}

/** POSTs a form to a Google endpoint once, within `timeoutMs`; null when no answer came. */
export function postForm(
  url: string,
  form: Record<string, string>,
  timeoutMs: number,
): Promise<GoogleAnswer | null> {
  const body = new URLSearchParams(form).toString();
  const headers = {'content-type': 'application/x-www-form-urlencoded'};
  return exchange(url, 'POST', headers, body, timeoutMs);
}

/**
 * One request and its whole answer; null for a network error, timeout, reset, or oversized
 * body. Never retries and never logs: requests carry codes and tokens. node:http rather than
 * fetch (or the Google client libraries, which use it): http is loaded already, while fetch's
 * first use costs a cold start tens of milliseconds and several MiB.
 */
async function exchange(
  url: string,
  method: 'GET' | 'POST',
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
): Promise<GoogleAnswer | null> {
  const raw = await send(url, method, headers, body, timeoutMs).catch(() => null);
  if (raw === null) return null;
  let json: unknown;
  try {
    json = JSON.parse(raw.body);
  } catch {
    json = undefined;
  }
  const retryAfter = raw.headers['retry-after'];
  return {status: raw.status, retryAfter: typeof retryAfter === 'string' ? retryAfter : null, json};
}

/** How to reach one protocol: its module's `request` and the instance's keep-alive agent. */
interface Transport {
  readonly request: typeof Request;
  readonly agent: Agent;
}

const transports = new Map<string, Transport>();

/**
 * node:http or node:https with one keep-alive agent per instance, made at first use (https, and
 * TLS with it, only loaded when a call needs it). process.getBuiltinModule, not `import`:
 * importing node:http into an ES module evaluates all of its lazy exports, one of which loads
 * fetch's implementation (undici). Agents hold sockets, never credentials.
 */
function transportFor(url: string): Transport {
  const protocol = url.startsWith('https:') ? 'node:https' : 'node:http';
  let transport = transports.get(protocol);
  if (transport === undefined) {
    const builtin = process.getBuiltinModule(protocol);
    transport = {request: builtin.request, agent: new builtin.Agent({keepAlive: true})};
    transports.set(protocol, transport);
  }
  return transport;
}

interface RawAnswer {
  readonly status: number;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

function send(
  url: string,
  method: 'GET' | 'POST',
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
): Promise<RawAnswer | null> {
  const {request, agent} = transportFor(url);
  const length = method === 'POST' ? {'content-length': String(Buffer.byteLength(body))} : {};
  let deadline: NodeJS.Timeout | undefined;
  return new Promise<RawAnswer | null>((resolve, reject) => {
    const req = request(
      url,
      {method, agent, headers: {accept: 'application/json', ...headers, ...length}},
      response => readBody(response).then(resolve, reject),
    );
    // The deadline covers the whole exchange, body included. A plain timer rather than
    // AbortSignal.timeout(): with that signal each request's memory stayed reachable (the soak
    // benchmark's RSS grew about 10 MiB per 1,000 listlabels requests).
    deadline = setTimeout(() => req.destroy(new Error('deadline')), Math.max(1, timeoutMs));
    req.on('error', reject);
    req.end(body);
  }).finally(() => clearTimeout(deadline));
}

/** The whole answer; null when it is cut off or larger than MAX_ANSWER_BYTES. */
function readBody(response: IncomingMessage): Promise<RawAnswer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    response.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_ANSWER_BYTES) {
        response.destroy();
        resolve(null);
        return;
      }
      chunks.push(chunk);
    });
    response.on('end', () =>
      resolve({
        status: response.statusCode ?? 0,
        headers: response.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      }),
    );
    response.on('error', reject);
    // A connection dropped mid-body: no answer (a no-op if 'end' came first).
    response.on('close', () => resolve(null));
  });
}
