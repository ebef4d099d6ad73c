import {gmail_v1} from '@googleapis/gmail/build/v1.js';
import type {Config} from './config.js';
import {callGmail, type GmailOutcome} from './gmail-call.js';
import {logProfileFailure, readProfileEmail} from './gmail-profile.js';
import type {GoogleClients} from './oauth-client.js';
import {logEvent} from './log.js';
import type {Session} from './token-cookie.js';

/** One Gmail label, as we show it. */
export interface Label {
  readonly id: string;
  readonly name: string;
  readonly type: string;
}

/** The labels, and the signed-in address when Gmail gave it in time (else null). */
export interface Mailbox {
  readonly labels: readonly Label[];
  readonly email: string | null;
}

/** What asking Gmail for the labels came to; each kind maps to one response. */
export type LabelsOutcome = GmailOutcome<Mailbox>;

/** Asks Gmail for a session's labels and address. */
export type LabelsReader = (session: Pick<Session, 'id' | 'accessToken'>) => Promise<LabelsOutcome>;

// How long the page waits for the address once the labels are in: both calls start together,
// so a healthy profile call is already done; a slow one must not hold the labels back.
const PROFILE_GRACE_MS = 300;
const MAX_REMEMBERED_EMAILS = 10_000;

/**
 * A reader that calls users.labels.list and users.getProfile for `me` in parallel with Google's
 * Gmail client, each with our retries (gmail-call.ts); the profile only once per session and
 * instance. The labels decide the outcome; a failed or late profile only leaves `email` null.
 * The Gmail client holds no credentials; each call is authorised by a client made for that
 * call's session alone.
 */
export function createLabelsReader(config: Config, google: GoogleClients): LabelsReader {
  // https://developers.google.com/workspace/gmail/api/reference/rest/v1/users.labels/list
  const gmail = new gmail_v1.Gmail({rootUrl: google.endpoints.gmailRoot});
  // Session id -> address; bearer calls (no session id) always ask.
  const emails = new Map<string, string>();
  return async session => {
    const auth = google.forUser({access_token: session.accessToken, token_type: 'Bearer'});
    const known = session.id === '' ? undefined : emails.get(session.id);
    const profile =
      known ??
      readProfileEmail(config, gmail, auth).then(outcome => {
        // Also when it came too late for this page: the next one has it.
        if (outcome.kind === 'ok' && session.id !== '') remember(emails, session.id, outcome.value);
        return outcome;
      });
    const labels = await callGmail(
      config,
      fetchImplementation => gmail.users.labels.list({userId: 'me', auth}, {fetchImplementation}),
      parseLabels,
    );
    if (labels.kind !== 'ok') return labels;
    if (typeof profile === 'string')
      return {kind: 'ok', value: {labels: labels.value, email: profile}};
    return {kind: 'ok', value: {labels: labels.value, email: await emailOf(profile)}};
  };
}

/**
 * Keeps a session's address for the life of the instance: a session is one sign-in of one
 * account, so its address does not change, and a warm page then costs one Gmail call, not two.
 * The oldest entry goes first past MAX_REMEMBERED_EMAILS.
 */
function remember(emails: Map<string, string>, sessionId: string, email: string): void {
  emails.set(sessionId, email);
  if (emails.size <= MAX_REMEMBERED_EMAILS) return;
  const oldest = emails.keys().next();
  if (oldest.done !== true) emails.delete(oldest.value);
}

/** The address, or null (logged once: late, or why the profile call failed). */
async function emailOf(profile: Promise<GmailOutcome<string>>): Promise<string | null> {
  const outcome = await within(profile, PROFILE_GRACE_MS);
  if (outcome === 'late') {
    // Its retries go on in the background, bounded by the budget; their end is not logged again.
    logProfileFailure('late', null);
    return null;
  }
  if (outcome.kind === 'ok') return outcome.value;
  logProfileFailure(outcome.kind, 'status' in outcome ? outcome.status : null);
  return null;
}

/** The promise's value, or 'late' when it takes longer than `ms`. */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | 'late'> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>(resolve => (timer = setTimeout(resolve, ms, 'late')));
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
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
