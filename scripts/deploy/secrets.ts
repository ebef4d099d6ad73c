import {randomBytes} from 'node:crypto';
import {readFileSync} from 'node:fs';
import {parseClientSecretFile} from '../../src/client-secret.js';
import {
  CLIENT_SECRET_NAME,
  COOKIE_SECRET_NAME,
  createSecretFromFile,
  createSecretFromStdin,
  enableApis,
  grantSecretAccess,
} from './commands.js';
import {errorLine, lookup, type Change, type Env} from './gcloud.js';
import {DeployError, type DeployOptions} from './options.js';
import {defaultServiceAccount, type Target} from './target.js';

/** The secret changes to make, and warnings worth showing before making them. */
export interface SecretPlan {
  readonly changes: readonly Change[];
  readonly warnings: readonly string[];
}

/**
 * Looks the two secrets up. With --init-secrets, returns the changes that make a project ready:
 * APIs on, each missing secret created (existing ones are left alone), read access granted to the
 * runtime service account. Without it, throws if a secret is missing.
 */
export function planSecrets(options: DeployOptions, target: Target, env: Env): SecretPlan {
  const {project} = target;
  const cookieExists = secretExists(COOKIE_SECRET_NAME, project, env);
  const clientExists = secretExists(CLIENT_SECRET_NAME, project, env);
  if (!options.initSecrets) {
    const absent = [
      ...(cookieExists ? [] : [COOKIE_SECRET_NAME]),
      ...(clientExists ? [] : [CLIENT_SECRET_NAME]),
    ];
    if (absent.length > 0) {
      throw new DeployError(
        `secret ${absent.join(' and ')} not found in project ${project}; the first deploy is \`npm run deploy -- --init-secrets\``,
      );
    }
    return {changes: [], warnings: []};
  }
  const warnings = clientExists ? [] : checkClientSecretFile(options.clientSecretFile, target);
  const serviceAccount = options.serviceAccount ?? defaultServiceAccount(project, env);
  const changes: Change[] = [enableApis(project)];
  if (!cookieExists) {
    const note = 'stdin: a new random 32-byte key, base64';
    changes.push(createSecretFromStdin(COOKIE_SECRET_NAME, project, generateCookieKey, note));
  }
  if (!clientExists) {
    changes.push(createSecretFromFile(CLIENT_SECRET_NAME, project, options.clientSecretFile));
  }
  // Idempotent, and a secret created by hand may lack the binding the deploy checks for.
  for (const name of [COOKIE_SECRET_NAME, CLIENT_SECRET_NAME]) {
    changes.push(grantSecretAccess(name, project, serviceAccount));
  }
  return {changes, warnings};
}

/** A fresh COOKIE_SECRET: 32 random bytes, base64, as src/config.ts requires. */
function generateCookieKey(): string {
  return randomBytes(32).toString('base64');
}

function secretExists(name: string, project: string, env: Env): boolean {
  const result = lookup(
    ['secrets', 'describe', name, `--project=${project}`, '--format=value(name)'],
    env,
  );
  if (result.status === 0) return true;
  if (result.stderr.includes('NOT_FOUND')) return false;
  // Secret Manager not enabled yet (a first deploy): no secret can be there.
  if (/SERVICE_DISABLED|has not been used in project|it is disabled/.test(result.stderr))
    return false;
  throw new DeployError(`cannot look up secret ${name}: ${errorLine(result.stderr)}`);
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
