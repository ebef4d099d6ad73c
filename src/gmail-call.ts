import type {Config} from './config.js';
import {classifyGoogleError, googleAnswerOf, type GoogleFailure} from './google-errors.js';
import {gaxiosFetch} from './google-fetch.js';
import {retryAfterSeconds} from './retry-after.js';

/** What one Gmail call came to, after our retries; each kind maps to one response. */
export type GmailOutcome<T> =
  | {readonly kind: 'ok'; readonly value: T}
  | {readonly kind: 'unauthorized'; readonly status: number}
  | {readonly kind: 'forbidden'; readonly status: number}
  | {
      readonly kind: 'unavailable';
      readonly retryAfterSeconds: number;
      readonly status: number | null;
    }
  | {readonly kind: 'rejected'; readonly status: number | null};

type Attempt<T> = {readonly kind: 'ok'; readonly value: T} | GoogleFailure;

/** Sends one attempt of a Gmail call with the fetch that enforces its deadline. */
export type GmailSend = (fetchImplementation: typeof fetch) => Promise<{data: unknown}>;

const MAX_ATTEMPTS = 4;
const BASE_BACKOFF_MS = 200;
const MIN_ATTEMPT_MS = 250;

/**
 * Calls Gmail with our retries: 429, 5xx, rate-limit 403s, timeouts and answers `parse` cannot
 * read are tried again with jittered backoff, up to 4 attempts inside `config.gmailBudgetMs`.
 * googleapis' own retries are off (safeTransportOptions): ours honour Retry-After and the budget.
 */
export async function callGmail<T>(
  config: Pick<Config, 'googleTimeoutMs' | 'gmailBudgetMs'>,
  send: GmailSend,
  parse: (data: unknown) => T | null,
): Promise<GmailOutcome<T>> {
  const deadline = Date.now() + config.gmailBudgetMs;
  for (let attempt = 1; ; attempt++) {
    const timeout = Math.min(config.googleTimeoutMs, deadline - Date.now());
    // This attempt's deadline, as the fetch gaxios calls (see safeTransportOptions).
    const outcome: Attempt<T> = await send(gaxiosFetch(timeout)).then(
      response => okOrMalformed(parse(response.data)),
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
}

function okOrMalformed<T>(value: T | null): Attempt<T> {
  // An answer that is not Gmail's JSON (a proxy page, a cut body) is treated like a 5xx.
  return value === null
    ? {kind: 'transient', status: 200, retryAfterMs: null}
    : {kind: 'ok', value};
}
