import {AsyncLocalStorage} from 'node:async_hooks';
import type {IncomingHttpHeaders} from 'node:http';

/** Cloud Logging severities we use. */
export type Severity = 'DEBUG' | 'INFO' | 'NOTICE' | 'WARNING' | 'ERROR';

/** Fields a log line may carry: plain values only, so no object (and no secret inside one) slips in. */
export type LogFields = Readonly<Record<string, string | number | boolean>>;

// The trace of the request being handled, so that its log lines group under it in Cloud Logging.
const requestTrace = new AsyncLocalStorage<string>();
let traceProject: string | null = null;

/** Sets the project that trace ids belong to (from config, once per instance); null: no traces. */
export function setTraceProject(projectId: string | null): void {
  traceProject = projectId;
}

/**
 * Runs `fn` with the request's trace id from `traceparent` (W3C Trace Context §3.2) or
 * `X-Cloud-Trace-Context` (TRACE_ID/SPAN_ID;o=OPTIONS), for every log line it writes.
 */
export function withRequestTrace<T>(headers: IncomingHttpHeaders, fn: () => T): T {
  const parent = /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/.exec(
    String(headers.traceparent ?? ''),
  );
  const cloud = /^([0-9a-f]{32})(?:\/\d{1,20})?(?:;o=[01])?$/i.exec(
    String(headers['x-cloud-trace-context'] ?? ''),
  );
  const traceId = parent?.[1] ?? cloud?.[1]?.toLowerCase();
  return traceId === undefined ? fn() : requestTrace.run(traceId, fn);
}

/**
 * Writes one structured line in Cloud Logging's JSON format.
 * Callers pass outcomes and statuses, never tokens, codes, verifiers, states or cookie values.
 */
export function logEvent(
  severity: Severity,
  event: string,
  message: string,
  fields: LogFields = {},
): void {
  const traceId = requestTrace.getStore();
  const trace =
    traceId !== undefined && traceProject !== null
      ? {'logging.googleapis.com/trace': `projects/${traceProject}/traces/${traceId}`}
      : {};
  const line = JSON.stringify({...fields, ...trace, severity, message, event});
  process.stdout.write(line + '\n');
}

/**
 * What may be logged about an error: its name, status and code, and the stack frames.
 * Not the message: error messages (JSON.parse's, a network error's) can quote bodies or URLs.
 */
export function describeError(error: unknown): Record<string, string | number> {
  if (!(error instanceof Error)) return {errorName: typeof error};
  const fields: Record<string, string | number> = {errorName: error.name};
  const status = 'status' in error ? error.status : undefined;
  const code = 'code' in error ? error.code : undefined;
  if (typeof status === 'number') fields.errorStatus = status;
  if (typeof code === 'string' && /^[A-Z0-9_]{1,40}$/.test(code)) fields.errorCode = code;
  const frames = (error.stack ?? '').split('\n').filter(line => /^\s+at /.test(line));
  if (frames.length > 0) fields.stack = frames.slice(0, 8).join('\n');
  return fields;
}
