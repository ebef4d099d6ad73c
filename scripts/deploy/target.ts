import {errorLine, lookup, type Env} from './gcloud.js';
import {checkProject, checkRegion, DeployError, type DeployOptions} from './options.js';

/** Where the functions go. */
export interface Target {
  readonly project: string;
  readonly region: string;
  /** The one origin all functions share; the OAuth redirect URI is `${baseUrl}/oauth2callback`. */
  readonly baseUrl: string;
}

/** Takes the project and region from the flags, or else from `gcloud config` (a lookup). */
export function resolveTarget(options: DeployOptions, env: Env): Target {
  const project =
    options.project ??
    checkProject(
      readConfigValue('project', env) ??
        missing('--project=PROJECT_ID', 'gcloud config set project PROJECT_ID'),
      'gcloud config has project',
    );
  const region =
    options.region ??
    checkRegion(
      readConfigValue('functions/region', env) ??
        missing(
          '--region=REGION (such as us-central1)',
          'gcloud config set functions/region REGION',
        ),
      'gcloud config has functions/region',
    );
  // https://cloud.google.com/functions/docs/calling/http: every function of a project and region
  // is also served at https://REGION-PROJECT_ID.cloudfunctions.net/FUNCTION_NAME, one origin for
  // all of them, so the cookies set by oauth2callback reach listlabels.
  return {project, region, baseUrl: `https://${region}-${project}.cloudfunctions.net`};
}

/** The Compute Engine default service account, the functions' identity unless --service-account. */
export function defaultServiceAccount(project: string, env: Env): string {
  const result = lookup(['projects', 'describe', project, '--format=value(projectNumber)'], env);
  const number = result.stdout.trim();
  if (result.status !== 0 || !/^\d+$/.test(number)) {
    throw new DeployError(
      `cannot read the project number of ${project} (${errorLine(result.stderr)}); pass --service-account=EMAIL`,
    );
  }
  // https://cloud.google.com/compute/docs/access/service-accounts#default_service_account
  return `${number}-compute@developer.gserviceaccount.com`;
}

function readConfigValue(property: string, env: Env): string | null {
  const result = lookup(['config', 'get-value', property], env);
  const value = result.stdout.trim();
  // gcloud prints "(unset)" (on stderr, in older versions on stdout) for a property never set.
  if (result.status !== 0 || value === '' || value === '(unset)') return null;
  return value;
}

function missing(flag: string, configure: string): never {
  const name = flag.split('=')[0] ?? flag;
  throw new DeployError(`${name} is missing: pass ${flag}, or set a default with \`${configure}\``);
}
