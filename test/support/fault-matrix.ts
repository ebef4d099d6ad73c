// Google misbehaving, as one table: each fault the emulator can inject, on the three calls
// Google serves us (the code exchange, a refresh, the Gmail labels call), and what the user
// must get. test/fault-matrix.test.ts runs it as a browser would; test/log.test.ts runs it
// again as an API client, with sentinel secrets, and reads everything the process printed.
import type {EmulatorFault, EmulatorRoute} from '../../emulator/index.js';
import type {Config} from '../../src/config.js';
import {PROBLEMS, type StatusProblem} from '../../src/problems.js';

/** Which call to Google misbehaves. */
export type FaultedCall = 'exchange' | 'refresh' | 'gmail';

/** The emulator route each call goes to. */
export const EMULATOR_ROUTE: Readonly<Record<FaultedCall, EmulatorRoute>> = {
  exchange: 'token',
  refresh: 'token',
  gmail: 'labels',
};

/** Deadlines lowered so that slow rows stay fast (5 s and 10 s when deployed). */
export const MATRIX_CONFIG = {
  googleTimeoutMs: 300,
  gmailBudgetMs: 1000,
} as const satisfies Partial<Config>;

/** The faults, named as in the table of docs/reliability.md. Each stays until cleared: Google keeps failing. */
export const FAULTS = {
  '500': {status: 500},
  '502': {status: 502},
  '503': {status: 503},
  '429': {status: 429},
  '429 + Retry-After: 120': {status: 429, retryAfter: '120'},
  '400 invalid_grant': {status: 400, reason: 'invalid_grant'},
  '401 invalid_client': {status: 401, reason: 'invalid_client'},
  '401': {status: 401},
  '403 insufficientPermissions': {status: 403, reason: 'insufficientPermissions'},
  '403 rateLimitExceeded': {status: 403, reason: 'rateLimitExceeded'},
  '400 badRequest': {status: 400, reason: 'badRequest'},
  'malformed JSON': {body: '{"access_token": "ya29.a0Af'},
  '200 without access_token': {body: '{"token_type":"Bearer","expires_in":3599}'},
  'slow (5 s)': {delayMs: 5000},
  'reset mid-response': {reset: true},
} as const satisfies Record<string, EmulatorFault>;

/** A fault's name. */
export type FaultName = keyof typeof FAULTS;

/** Back to sign-in: 302 to oauth2init for pages, 401 `login_required` for JSON. */
export const SIGN_IN_AGAIN = {error: 'login_required', status: 302, jsonStatus: 401} as const;

/** What the user gets: one of src/problems.ts, or the way back to sign-in. */
export type Outcome = StatusProblem | typeof SIGN_IN_AGAIN;

/** One row: a fault on one call, and everything the user and Google see. */
export interface FaultRow {
  readonly call: FaultedCall;
  readonly fault: FaultName;
  /** Our status for a browser (JSON clients get the same, except 401 for SIGN_IN_AGAIN). */
  readonly status: number;
  readonly outcome: Outcome;
  /** The Retry-After we send, or null for none. */
  readonly retryAfter: string | null;
  /** Requests that reach the faulted endpoint: exactly, or [min, max] with jittered retries. */
  readonly attempts: number | readonly [number, number];
  /** `kept`: no Set-Cookie touches the session; `cleared`: it is expired. */
  readonly session: 'kept' | 'cleared';
  /** Upper bound on our response time. */
  readonly withinMs: number;
}

// Bounds: nothing to wait for; one call to its timeout; the whole Gmail budget. The slack
// absorbs a loaded machine; a slow fault (5 s) is far beyond every bound.
const QUICK = 1000;
const ONE_CALL = MATRIX_CONFIG.googleTimeoutMs + 1000;
const BUDGET = MATRIX_CONFIG.gmailBudgetMs + 1000;
const P = PROBLEMS;
const SIGN_IN = SIGN_IN_AGAIN;
const RETRIED = [2, 4] as const; // gmail-call.ts: up to 4 attempts; the first backoff always fits
const TIMED_OUT = [1, 4] as const; // each attempt takes the timeout, so the backoff may not fit

type Cells = readonly [
  FaultName,
  number,
  Outcome,
  string | null,
  FaultRow['attempts'],
  FaultRow['session'],
  number,
];

// oauth2callback redeems the code exactly once, whatever Google answers (RFC 6749 §4.1.2: a code
// is single-use), sets no session on failure and leaves one the browser already has alone.
// prettier-ignore
const EXCHANGE: readonly Cells[] = [
  // fault                        status  outcome               Retry-After  attempts   session    within ms
  ['500',                         502,    P.googleUnavailable,  null,        1,         'kept',    QUICK],
  ['502',                         502,    P.googleUnavailable,  null,        1,         'kept',    QUICK],
  ['503',                         502,    P.googleUnavailable,  null,        1,         'kept',    QUICK],
  ['429',                         502,    P.googleUnavailable,  null,        1,         'kept',    QUICK],
  ['429 + Retry-After: 120',      502,    P.googleUnavailable,  null,        1,         'kept',    QUICK],
  ['400 invalid_grant',           400,    P.codeRejected,       null,        1,         'kept',    QUICK],
  ['401 invalid_client',          502,    P.clientRejected,     null,        1,         'kept',    QUICK],
  ['malformed JSON',              502,    P.googleUnavailable,  null,        1,         'kept',    QUICK],
  ['200 without access_token',    502,    P.googleUnavailable,  null,        1,         'kept',    QUICK],
  ['slow (5 s)',                  502,    P.googleUnavailable,  null,        1,         'kept',    ONE_CALL],
  ['reset mid-response',          502,    P.googleUnavailable,  null,        1,         'kept',    QUICK],
];

// listlabels with an expired access token and a refresh token: one refresh request; a transient
// failure keeps the session (503, try again), only invalid_grant / invalid_client end it.
// prettier-ignore
const REFRESH: readonly Cells[] = [
  // fault                        status  outcome               Retry-After  attempts   session    within ms
  ['500',                         503,    P.gmailUnavailable,   '5',         1,         'kept',    QUICK],
  ['502',                         503,    P.gmailUnavailable,   '5',         1,         'kept',    QUICK],
  ['503',                         503,    P.gmailUnavailable,   '5',         1,         'kept',    QUICK],
  ['429',                         503,    P.gmailUnavailable,   '5',         1,         'kept',    QUICK],
  ['429 + Retry-After: 120',      503,    P.gmailUnavailable,   '120',       1,         'kept',    QUICK],
  ['400 invalid_grant',           302,    SIGN_IN,              null,        1,         'cleared', QUICK],
  ['401 invalid_client',          302,    SIGN_IN,              null,        1,         'cleared', QUICK],
  ['malformed JSON',              503,    P.gmailUnavailable,   '5',         1,         'kept',    QUICK],
  ['200 without access_token',    503,    P.gmailUnavailable,   '5',         1,         'kept',    QUICK],
  ['slow (5 s)',                  503,    P.gmailUnavailable,   '5',         1,         'kept',    ONE_CALL],
  ['reset mid-response',          503,    P.gmailUnavailable,   '5',         1,         'kept',    QUICK],
];

// listlabels with a live session: 429, 5xx, rate-limit 403s, cut or slow answers are retried
// within the budget, then 503 keeping the session; 401 and a missing scope are not retried.
// prettier-ignore
const GMAIL: readonly Cells[] = [
  // fault                        status  outcome               Retry-After  attempts   session    within ms
  ['500',                         503,    P.gmailUnavailable,   '5',         RETRIED,   'kept',    BUDGET],
  ['502',                         503,    P.gmailUnavailable,   '5',         RETRIED,   'kept',    BUDGET],
  ['503',                         503,    P.gmailUnavailable,   '5',         RETRIED,   'kept',    BUDGET],
  ['429',                         503,    P.gmailUnavailable,   '5',         RETRIED,   'kept',    BUDGET],
  ['429 + Retry-After: 120',      503,    P.gmailUnavailable,   '120',       1,         'kept',    QUICK],
  ['401',                         302,    SIGN_IN,              null,        1,         'cleared', QUICK],
  ['403 insufficientPermissions', 403,    P.scopeNotGranted,    null,        1,         'cleared', QUICK],
  ['403 rateLimitExceeded',       503,    P.gmailUnavailable,   '5',         RETRIED,   'kept',    BUDGET],
  ['400 badRequest',              502,    P.gmailRejected,      null,        1,         'kept',    QUICK],
  ['malformed JSON',              503,    P.gmailUnavailable,   '5',         RETRIED,   'kept',    BUDGET],
  ['slow (5 s)',                  503,    P.gmailUnavailable,   '5',         TIMED_OUT, 'kept',    BUDGET],
  ['reset mid-response',          503,    P.gmailUnavailable,   '5',         RETRIED,   'kept',    BUDGET],
];

function toRows(call: FaultedCall, table: readonly Cells[]): FaultRow[] {
  return table.map(([fault, status, outcome, retryAfter, attempts, session, withinMs]) => ({
    call,
    fault,
    status,
    outcome,
    retryAfter,
    attempts,
    session,
    withinMs,
  }));
}

/** Every row of the matrix. */
export const FAULT_MATRIX: readonly FaultRow[] = [
  ...toRows('exchange', EXCHANGE),
  ...toRows('refresh', REFRESH),
  ...toRows('gmail', GMAIL),
];

const CALL_TITLES: Readonly<Record<FaultedCall, string>> = {
  exchange: 'oauth2callback: code exchange',
  refresh: 'listlabels: refresh',
  gmail: 'listlabels: Gmail',
};

/** "1 attempt", "2–4 attempts". */
export function attemptsText(row: FaultRow): string {
  if (row.attempts === 1) return '1 attempt';
  const [min, max] = typeof row.attempts === 'number' ? [row.attempts, row.attempts] : row.attempts;
  return min === max ? `${min} attempts` : `${min}–${max} attempts`;
}

/** The matrix as a markdown table (fault × call), for docs/reliability.md. */
export function faultMatrixMarkdown(rows: readonly FaultRow[] = FAULT_MATRIX): string {
  const calls: FaultedCall[] = ['exchange', 'refresh', 'gmail'];
  const faults = [...new Set(rows.map(row => row.fault))];
  const cell = (row: FaultRow | undefined): string => {
    if (row === undefined) return '–';
    const status = row.outcome === SIGN_IN_AGAIN ? '302/401' : String(row.status);
    const retryAfter = row.retryAfter === null ? '' : ` (Retry-After ${row.retryAfter})`;
    const session = row.call === 'exchange' ? 'none set' : row.session;
    return `${status} \`${row.outcome.error}\`${retryAfter}, ${attemptsText(row)}, ${session}`;
  };
  const lines = [
    `| fault | ${calls.map(call => CALL_TITLES[call]).join(' | ')} |`,
    `| --- | ${calls.map(() => '---').join(' | ')} |`,
    ...faults.map(fault => {
      const cells = calls.map(call => cell(rows.find(r => r.call === call && r.fault === fault)));
      return `| ${fault} | ${cells.join(' | ')} |`;
    }),
  ];
  return lines.join('\n');
}
