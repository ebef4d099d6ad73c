import {randomBytes} from 'node:crypto';
import {readFileSync} from 'node:fs';
import {parseClientSecretFile} from '../../src/client-secret.js';
import {createRuntimeAccount, listServiceAccounts, runtimeAccount} from './accounts.js';
import {
  CLIENT_SECRET_NAME,
  COOKIE_SECRET_NAME,
  createSecretFromFile,
  createSecretFromStdin,
  enableApis,
  grantSecretAccess,
  secretsOf,
} from './commands.js';
import type {Change} from './gcloud.js';
import {warnAboutOtherReaders} from './readers.js';
import {ask, isServiceDisabled, type Answer, type LookupContext} from './lookups.js';
import {DeployError, type DeployOptions, type FunctionName} from './options.js';
import type {Target} from './target.js';

/** The changes that make a project ready, and warnings worth showing before making them. */
export interface SetupPlan {
  readonly changes: readonly Change[];
  readonly warnings: readonly string[];
}

/**
 * Looks the two secrets and the functions' service accounts up. With --init-secrets, returns the
 * changes that make a project ready: APIs on, each missing secret and account created (existing
 * ones are left alone), each account granted the secrets its function reads. Without it, throws
 * if something is missing.
 */
export function planSetup(
  options: DeployOptions,
  target: Target,
  context: LookupContext,
): SetupPlan {
  const {project} = target;
  const cookie = secretExists(context, COOKIE_SECRET_NAME, project);
  const client = secretExists(context, CLIENT_SECRET_NAME, project);
  const accounts = listServiceAccounts(context, project);
  const accountOf = (name: FunctionName): string => runtimeAccount(name, project);
  if (!options.initSecrets) return checkReady(options, project, {cookie, client, accounts});

  const warnings = [
    ...(isTrue(client) ? [] : checkClientSecretFile(options.clientSecretFile, target)),
    // Only secrets that exist have readers; this is how an upgrade finds the old shared account.
    ...(isTrue(cookie) ? warnAboutOtherReaders(context, project, COOKIE_SECRET_NAME) : []),
    ...(isTrue(client) ? warnAboutOtherReaders(context, project, CLIENT_SECRET_NAME) : []),
  ];
  const changes: Change[] = [enableApis(project)];
  if (!isTrue(cookie)) {
    const note = joinNotes('stdin: a new random 32-byte key, base64', ifMissing(cookie));
    changes.push(createSecretFromStdin(COOKIE_SECRET_NAME, project, generateCookieKey, note));
  }
  if (!isTrue(client)) {
    const change = createSecretFromFile(CLIENT_SECRET_NAME, project, options.clientSecretFile);
    changes.push({...change, ...noteOf(ifMissing(client))});
  }
  for (const name of options.functions) {
    const exists = mapAnswer(accounts, list => list.includes(accountOf(name)));
    if (!isTrue(exists)) {
      changes.push({...createRuntimeAccount(name, project), ...noteOf(ifMissing(exists))});
    }
  }
  // Idempotent, and a secret created by hand may lack the binding the function needs.
  for (const name of options.functions) {
    for (const secret of secretsOf(name)) {
      changes.push(grantSecretAccess(secret, project, accountOf(name)));
    }
  }
  return {changes, warnings};
}

interface Found {
  readonly cookie: Answer<boolean>;
  readonly client: Answer<boolean>;
  readonly accounts: Answer<string[]>;
}

function checkReady(options: DeployOptions, project: string, found: Found): SetupPlan {
  const absentSecrets = [
    ...(isFalse(found.cookie) ? [COOKIE_SECRET_NAME] : []),
    ...(isFalse(found.client) ? [CLIENT_SECRET_NAME] : []),
  ];
  if (absentSecrets.length > 0) {
    throw new DeployError(
      `secret ${absentSecrets.join(' and ')} not found in project ${project}; the first deploy is \`npm run deploy -- --init-secrets\``,
    );
  }
  const accounts = found.accounts;
  if ('value' in accounts) {
    const absent = options.functions
      .map(name => runtimeAccount(name, project))
      .filter(account => !accounts.value.includes(account));
    if (absent.length > 0) {
      throw new DeployError(
        `service account ${absent.join(', ')} not found; each function runs as its own: create them with \`npm run deploy -- --init-secrets\``,
      );
    }
  }
  const unknown = [found.cookie, found.client, found.accounts].find(answer => 'unknown' in answer);
  const warnings =
    unknown === undefined || !('unknown' in unknown)
      ? []
      : [`the secrets and service accounts were not checked (${unknown.unknown})`];
  return {changes: [], warnings};
}

function secretExists(context: LookupContext, name: string, project: string): Answer<boolean> {
  return ask(
    context,
    ['secrets', 'describe', name, `--project=${project}`, '--format=value(name)'],
    `secret ${name}`,
    result => {
      if (result.status === 0) return true;
      if (result.stderr.includes('NOT_FOUND')) return false;
      // Secret Manager not enabled yet (a first deploy): no secret can be there.
      return isServiceDisabled(result.stderr) ? false : undefined;
    },
  );
}

function isTrue(answer: Answer<boolean>): boolean {
  return 'value' in answer && answer.value;
}

function isFalse(answer: Answer<boolean>): boolean {
  return 'value' in answer && !answer.value;
}

function mapAnswer<T, U>(answer: Answer<T>, map: (value: T) => U): Answer<U> {
  return 'value' in answer ? {value: map(answer.value)} : answer;
}

/** For a create command run only because a lookup could not say whether the thing exists. */
function ifMissing(answer: Answer<boolean>): string | undefined {
  return 'unknown' in answer ? `if missing (${answer.unknown})` : undefined;
}

function joinNotes(...notes: (string | undefined)[]): string {
  return notes.filter(note => note !== undefined).join('; ');
}

function noteOf(note: string | undefined): {note?: string} {
  return note === undefined ? {} : {note};
}

/** A fresh COOKIE_SECRET: 32 random bytes, base64, as src/config.ts requires. */
function generateCookieKey(): string {
  return randomBytes(32).toString('base64');
}

/** Validates the OAuth client file before it is uploaded; returns warnings. Never quotes a value. */
function checkClientSecretFile(path: string, target: Target): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new DeployError(
      `--client-secret-file: cannot read ${path}; download the JSON of your "Web application" OAuth client (Google Cloud console, Credentials) or pass --client-secret-file=PATH`,
    );
  }
  const parsed = parseClientSecretFile(text);
  if (typeof parsed === 'string') throw new DeployError(`--client-secret-file: ${path} ${parsed}`);
  const redirectUri = `${target.baseUrl}/oauth2callback`;
  if (parsed.redirectUris.includes(redirectUri)) return [];
  return [
    `${path} does not list the redirect URI ${redirectUri}; add it to the OAuth client in the Google Cloud console, or Google will refuse sign-in (redirect_uri_mismatch)`,
  ];
}
