import type {Agent, IncomingMessage, OutgoingHttpHeaders, request as Request} from 'node:http';

/**
 * The part of a fetch `Response` that gaxios reads (gaxios.js `getResponseData`, common.js
 * `GaxiosError`): status, headers and the whole body, read once.
 */
export interface GoogleResponse {
  readonly ok: boolean;
  readonly status: number;
  readonly statusText: string;
  readonly url: string;
  readonly redirected: false;
  readonly headers: Headers;
  readonly bodyUsed: boolean;
  text(): Promise<string>;
  json(): Promise<unknown>;
  arrayBuffer(): Promise<ArrayBuffer>;
  blob(): Promise<Blob>;
}

/** What gaxios passes as fetch's `init` (its prepared options); we read only these. */
export interface GoogleFetchInit {
  readonly method?: string;
  readonly headers?: Headers | Record<string, string>;
  readonly body?: unknown;
  readonly signal?: AbortSignal | null;
  /** Set by gaxios for HTTPS_PROXY or mTLS; otherwise the instance's keep-alive agent is used. */
  readonly agent?: unknown;
}

/** gaxios' `fetchImplementation`: one request, no retries, its whole answer within a deadline. */
export type GoogleFetch = (input: string | URL, init?: GoogleFetchInit) => Promise<GoogleResponse>;

// Token and tokeninfo answers are a few hundred bytes; a mailbox's labels (at most 10,000
// user labels, Gmail's limit) fit well inside this. More is not Google.
const MAX_ANSWER_BYTES = 2 * 1024 * 1024;

/**
 * A fetch for gaxios over node:http(s), each exchange bounded by `timeoutMs`, body included.
 * Why not gaxios' default (node-fetch) or Node's fetch: either loads a second HTTP stack at the
 * first call (undici: about 20 ms and 12 MiB of a cold start), and gaxios' `timeout` makes one
 * AbortSignal.timeout() per request, whose memory stayed reachable (about 150 MiB of RSS over a
 * 20,000-request soak). Here a plain timer ends the request. It never retries and never logs.
 */
export function createGoogleFetch(timeoutMs: number): GoogleFetch {
  return async (input, init = {}) => {
    const url = String(input);
    const method = (init.method ?? 'GET').toUpperCase();
    const {headers, body} = requestParts(init);
    const raw = await send(url, method, headers, body, timeoutMs, init);
    // Without the query: an error keeps the response, and a query could hold a token.
    const {origin, pathname} = new URL(url);
    return toResponse(origin + pathname, raw);
  };
}

/**
 * createGoogleFetch as gaxios' `fetchImplementation` option, which is typed as `fetch`: gaxios
 * reads only what GoogleResponse has (and never a body stream: we ask for no stream responses).
 */
export function gaxiosFetch(timeoutMs: number): typeof fetch {
  return createGoogleFetch(timeoutMs) as unknown as typeof fetch;
}

function requestParts(init: GoogleFetchInit): {headers: OutgoingHttpHeaders; body: Buffer} {
  const headers: OutgoingHttpHeaders = {};
  const given = init.headers;
  if (given instanceof Headers) given.forEach((value, name) => (headers[name] = value));
  else if (given !== undefined) {
    for (const [name, value] of Object.entries(given)) headers[name.toLowerCase()] = value;
  }
  const source = init.body;
  let body: Buffer;
  if (source === undefined || source === null) body = Buffer.alloc(0);
  else if (typeof source === 'string') body = Buffer.from(source);
  else if (source instanceof URLSearchParams) {
    // As fetch does for a URLSearchParams body (Fetch standard, "extract a body").
    headers['content-type'] ??= 'application/x-www-form-urlencoded;charset=UTF-8';
    body = Buffer.from(source.toString());
  } else if (Buffer.isBuffer(source)) body = source;
  else throw new TypeError('google-fetch sends string, URLSearchParams or Buffer bodies only');
  if (body.length > 0) headers['content-length'] = String(body.length);
  return {headers, body};
}

interface RawAnswer {
  readonly status: number;
  readonly statusText: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: Buffer;
}

function toResponse(url: string, raw: RawAnswer): GoogleResponse {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw.headers)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
  }
  let bodyUsed = false;
  const take = (): Buffer => {
    if (bodyUsed) throw new TypeError('Body has already been read');
    bodyUsed = true;
    return raw.body;
  };
  const text = (): Promise<string> => Promise.resolve(take().toString('utf8'));
  return {
    ok: raw.status >= 200 && raw.status <= 299,
    status: raw.status,
    statusText: raw.statusText,
    url,
    redirected: false,
    headers,
    get bodyUsed() {
      return bodyUsed;
    },
    text,
    json: async () => JSON.parse(await text()) as unknown,
    arrayBuffer: () => Promise.resolve(new Uint8Array(take()).buffer),
    blob: () => Promise.resolve(new Blob([take()], {type: headers.get('content-type') ?? ''})),
  };
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

/** Thrown when no whole answer came; `code` tells gaxios (and our logs) why, and nothing else. */
class GoogleFetchError extends Error {
  constructor(
    message: string,
    readonly code:
      'ETIMEDOUT' | 'ECONNRESET' | 'ERR_ANSWER_TOO_LARGE' | 'ERR_ANSWER_UNREADABLE' | 'ABORT_ERR',
  ) {
    super(message);
    this.name = 'GoogleFetchError';
  }
}

function send(
  url: string,
  method: string,
  headers: OutgoingHttpHeaders,
  body: Buffer,
  timeoutMs: number,
  init: GoogleFetchInit,
): Promise<RawAnswer> {
  const {request, agent} = transportFor(url);
  const signal = init.signal ?? null;
  let deadline: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  return new Promise<RawAnswer>((resolve, reject) => {
    if (signal?.aborted) throw new GoogleFetchError('The request was aborted', 'ABORT_ERR');
    const req = request(
      url,
      // gaxios' proxy or mTLS agent when it made one (an http.Agent by its contract).
      {method, agent: (init.agent as Agent | undefined) ?? agent, headers},
      response => readBody(response).then(resolve, reject),
    );
    // The deadline covers the whole exchange, body included: a plain timer rather than
    // AbortSignal.timeout() (see createGoogleFetch).
    deadline = setTimeout(
      () => req.destroy(new GoogleFetchError(`No answer within ${timeoutMs} ms`, 'ETIMEDOUT')),
      Math.max(1, timeoutMs),
    );
    onAbort = () => req.destroy(new GoogleFetchError('The request was aborted', 'ABORT_ERR'));
    signal?.addEventListener('abort', onAbort, {once: true});
    req.on('error', reject);
    req.end(body);
  }).finally(() => {
    clearTimeout(deadline);
    if (onAbort !== undefined) signal?.removeEventListener('abort', onAbort);
  });
}

/** The whole answer, decoded; rejects when it is cut off or larger than MAX_ANSWER_BYTES. */
function readBody(response: IncomingMessage): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const tooLarge = (): GoogleFetchError =>
      new GoogleFetchError('The answer is larger than 2 MiB', 'ERR_ANSWER_TOO_LARGE');
    response.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_ANSWER_BYTES) {
        response.destroy(tooLarge());
        return;
      }
      chunks.push(chunk);
    });
    response.on('end', () => {
      try {
        resolve({
          status: response.statusCode ?? 0,
          statusText: response.statusMessage ?? '',
          headers: response.headers,
          body: decode(Buffer.concat(chunks), response.headers['content-encoding']),
        });
      } catch {
        reject(new GoogleFetchError('The answer could not be decoded', 'ERR_ANSWER_UNREADABLE'));
      }
    });
    response.on('error', reject);
    // A connection dropped mid-body (a no-op once 'end' settled the promise).
    response.on('close', () =>
      reject(new GoogleFetchError('The connection closed mid-answer', 'ECONNRESET')),
    );
  });
}

/**
 * The body without its content coding (RFC 9110 §8.4): googleapis asks for gzip. Decoding
 * stops at MAX_ANSWER_BYTES (it throws), so a small compressed body cannot expand without bound.
 */
function decode(body: Buffer, coding: string | undefined): Buffer {
  const name = (coding ?? 'identity').trim().toLowerCase();
  if (name === 'identity' || body.length === 0) return body;
  const zlib = process.getBuiltinModule('node:zlib');
  const limit = {maxOutputLength: MAX_ANSWER_BYTES};
  if (name === 'gzip' || name === 'x-gzip') return zlib.gunzipSync(body, limit);
  if (name === 'deflate') return zlib.inflateSync(body, limit);
  if (name === 'br') return zlib.brotliDecompressSync(body, limit);
  throw new RangeError('unsupported content coding');
}
