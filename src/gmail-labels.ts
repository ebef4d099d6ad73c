import {gmail_v1} from '@googleapis/gmail/build/v1.js';
import type {Config} from './config.js';
import {gaxiosFetch} from './google-fetch.js';
import {retryAfterSeconds} from './retry-after.js';
import type {GoogleClients} from './oauth-client.js';
import {classifyGoogleError, googleAnswerOf, type TransientFailure} from './google-errors.js';
import {logEvent} from './log.js';
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
  | {readonly kind: 'unauthorized'; readonly status: number}
  | {readonly kind: 'forbidden'; readonly status: number}
  | {
      readonly kind: 'unavailable';
      readonly retryAfterSeconds: number;
      readonly status: number | null;
    }
  | {readonly kind: 'rejected'; readonly status: number | null};

type Attempt = LabelsOutcome | TransientFailure;

const MAX_ATTEMPTS = 4;
const BASE_BACKOFF_MS = 200;
const MIN_ATTEMPT_MS = 250;

/** Asks Gmail for a session's labels. */
export type LabelsReader = (session: Pick<Session, 'accessToken'>) => Promise<LabelsOutcome>;

/**
 * A reader that calls users.labels.list for `me` with Google's Gmail client, retrying 429, 5xx
 * and timeouts with jittered backoff inside `config.gmailBudgetMs`. The retries are ours, not
 * googleapis' (off in safeTransportOptions): they honour Retry-After, Gmail's rate-limit 403s and
 * the budget. The Gmail client holds no credentials; each call is authorised by a client made
 * for that call's session alone.
 */
export function createLabelsReader(config: Config, google: GoogleClients): LabelsReader {
  // https://developers.google.com/workspace/gmail/api/reference/rest/v1/users.labels/list
  const gmail = new gmail_v1.Gmail({rootUrl: google.endpoints.gmailRoot});
  return async session => {
    const auth = google.forUser({access_token: session.accessToken, token_type: 'Bearer'});
    const deadline = Date.now() + config.gmailBudgetMs;
    for (let attempt = 1; ; attempt++) {
      const timeout = Math.min(config.googleTimeoutMs, deadline - Date.now());
      // This attempt's deadline, as the fetch gaxios calls (see safeTransportOptions).
      const fetchImplementation = gaxiosFetch(timeout);
      const outcome: Attempt = await gmail.users.labels
        .list({userId: 'me', auth}, {fetchImplementation})
        .then(
          response => okOrMalformed(parseLabels(response.data)),
          (error: unknown) => classifyGoogleError(googleAnswerOf(error)),
        );
      if (outcome.kind !== 'transient') return outcome;
      // Full jitter (AWS architecture blog, "Exponential Backoff And Jitter"); Retry-After wins.
      const wait = outcome.retryAfterMs ?? Math.random() * BASE_BACKOFF_MS * 2 ** attempt;
      if (attempt >= MAX_ATTEMPTS || Date.now() + wait + MIN_ATTEMPT_MS > deadline) {
        return {
          kind: 'unavailable',
          retryAfterSeconds: retryAfterSeconds(outcome.retryAfterMs),
          status: outcome.status,
        };
      }
      await new Promise(resolve => setTimeout(resolve, wait));
    }
  };
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

/** One log line for a failed labels call: the outcome and Gmail's status, nothing else. */
export function logLabelsOutcome(outcome: LabelsOutcome): void {
  if (outcome.kind === 'ok') return;
  // 0: no answer at all (a timeout or a reset).
  const status = outcome.status ?? 0;
  logEvent('WARNING', 'gmail_error', `Gmail: ${outcome.kind}`, {outcome: outcome.kind, status});
}
