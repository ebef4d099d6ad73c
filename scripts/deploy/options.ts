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
  /** The functions' runtime identity, or null for the Compute Engine default service account. */
  readonly serviceAccount: string | null;
  readonly clientSecretFile: string;
  readonly initSecrets: boolean;
  readonly dryRun: boolean;
  readonly help: boolean;
}

/** A problem that stops the deploy, naming the flag or step that is wrong. */
export class DeployError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeployError';
  }
}

/** Usage text for --help. */
export const USAGE = `Usage: npm run deploy -- [options]

  --project=ID              Google Cloud project (default: gcloud config get-value project)
  --region=REGION           region such as us-central1 (default: gcloud config get-value functions/region)
  --init-secrets            first deploy: enable the APIs, create the missing secrets, grant access
  --client-secret-file=PATH the OAuth client's JSON, uploaded to Secret Manager (default: client_secret.json)
  --service-account=EMAIL   the functions' runtime identity (default: PROJECT_NUMBER-compute@developer.gserviceaccount.com)
  --access-type=offline     ask Google for refresh tokens (default: online)
  --functions=a,b           deploy only these (default: ${FUNCTION_NAMES.join(',')})
  --dry-run                 print the gcloud commands that would change something; change nothing
`;

// https://cloud.google.com/resource-manager/docs/creating-managing-projects: 6-30 characters,
// lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen.
const PROJECT_ID = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
const REGION = /^[a-z]+(-[a-z]+)+\d+$/;
const SERVICE_ACCOUNT = /^[a-z0-9-]+@[a-z0-9.-]+\.gserviceaccount\.com$/;

/** Parses the deploy flags; throws a DeployError naming the flag that is wrong. */
export function parseDeployOptions(argv: readonly string[]): DeployOptions {
  const values = parseFlags(argv);
  const accessType = values['access-type'] ?? 'online';
  if (accessType !== 'online' && accessType !== 'offline') {
    throw new DeployError(`--access-type: expected online or offline, got "${accessType}"`);
  }
  const serviceAccount = values['service-account'] ?? null;
  if (serviceAccount !== null && !SERVICE_ACCOUNT.test(serviceAccount)) {
    throw new DeployError(
      `--service-account: expected a service account email (NAME@PROJECT.iam.gserviceaccount.com), got "${serviceAccount}"`,
    );
  }
  return {
    project: values.project === undefined ? null : checkProject(values.project, 'given'),
    region: values.region === undefined ? null : checkRegion(values.region, 'given'),
    functions: parseFunctionList(values.functions),
    accessType,
    serviceAccount,
    clientSecretFile: values['client-secret-file'] ?? 'client_secret.json',
    initSecrets: values['init-secrets'] ?? false,
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
  'client-secret-file'?: string;
  'init-secrets'?: boolean;
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
        'client-secret-file': {type: 'string'},
        'init-secrets': {type: 'boolean'},
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
