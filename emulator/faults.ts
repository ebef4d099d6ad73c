import type {ServerResponse} from 'node:http';
import {gmailErrorReply, oauthErrorReply} from './google-errors.js';
import {jsonReply, type Reply} from './http.js';
import {errorPageReply} from './pages.js';
import type {EmulatorFault, EmulatorRoute} from './types.js';

interface QueuedFault {
  fault: EmulatorFault;
  remaining: number;
}

/** Faults waiting per route, consumed in order. */
export type FaultQueues = Map<EmulatorRoute, QueuedFault[]>;

/** Appends a fault; a `times` below 1 is a mistake in the test, so it throws. */
export function queueFault(queues: FaultQueues, route: EmulatorRoute, fault: EmulatorFault): void {
  const times = fault.times ?? 1;
  if (!(times >= 1)) {
    throw new RangeError(`fault times must be >= 1 or Infinity, got ${times}`);
  }
  const queue = queues.get(route) ?? [];
  queue.push({fault: {...fault}, remaining: times});
  queues.set(route, queue);
}

/** Takes one use of the route's first fault, or null when none is queued. */
export function takeFault(queues: FaultQueues, route: EmulatorRoute): EmulatorFault | null {
  const queue = queues.get(route);
  const head = queue?.[0];
  if (queue === undefined || head === undefined) return null;
  head.remaining -= 1;
  if (head.remaining <= 0) queue.shift();
  return head.fault;
}

/** True when the fault only delays or adds headers to the normal answer. */
export function isPassThrough(fault: EmulatorFault): boolean {
  return fault.status === undefined && fault.body === undefined && fault.reset !== true;
}

const OAUTH_ROUTES: readonly EmulatorRoute[] = ['token', 'revoke', 'tokeninfo'];
const PAGE_ROUTES: readonly EmulatorRoute[] = ['authorize', 'consent'];

/** The answer a failing Google would give on this route. */
export function faultReply(route: EmulatorRoute, fault: EmulatorFault): Reply {
  const status = fault.status ?? 200;
  let reply: Reply;
  if (fault.body === undefined && fault.status === undefined) {
    // Only a reset fault gets here: a success-looking body to cut in half.
    reply = jsonReply(200, {
      message: 'This answer is cut off by a reset fault.',
    });
  } else if (fault.body !== undefined) {
    reply = {
      status,
      headers: {'content-type': 'application/json; charset=utf-8'},
      body: fault.body,
    };
  } else if (OAUTH_ROUTES.includes(route)) {
    reply = oauthErrorReply(status, fault.reason ?? 'server_error');
  } else if (PAGE_ROUTES.includes(route)) {
    reply = errorPageReply(status, fault.reason ?? 'server_error', 'Injected fault.');
  } else {
    reply = gmailErrorReply(status, fault.reason);
  }
  return withRetryAfter(reply, fault);
}

/** Adds the fault's Retry-After header (RFC 9110 §10.2.3), if any. */
export function withRetryAfter(reply: Reply, fault: EmulatorFault): Reply {
  if (fault.retryAfter === undefined) return reply;
  return {
    ...reply,
    headers: {...reply.headers, 'retry-after': fault.retryAfter},
  };
}

/** Sends the headers and half the body, then drops the connection. */
export function writeTruncated(res: ServerResponse, reply: Reply): void {
  const body = Buffer.from(reply.body);
  res.writeHead(reply.status, {
    ...reply.headers,
    'content-length': String(body.length),
  });
  res.write(body.subarray(0, Math.floor(body.length / 2)), () => {
    res.destroy();
  });
}
