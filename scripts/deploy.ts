import {existsSync} from 'node:fs';
import {deployFunction} from './deploy/commands.js';
import {describeChange, runChange, type Env} from './deploy/gcloud.js';
import {DeployError, parseDeployOptions, USAGE} from './deploy/options.js';
import {planSecrets} from './deploy/secrets.js';
import {resolveTarget} from './deploy/target.js';

/**
 * `npm run deploy`: deploys every function with `gcloud functions deploy` to one origin, with the
 * secrets from Secret Manager. All lookups and checks come first; then each change is printed and
 * run in order (with --dry-run, only printed).
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
  const secrets = planSecrets(options, target, env);
  const changes = [
    ...secrets.changes,
    ...options.functions.map(name => deployFunction(name, target, options)),
  ];
  for (const warning of secrets.warnings) console.warn(`warning: ${warning}`);
  if (options.dryRun) {
    console.warn(`Dry run: these commands would run for ${target.baseUrl} (nothing was changed):`);
    for (const change of changes) console.log(describeChange(change));
    return;
  }
  for (const change of changes) {
    console.log(describeChange(change));
    runChange(change, env);
  }
  console.log(`\nDeployed ${options.functions.join(', ')} to ${target.baseUrl}`);
  console.log(`Sign in at ${target.baseUrl}/oauth2init`);
  console.log(`The OAuth client must list the redirect URI ${target.baseUrl}/oauth2callback`);
}

try {
  deploy();
} catch (error) {
  if (!(error instanceof DeployError)) throw error;
  console.error(`deploy: ${error.message}`);
  process.exitCode = 1;
}
