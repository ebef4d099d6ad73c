import {existsSync, readFileSync} from 'node:fs';
import {parseClientSecretFile} from '../../src/client-secret.js';
import {CLIENT_SECRET_NAME} from './commands.js';
import {ask, type Answer, type LookupContext} from './lookups.js';
import {CLIENT_ID, DeployError, type DeployOptions} from './options.js';

/**
 * The OAuth client id that oauth2init and oauth2signout get as GOOGLE_CLIENT_ID (they never see
 * the client secret): --client-id, else the local client file, else the stored client JSON.
 * The JSON read from Secret Manager holds the secret too; only the id leaves this function.
 */
export function resolveClientId(
  options: DeployOptions,
  project: string,
  context: LookupContext,
): Answer<string> {
  if (options.clientId !== null) return {value: options.clientId};
  const path = options.clientSecretFile;
  if (existsSync(path)) return {value: clientIdOf(readFileSync(path, 'utf8'), path)};
  return ask(
    context,
    [
      'secrets',
      'versions',
      'access',
      'latest',
      `--secret=${CLIENT_SECRET_NAME}`,
      `--project=${project}`,
    ],
    `the client id in secret ${CLIENT_SECRET_NAME} (or pass --client-id=ID)`,
    result =>
      result.status === 0 ? clientIdOf(result.stdout, `secret ${CLIENT_SECRET_NAME}`) : undefined,
  );
}

function clientIdOf(text: string, source: string): string {
  const parsed = parseClientSecretFile(text);
  // The sentences of parseClientSecretFile never quote a value.
  if (typeof parsed === 'string') throw new DeployError(`${source} ${parsed}`);
  if (!CLIENT_ID.test(parsed.clientId)) {
    throw new DeployError(`${source} has a web.client_id that is not an OAuth client id`);
  }
  return parsed.clientId;
}
