import type {IncomingMessage, ServerResponse} from 'node:http';
import {setTimeout as sleep} from 'node:timers/promises';
import {handleAuthorize} from './authorize.js';
import {handleConsent} from './consent.js';
import {
  faultReply,
  isPassThrough,
  takeFault,
  withRetryAfter,
  writeTruncated,
  type FaultQueues,
} from './faults.js';
import {gmailRoute, handleGmail} from './gmail.js';
import {gmailErrorReply} from './google-errors.js';
import {
  BodyError,
  jsonReply,
  readForm,
  writeReply,
  type EmulatorRequest,
  type Reply,
} from './http.js';
import {handleRevoke} from './revoke.js';
import type {EmulatorContext} from './store.js';
import {handleToken} from './token.js';
import {handleTokeninfo} from './tokeninfo.js';
import type {EmulatorRoute, RecordedRequest} from './types.js';

const FIXED_ROUTES = new Map<string, EmulatorRoute>([
  ['/o/oauth2/v2/auth', 'authorize'],
  ['/o/oauth2/v2/auth/consent', 'consent'],
  ['/token', 'token'],
  ['/revoke', 'revoke'],
  ['/tokeninfo', 'tokeninfo'],
]);

function routeOf(path: string): EmulatorRoute {
  return FIXED_ROUTES.get(path) ?? gmailRoute(path) ?? 'other';
}

function handle(ctx: EmulatorContext, req: EmulatorRequest, route: EmulatorRoute): Reply {
  switch (route) {
    case 'authorize':
      return handleAuthorize(ctx, req);
    case 'consent':
      return handleConsent(ctx, req);
    case 'token':
      return handleToken(ctx, req);
    case 'revoke':
      return handleRevoke(ctx, req);
    case 'tokeninfo':
      return handleTokeninfo(ctx, req);
    case 'labels':
    case 'profile':
      return handleGmail(ctx, req, route);
    case 'other':
      return gmailErrorReply(404, 'notFound');
  }
}

// Faults come before normal processing, so a faulted /token never sees the code.
async function answer(
  ctx: EmulatorContext,
  faults: FaultQueues,
  signal: AbortSignal,
  req: EmulatorRequest,
  route: EmulatorRoute,
): Promise<{reply: Reply; reset: boolean}> {
  const fault = takeFault(faults, route);
  if (fault === null) return {reply: handle(ctx, req, route), reset: false};
  if (fault.delayMs !== undefined) {
    await sleep(fault.delayMs, undefined, {signal});
  }
  if (!isPassThrough(fault)) {
    return {reply: faultReply(route, fault), reset: fault.reset === true};
  }
  return {reply: withRetryAfter(handle(ctx, req, route), fault), reset: false};
}

// The request target is origin-form for every client we serve (RFC 9112 §3.2.1).
function targetOf(raw: string | undefined): URL {
  try {
    return new URL(`http://127.0.0.1${raw?.startsWith('/') ? raw : '/'}`);
  } catch {
    return new URL('http://127.0.0.1/');
  }
}

/** Answers one request: record it, apply any fault, else route it. */
export async function serve(
  ctx: EmulatorContext,
  faults: FaultQueues,
  signal: AbortSignal,
  incoming: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = targetOf(incoming.url);
  const route = routeOf(url.pathname);
  const method = incoming.method ?? 'GET';
  const recorded: RecordedRequest = {
    method,
    route,
    path: url.pathname,
    status: 0,
    params: {},
    queryNames: [...new Set(url.searchParams.keys())],
  };
  let result: {reply: Reply; reset: boolean};
  try {
    const form = await readForm(incoming);
    recorded.params = {
      ...Object.fromEntries(url.searchParams),
      ...Object.fromEntries(form),
    };
    ctx.emulator.requests.push(recorded);
    const req = {
      method,
      path: url.pathname,
      query: url.searchParams,
      form,
      headers: incoming.headers,
    };
    result = await answer(ctx, faults, signal, req, route);
  } catch (error) {
    if (signal.aborted) return;
    if (!ctx.emulator.requests.includes(recorded)) {
      ctx.emulator.requests.push(recorded);
    }
    const status = error instanceof BodyError ? error.status : 500;
    const body = {
      error: status < 500 ? 'invalid_request' : 'server_error',
      error_description: error instanceof Error ? error.message : 'Unknown',
    };
    result = {reply: jsonReply(status, body), reset: false};
  }
  recorded.status = result.reply.status;
  if (result.reset) writeTruncated(res, result.reply);
  else writeReply(res, result.reply);
}
