import {parseArgs} from 'node:util';
import {FUNCTION_NAMES} from '../../src/register.js';

/** A deployed function's name, which is also its entry point. */
export type FunctionName = (typeof FUNCTION_NAMES)[number];

/** What `npm run deploy -- ...` was asked to do. */
export interface DeployOptions {
  /** From --project, or null to ask `gcloud config`. */
  readonly project: string | null;
  /** From --region, or null to ask `gcloud config`. */
  readonly region: string | null;
  readonly functions: readonly FunctionName[];
  readonly accessType: 'online' | 'offline';
  /** From --client-id, or null to read it from the client file or the client secret. */
  readonly clientId: string | null;
  /** The account Cloud Build builds as, or null for the project's default. */
  readonly buildServiceAccount: string | null;
  readonly clientSecretFile: string;
  readonly initSecrets: boolean;
  /** Where the functions keep sessions: sealed in cookies, or in Firestore. */
  readonly sessionStore: 'cookie' | 'firestore';
  /** The Firestore database of the sessions (FIRESTORE_DATABASE); '(default)' unless given. */
  readonly firestoreDatabase: string;
  /** Where to create a missing database, or null for the functions' region. */
  readonly firestoreLocation: string | null;
  /** Delete the functions instead of deploying them. */
  readonly delete: boolean;
  readonly dryRun: boolean;
  readonly help: boolean;
}

/** The database the functions use when FIRESTORE_DATABASE is not set. */
export const DEFAULT_DATABASE = '(default)';

/** A problem that stops the deploy, naming the flag or step that is wrong. */
export class DeployError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeployError';
  }
}

/** Usage text for --help. */
export const USAGE = `Usage: npm run deploy -- [options]

  --project=ID              Google Cloud project (default: the one set with \`gcloud config set project\`)
  --region=REGION           region such as europe-west1 (default: the one set with
                            \`gcloud config set functions/region\`; without either, the deploy stops)
  --init-secrets            first deploy: enable the APIs, create the missing secrets and one service
                            account per function (NAME-fn@PROJECT.iam.gserviceaccount.com), grant
                            each account only the secrets its function reads
  --client-secret-file=PATH the OAuth client's JSON, uploaded to Secret Manager (default: client_secret.json)
  --client-id=ID            the OAuth client id for oauth2init and oauth2signout (default: from the
                            client file, or else from the secret oauth-client-secret)
  --build-service-account=EMAIL  the account Cloud Build builds as (default: the project's)
  --access-type=offline     ask Google for refresh tokens (default: online)
  --session-store=firestore keep sessions in Firestore (default: cookie): enable the API, create the
                            database if missing, set the TTL policy on oauth2_sessions.expireAt,
                            and grant roles/datastore.user on it to the functions that use it
  --firestore-database=ID   the database for the sessions (default: (default))
  --firestore-location=LOC  where a missing database is created, for good: a region or nam5/eur3
                            (default: --region)
  --functions=a,b           deploy (or delete) only these (default: ${FUNCTION_NAMES.join(',')})
  --delete                  delete the functions, and print how to delete the rest
  --dry-run                 print the gcloud commands that would change something; change nothing
`;

// https://cloud.google.com/resource-manager/docs/creating-managing-projects: 6-30 characters,
// lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen.
const PROJECT_ID = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
const REGION = /^[a-z]+(-[a-z]+)+\d+$/;
const SERVICE_ACCOUNT = /^[a-z0-9-]+@[a-z0-9.-]+\.gserviceaccount\.com$/;
// https://cloud.google.com/firestore/docs/manage-databases#database_id: 4-63 characters,
// lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen.
const DATABASE_ID = /^(\(default\)|[a-z][a-z0-9-]{2,61}[a-z0-9])$/;
// A region (europe-west1) or a multi-region (nam5, eur3): https://cloud.google.com/firestore/docs/locations
const FIRESTORE_LOCATION = /^[a-z]+(-[a-z]+)*\d+$/;
// A client id goes into --set-env-vars, whose list is comma-separated.
/** An OAuth client id as it may sit in --set-env-vars (no comma, no quote). */
export const CLIENT_ID = /^[\w.-]+$/;

/** Parses the deploy flags; throws a DeployError naming the flag that is wrong. */
export function parseDeployOptions(argv: readonly string[]): DeployOptions {
  const values = parseFlags(argv);
  const accessType = values['access-type'] ?? 'online';
  if (accessType !== 'online' && accessType !== 'offline') {
    throw new DeployError(`--access-type: expected online or offline, got "${accessType}"`);
  }
  // One account for all functions would hold both secrets; each function now has its own.
  if (values['service-account'] !== undefined) {
    throw new DeployError(
      '--service-account is no longer taken: each function runs as its own service account (oauth2init-fn@PROJECT.iam.gserviceaccount.com, ...), which `--init-secrets` creates, so that only the functions that use the client secret can read it',
    );
  }
  const buildServiceAccount = values['build-service-account'] ?? null;
  if (buildServiceAccount !== null && !SERVICE_ACCOUNT.test(buildServiceAccount)) {
    throw new DeployError(
      `--build-service-account: expected a service account email (NAME@PROJECT.iam.gserviceaccount.com), got "${buildServiceAccount}"`,
    );
  }
  const clientId = values['client-id'] ?? null;
  if (clientId !== null && !CLIENT_ID.test(clientId)) {
    throw new DeployError(
      `--client-id: expected an OAuth client id such as 1234-abc.apps.googleusercontent.com, got "${clientId}"`,
    );
  }
  const sessionStore = values['session-store'] ?? 'cookie';
  if (sessionStore !== 'cookie' && sessionStore !== 'firestore') {
    throw new DeployError(`--session-store: expected cookie or firestore, got "${sessionStore}"`);
  }
  const firestoreDatabase = values['firestore-database'] ?? DEFAULT_DATABASE;
  if (!DATABASE_ID.test(firestoreDatabase)) {
    throw new DeployError(
      `--firestore-database: expected (default) or a database ID such as sessions-db, got "${firestoreDatabase}"`,
    );
  }
  const firestoreLocation = values['firestore-location'] ?? null;
  if (firestoreLocation !== null && !FIRESTORE_LOCATION.test(firestoreLocation)) {
    throw new DeployError(
      `--firestore-location: expected a location such as europe-west1 or eur3, got "${firestoreLocation}"`,
    );
  }
  const firestoreFlag = ['firestore-database', 'firestore-location'].find(name => name in values);
  if (sessionStore !== 'firestore' && firestoreFlag !== undefined) {
    throw new DeployError(`--${firestoreFlag} needs --session-store=firestore`);
  }
  if (values.delete && values['init-secrets']) {
    throw new DeployError('--delete and --init-secrets: choose one');
  }
  return {
    project: values.project === undefined ? null : checkProject(values.project, 'given'),
    region: values.region === undefined ? null : checkRegion(values.region, 'given'),
    functions: parseFunctionList(values.functions),
    accessType,
    clientId,
    buildServiceAccount,
    clientSecretFile: values['client-secret-file'] ?? 'client_secret.json',
    initSecrets: values['init-secrets'] ?? false,
    sessionStore,
    firestoreDatabase,
    firestoreLocation,
    delete: values.delete ?? false,
    dryRun: values['dry-run'] ?? false,
    help: values.help ?? false,
  };
}

/** Returns a valid project ID, or throws a DeployError naming --project. */
export function checkProject(value: string, source: string): string {
  if (PROJECT_ID.test(value)) return value;
  throw new DeployError(
    `--project: expected a project ID such as my-project-123, ${source} "${value}"`,
  );
}

/** Returns a valid region, or throws a DeployError naming --region. */
export function checkRegion(value: string, source: string): string {
  if (REGION.test(value)) return value;
  throw new DeployError(`--region: expected a region such as us-central1, ${source} "${value}"`);
}

interface Flags {
  project?: string;
  region?: string;
  functions?: string;
  'access-type'?: string;
  'service-account'?: string;
  'build-service-account'?: string;
  'client-id'?: string;
  'client-secret-file'?: string;
  'init-secrets'?: boolean;
  'session-store'?: string;
  'firestore-database'?: string;
  'firestore-location'?: string;
  delete?: boolean;
  'dry-run'?: boolean;
  help?: boolean;
}

function parseFlags(argv: readonly string[]): Flags {
  try {
    const {values} = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        project: {type: 'string'},
        region: {type: 'string'},
        functions: {type: 'string'},
        'access-type': {type: 'string'},
        'service-account': {type: 'string'},
        'build-service-account': {type: 'string'},
        'client-id': {type: 'string'},
        'client-secret-file': {type: 'string'},
        'init-secrets': {type: 'boolean'},
        'session-store': {type: 'string'},
        'firestore-database': {type: 'string'},
        'firestore-location': {type: 'string'},
        delete: {type: 'boolean'},
        'dry-run': {type: 'boolean'},
        help: {type: 'boolean', short: 'h'},
      },
    });
    return values;
  } catch (error) {
    // node:util reports unknown flags and missing values as TypeErrors with a readable message.
    if (error instanceof TypeError) throw new DeployError(`${error.message}\n\n${USAGE}`);
    throw error;
  }
}

function parseFunctionList(value: string | undefined): FunctionName[] {
  if (value === undefined) return [...FUNCTION_NAMES];
  const wanted = value.split(',').map(name => name.trim());
  for (const name of wanted) {
    if (!isFunctionName(name)) {
      throw new DeployError(
        `--functions: unknown function "${name}"; expected some of ${FUNCTION_NAMES.join(', ')}`,
      );
    }
  }
  // Deploy in the usual order, each once.
  return FUNCTION_NAMES.filter(name => wanted.includes(name));
}

function isFunctionName(name: string): name is FunctionName {
  return FUNCTION_NAMES.some(known => known === name);
}
