import type {LabelsOutcome} from './gmail-labels.js';
import type {GoogleAnswer} from './google-http.js';
import {parseRetryAfter} from './retry-after.js';

/** A failure worth another attempt: 429, 5xx, rate-limit 403s, timeouts, resets, cut bodies. */
export interface TransientFailure {
  readonly kind: 'transient';
  readonly status: number | null;
  readonly retryAfterMs: number | null;
}

/** A Google API failure, as far as the caller needs to know. */
export type GoogleFailure =
  Exclude<LabelsOutcome, {kind: 'ok'} | {kind: 'unavailable'}> | TransientFailure;

// Gmail's 403 reasons that mean "this token lacks the scope" (not a rate limit).
const PERMISSION_REASONS = new Set(['insufficientPermissions', 'ACCESS_TOKEN_SCOPE_INSUFFICIENT']);
const RATE_LIMIT_REASONS = new Set(['rateLimitExceeded', 'userRateLimitExceeded']);

/**
 * Maps a Google API answer that is not a success (or no answer: timeout, reset) to an outcome,
 * from the status and Google's error reason only.
 */
export function classifyGoogleError(answer: GoogleAnswer | null): GoogleFailure {
  if (answer === null) return {kind: 'transient', status: null, retryAfterMs: null};
  const {status} = answer;
  const reason = errorReason(answer.json);
  if (status === 401) return {kind: 'unauthorized'};
  if (status === 403 && reason !== null && PERMISSION_REASONS.has(reason))
    return {kind: 'forbidden'};
  if (
    status === 429 ||
    status >= 500 ||
    (status === 403 && reason !== null && RATE_LIMIT_REASONS.has(reason))
  ) {
    return {kind: 'transient', status, retryAfterMs: parseRetryAfter(answer.retryAfter)};
  }
  return {kind: 'rejected', status};
}

/** The first `errors[].reason`, or the `details[].reason` of newer Google errors. */
function errorReason(body: unknown): string | null {
  const error =
    typeof body === 'object' && body !== null && 'error' in body ? body.error : undefined;
  if (typeof error !== 'object' || error === null) return null;
  for (const key of ['errors', 'details']) {
    const list: unknown = Reflect.get(error, key);
    const first: unknown = Array.isArray(list) ? list[0] : undefined;
    const reason: unknown =
      typeof first === 'object' && first !== null ? Reflect.get(first, 'reason') : undefined;
    if (typeof reason === 'string') return reason;
  }
  return null;
}
