import type {IncomingHttpHeaders, IncomingMessage, ServerResponse} from 'node:http';

/** An answer as a value; server.ts records and writes it (or a fault instead). */
export interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** The parts of a request the handlers read. */
export interface EmulatorRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  form: URLSearchParams;
  headers: IncomingHttpHeaders;
}

const MAX_BODY_BYTES = 1024 * 1024;

/** Thrown when a request body cannot be read; the caller answers 400/413. */
export class BodyError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'BodyError';
  }
}

/** Reads the body as form fields (urlencoded, or a flat JSON object). */
export async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    if (!Buffer.isBuffer(chunk)) continue;
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new BodyError('Body too large', 413);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text === '') return new URLSearchParams();
  const type = req.headers['content-type'] ?? '';
  if (type.startsWith('application/json')) return parseJsonForm(text);
  if (type.startsWith('application/x-www-form-urlencoded')) {
    return new URLSearchParams(text);
  }
  return new URLSearchParams();
}

// Google's token endpoint also takes JSON bodies; only string values count.
function parseJsonForm(text: string): URLSearchParams {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new BodyError('Body is not valid JSON', 400);
  }
  const form = new URLSearchParams();
  if (typeof value !== 'object' || value === null) return form;
  for (const [key, field] of Object.entries(value)) {
    if (typeof field === 'string') form.append(key, field);
  }
  return form;
}

/** One parameter; RFC 6749 §3.1: an empty value counts as omitted. */
export function param(params: URLSearchParams, name: string): string | null {
  const value = params.get(name);
  return value === null || value === '' ? null : value;
}

/** The first parameter of `names` sent more than once, if any (RFC 6749 §3.1). */
export function repeatedParam(params: URLSearchParams, names: readonly string[]): string | null {
  return names.find(name => params.getAll(name).length > 1) ?? null;
}

/** A JSON answer. */
export function jsonReply(
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
): Reply {
  return {
    status,
    headers: {'content-type': 'application/json; charset=utf-8', ...headers},
    body: JSON.stringify(value),
  };
}

// The consent screen must not be framed (clickjacking) nor cached.
const HTML_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; form-action *; frame-ancestors 'none'",
  'x-frame-options': 'DENY',
  'cache-control': 'no-store',
};

/** An HTML answer with the emulator's page headers. */
export function htmlReply(status: number, html: string): Reply {
  return {status, headers: {...HTML_HEADERS}, body: html};
}

/** A 302 to `url`. */
export function redirectReply(url: URL): Reply {
  return {status: 302, headers: {location: url.href}, body: ''};
}

/** Writes a reply in full. */
export function writeReply(res: ServerResponse, reply: Reply): void {
  res.writeHead(reply.status, {
    ...reply.headers,
    'content-length': String(Buffer.byteLength(reply.body)),
  });
  res.end(reply.body);
}

/** The token of an `Authorization: Bearer` header (RFC 6750 §2.1), or null. */
export function bearerToken(headers: IncomingHttpHeaders): string | null {
  const match = /^Bearer +(\S+)$/i.exec(headers.authorization ?? '');
  return match?.[1] ?? null;
}
