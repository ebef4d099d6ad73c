import {parseArgs} from 'node:util';
import type {SessionLookup} from '../../src/stored-sessions.js';

/** What the command line asks for. */
export type LabelsOptions =
  | {readonly kind: 'help'}
  | {readonly kind: 'run'; readonly lookup: SessionLookup; readonly json: boolean}
  | {readonly kind: 'error'; readonly message: string};

/** The usage text of `npm run labels`. */
export const USAGE = `Usage: npm run labels -- (--session ID | --email ADDRESS) [--json]

Lists a signed-in user's Gmail labels with the refresh token kept in Firestore
(SESSION_STORE=firestore), as a background job would. Reads the same environment
as the functions: COOKIE_SECRET, the OAuth client, GOOGLE_CLOUD_PROJECT,
FIRESTORE_EMULATOR_HOST (or application default credentials).

  --session ID       the session's document id in oauth2_sessions
  --email ADDRESS    the account's address (known once the user opened the labels page)
  --json             print {"count", "email", "labels": [{id, name, type}]} instead of lines
  --help             print this text

Exit status: 0 labels listed; 1 configuration refused (or SESSION_STORE=cookie);
2 bad flags; 3 no such session, or it ended (the user must sign in again);
4 Firestore or Google unavailable.`;

// newSessionId(): 128 random bits in base64url.
const SESSION_ID = /^[A-Za-z0-9_-]{22}$/;
// RFC 5321 §4.5.3.1.3: a path holds at most 256 octets; an address has one @ and no spaces.
const EMAIL = /^[^\s@]+@[^\s@]+$/;

/** Parses the flags; exactly one of --session and --email. */
export function parseLabelsOptions(argv: readonly string[]): LabelsOptions {
  let values;
  try {
    ({values} = parseArgs({
      args: [...argv],
      options: {
        session: {type: 'string'},
        email: {type: 'string'},
        json: {type: 'boolean', default: false},
        help: {type: 'boolean', default: false},
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    // parseArgs names the flag it refused and nothing else of the command line.
    return {kind: 'error', message: error instanceof Error ? error.message : 'bad flags'};
  }
  if (values.help) return {kind: 'help'};
  const {session, email, json} = values;
  if ((session === undefined) === (email === undefined)) {
    return {kind: 'error', message: 'give exactly one of --session ID and --email ADDRESS'};
  }
  if (session !== undefined) {
    if (!SESSION_ID.test(session)) {
      return {kind: 'error', message: '--session takes a session id: 22 letters, digits, - or _'};
    }
    return {kind: 'run', lookup: {id: session}, json};
  }
  if (email === undefined || email.length > 256 || !EMAIL.test(email.trim())) {
    return {kind: 'error', message: '--email takes an address such as ada@example.com'};
  }
  return {kind: 'run', lookup: {email}, json};
}
