import {parseRetryAfter} from './retry-after.js';

/** What a Google endpoint answered: status, Retry-After, and the body as JSON (undefined when not JSON). */
export interface GoogleAnswer {
  readonly status: number;
  readonly retryAfter: string | null;
  readonly json: unknown;
}

/**
 * The answer inside an error from Google's libraries (a GaxiosError's `response`), or null when
 * no answer came (timeout, reset, refused connection). Reads the response only: the error's
 * `config` is the request, with its codes and tokens.
 */
export function googleAnswerOf(error: unknown): GoogleAnswer | null {
  const response: unknown =
    typeof error === 'object' && error !== null ? Reflect.get(error, 'response') : undefined;
  if (typeof response !== 'object' || response === null) return null;
  const status: unknown = Reflect.get(response, 'status');
  if (typeof status !== 'number') return null;
  const headers: unknown = Reflect.get(response, 'headers');
  const retryAfter = headers instanceof Headers ? headers.get('retry-after') : null;
  // gaxios parses a JSON body by its content type and leaves anything else as text.
  const data: unknown = Reflect.get(response, 'data');
  const json = typeof data === 'object' && data !== null ? data : undefined;
  return {status, retryAfter, json};
}

/** A failure worth another attempt: 429, 5xx, rate-limit 403s, timeouts, resets, cut bodies. */
export interface TransientFailure {
  readonly kind: 'transient';
  readonly status: number | null;
  readonly retryAfterMs: number | null;
}

/** A Google API failure, as far as the caller needs to know. */
export type GoogleFailure =
  | {readonly kind: 'unauthorized'; readonly status: number}
  | {readonly kind: 'forbidden'; readonly status: number}
  | {readonly kind: 'rejected'; readonly status: number | null}
  | TransientFailure;

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
  if (status === 401) return {kind: 'unauthorized', status};
  if (status === 403 && reason !== null && PERMISSION_REASONS.has(reason))
    return {kind: 'forbidden', status};
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
