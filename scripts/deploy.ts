import {existsSync} from 'node:fs';
import {planDelete} from './deploy/delete.js';
import {describeChange, runChange, type Env} from './deploy/gcloud.js';
import {NOT_SIGNED_IN, type LookupContext} from './deploy/lookups.js';
import {DeployError, parseDeployOptions, USAGE} from './deploy/options.js';
import {planDeploy} from './deploy/plan.js';
import {resolveTarget} from './deploy/target.js';

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
    const marked = [...plan.warnings, ...plan.changes.map(change => change.note ?? '')];
    if (marked.some(text => text.includes(NOT_SIGNED_IN))) {
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

try {
  deploy();
} catch (error) {
  if (!(error instanceof DeployError)) throw error;
  console.error(`deploy: ${error.message}`);
  process.exitCode = 1;
}
