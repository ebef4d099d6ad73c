/** Cloud Logging severities we use. */
export type Severity = 'DEBUG' | 'INFO' | 'NOTICE' | 'WARNING' | 'ERROR';

/** Fields a log line may carry: plain values only, so no object (and no secret inside one) slips in. */
export type LogFields = Readonly<Record<string, string | number | boolean>>;

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
  const line = JSON.stringify({...fields, severity, message, event});
  process.stdout.write(line + '\n');
}

/**
 * What may be logged about an error: its name, status and code, and the stack frames.
 * Not the message: Gaxios messages and JSON parse errors can quote request or response bodies.
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
