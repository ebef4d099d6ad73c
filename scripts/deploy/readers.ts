import {FUNCTION_NAMES} from '../../src/register.js';
import {runtimeAccount} from './accounts.js';
import {SECRET_ACCESSOR, secretsOf} from './commands.js';
import {describeChange} from './gcloud.js';
import {ask, type LookupContext} from './lookups.js';

/**
 * Warnings for each member, other than the functions that read it, that may read one of our
 * secrets: most often the Compute Engine default account, granted by earlier versions of this
 * deploy, through which every other workload of the project could read the key. Each warning
 * carries the command that removes the binding; none is run.
 */
export function warnAboutOtherReaders(
  context: LookupContext,
  project: string,
  secret: string,
): string[] {
  const expected = FUNCTION_NAMES.filter(name => secretsOf(name).includes(secret)).map(
    name => `serviceAccount:${runtimeAccount(name, project)}`,
  );
  const policy = ask(
    context,
    ['secrets', 'get-iam-policy', secret, `--project=${project}`, '--format=json'],
    `who may read secret ${secret}`,
    result => {
      if (result.status === 0) return readers(result.stdout);
      // A secret about to be created has no policy yet.
      return result.stderr.includes('NOT_FOUND') ? [] : undefined;
    },
  );
  if (!('value' in policy)) return [];
  return policy.value
    .filter(member => !expected.includes(member))
    .map(member => {
      const remove = {
        args: [
          'secrets',
          'remove-iam-policy-binding',
          secret,
          `--project=${project}`,
          `--member=${member}`,
          `--role=${SECRET_ACCESSOR}`,
          '--condition=None',
        ],
      };
      return `${member} may also read secret ${secret}; if nothing else needs it: ${describeChange(remove)}`;
    });
}

/** The members bound to the accessor role in a `get-iam-policy --format=json` answer. */
function readers(json: string): string[] | undefined {
  let policy: unknown;
  try {
    policy = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (typeof policy !== 'object' || policy === null) return undefined;
  const bindings: unknown = 'bindings' in policy ? policy.bindings : [];
  if (!Array.isArray(bindings)) return undefined;
  return bindings.flatMap((binding: unknown) => {
    if (typeof binding !== 'object' || binding === null) return [];
    if (!('role' in binding) || binding.role !== SECRET_ACCESSOR) return [];
    const members: unknown = 'members' in binding ? binding.members : [];
    return Array.isArray(members) ? members.filter(m => typeof m === 'string') : [];
  });
}
