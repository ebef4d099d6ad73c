import type {Config} from './config.js';
import {
  createGmailClient,
  createOAuth2Client,
  type GoogleEndpoints,
} from './oauth-client.js';
import type {Session} from './token-cookie.js';

/** One Gmail label, as we show it. */
export interface Label {
  readonly id: string;
  readonly name: string;
  readonly type: string;
}

/** What asking Gmail for the labels came to; each kind maps to one response. */
export type LabelsOutcome =
  | {readonly kind: 'ok'; readonly labels: readonly Label[]}
  | {readonly kind: 'unauthorized'}
  | {readonly kind: 'forbidden'}
  | {
      readonly kind: 'unavailable';
      readonly retryAfterSeconds: number;
      readonly status: number | null;
    }
  | {readonly kind: 'rejected'; readonly status: number | null};

type Attempt =
  | LabelsOutcome
  | {
      readonly kind: 'transient';
      readonly status: number | null;
      readonly retryAfterMs: number | null;
    };

const MAX_ATTEMPTS = 4;
const BASE_BACKOFF_MS = 200;
const MIN_ATTEMPT_MS = 250;
const DEFAULT_RETRY_AFTER_SECONDS = 5;
// Gmail's 403 reasons that mean "this token lacks the scope" (not a rate limit).
const PERMISSION_REASONS = new Set([
  'insufficientPermissions',
  'ACCESS_TOKEN_SCOPE_INSUFFICIENT',
]);
const RATE_LIMIT_REASONS = new Set([
  'rateLimitExceeded',
  'userRateLimitExceeded',
]);

/**
 * Calls users.labels.list for `me` with a client made for this request, retrying 429, 5xx and
 * timeouts with jittered backoff inside `config.gmailBudgetMs`.
 */
export async function fetchLabels(
  config: Config,
  endpoints: GoogleEndpoints,
  session: Session,
): Promise<LabelsOutcome> {
  const gmail = createGmailClient(
    endpoints,
    createOAuth2Client(config, endpoints, session),
  );
  const deadline = Date.now() + config.gmailBudgetMs;
  for (let attempt = 1; ; attempt++) {
    const timeout = Math.min(config.googleTimeoutMs, deadline - Date.now());
    const outcome: Attempt = await gmail.users.labels
      .list({userId: 'me'}, {timeout, retry: false})
      .then(
        response => okOrMalformed(parseLabels(response.data)),
        classifyError,
      );
    if (outcome.kind !== 'transient') return outcome;
    // Full jitter (AWS architecture blog, "Exponential Backoff And Jitter"); Retry-After wins.
    const wait =
      outcome.retryAfterMs ?? Math.random() * BASE_BACKOFF_MS * 2 ** attempt;
    if (
      attempt >= MAX_ATTEMPTS ||
      Date.now() + wait + MIN_ATTEMPT_MS > deadline
    ) {
      const hint =
        outcome.retryAfterMs === null
          ? DEFAULT_RETRY_AFTER_SECONDS
          : Math.ceil(outcome.retryAfterMs / 1000);
      return {
        kind: 'unavailable',
        retryAfterSeconds: Math.min(Math.max(hint, 1), 3600),
        status: outcome.status,
      };
    }
    await new Promise(resolve => setTimeout(resolve, wait));
  }
}

function okOrMalformed(labels: Label[] | null): Attempt {
  // An answer that is not Gmail's JSON (a proxy page, a cut body) is treated like a 5xx.
  return labels === null
    ? {kind: 'transient', status: 200, retryAfterMs: null}
    : {kind: 'ok', labels};
}

/** The labels of a users.labels.list answer; null when it is not one. */
function parseLabels(data: unknown): Label[] | null {
  if (typeof data !== 'object' || data === null) return null;
  // Gmail omits `labels` when there are none.
  const list = 'labels' in data ? data.labels : [];
  if (!Array.isArray(list)) return null;
  return list.flatMap((item: unknown): Label[] => {
    if (typeof item !== 'object' || item === null) return [];
    const id = 'id' in item ? item.id : undefined;
    const name = 'name' in item ? item.name : undefined;
    const type = 'type' in item ? item.type : undefined;
    if (typeof id !== 'string' || typeof name !== 'string') return [];
    return [{id, name, type: typeof type === 'string' ? type : 'user'}];
  });
}

/** Maps a failed call to an outcome, from status and Google's error reason only. */
function classifyError(error: unknown): Attempt {
  const response =
    typeof error === 'object' && error !== null && 'response' in error
      ? error.response
      : undefined;
  const status =
    typeof response === 'object' &&
    response !== null &&
    'status' in response &&
    typeof response.status === 'number'
      ? response.status
      : null;
  if (status === null) return {kind: 'transient', status, retryAfterMs: null}; // timeout, reset, DNS
  const reason = errorReason(response);
  if (status === 401) return {kind: 'unauthorized'};
  if (status === 403 && reason !== null && PERMISSION_REASONS.has(reason))
    return {kind: 'forbidden'};
  if (
    status === 429 ||
    status >= 500 ||
    (status === 403 && reason !== null && RATE_LIMIT_REASONS.has(reason))
  ) {
    return {kind: 'transient', status, retryAfterMs: retryAfterMs(response)};
  }
  return {kind: 'rejected', status};
}

/** The first `errors[].reason`, or the `details[].reason` of newer Google errors. */
function errorReason(response: unknown): string | null {
  const data =
    typeof response === 'object' && response !== null && 'data' in response
      ? response.data
      : undefined;
  const error =
    typeof data === 'object' && data !== null && 'error' in data
      ? data.error
      : undefined;
  if (typeof error !== 'object' || error === null) return null;
  for (const key of ['errors', 'details']) {
    const list: unknown = Reflect.get(error, key);
    const first: unknown = Array.isArray(list) ? list[0] : undefined;
    const reason: unknown =
      typeof first === 'object' && first !== null
        ? Reflect.get(first, 'reason')
        : undefined;
    if (typeof reason === 'string') return reason;
  }
  return null;
}

/** RFC 9110 §10.2.3: Retry-After is delay-seconds or an HTTP-date. */
function retryAfterMs(response: unknown): number | null {
  const headers =
    typeof response === 'object' && response !== null && 'headers' in response
      ? response.headers
      : undefined;
  // Gaxios's Headers may come from another fetch implementation than the global one.
  const get: unknown =
    typeof headers === 'object' && headers !== null
      ? Reflect.get(headers, 'get')
      : undefined;
  const value: unknown =
    typeof get === 'function' ? get.call(headers, 'retry-after') : null;
  if (typeof value !== 'string') return null;
  if (/^\d{1,6}$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - Date.now());
}
