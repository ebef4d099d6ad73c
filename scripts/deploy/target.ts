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
  const configured =
    options.project === null || options.region === null ? readGcloudConfig(env) : null;
  const project =
    options.project ??
    checkProject(
      configured?.project ??
        missing('--project=PROJECT_ID', 'gcloud config set project PROJECT_ID'),
      'gcloud config has project',
    );
  const region =
    options.region ??
    checkRegion(
      configured?.region ??
        missing(
          '--region=REGION (such as europe-west1)',
          'gcloud config set functions/region REGION',
        ),
      'gcloud config has functions/region',
    );
  // https://cloud.google.com/functions/docs/calling/http: every function of a project and region
  // is also served at https://REGION-PROJECT_ID.cloudfunctions.net/FUNCTION_NAME, one origin for
  // all of them, so the cookies set by oauth2callback reach listlabels.
  return {project, region, baseUrl: `https://${region}-${project}.cloudfunctions.net`};
}

/**
 * The project and region set in gcloud's configuration (or its CLOUDSDK_* variables). Read with
 * `config list`, which shows only what was set: `config get-value functions/region` prints
 * gcloud's built-in default, us-central1, when nothing is set, and a deploy must not go there
 * unasked.
 */
function readGcloudConfig(env: Env): {project: string | null; region: string | null} {
  const result = lookup(['config', 'list', '--format=json'], env);
  if (result.status !== 0) {
    throw new DeployError(`cannot read gcloud's configuration: ${errorLine(result.stderr)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(result.stdout);
  } catch {
    throw new DeployError(
      "cannot read gcloud's configuration: `gcloud config list` printed no JSON",
    );
  }
  return {
    project: property(json, 'core', 'project'),
    region: property(json, 'functions', 'region'),
  };
}

function property(json: unknown, section: string, name: string): string | null {
  if (typeof json !== 'object' || json === null || !(section in json)) return null;
  const values: unknown = Reflect.get(json, section);
  if (typeof values !== 'object' || values === null || !(name in values)) return null;
  const value: unknown = Reflect.get(values, name);
  return typeof value === 'string' && value !== '' ? value : null;
}

function missing(flag: string, configure: string): never {
  const name = flag.split('=')[0] ?? flag;
  throw new DeployError(`${name} is missing: pass ${flag}, or set a default with \`${configure}\``);
}
