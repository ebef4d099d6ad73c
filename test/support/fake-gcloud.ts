import {appendFileSync, existsSync, readFileSync, writeFileSync} from 'node:fs';

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
  if (command === 'config list') return listConfig(env);
  // gcloud's own words when no account is signed in (gcloud 528).
  if (env.FAKE_GCLOUD_SIGNED_OUT) {
    return fail(
      'You do not currently have an active account selected.\nPlease run:\n\n  $ gcloud auth login\n',
    );
  }
  if (command === 'iam service-accounts' && subject === 'list') {
    return print(listOf(env.FAKE_GCLOUD_ACCOUNTS));
  }
  if (command === 'functions list') {
    return print(
      listOf(env.FAKE_GCLOUD_FUNCTIONS).map(name => `projects/p/locations/r/functions/${name}`),
    );
  }
  if (command === 'secrets describe') return describeSecret(subject ?? '', env);
  if (command === 'firestore databases' && subject === 'describe') return describeDatabase(env);
  if (command === 'firestore fields' && subject === 'ttls' && args[3] === 'list') {
    // FAKE_GCLOUD_TTL: the state of expireAt's TTL policy (ACTIVE, CREATING, ...), unset: none.
    const state = env.FAKE_GCLOUD_TTL;
    const name = 'projects/p/databases/(default)/collectionGroups/oauth2_sessions/fields/expireAt';
    return print([JSON.stringify(state === undefined ? [] : [{name, ttlConfig: {state}}])]);
  }
  if (command === 'projects get-iam-policy') {
    // FAKE_GCLOUD_PROJECT_POLICY: the project's IAM policy as JSON.
    return print([env.FAKE_GCLOUD_PROJECT_POLICY ?? JSON.stringify({bindings: [], version: 1})]);
  }
  if (command === 'secrets get-iam-policy') {
    // Every secret has the readers listed in FAKE_GCLOUD_READERS (members, comma-separated).
    const members = listOf(env.FAKE_GCLOUD_READERS);
    const role = 'roles/secretmanager.secretAccessor';
    process.stdout.write(JSON.stringify({bindings: [{role, members}], etag: 'BwY=', version: 1}));
    return 0;
  }
  if (command === 'secrets versions' && subject === 'access') {
    if (!listOf(env.FAKE_GCLOUD_SECRETS).includes('oauth-client-secret')) {
      return fail(
        'NOT_FOUND: Secret [projects/1/secrets/oauth-client-secret] not found or has no versions.',
      );
    }
    process.stdout.write(env.FAKE_GCLOUD_CLIENT_JSON ?? '');
    return 0;
  }
  if (env.FAKE_GCLOUD_FAIL_ONCE && args.join(' ').startsWith(env.FAKE_GCLOUD_FAIL_ONCE)) {
    const marker = `${env.FAKE_GCLOUD_LOG}.failed-once`;
    if (!existsSync(marker)) {
      writeFileSync(marker, '');
      return fail(`INVALID_ARGUMENT: Service account ${subject ?? ''} does not exist.`);
    }
  }
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
  'iam service-accounts',
  'functions deploy',
  'functions delete',
  'firestore databases',
  'firestore fields',
  'projects add-iam-policy-binding',
]);

/** Like `gcloud config list --format=json`: only the properties that were set. */
function listConfig(env: NodeJS.ProcessEnv): number {
  const config: Record<string, Record<string, string>> = {core: {disable_prompts: '1'}};
  if (env.FAKE_GCLOUD_PROJECT !== undefined) config.core!.project = env.FAKE_GCLOUD_PROJECT;
  if (env.FAKE_GCLOUD_REGION !== undefined) config.functions = {region: env.FAKE_GCLOUD_REGION};
  process.stdout.write(JSON.stringify(config, null, 2) + '\n');
  return 0;
}

function listOf(value: string | undefined): string[] {
  return (value ?? '').split(',').filter(item => item !== '');
}

function print(lines: readonly string[]): number {
  process.stdout.write(lines.map(line => `${line}\n`).join(''));
  return 0;
}

function describeSecret(name: string, env: NodeJS.ProcessEnv): number {
  if (env.FAKE_GCLOUD_SECRET_MANAGER === 'disabled') {
    return fail(
      'PERMISSION_DENIED: Secret Manager API has not been used in project 1 before or it is disabled. reason: SERVICE_DISABLED',
    );
  }
  if (env.FAKE_GCLOUD_SECRET_MANAGER === 'denied') {
    return fail(`PERMISSION_DENIED: Permission 'secretmanager.secrets.get' denied for ${name}`);
  }
  if (!listOf(env.FAKE_GCLOUD_SECRETS).includes(name)) {
    return fail(`NOT_FOUND: Secret [projects/1/secrets/${name}] not found or has no versions.`);
  }
  process.stdout.write(`projects/1/secrets/${name}\n`);
  return 0;
}

/** FAKE_GCLOUD_FIRESTORE: native or datastore (a database of that mode), disabled (the API off), unset: no database. */
function describeDatabase(env: NodeJS.ProcessEnv): number {
  const mode = env.FAKE_GCLOUD_FIRESTORE;
  if (mode === 'disabled') {
    return fail(
      'PERMISSION_DENIED: Cloud Firestore API has not been used in project 1 before or it is disabled. reason: SERVICE_DISABLED',
    );
  }
  if (mode === undefined) {
    return fail("NOT_FOUND: Project 'p' or database '(default)' does not exist.");
  }
  const type = mode === 'datastore' ? 'DATASTORE_MODE' : 'FIRESTORE_NATIVE';
  return print([JSON.stringify({name: 'projects/p/databases/(default)', type, locationId: 'x'})]);
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
