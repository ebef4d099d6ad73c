import {labelsJson} from '../../src/bearer.js';
import {ConfigError, loadConfig, type Config} from '../../src/config.js';
import {createLabelsReader, type Mailbox} from '../../src/gmail-labels.js';
import {createGoogleClients, isExpiring, type GoogleClients} from '../../src/oauth-client.js';
import {createSessionStore, StoreUnavailableError} from '../../src/session-store.js';
import type {SessionLookup, StoredSessions} from '../../src/stored-sessions.js';
import type {Session} from '../../src/token-cookie.js';
import {refreshAccessToken} from '../../src/token-exchange.js';
import {formatLabelLines} from './format.js';
import {parseLabelsOptions, USAGE} from './options.js';

/** Exit statuses of `npm run labels` (also in USAGE). */
export const EXIT = {ok: 0, refused: 1, usage: 2, signInAgain: 3, unavailable: 4} as const;

/** Where the command writes: lines of output and one-line errors. */
export interface LabelsOutput {
  out(text: string): void;
  err(text: string): void;
}

/** A failure with its one-line message (never a token or secret) and exit status. */
class LabelsFailure extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
    this.name = 'LabelsFailure';
  }
}

const COOKIE_MODE =
  'Sessions are kept in cookies (SESSION_STORE=cookie): there is no stored session to use; ' +
  'deploy or run with SESSION_STORE=firestore';

/** `npm run labels`: the flags, the configuration, then the labels; returns the exit status. */
export async function runLabelsCommand(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  output: LabelsOutput,
): Promise<number> {
  const options = parseLabelsOptions(argv);
  if (options.kind === 'help') {
    output.out(USAGE);
    return EXIT.ok;
  }
  if (options.kind === 'error') {
    output.err(`labels: ${options.message} (see --help)`);
    return EXIT.usage;
  }
  try {
    const config = readConfig(env);
    const mailbox = await readMailbox(config, options.lookup);
    if (options.json) output.out(JSON.stringify(labelsJson(mailbox), null, 2));
    else for (const line of formatLabelLines(mailbox)) output.out(line);
    return EXIT.ok;
  } catch (error) {
    if (error instanceof LabelsFailure) {
      output.err(`labels: ${error.message}`);
      return error.exitCode;
    }
    // Only the error's name: a library's message can quote a request.
    const name = error instanceof Error ? error.name : typeof error;
    output.err(`labels: unexpected ${name}`);
    return EXIT.refused;
  }
}

function readConfig(env: Readonly<Record<string, string | undefined>>): Config {
  let config: Config;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) throw new LabelsFailure(error.message, EXIT.refused);
    throw error;
  }
  if (config.sessionStore !== 'firestore') throw new LabelsFailure(COOKIE_MODE, EXIT.refused);
  // Without it loadConfig makes a key for this process only, which opens no stored token.
  if (!env.COOKIE_SECRET) {
    throw new LabelsFailure(
      'COOKIE_SECRET: is required: the stored tokens are sealed with the functions’ cookie key',
      EXIT.refused,
    );
  }
  return config;
}

async function readMailbox(config: Config, lookup: SessionLookup): Promise<Mailbox> {
  const {createStoredSessions} = await import('../../src/stored-sessions.js');
  const stored = createStoredSessions(config);
  try {
    const google = createGoogleClients(config);
    let session = await findSession(stored, lookup);
    if (isExpiring(session, Date.now())) session = await refresh(config, google, session);
    const outcome = await createLabelsReader(config, google)(session);
    switch (outcome.kind) {
      case 'ok':
        return outcome.value;
      case 'unauthorized':
        throw new LabelsFailure(
          'Gmail refused the access token: the user must sign in again',
          EXIT.signInAgain,
        );
      case 'forbidden':
        throw new LabelsFailure(
          'the user did not grant read access to Gmail: they must sign in again and allow it',
          EXIT.signInAgain,
        );
      case 'unavailable':
        throw new LabelsFailure('Gmail is unavailable; try again later', EXIT.unavailable);
      case 'rejected':
        throw new LabelsFailure(`Gmail refused the request (${outcome.status})`, EXIT.unavailable);
    }
  } catch (error) {
    if (error instanceof StoreUnavailableError) {
      throw new LabelsFailure(
        `Firestore did not answer (${error.operation}: ${error.code}); check FIRESTORE_EMULATOR_HOST, ` +
          'or the application default credentials and GOOGLE_CLOUD_PROJECT',
        EXIT.unavailable,
      );
    }
    throw error;
  } finally {
    await stored.close().catch(() => {});
  }
}

async function findSession(stored: StoredSessions, lookup: SessionLookup): Promise<Session> {
  const found = await stored.find(lookup);
  if (found.kind === 'found') return found.session;
  if (found.kind === 'none' && 'email' in lookup) {
    throw new LabelsFailure(
      'no stored session has this address: the user must sign in and open the labels page once',
      EXIT.signInAgain,
    );
  }
  const what = found.kind === 'none' ? 'no session has this id' : 'the session has ended';
  throw new LabelsFailure(`${what}: the user must sign in again`, EXIT.signInAgain);
}

/** A new access token, kept through the store's conditional write (as listlabels does). */
async function refresh(config: Config, google: GoogleClients, session: Session): Promise<Session> {
  if (session.refreshToken === undefined) {
    throw new LabelsFailure('the session has ended: the user must sign in again', EXIT.signInAgain);
  }
  const result = await refreshAccessToken(google, session);
  if (!result.ok) {
    // RFC 6749 §5.2: invalid_grant is a revoked or expired refresh token.
    if (result.reason === 'invalid_grant') {
      throw new LabelsFailure(
        'Google refused the stored refresh token (invalid_grant): the user must sign in again',
        EXIT.signInAgain,
      );
    }
    if (result.reason === 'unavailable') {
      throw new LabelsFailure(
        "Google's token endpoint is unavailable; try again later",
        EXIT.unavailable,
      );
    }
    throw new LabelsFailure(
      `Google refused this OAuth client (${result.error ?? result.status ?? 'no answer'}): ` +
        'check GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET',
      EXIT.refused,
    );
  }
  const renewed: Session = {id: session.id, signedInAt: session.signedInAt, ...result.tokens};
  const kept = await (await createSessionStore(config)).update(session, renewed);
  if (kept === 'ended') {
    throw new LabelsFailure('the session has ended: the user must sign in again', EXIT.signInAgain);
  }
  return kept.session;
}
