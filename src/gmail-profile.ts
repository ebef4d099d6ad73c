import type {gmail_v1} from '@googleapis/gmail/build/v1.js';
import type {OAuth2Client} from 'google-auth-library';
import type {Config} from './config.js';
import {callGmail, type GmailOutcome} from './gmail-call.js';
import {logEvent} from './log.js';

/**
 * The signed-in address from users.getProfile (gmail.readonly is enough), with the same retries
 * as the labels. Never rejects: the address is a nicety, the caller decides what a failure means.
 */
export async function readProfileEmail(
  config: Pick<Config, 'googleTimeoutMs' | 'gmailBudgetMs'>,
  gmail: gmail_v1.Gmail,
  auth: OAuth2Client,
): Promise<GmailOutcome<string>> {
  // https://developers.google.com/workspace/gmail/api/reference/rest/v1/users/getProfile
  return callGmail(
    config,
    fetchImplementation => gmail.users.getProfile({userId: 'me', auth}, {fetchImplementation}),
    parseEmail,
  ).catch(() => ({kind: 'rejected', status: null}) as const);
}

/** One log line for a profile call that gave no address in time: the outcome and status only. */
export function logProfileFailure(outcome: string, status: number | null): void {
  logEvent('WARNING', 'gmail_profile_error', `Gmail profile: ${outcome}`, {
    outcome,
    status: status ?? 0,
  });
}

/** The emailAddress of a users.getProfile answer; null when it is not one. */
function parseEmail(data: unknown): string | null {
  if (typeof data !== 'object' || data === null || !('emailAddress' in data)) return null;
  const email = data.emailAddress;
  return typeof email === 'string' && email !== '' ? email : null;
}
