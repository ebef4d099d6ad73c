import type {Change} from './gcloud.js';
import {ask, isServiceDisabled, type Answer, type LookupContext} from './lookups.js';
import type {FunctionName} from './options.js';

/**
 * The service account a function runs as: one per function, so that each holds only the secrets
 * it reads (the default, the Compute Engine account, is shared by every workload of the project).
 * Account ids are 6-30 characters (iam service-accounts create); the longest here is 17.
 */
export function runtimeAccountId(name: FunctionName): string {
  return `${name}-fn`;
}

/** The email of a function's runtime service account in `project`. */
export function runtimeAccount(name: FunctionName, project: string): string {
  return `${runtimeAccountId(name)}@${project}.iam.gserviceaccount.com`;
}

/** Creates a function's runtime service account (it has no roles until a secret is granted). */
export function createRuntimeAccount(name: FunctionName, project: string): Change {
  return {
    args: [
      'iam',
      'service-accounts',
      'create',
      runtimeAccountId(name),
      `--project=${project}`,
      `--display-name=${name} (gmail-oauth-functions)`,
    ],
  };
}

/** Deletes a function's runtime service account. */
export function deleteRuntimeAccount(name: FunctionName, project: string): Change {
  return {
    args: [
      'iam',
      'service-accounts',
      'delete',
      runtimeAccount(name, project),
      `--project=${project}`,
      '--quiet',
    ],
  };
}

/** The service accounts of the project, by email; none while the IAM API is still off. */
export function listServiceAccounts(context: LookupContext, project: string): Answer<string[]> {
  return ask(
    context,
    ['iam', 'service-accounts', 'list', `--project=${project}`, '--format=value(email)'],
    `the service accounts of ${project}`,
    result => {
      if (result.status === 0)
        return result.stdout
          .split('\n')
          .map(line => line.trim())
          .filter(Boolean);
      return isServiceDisabled(result.stderr) ? [] : undefined;
    },
  );
}
