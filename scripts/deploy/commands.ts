import type {Change} from './gcloud.js';
import type {DeployOptions, FunctionName} from './options.js';
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

// What the first deploy needs turned on: the functions (2nd gen runs on Cloud Run, built by
// Cloud Build into Artifact Registry), Secret Manager, and the Gmail API the functions call.
const REQUIRED_APIS = [
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

/** Lets the functions' runtime identity read one secret. */
export function grantSecretAccess(name: string, project: string, serviceAccount: string): Change {
  return {
    args: [
      'secrets',
      'add-iam-policy-binding',
      name,
      `--project=${project}`,
      `--member=serviceAccount:${serviceAccount}`,
      // https://cloud.google.com/functions/docs/configuring/secrets#grant_access
      '--role=roles/secretmanager.secretAccessor',
    ],
  };
}

/** Deploys one function (2nd gen) from this folder, with its own name as the entry point. */
export function deployFunction(name: FunctionName, target: Target, options: DeployOptions): Change {
  const env = [
    `BASE_URL=${target.baseUrl}`,
    `CLIENT_SECRET_PATH=${CLIENT_SECRET_MOUNT}`,
    `GOOGLE_CLOUD_PROJECT=${target.project}`,
    'NODE_ENV=production',
    ...(options.accessType === 'offline' ? ['ACCESS_TYPE=offline'] : []),
  ];
  const secrets = [
    // Resolved when an instance starts: a new version reaches new instances (and a redeploy).
    `COOKIE_SECRET=${COOKIE_SECRET_NAME}:latest`,
    `${CLIENT_SECRET_MOUNT}=${CLIENT_SECRET_NAME}:latest`,
  ];
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
      // functions-framework buffers a request body before our code can refuse it (README).
      '--memory=256Mi',
      // --set-* replace what an earlier deploy set, so nothing stale survives a redeploy.
      `--set-env-vars=${env.join(',')}`,
      `--set-secrets=${secrets.join(',')}`,
      ...(options.serviceAccount === null ? [] : [`--service-account=${options.serviceAccount}`]),
    ],
  };
}

function createSecretArgs(name: string, project: string): string[] {
  return ['secrets', 'create', name, `--project=${project}`, '--replication-policy=automatic'];
}
