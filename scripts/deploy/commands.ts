import {NEEDS_CLIENT_SECRET} from '../../src/register.js';
import {runtimeAccount} from './accounts.js';
import type {Change} from './gcloud.js';
import {DEFAULT_DATABASE, type DeployOptions, type FunctionName} from './options.js';
import type {Target} from './target.js';

/** Secret Manager secret holding COOKIE_SECRET (comma-separated base64 keys). */
export const COOKIE_SECRET_NAME = 'oauth-cookie-secret';
/** Secret Manager secret holding Google's downloaded OAuth client JSON. */
export const CLIENT_SECRET_NAME = 'oauth-client-secret';
/**
 * Where the client JSON appears in each instance. The gcloud reference for --set-secrets:
 * `/mount_path/file=SECRET:VERSION` mounts the secret as a file; the directory (/etc/secrets, the
 * recommended mount path of the Cloud Functions v2 SecretVolume API) is then reserved for it.
 */
export const CLIENT_SECRET_MOUNT = '/etc/secrets/client_secret.json';
const CLIENT_SECRET_VOLUME = `${CLIENT_SECRET_MOUNT}=${CLIENT_SECRET_NAME}:latest`;

/**
 * The Artifact Registry repository Cloud Functions (2nd gen) keeps its build images in, one per
 * region (https://cloud.google.com/functions/docs/building#image_registry).
 */
export const IMAGE_REPOSITORY = 'gcf-artifacts';

// What the first deploy needs turned on: the functions (2nd gen runs on Cloud Run, built by
// Cloud Build into Artifact Registry), Secret Manager, IAM (the functions' service accounts),
// and the Gmail API the functions call.
const REQUIRED_APIS = [
  'iam.googleapis.com',
  'cloudfunctions.googleapis.com',
  'run.googleapis.com',
  'cloudbuild.googleapis.com',
  'artifactregistry.googleapis.com',
  'secretmanager.googleapis.com',
  'gmail.googleapis.com',
];

/** Enables the APIs a first deploy needs (a no-op for those already on). */
export function enableApis(project: string): Change {
  return {args: ['services', 'enable', ...REQUIRED_APIS, `--project=${project}`]};
}

/** Creates a secret whose first version is read from stdin, so the value is never an argument. */
export function createSecretFromStdin(
  name: string,
  project: string,
  stdin: () => string,
  note: string,
): Change {
  return {args: [...createSecretArgs(name, project), '--data-file=-'], stdin, note};
}

/** Creates a secret whose first version is the file at `path` (the path is not the secret). */
export function createSecretFromFile(name: string, project: string, path: string): Change {
  return {args: [...createSecretArgs(name, project), `--data-file=${path}`]};
}

/** The secrets a function's service account may read: the cookie key always, the client if it needs it. */
export function secretsOf(name: FunctionName): string[] {
  return NEEDS_CLIENT_SECRET[name]
    ? [COOKIE_SECRET_NAME, CLIENT_SECRET_NAME]
    : [COOKIE_SECRET_NAME];
}

/** The role that reads a secret's versions (https://cloud.google.com/secret-manager/docs/access-control). */
export const SECRET_ACCESSOR = 'roles/secretmanager.secretAccessor';

/** Lets one function's runtime service account read one secret (a binding on that secret only). */
export function grantSecretAccess(name: string, project: string, serviceAccount: string): Change {
  return {
    args: [
      'secrets',
      'add-iam-policy-binding',
      name,
      `--project=${project}`,
      `--member=serviceAccount:${serviceAccount}`,
      // https://cloud.google.com/functions/docs/configuring/secrets#grant_access
      `--role=${SECRET_ACCESSOR}`,
      // Unconditional; and gcloud would otherwise ask which condition when the policy has one.
      '--condition=None',
    ],
    // A service account created a moment ago may not be known to IAM yet.
    retryIf: /does not exist/,
  };
}

/**
 * Deploys one function (2nd gen) from this folder, with its own name as the entry point, as its
 * own service account, with only the secrets it reads. `clientId` is set as GOOGLE_CLIENT_ID for
 * the functions that need no client secret; the others read the client's JSON from a mounted file.
 */
export function deployFunction(
  name: FunctionName,
  target: Target,
  options: DeployOptions,
  clientId: string,
): Change {
  const client = NEEDS_CLIENT_SECRET[name]
    ? {env: `CLIENT_SECRET_PATH=${CLIENT_SECRET_MOUNT}`, secrets: [CLIENT_SECRET_VOLUME]}
    : {env: `GOOGLE_CLIENT_ID=${clientId}`, secrets: []};
  const env = [
    `BASE_URL=${target.baseUrl}`,
    client.env,
    `GOOGLE_CLOUD_PROJECT=${target.project}`,
    'NODE_ENV=production',
    ...(options.accessType === 'offline' ? ['ACCESS_TYPE=offline'] : []),
    ...sessionStoreEnv(options),
  ];
  // Resolved when an instance starts: a new version reaches new instances (and a redeploy).
  const secrets = [`COOKIE_SECRET=${COOKIE_SECRET_NAME}:latest`, ...client.secrets];
  const build = options.buildServiceAccount;
  return {
    args: [
      'functions',
      'deploy',
      name,
      '--gen2',
      `--project=${target.project}`,
      `--region=${target.region}`,
      '--runtime=nodejs22',
      '--source=.',
      `--entry-point=${name}`,
      '--trigger-http',
      '--allow-unauthenticated',
      // functions-framework buffers a request body before our code can refuse it (docs/security.md).
      '--memory=256Mi',
      // --set-* replace what an earlier deploy set, so nothing stale survives a redeploy.
      `--set-env-vars=${env.join(',')}`,
      `--set-secrets=${secrets.join(',')}`,
      `--service-account=${runtimeAccount(name, target.project)}`,
      // The gcloud reference asks for the account's resource name here, not its email.
      ...(build === null
        ? []
        : [`--build-service-account=projects/${target.project}/serviceAccounts/${build}`]),
    ],
  };
}

/** SESSION_STORE=firestore and, for a database other than (default), FIRESTORE_DATABASE. */
function sessionStoreEnv(options: DeployOptions): string[] {
  if (options.sessionStore !== 'firestore') return [];
  const database = options.firestoreDatabase;
  return [
    'SESSION_STORE=firestore',
    ...(database === DEFAULT_DATABASE ? [] : [`FIRESTORE_DATABASE=${database}`]),
  ];
}

/** Deletes one function; --quiet answers gcloud's "Do you want to continue?" with yes. */
export function deleteFunction(name: FunctionName, target: Target, note?: string): Change {
  return {
    args: [
      'functions',
      'delete',
      name,
      '--gen2',
      `--project=${target.project}`,
      `--region=${target.region}`,
      '--quiet',
    ],
    note,
  };
}

/** Deletes a secret and all its versions. */
export function deleteSecret(name: string, project: string): Change {
  return {args: ['secrets', 'delete', name, `--project=${project}`, '--quiet']};
}

/** Deletes the region's build-image repository, which holds every function's images there. */
export function deleteImageRepository(target: Target): Change {
  return {
    args: [
      'artifacts',
      'repositories',
      'delete',
      IMAGE_REPOSITORY,
      `--project=${target.project}`,
      `--location=${target.region}`,
      '--quiet',
    ],
  };
}

function createSecretArgs(name: string, project: string): string[] {
  return ['secrets', 'create', name, `--project=${project}`, '--replication-policy=automatic'];
}
