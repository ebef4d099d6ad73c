import {existsSync} from 'node:fs';
import {NEEDS_CLIENT_SECRET} from '../src/register.js';
import {resolveClientId} from './deploy/client-id.js';
import {deployFunction} from './deploy/commands.js';
import {planDelete} from './deploy/delete.js';
import {describeChange, runChange, type Change, type Env} from './deploy/gcloud.js';
import {NOT_SIGNED_IN, type LookupContext} from './deploy/lookups.js';
import {DeployError, parseDeployOptions, USAGE, type DeployOptions} from './deploy/options.js';
import {planSetup} from './deploy/secrets.js';
import {resolveTarget, type Target} from './deploy/target.js';

/** What will run, what to show first, and what to print afterwards. */
interface Plan {
  readonly changes: readonly Change[];
  readonly warnings: readonly string[];
  /** Printed after the changes, as commands for the user to run or not. */
  readonly epilogue: readonly string[];
}

/**
 * `npm run deploy`: deploys every function with `gcloud functions deploy` to one origin, each as
 * its own service account with only its secrets; `--delete` deletes them. All lookups and checks
 * come first; then each change is printed and run in order (with --dry-run, only printed).
 */
function deploy(argv: readonly string[] = process.argv.slice(2), env: Env = process.env): void {
  const options = parseDeployOptions(argv);
  if (options.help) {
    process.stdout.write(USAGE);
    return;
  }
  // gcloud uploads --source=. minus .gcloudignore; without that file it would upload local secrets.
  if (!existsSync('package.json') || !existsSync('.gcloudignore')) {
    throw new DeployError(
      'run it from the project folder (package.json, .gcloudignore): npm run deploy',
    );
  }
  const target = resolveTarget(options, env);
  const context: LookupContext = {env, dryRun: options.dryRun};
  const plan = options.delete
    ? planDelete(options, target, context)
    : planDeploy(options, target, context);
  for (const warning of plan.warnings) console.warn(`warning: ${warning}`);
  const where = `project ${target.project}, region ${target.region} (${target.baseUrl})`;
  if (options.dryRun) {
    console.warn(`Dry run for ${where}: these commands would run (nothing was changed):`);
    for (const change of plan.changes) console.log(describeChange(change));
    for (const line of plan.epilogue) console.log(line);
    if (JSON.stringify(plan).includes(NOT_SIGNED_IN)) {
      console.warn(
        'Some lookups need an account: sign in with `gcloud auth login` and run it again.',
      );
    }
    return;
  }
  console.warn(`${options.delete ? 'Deleting from' : 'Deploying to'} ${where}`);
  for (const change of plan.changes) {
    console.log(describeChange(change));
    runChange(change, env);
  }
  for (const line of plan.epilogue) console.log(line);
}

// https://cloud.google.com/functions/docs/securing/build-custom-sa: gcloud builds each function
// with Cloud Build, as the project's build service account unless --build-service-account.
const BUILD_ACCOUNT_NOTE = [
  'Builds run as the Cloud Build service account (on projects created since mid-2024, the Compute',
  'Engine default account); it needs roles/cloudbuild.builds.builder (or logging.logWriter,',
  'artifactregistry.writer and storage.objectViewer), which this deploy does not grant. If a build',
  'fails for want of a permission, grant those to an account of your own and pass',
  '--build-service-account=EMAIL.',
];

function planDeploy(options: DeployOptions, target: Target, context: LookupContext): Plan {
  const setup = planSetup(options, target, context);
  const needsId = options.functions.some(name => !NEEDS_CLIENT_SECRET[name]);
  const clientId = needsId ? resolveClientId(options, target.project, context) : {value: ''};
  const idNote = 'unknown' in clientId ? `GOOGLE_CLIENT_ID: ${clientId.unknown}` : undefined;
  const deploys = options.functions.map(name => {
    const change = deployFunction(
      name,
      target,
      options,
      'value' in clientId ? clientId.value : 'CLIENT_ID',
    );
    return NEEDS_CLIENT_SECRET[name] || idNote === undefined ? change : {...change, note: idNote};
  });
  const url = target.baseUrl;
  return {
    changes: [...setup.changes, ...deploys],
    warnings: setup.warnings,
    epilogue: [
      '',
      `Functions: ${options.functions.join(', ')} at ${url}, each running as NAME-fn@${target.project}.iam.gserviceaccount.com`,
      `Sign in at ${url}/oauth2init`,
      `The OAuth client must list the redirect URI ${url}/oauth2callback`,
      ...(options.initSecrets ? BUILD_ACCOUNT_NOTE : []),
    ],
  };
}

try {
  deploy();
} catch (error) {
  if (!(error instanceof DeployError)) throw error;
  console.error(`deploy: ${error.message}`);
  process.exitCode = 1;
}
