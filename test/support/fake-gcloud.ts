import {appendFileSync, readFileSync} from 'node:fs';

/**
 * A stand-in for the `gcloud` CLI (see fake-gcloud-install.ts). It appends each call, with what
 * it read on stdin, as a JSON line to $FAKE_GCLOUD_LOG; answers the read-only lookups from
 * FAKE_GCLOUD_* variables; and accepts every change, or fails the one starting $FAKE_GCLOUD_FAIL.
 */
function fakeGcloud(args: readonly string[], env = process.env): number {
  const stdin = readStdin();
  if (env.FAKE_GCLOUD_LOG)
    appendFileSync(env.FAKE_GCLOUD_LOG, JSON.stringify({args, stdin}) + '\n');
  const [group, verb, subject] = args;
  const command = `${group} ${verb}`;
  if (command === 'config get-value') {
    const value = subject === 'project' ? env.FAKE_GCLOUD_PROJECT : env.FAKE_GCLOUD_REGION;
    // Like gcloud: an unset property prints nothing on stdout and "(unset)" on stderr.
    if (value === undefined) process.stderr.write('(unset)\n');
    else process.stdout.write(`${value}\n`);
    return 0;
  }
  if (command === 'projects describe') {
    if (!env.FAKE_GCLOUD_PROJECT_NUMBER) return fail(`NOT_FOUND: project ${subject} not found`);
    process.stdout.write(`${env.FAKE_GCLOUD_PROJECT_NUMBER}\n`);
    return 0;
  }
  if (command === 'secrets describe') return describeSecret(subject ?? '', env);
  if (env.FAKE_GCLOUD_FAIL && args.join(' ').startsWith(env.FAKE_GCLOUD_FAIL)) {
    return fail(`INVALID_ARGUMENT: failing on purpose (${env.FAKE_GCLOUD_FAIL})`);
  }
  if (CHANGES.has(command)) {
    process.stdout.write(`fake gcloud: done ${command} ${subject ?? ''}\n`);
    return 0;
  }
  process.stderr.write(`fake gcloud: unexpected command: ${args.join(' ')}\n`);
  return 2;
}

const CHANGES = new Set([
  'services enable',
  'secrets create',
  'secrets add-iam-policy-binding',
  'functions deploy',
]);

function describeSecret(name: string, env: NodeJS.ProcessEnv): number {
  if (env.FAKE_GCLOUD_SECRET_MANAGER === 'disabled') {
    return fail(
      'PERMISSION_DENIED: Secret Manager API has not been used in project 1 before or it is disabled. reason: SERVICE_DISABLED',
    );
  }
  if (env.FAKE_GCLOUD_SECRET_MANAGER === 'denied') {
    return fail(`PERMISSION_DENIED: Permission 'secretmanager.secrets.get' denied for ${name}`);
  }
  const existing = (env.FAKE_GCLOUD_SECRETS ?? '').split(',');
  if (!existing.includes(name)) {
    return fail(`NOT_FOUND: Secret [projects/1/secrets/${name}] not found or has no versions.`);
  }
  process.stdout.write(`projects/1/secrets/${name}\n`);
  return 0;
}

function fail(message: string): number {
  process.stderr.write(`ERROR: (gcloud) ${message}\n`);
  return 1;
}

function readStdin(): string {
  try {
    return readFileSync(0, 'utf8');
  } catch {
    return '';
  }
}

process.exitCode = fakeGcloud(process.argv.slice(2));
