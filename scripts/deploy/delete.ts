import {USES_SESSION_STORE} from '../../src/register.js';
import {deleteRuntimeAccount} from './accounts.js';
import {
  CLIENT_SECRET_NAME,
  COOKIE_SECRET_NAME,
  deleteFunction,
  deleteImageRepository,
  deleteSecret,
  IMAGE_REPOSITORY,
} from './commands.js';
import {
  deleteDatabase,
  deleteSessions,
  revokeDatabaseAccess,
  SESSIONS_COLLECTION,
} from './firestore-commands.js';
import {describeChange, type Change} from './gcloud.js';
import {ask, isServiceDisabled, type LookupContext} from './lookups.js';
import type {DeployOptions} from './options.js';
import type {Plan} from './plan.js';
import type {Target} from './target.js';

/**
 * Deletes each function that is deployed in the region. The secrets, service accounts and build
 * images are only printed: deleting a secret loses the cookie key (every session ends), and the
 * image repository holds every function of the project in that region, not only ours.
 */
export function planDelete(options: DeployOptions, target: Target, context: LookupContext): Plan {
  const deployed = ask(
    context,
    [
      'functions',
      'list',
      `--regions=${target.region}`,
      `--project=${target.project}`,
      '--format=value(name)',
    ],
    `the functions in ${target.region}`,
    result => {
      // Full names (projects/P/locations/R/functions/NAME); the name is the last part.
      if (result.status === 0)
        return result.stdout.split('\n').map(line => line.trim().split('/').at(-1) ?? '');
      return isServiceDisabled(result.stderr) ? [] : undefined;
    },
  );
  const changes: Change[] = [];
  const warnings: string[] = [];
  for (const name of options.functions) {
    if ('unknown' in deployed)
      changes.push(deleteFunction(name, target, `if deployed (${deployed.unknown})`));
    else if (deployed.value.includes(name)) changes.push(deleteFunction(name, target));
    else warnings.push(`${name} is not deployed in ${target.region}`);
  }
  const {project} = target;
  const leftovers = [
    deleteSecret(COOKIE_SECRET_NAME, project),
    deleteSecret(CLIENT_SECRET_NAME, project),
    ...options.functions.map(name => deleteRuntimeAccount(name, project)),
    deleteImageRepository(target),
  ];
  return {
    changes,
    warnings,
    epilogue: [
      ...firestoreLeftovers(options, project),
      '',
      'Not deleted: the secrets (deleting the cookie key ends every session), the service accounts,',
      `and the build images (${IMAGE_REPOSITORY} holds the images of every function of ${project} in ${target.region}).`,
      'When nothing else uses them:',
      ...leftovers.map(change => `  ${describeChange(change)}`),
      `The uploaded sources stay in the bucket gs://gcf-v2-sources-PROJECT_NUMBER-${target.region}.`,
    ],
  };
}

/**
 * With --session-store=firestore: how to remove the functions' access to the database (before
 * their accounts are deleted, which would leave the bindings under a deleted: name), then the
 * sessions, or the whole database. None is run: the database may hold other data.
 */
function firestoreLeftovers(options: DeployOptions, project: string): string[] {
  if (options.sessionStore !== 'firestore') return [];
  const database = options.firestoreDatabase;
  const revokes = options.functions
    .filter(name => USES_SESSION_STORE[name])
    .map(name => revokeDatabaseAccess(name, project, database));
  return [
    '',
    `Not deleted: the sessions in Firestore (collection ${SESSIONS_COLLECTION} of database ${database}) and`,
    "the functions' roles/datastore.user on it. First remove the roles (before deleting the accounts):",
    ...revokes.map(change => `  ${describeChange(change)}`),
    'then delete the sessions:',
    `  ${describeChange(deleteSessions(project, database))}`,
    'or, if nothing else keeps data there, the whole database:',
    `  ${describeChange(deleteDatabase(project, database))}`,
  ];
}
