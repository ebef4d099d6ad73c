import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {after, before, describe, it} from 'node:test';
import {formatCommand, quoteShellArg} from '../scripts/deploy/shell-quote.js';
import {
  FUNCTION_NAMES,
  NEEDS_CLIENT_SECRET,
  USES_SESSION_STORE,
  type FunctionName,
} from '../src/register.js';

/** The functions that read or write Firestore sessions: oauth2init only checks the cookie. */
const STORE_USERS = FUNCTION_NAMES.filter(name => USES_SESSION_STORE[name]);
import {installFakeGcloud, readCalls, type GcloudCall} from './support/fake-gcloud-install.js';

const DEPLOY = fileURLToPath(new URL('../scripts/deploy.js', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

const PROJECT = 'demo-project';
const REGION = 'europe-west1';
const BASE_URL = `https://${REGION}-${PROJECT}.cloudfunctions.net`;
const CLIENT_ID = 'sentinel-id.apps.googleusercontent.com';
const CLIENT_SECRET_VALUE = 'GOCSPX-sentinel-client-secret-4f9a';
const STORED_CLIENT_ID = 'stored-id.apps.googleusercontent.com';
const STORED_SECRET_VALUE = 'GOCSPX-stored-sentinel-secret-77c1';
const LOOKUPS = [
  'config list',
  'secrets describe',
  'secrets get-iam-policy',
  'secrets versions access',
  'iam service-accounts list',
  'functions list',
  'firestore databases describe',
  'firestore fields ttls list',
  'projects get-iam-policy',
];

/** How the fake gcloud answers lookups (undefined: unset / absent). */
interface Answers {
  project?: string;
  region?: string;
  secrets?: string[];
  accounts?: string[];
  functions?: string[];
  secretManager?: 'disabled' | 'denied';
  signedOut?: boolean;
  /** The members that may read every secret. */
  readers?: string[];
  /** What `secrets versions access` prints for the client secret. */
  clientJson?: string;
  fail?: string;
  /** A command (prefix) that fails once as IAM does for an account it does not know yet. */
  failOnce?: string;
  /** The project's Firestore (default) database: its mode, the API off, or none (undefined). */
  firestore?: 'native' | 'datastore' | 'disabled';
  /** The state of the TTL policy on oauth2_sessions.expireAt (undefined: none). */
  ttl?: 'ACTIVE' | 'CREATING' | 'NEEDS_REPAIR';
  /** The project's IAM policy. */
  projectPolicy?: unknown;
}

interface DeployRun {
  status: number | null;
  stdout: string;
  stderr: string;
  /** Every gcloud call, lookups included, in order. */
  calls: GcloudCall[];
  /** The calls that change something, in order. */
  changes: GcloudCall[];
}

let dir: string;
let bin: string;
let clientFile: string;
let runs = 0;

/** Runs build/scripts/deploy.js with the fake gcloud as the only thing on PATH. */
function runDeploy(args: string[], answers: Answers = {}, cwd = ROOT): DeployRun {
  const log = join(dir, `calls-${++runs}.jsonl`);
  const env: Record<string, string> = {
    PATH: bin,
    FAKE_GCLOUD_LOG: log,
    FAKE_GCLOUD_CLIENT_JSON:
      answers.clientJson ??
      JSON.stringify({web: {client_id: STORED_CLIENT_ID, client_secret: STORED_SECRET_VALUE}}),
  };
  if (answers.project !== undefined) env.FAKE_GCLOUD_PROJECT = answers.project;
  if (answers.region !== undefined) env.FAKE_GCLOUD_REGION = answers.region;
  if (answers.secrets !== undefined) env.FAKE_GCLOUD_SECRETS = answers.secrets.join(',');
  if (answers.accounts !== undefined) env.FAKE_GCLOUD_ACCOUNTS = answers.accounts.join(',');
  if (answers.functions !== undefined) env.FAKE_GCLOUD_FUNCTIONS = answers.functions.join(',');
  if (answers.secretManager !== undefined) env.FAKE_GCLOUD_SECRET_MANAGER = answers.secretManager;
  if (answers.signedOut) env.FAKE_GCLOUD_SIGNED_OUT = '1';
  if (answers.readers !== undefined) env.FAKE_GCLOUD_READERS = answers.readers.join(',');
  if (answers.fail !== undefined) env.FAKE_GCLOUD_FAIL = answers.fail;
  if (answers.failOnce !== undefined) env.FAKE_GCLOUD_FAIL_ONCE = answers.failOnce;
  if (answers.firestore !== undefined) env.FAKE_GCLOUD_FIRESTORE = answers.firestore;
  if (answers.ttl !== undefined) env.FAKE_GCLOUD_TTL = answers.ttl;
  if (answers.projectPolicy !== undefined) {
    env.FAKE_GCLOUD_PROJECT_POLICY = JSON.stringify(answers.projectPolicy);
  }
  const child = spawnSync(process.execPath, [DEPLOY, ...args], {cwd, env, encoding: 'utf8'});
  const calls = readCalls(log);
  return {
    status: child.status,
    stdout: child.stdout,
    stderr: child.stderr,
    calls,
    changes: calls.filter(call => !isLookup(call)),
  };
}

function isLookup(call: GcloudCall): boolean {
  const line = call.args.join(' ');
  return LOOKUPS.some(lookup => line.startsWith(lookup));
}

/** The value of `--name=value` in a call, or undefined. */
function flag(call: GcloudCall | undefined, name: string): string | undefined {
  const prefix = `--${name}=`;
  return call?.args.find(arg => arg.startsWith(prefix))?.slice(prefix.length);
}

function deploys(run: DeployRun): GcloudCall[] {
  return run.changes.filter(call => call.args[0] === 'functions' && call.args[1] === 'deploy');
}

/** The lines of a run's stdout that are gcloud commands. */
function commandLines(stdout: string): string[] {
  return stdout.split('\n').filter(line => line.startsWith('gcloud '));
}

/** The environment variables a deploy call sets. */
function envVars(call: GcloudCall | undefined): Record<string, string> {
  const pairs = (flag(call, 'set-env-vars') ?? '').split(',').map(pair => pair.split('='));
  return Object.fromEntries(pairs.map(([name, ...value]) => [name, value.join('=')]));
}

/** The service account a function runs as in the sample project. */
function accountOf(name: FunctionName): string {
  return `${name}-fn@${PROJECT}.iam.gserviceaccount.com`;
}

/** What each function's deploy sets: the client id, or the mounted client JSON, never both. */
function expectedEnv(name: FunctionName, clientId = CLIENT_ID): string {
  const client = NEEDS_CLIENT_SECRET[name]
    ? 'CLIENT_SECRET_PATH=/etc/secrets/client_secret.json'
    : `GOOGLE_CLIENT_ID=${clientId}`;
  return `BASE_URL=${BASE_URL},${client},GOOGLE_CLOUD_PROJECT=${PROJECT},NODE_ENV=production`;
}

function expectedSecrets(name: FunctionName): string {
  const cookie = 'COOKIE_SECRET=oauth-cookie-secret:latest';
  return NEEDS_CLIENT_SECRET[name]
    ? `${cookie},/etc/secrets/client_secret.json=oauth-client-secret:latest`
    : cookie;
}

function deployCommand(name: FunctionName, clientId = CLIENT_ID): string[] {
  return [
    'functions',
    'deploy',
    name,
    '--gen2',
    `--project=${PROJECT}`,
    `--region=${REGION}`,
    '--runtime=nodejs22',
    '--source=.',
    `--entry-point=${name}`,
    '--trigger-http',
    '--allow-unauthenticated',
    '--memory=256Mi',
    `--set-env-vars=${expectedEnv(name, clientId)}`,
    `--set-secrets=${expectedSecrets(name)}`,
    `--service-account=${accountOf(name)}`,
  ];
}

/** The gcloud argument lists of a first deploy (nothing there yet) to the sample project. */
function firstDeployCommands(clientSecretFile: string): string[][] {
  const project = `--project=${PROJECT}`;
  const grant = (secret: string, name: FunctionName): string[] => [
    'secrets',
    'add-iam-policy-binding',
    secret,
    project,
    `--member=serviceAccount:${accountOf(name)}`,
    '--role=roles/secretmanager.secretAccessor',
    '--condition=None',
  ];
  return [
    [
      'services',
      'enable',
      'iam.googleapis.com',
      'cloudfunctions.googleapis.com',
      'run.googleapis.com',
      'cloudbuild.googleapis.com',
      'artifactregistry.googleapis.com',
      'secretmanager.googleapis.com',
      'gmail.googleapis.com',
      project,
    ],
    [
      'secrets',
      'create',
      'oauth-cookie-secret',
      project,
      '--replication-policy=automatic',
      '--data-file=-',
    ],
    [
      'secrets',
      'create',
      'oauth-client-secret',
      project,
      '--replication-policy=automatic',
      `--data-file=${clientSecretFile}`,
    ],
    ...FUNCTION_NAMES.map(name => [
      'iam',
      'service-accounts',
      'create',
      `${name}-fn`,
      project,
      `--display-name=${name} (gmail-oauth-functions)`,
    ]),
    grant('oauth-cookie-secret', 'oauth2init'),
    grant('oauth-cookie-secret', 'oauth2callback'),
    grant('oauth-client-secret', 'oauth2callback'),
    grant('oauth-cookie-secret', 'listlabels'),
    grant('oauth-client-secret', 'listlabels'),
    grant('oauth-cookie-secret', 'oauth2signout'),
    ...FUNCTION_NAMES.map(name => deployCommand(name)),
  ];
}

const TARGET = [`--project=${PROJECT}`, `--region=${REGION}`];
const ACCOUNTS = FUNCTION_NAMES.map(accountOf);
const READY = {secrets: ['oauth-cookie-secret', 'oauth-client-secret'], accounts: ACCOUNTS};

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'deploy-test-'));
  bin = installFakeGcloud(dir);
  clientFile = join(dir, 'client_secret.json');
  writeClientFile(clientFile, {
    web: {
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET_VALUE,
      redirect_uris: [`${BASE_URL}/oauth2callback`],
    },
  });
});

after(() => rmSync(dir, {recursive: true, force: true}));

function writeClientFile(path: string, json: unknown): void {
  writeFileSync(path, JSON.stringify(json));
}

describe('deploy --dry-run and a real run', () => {
  it('deploy --dry-run prints every change as one shell line and runs none of them', () => {
    const run = runDeploy(
      [...TARGET, '--init-secrets', '--dry-run', `--client-secret-file=${clientFile}`],
      {},
    );
    assert.equal(run.status, 0, run.stderr);
    const expected = firstDeployCommands(clientFile).map(args => formatCommand('gcloud', args));
    expected[1] += '  # stdin: a new random 32-byte key, base64';
    assert.deepEqual(commandLines(run.stdout), expected);
    assert.deepEqual(run.changes, [], 'only lookups ran');
    assert.ok(run.calls.length > 0, 'the lookups did run');
    assert.match(
      run.stderr,
      /Dry run for project demo-project, region europe-west1 \(https:\/\/europe-west1-demo-project\.cloudfunctions\.net\): these commands would run/,
    );
    assert.doesNotMatch(run.stderr, /gcloud auth login/, 'every lookup answered');
  });

  it('deploy issues the same commands in order, the cookie key alone on stdin', () => {
    const run = runDeploy([...TARGET, '--init-secrets', `--client-secret-file=${clientFile}`], {});
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(
      run.changes.map(call => call.args),
      firstDeployCommands(clientFile),
    );
    const withStdin = run.changes.filter(call => call.stdin !== '');
    assert.deepEqual(
      withStdin.map(call => call.args.slice(0, 3)),
      [['secrets', 'create', 'oauth-cookie-secret']],
    );
    assert.match(run.stdout, new RegExp(`Sign in at ${BASE_URL}/oauth2init`));
    assert.match(run.stdout, new RegExp(`redirect URI ${BASE_URL}/oauth2callback`));
  });

  it('deploy --dry-run and a real run print the same command lines', () => {
    const args = [...TARGET, '--init-secrets', `--client-secret-file=${clientFile}`];
    const dry = runDeploy([...args, '--dry-run'], {}).stdout.split('\n');
    const real = runDeploy(args, {}).stdout.split('\n');
    assert.deepEqual(commandLines(real.join('\n')), commandLines(dry.join('\n')));
  });
});

describe('deploy target', () => {
  const cases: {
    name: string;
    args: string[];
    config: Answers;
    project: string;
    region: string;
    asksConfig: boolean;
  }[] = [
    {
      name: 'the flags',
      args: TARGET,
      config: {},
      project: PROJECT,
      region: REGION,
      asksConfig: false,
    },
    {
      name: 'gcloud config',
      args: [],
      config: {project: 'other-project', region: 'us-east4'},
      project: 'other-project',
      region: 'us-east4',
      asksConfig: true,
    },
    {
      name: 'the flags over gcloud config',
      args: TARGET,
      config: {project: 'other-project', region: 'us-east4'},
      project: PROJECT,
      region: REGION,
      asksConfig: false,
    },
    {
      name: 'a flag and gcloud config',
      args: ['--region=asia-northeast1'],
      config: {project: 'other-project'},
      project: 'other-project',
      region: 'asia-northeast1',
      asksConfig: true,
    },
  ];
  for (const c of cases) {
    it(`deploy takes the project and region from ${c.name}`, () => {
      const accounts = FUNCTION_NAMES.map(
        name => `${name}-fn@${c.project}.iam.gserviceaccount.com`,
      );
      const run = runDeploy(c.args, {...READY, accounts, ...c.config});
      assert.equal(run.status, 0, run.stderr);
      assert.equal(
        run.calls.some(call => call.args[0] === 'config'),
        c.asksConfig,
      );
      assert.equal(deploys(run).length, FUNCTION_NAMES.length);
      for (const call of deploys(run)) {
        assert.equal(flag(call, 'project'), c.project);
        assert.equal(flag(call, 'region'), c.region);
        assert.equal(envVars(call).BASE_URL, `https://${c.region}-${c.project}.cloudfunctions.net`);
        assert.equal(envVars(call).GOOGLE_CLOUD_PROJECT, c.project);
      }
    });
  }
});

describe('deploy refuses', () => {
  const cases: {name: string; args: string[]; answers: Answers; error: RegExp}[] = [
    {
      name: 'no project anywhere',
      args: [`--region=${REGION}`],
      answers: {},
      error:
        /--project is missing: pass --project=PROJECT_ID, or set a default with `gcloud config set project PROJECT_ID`/,
    },
    {
      name: 'an empty project',
      args: [`--region=${REGION}`],
      answers: {project: ''},
      error: /--project is missing/,
    },
    {
      name: 'no region anywhere',
      args: [`--project=${PROJECT}`],
      answers: {},
      error:
        /--region is missing: pass --region=REGION \(such as europe-west1\), or set a default with `gcloud config set functions\/region REGION`/,
    },
    {
      name: 'no region anywhere, even without an account (gcloud itself would pick us-central1)',
      args: [`--project=${PROJECT}`, '--init-secrets'],
      answers: {signedOut: true},
      error: /--region is missing: pass --region=REGION/,
    },
    {name: 'neither', args: [], answers: {}, error: /--project is missing/},
    {
      name: 'a malformed --project',
      args: ['--project=My_Project', `--region=${REGION}`],
      answers: {},
      error: /--project: expected a project ID such as my-project-123, given "My_Project"/,
    },
    {
      name: 'a malformed region in gcloud config',
      args: [`--project=${PROJECT}`],
      answers: {region: 'moon'},
      error:
        /--region: expected a region such as us-central1, gcloud config has functions\/region "moon"/,
    },
    {
      name: 'an unknown flag',
      args: [...TARGET, '--regoin=x'],
      answers: {},
      error: /Unknown option '--regoin'/,
    },
    {
      name: 'an unknown access type',
      args: [...TARGET, '--access-type=forever'],
      answers: {},
      error: /--access-type: expected online or offline, got "forever"/,
    },
    {
      name: 'an unknown function',
      args: [...TARGET, '--functions=oauth2init,nope'],
      answers: {},
      error: /--functions: unknown function "nope"/,
    },
    {
      name: 'one --service-account for all functions',
      args: [...TARGET, '--service-account=fns@demo-project.iam.gserviceaccount.com'],
      answers: READY,
      error:
        /--service-account is no longer taken: each function runs as its own service account \(oauth2init-fn@PROJECT.iam.gserviceaccount.com, ...\), which `--init-secrets` creates/,
    },
    {
      name: 'a malformed --build-service-account',
      args: [...TARGET, '--build-service-account=bob'],
      answers: READY,
      error: /--build-service-account: expected a service account email/,
    },
    {
      name: 'a --client-id with a comma',
      args: [...TARGET, '--client-id=a,b'],
      answers: READY,
      error:
        /--client-id: expected an OAuth client id such as 1234-abc.apps.googleusercontent.com, got "a,b"/,
    },
    {
      name: 'an unknown session store',
      args: [...TARGET, '--session-store=redis'],
      answers: READY,
      error: /--session-store: expected cookie or firestore, got "redis"/,
    },
    {
      name: 'a malformed --firestore-database',
      args: [...TARGET, '--session-store=firestore', '--firestore-database=Sessions_DB'],
      answers: READY,
      error:
        /--firestore-database: expected \(default\) or a database ID such as sessions-db, got "Sessions_DB"/,
    },
    {
      name: 'a malformed --firestore-location',
      args: [...TARGET, '--session-store=firestore', '--firestore-location=Moon'],
      answers: READY,
      error: /--firestore-location: expected a location such as europe-west1 or eur3, got "Moon"/,
    },
    {
      name: '--firestore-location without --session-store=firestore',
      args: [...TARGET, '--firestore-location=eur3'],
      answers: READY,
      error: /--firestore-location needs --session-store=firestore/,
    },
    {
      name: 'a Datastore-mode database for the sessions',
      args: [...TARGET, '--session-store=firestore'],
      answers: {...READY, firestore: 'datastore'},
      error:
        /--firestore-database: database \(default\) is in Datastore mode; sessions need Firestore Native mode: pass --firestore-database=ID to create another/,
    },
    {
      name: 'missing service accounts without --init-secrets',
      args: TARGET,
      answers: {...READY, accounts: [`oauth2init-fn@${PROJECT}.iam.gserviceaccount.com`]},
      error:
        /service account oauth2callback-fn@demo-project.iam.gserviceaccount.com, listlabels-fn@demo-project.iam.gserviceaccount.com, oauth2signout-fn@demo-project.iam.gserviceaccount.com not found; each function runs as its own: create them with `npm run deploy -- --init-secrets`/,
    },
    {
      name: 'a stored client secret that is not a client JSON, when no local file gives the id',
      args: TARGET,
      answers: {...READY, clientJson: `{"web": {"client_secret": "${STORED_SECRET_VALUE}"`},
      error: /secret oauth-client-secret is not valid JSON/,
    },
    {
      name: '--delete with --init-secrets',
      args: [...TARGET, '--delete', '--init-secrets'],
      answers: {},
      error: /--delete and --init-secrets: choose one/,
    },
    {
      name: 'missing secrets without --init-secrets',
      args: TARGET,
      answers: {secrets: ['oauth-cookie-secret']},
      error:
        /secret oauth-client-secret not found in project demo-project; the first deploy is `npm run deploy -- --init-secrets`/,
    },
    {
      name: 'Secret Manager off without --init-secrets',
      args: TARGET,
      answers: {secretManager: 'disabled'},
      error: /secret oauth-cookie-secret and oauth-client-secret not found/,
    },
    {
      name: 'a secret it may not look up',
      args: [...TARGET, '--init-secrets'],
      answers: {secretManager: 'denied'},
      error: /cannot look up secret oauth-cookie-secret: ERROR: \(gcloud\) PERMISSION_DENIED/,
    },
    {
      name: "the repository's client_secret.example.json",
      args: [...TARGET, '--init-secrets', '--client-secret-file=client_secret.example.json'],
      answers: {},
      error:
        /--client-secret-file: client_secret\.example\.json is the example \(client_secret\.example\.json\); download your own OAuth client's JSON from the Google Cloud console/,
    },
    {
      name: 'a missing client_secret.json',
      args: [...TARGET, '--init-secrets', '--client-secret-file=/nonexistent/client_secret.json'],
      answers: {},
      error:
        /--client-secret-file: cannot read \/nonexistent\/client_secret.json; download the JSON of your "Web application" OAuth client/,
    },
  ];
  for (const c of cases) {
    for (const dryRun of [false, true]) {
      it(`deploy refuses ${c.name}${dryRun ? ' (dry run)' : ''}, changing nothing`, () => {
        const run = runDeploy([...c.args, ...(dryRun ? ['--dry-run'] : [])], c.answers);
        assert.equal(run.status, 1);
        assert.match(run.stderr, c.error);
        assert.match(run.stderr, /^deploy: /);
        assert.deepEqual(run.changes, []);
        assert.equal(run.stdout, '', 'no command line is printed before the checks pass');
        assert.ok(!run.stderr.includes(STORED_SECRET_VALUE), 'no secret in the error');
      });
    }
  }

  it('deploy refuses a Desktop-app client file without quoting it', () => {
    const desktop = join(dir, 'desktop.json');
    writeClientFile(desktop, {installed: {client_id: 'x', client_secret: CLIENT_SECRET_VALUE}});
    const run = runDeploy([...TARGET, '--init-secrets', `--client-secret-file=${desktop}`], {});
    assert.equal(run.status, 1);
    assert.match(
      run.stderr,
      /desktop.json is for a Desktop app client; create a "Web application" OAuth client instead/,
    );
    assert.ok(!run.stderr.includes(CLIENT_SECRET_VALUE));
    assert.deepEqual(run.changes, []);
  });

  it('deploy refuses to run outside the project folder', () => {
    const run = runDeploy([...TARGET, '--dry-run'], READY, dir);
    assert.equal(run.status, 1);
    assert.match(run.stderr, /run it from the project folder/);
    assert.deepEqual(run.calls, []);
  });

  it('deploy says how to get gcloud when it is not on PATH', () => {
    const empty = mkdtempSync(join(dir, 'empty-'));
    const child = spawnSync(process.execPath, [DEPLOY, ...TARGET], {
      cwd: ROOT,
      env: {PATH: empty},
      encoding: 'utf8',
    });
    assert.equal(child.status, 1);
    assert.match(child.stderr, /gcloud is not on PATH: install the Google Cloud CLI/);
  });

  it('deploy stops at the first gcloud command that fails', () => {
    const run = runDeploy(TARGET, {...READY, fail: 'functions deploy oauth2callback'});
    assert.equal(run.status, 1);
    assert.match(
      run.stderr,
      /deploy: gcloud functions deploy oauth2callback failed \(exit 1\); stopped there/,
    );
    assert.deepEqual(
      deploys(run).map(call => call.args[2]),
      FUNCTION_NAMES.slice(0, FUNCTION_NAMES.indexOf('oauth2callback') + 1),
    );
  });
});

describe('deploy --init-secrets', () => {
  const cases: {name: string; answers: Answers; creates: string[]}[] = [
    {
      name: 'nothing there yet',
      answers: {},
      creates: [
        'oauth-cookie-secret',
        'oauth-client-secret',
        ...FUNCTION_NAMES.map(n => `${n}-fn`),
      ],
    },
    {
      name: 'Secret Manager not yet enabled',
      answers: {secretManager: 'disabled', accounts: ACCOUNTS},
      creates: ['oauth-cookie-secret', 'oauth-client-secret'],
    },
    {
      name: 'only the cookie secret present',
      answers: {secrets: ['oauth-cookie-secret'], accounts: ACCOUNTS},
      creates: ['oauth-client-secret'],
    },
    {
      name: 'only the client secret present',
      answers: {secrets: ['oauth-client-secret'], accounts: ACCOUNTS},
      creates: ['oauth-cookie-secret'],
    },
    {
      name: 'one service account present',
      answers: {...READY, accounts: [accountOf('listlabels')]},
      creates: ['oauth2init-fn', 'oauth2callback-fn', 'oauth2signout-fn'],
    },
    {name: 'everything present', answers: {...READY}, creates: []},
  ];
  for (const c of cases) {
    it(`deploy --init-secrets with ${c.name} creates ${c.creates.join(', ') || 'nothing'}, and grants each account only its secrets`, () => {
      const run = runDeploy(
        [...TARGET, '--init-secrets', `--client-secret-file=${clientFile}`],
        c.answers,
      );
      assert.equal(run.status, 0, run.stderr);
      const verbs = run.changes.map(call => call.args.slice(0, 2).join(' '));
      assert.equal(verbs[0], 'services enable', 'APIs first');
      const created = run.changes
        .filter(call => call.args.includes('create'))
        .map(call => call.args[call.args.indexOf('create') + 1]);
      assert.deepEqual(created, c.creates);
      const granted = run.changes.filter(call => call.args[1] === 'add-iam-policy-binding');
      assert.deepEqual(
        granted.map(call => [call.args[2], flag(call, 'member')]),
        [
          ['oauth-cookie-secret', `serviceAccount:${accountOf('oauth2init')}`],
          ['oauth-cookie-secret', `serviceAccount:${accountOf('oauth2callback')}`],
          ['oauth-client-secret', `serviceAccount:${accountOf('oauth2callback')}`],
          ['oauth-cookie-secret', `serviceAccount:${accountOf('listlabels')}`],
          ['oauth-client-secret', `serviceAccount:${accountOf('listlabels')}`],
          ['oauth-cookie-secret', `serviceAccount:${accountOf('oauth2signout')}`],
        ],
      );
      assert.ok(
        !run.calls.some(call => call.args.join(' ').includes('-compute@')),
        'the default compute account is never named',
      );
      const firstDeploy = run.changes.findIndex(call => call.args[0] === 'functions');
      assert.ok(
        firstDeploy > run.changes.indexOf(granted.at(-1)!),
        'access granted before any deploy',
      );
    });
  }

  it('deploy --init-secrets tries a grant again while IAM does not know a new account yet', () => {
    const grant = 'secrets add-iam-policy-binding oauth-cookie-secret';
    const run = runDeploy([...TARGET, '--init-secrets', `--client-secret-file=${clientFile}`], {
      failOnce: grant,
    });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stderr, /does not exist\.\nTrying again in 2 s/);
    const tries = run.changes.filter(call => call.args.join(' ').startsWith(grant));
    assert.deepEqual(
      tries.map(call => flag(call, 'member')),
      [accountOf('oauth2init'), ...FUNCTION_NAMES.map(accountOf)].map(a => `serviceAccount:${a}`),
    );
  });

  it('deploy --init-secrets names each other reader of a secret and how to remove it, removing nothing', () => {
    const legacy = 'serviceAccount:123456789012-compute@developer.gserviceaccount.com';
    const readers = [legacy, ...FUNCTION_NAMES.map(name => `serviceAccount:${accountOf(name)}`)];
    const run = runDeploy([...TARGET, '--init-secrets', '--dry-run'], {...READY, readers});
    assert.equal(run.status, 0, run.stderr);
    const warnings = run.stderr.split('\n').filter(line => line.includes('may also read'));
    const remove = (secret: string, member: string): string =>
      `warning: ${member} may also read secret ${secret}; if nothing else needs it: gcloud secrets remove-iam-policy-binding ${secret} --project=${PROJECT} --member=${member} --role=roles/secretmanager.secretAccessor --condition=None`;
    assert.deepEqual(warnings, [
      remove('oauth-cookie-secret', legacy),
      remove('oauth-client-secret', legacy),
      // oauth2init and oauth2signout never read the client secret.
      remove('oauth-client-secret', `serviceAccount:${accountOf('oauth2init')}`),
      remove('oauth-client-secret', `serviceAccount:${accountOf('oauth2signout')}`),
    ]);
    assert.ok(!commandLines(run.stdout).some(line => line.includes('remove-iam-policy-binding')));
  });

  it('deploy --init-secrets warns when the client file lacks the redirect URI', () => {
    const other = join(dir, 'other-redirect.json');
    writeClientFile(other, {
      web: {
        client_id: 'id',
        client_secret: CLIENT_SECRET_VALUE,
        redirect_uris: ['http://localhost:8080/oauth2callback'],
      },
    });
    const run = runDeploy(
      [...TARGET, '--init-secrets', '--dry-run', `--client-secret-file=${other}`],
      {},
    );
    assert.equal(run.status, 0, run.stderr);
    assert.match(
      run.stderr,
      new RegExp(
        `warning: .*other-redirect.json does not list the redirect URI ${BASE_URL}/oauth2callback`,
      ),
    );
  });

  it('deploy --init-secrets says what the build service account needs, granting it nothing', () => {
    const run = runDeploy(
      [...TARGET, '--init-secrets', '--dry-run', `--client-secret-file=${clientFile}`],
      {},
    );
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /Builds run as the Cloud Build service account/);
    assert.match(run.stdout, /roles\/cloudbuild\.builds\.builder/);
    const roles = commandLines(run.stdout).map(line => /--role=(\S+)/.exec(line)?.[1]);
    assert.deepEqual(
      [...new Set(roles.filter(role => role !== undefined))],
      ['roles/secretmanager.secretAccessor'],
    );
  });

  it('deploy without --init-secrets changes nothing but the functions', () => {
    const run = runDeploy(TARGET, READY);
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(
      run.changes.map(call => call.args.slice(0, 3)),
      FUNCTION_NAMES.map(name => ['functions', 'deploy', name]),
    );
  });
});

describe('deploy keeps secrets secret', () => {
  for (const dryRun of [false, true]) {
    it(`deploy${dryRun ? ' --dry-run' : ''} never puts a secret value in an argument or a printed line`, () => {
      const args = [...TARGET, '--init-secrets', `--client-secret-file=${clientFile}`];
      const run = runDeploy(dryRun ? [...args, '--dry-run'] : args, {});
      assert.equal(run.status, 0, run.stderr);
      const cookieKeys = run.calls.map(call => call.stdin).filter(stdin => stdin !== '');
      assert.equal(cookieKeys.length, dryRun ? 0 : 1);
      const secrets = [CLIENT_SECRET_VALUE, ...cookieKeys];
      const everything = [...run.calls.flatMap(call => call.args), run.stdout, run.stderr];
      for (const secret of secrets) {
        for (const text of everything) assert.ok(!text.includes(secret), 'a secret value leaked');
      }
      // Nor any other key: base64 of 32 bytes is 43 characters and one '='.
      for (const text of everything) assert.doesNotMatch(text, /[A-Za-z0-9+/]{43}=/);
    });
  }

  it('deploy reads the client id from the stored client JSON and nothing else of it', () => {
    const run = runDeploy(TARGET, READY);
    assert.equal(run.status, 0, run.stderr);
    assert.ok(
      run.calls.some(call => call.args.slice(0, 3).join(' ') === 'secrets versions access'),
    );
    for (const call of deploys(run)) {
      const name = call.args[2] as FunctionName;
      assert.equal(flag(call, 'set-env-vars'), expectedEnv(name, STORED_CLIENT_ID));
    }
    const everything = [...run.calls.flatMap(call => call.args), run.stdout, run.stderr];
    for (const text of everything) assert.ok(!text.includes(STORED_SECRET_VALUE));
  });

  it('deploy --init-secrets generates a fresh 32-byte cookie key each time', () => {
    const args = [...TARGET, '--init-secrets', `--client-secret-file=${clientFile}`];
    const keys = [runDeploy(args, {}), runDeploy(args, {})].map(
      run => run.calls.find(call => call.stdin !== '')?.stdin ?? '',
    );
    for (const key of keys) {
      assert.match(key, /^[A-Za-z0-9+/]{43}=$/);
      assert.equal(Buffer.from(key, 'base64').length, 32);
    }
    assert.notEqual(keys[0], keys[1]);
  });
});

describe('deploy functions', () => {
  it('deploy deploys every function once, as its own account, with only the secrets it reads', () => {
    const run = runDeploy([...TARGET, `--client-secret-file=${clientFile}`], READY);
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(
      deploys(run).map(call => call.args),
      FUNCTION_NAMES.map(name => deployCommand(name)),
    );
    assert.ok(
      !run.calls.some(call => call.args[1] === 'versions'),
      'the local client file gives the id',
    );
  });

  const clientIds: {name: string; args: string[]; answers: Answers; clientId: string}[] = [
    {
      name: '--client-id',
      args: ['--client-id=flag-id.apps.googleusercontent.com'],
      answers: READY,
      clientId: 'flag-id.apps.googleusercontent.com',
    },
    {
      name: 'the client file',
      args: [`--client-secret-file=${'CLIENT_FILE'}`],
      answers: READY,
      clientId: CLIENT_ID,
    },
    {name: 'the stored client JSON', args: [], answers: READY, clientId: STORED_CLIENT_ID},
  ];
  for (const c of clientIds) {
    it(`deploy gives oauth2init and oauth2signout the client id from ${c.name}`, () => {
      const args = c.args.map(arg => arg.replace('CLIENT_FILE', clientFile));
      const run = runDeploy([...TARGET, ...args], c.answers);
      assert.equal(run.status, 0, run.stderr);
      const ids = deploys(run).map(call => [call.args[2], envVars(call).GOOGLE_CLIENT_ID]);
      assert.deepEqual(ids, [
        ['oauth2init', c.clientId],
        ['oauth2callback', undefined],
        ['listlabels', undefined],
        ['oauth2signout', c.clientId],
      ]);
    });
  }

  it('deploy --build-service-account passes its resource name to each deploy', () => {
    const account = 'builder@demo-project.iam.gserviceaccount.com';
    const run = runDeploy([...TARGET, `--build-service-account=${account}`], READY);
    assert.equal(run.status, 0, run.stderr);
    for (const call of deploys(run)) {
      assert.equal(
        flag(call, 'build-service-account'),
        `projects/${PROJECT}/serviceAccounts/${account}`,
      );
    }
  });

  it('deploy --access-type=offline sets ACCESS_TYPE=offline', () => {
    const run = runDeploy([...TARGET, '--access-type=offline'], READY);
    assert.equal(run.status, 0, run.stderr);
    for (const call of deploys(run)) assert.equal(envVars(call).ACCESS_TYPE, 'offline');
  });

  it('deploy --functions deploys only those, in the usual order', () => {
    const [first, second] = FUNCTION_NAMES;
    const run = runDeploy([...TARGET, `--functions=${second},${first}`], READY);
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(
      deploys(run).map(call => call.args[2]),
      [first, second],
    );
  });

  it('deploy --help prints the flags and calls no gcloud', () => {
    const run = runDeploy(['--help']);
    assert.equal(run.status, 0);
    assert.match(run.stdout, /--init-secrets/);
    assert.match(run.stdout, /--delete/);
    assert.match(run.stdout, /--session-store=firestore/);
    assert.deepEqual(run.calls, []);
  });
});

/** The arguments of each Firestore change (database `db` of the sample project). */
const FIRESTORE = {
  enable: ['services', 'enable', 'firestore.googleapis.com', `--project=${PROJECT}`],
  create: (db = '(default)', location = REGION): string[] => [
    'firestore',
    'databases',
    'create',
    `--database=${db}`,
    `--location=${location}`,
    '--type=firestore-native',
    `--project=${PROJECT}`,
  ],
  ttl: (db = '(default)'): string[] => [
    'firestore',
    'fields',
    'ttls',
    'update',
    'expireAt',
    '--collection-group=oauth2_sessions',
    `--database=${db}`,
    '--enable-ttl',
    '--async',
    `--project=${PROJECT}`,
  ],
  grant: (name: FunctionName, db = '(default)'): string[] => [
    'projects',
    'add-iam-policy-binding',
    PROJECT,
    `--member=serviceAccount:${accountOf(name)}`,
    '--role=roles/datastore.user',
    `--condition=expression=resource.name=="projects/${PROJECT}/databases/${db}",title=gmail-oauth-functions-sessions`,
    '--format=none',
  ],
};

/** A project IAM policy in which `names` hold roles/datastore.user, on the (default) database or not. */
function datastoreUsers(names: readonly FunctionName[], onDatabase = true): unknown {
  const expression = `resource.name=="projects/${PROJECT}/databases/(default)"`;
  const binding = {
    role: 'roles/datastore.user',
    members: names.map(name => `serviceAccount:${accountOf(name)}`),
    ...(onDatabase ? {condition: {expression, title: 'gmail-oauth-functions-sessions'}} : {}),
  };
  return {
    bindings: [{role: 'roles/viewer', members: ['user:owner@example.com']}, binding],
    version: 3,
  };
}

describe('deploy --session-store=firestore', () => {
  const grantAll = (db?: string): string[][] => STORE_USERS.map(name => FIRESTORE.grant(name, db));
  const cases: {name: string; args: string[]; answers: Answers; changes: string[][]}[] = [
    {
      name: 'the Firestore API off',
      args: [],
      answers: {firestore: 'disabled'},
      changes: [FIRESTORE.enable, FIRESTORE.create(), FIRESTORE.ttl(), ...grantAll()],
    },
    {
      name: 'no database',
      args: [],
      answers: {},
      changes: [FIRESTORE.create(), FIRESTORE.ttl(), ...grantAll()],
    },
    {
      name: 'no database and --firestore-location=eur3',
      args: ['--firestore-location=eur3'],
      answers: {},
      changes: [FIRESTORE.create('(default)', 'eur3'), FIRESTORE.ttl(), ...grantAll()],
    },
    {
      name: 'no database and --firestore-database=sessions-db',
      args: ['--firestore-database=sessions-db'],
      answers: {},
      changes: [
        FIRESTORE.create('sessions-db'),
        FIRESTORE.ttl('sessions-db'),
        ...grantAll('sessions-db'),
      ],
    },
    {
      name: 'a database without the TTL policy',
      args: [],
      answers: {firestore: 'native'},
      changes: [FIRESTORE.ttl(), ...grantAll()],
    },
    {
      name: 'the TTL policy being created and every account granted',
      args: [],
      answers: {
        firestore: 'native',
        ttl: 'CREATING',
        projectPolicy: datastoreUsers(FUNCTION_NAMES),
      },
      changes: [],
    },
    {
      name: 'a TTL policy that needs repair and two accounts granted',
      args: [],
      answers: {
        firestore: 'native',
        ttl: 'NEEDS_REPAIR',
        projectPolicy: datastoreUsers(['oauth2init', 'listlabels']),
      },
      changes: [
        FIRESTORE.ttl(),
        FIRESTORE.grant('oauth2callback'),
        FIRESTORE.grant('oauth2signout'),
      ],
    },
    {
      name: 'the role held on the whole project rather than the database',
      args: [],
      answers: {
        firestore: 'native',
        ttl: 'ACTIVE',
        projectPolicy: datastoreUsers(FUNCTION_NAMES, false),
      },
      changes: grantAll(),
    },
    {
      name: '--functions=listlabels',
      args: ['--functions=listlabels'],
      answers: {firestore: 'native', ttl: 'ACTIVE'},
      changes: [FIRESTORE.grant('listlabels')],
    },
    {
      name: '--functions=oauth2init, which never reads the store',
      args: ['--functions=oauth2init'],
      answers: {firestore: 'native', ttl: 'ACTIVE'},
      changes: [],
    },
  ];
  for (const c of cases) {
    it(`deploy --session-store=firestore with ${c.name} runs ${c.changes.length} Firestore changes, then the deploys`, () => {
      const run = runDeploy([...TARGET, '--session-store=firestore', ...c.args], {
        ...READY,
        ...c.answers,
      });
      assert.equal(run.status, 0, run.stderr);
      const others = run.changes.slice(0, run.changes.length - deploys(run).length);
      assert.deepEqual(
        others.map(call => call.args),
        c.changes,
      );
      assert.ok(deploys(run).length > 0);
      const database = /--firestore-database=(.*)/.exec(c.args.join(' '))?.[1];
      for (const call of deploys(run)) {
        assert.equal(envVars(call).SESSION_STORE, 'firestore');
        assert.equal(envVars(call).FIRESTORE_DATABASE, database);
        assert.equal(envVars(call).GOOGLE_CLOUD_PROJECT, PROJECT);
      }
    });
  }

  it('deploy --init-secrets --session-store=firestore creates the accounts, then gives them Firestore, then deploys', () => {
    const args = [...TARGET, '--init-secrets', '--session-store=firestore'];
    const run = runDeploy([...args, `--client-secret-file=${clientFile}`], {});
    assert.equal(run.status, 0, run.stderr);
    const verbs = run.changes.map(call => call.args.slice(0, 2).join(' '));
    const last = (verb: string): number => verbs.lastIndexOf(verb);
    assert.ok(last('iam service-accounts') < verbs.indexOf('projects add-iam-policy-binding'));
    assert.ok(last('projects add-iam-policy-binding') < verbs.indexOf('functions deploy'));
    assert.deepEqual(
      run.changes
        .filter(
          call =>
            call.args[0] !== 'functions' &&
            call.args.some(a => a.includes('firestore') || a.includes('datastore')),
        )
        .map(call => call.args),
      [FIRESTORE.create(), FIRESTORE.ttl(), ...grantAll()],
    );
    assert.match(
      run.stdout,
      /Sessions: Firestore database \(default\) of demo-project, collection oauth2_sessions, deleted by the TTL policy on expireAt/,
    );
  });

  it('deploy --session-store=firestore tries a grant again while IAM does not know a new account yet', () => {
    const grant = 'projects add-iam-policy-binding';
    const run = runDeploy([...TARGET, '--session-store=firestore'], {...READY, failOnce: grant});
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stderr, /does not exist\.\nTrying again in 2 s/);
    const tries = run.changes.filter(call => call.args.join(' ').startsWith(grant));
    assert.equal(tries.length, STORE_USERS.length + 1);
  });

  it('deploy without --session-store looks nothing up in Firestore and sets no SESSION_STORE', () => {
    const run = runDeploy(TARGET, READY);
    assert.equal(run.status, 0, run.stderr);
    assert.ok(!run.calls.some(call => /firestore|projects/.test(call.args.slice(0, 2).join(' '))));
    for (const call of deploys(run)) assert.equal(envVars(call).SESSION_STORE, undefined);
  });

  it('deploy --delete --session-store=firestore prints how to revoke the roles, then delete the sessions or the database, and runs none', () => {
    const run = runDeploy([...TARGET, '--delete', '--session-store=firestore'], {
      functions: [...FUNCTION_NAMES],
    });
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(
      run.changes.map(call => call.args.slice(0, 2).join(' ')),
      FUNCTION_NAMES.map(() => 'functions delete'),
    );
    const hints = run.stdout.split('\n').filter(line => line.startsWith('  gcloud '));
    const condition = `'--condition=expression=resource.name=="projects/${PROJECT}/databases/(default)",title=gmail-oauth-functions-sessions'`;
    assert.deepEqual(hints.slice(0, STORE_USERS.length + 2), [
      ...STORE_USERS.map(
        name =>
          `  gcloud projects remove-iam-policy-binding ${PROJECT} --member=serviceAccount:${accountOf(name)} --role=roles/datastore.user ${condition} --format=none`,
      ),
      `  gcloud firestore bulk-delete --collection-ids=oauth2_sessions '--database=(default)' --project=${PROJECT} --quiet`,
      `  gcloud firestore databases delete '--database=(default)' --project=${PROJECT} --quiet`,
    ]);
    const revoke = run.stdout.indexOf('remove-iam-policy-binding');
    assert.ok(
      revoke < run.stdout.indexOf('service-accounts delete'),
      'roles revoked before the accounts go',
    );
  });
});

describe('deploy without an account', () => {
  const plans: {name: string; args: string[]; commands: RegExp[]}[] = [
    {
      name: 'the first deploy',
      args: ['--init-secrets', `--client-secret-file=${'CLIENT_FILE'}`],
      commands: [
        /^gcloud services enable /,
        /^gcloud secrets create oauth-cookie-secret .*# stdin: .*; if missing \(could not look up: not signed in\)$/,
        /^gcloud secrets create oauth-client-secret .*# if missing \(could not look up: not signed in\)$/,
        ...FUNCTION_NAMES.map(
          name =>
            new RegExp(
              `^gcloud iam service-accounts create ${name}-fn .*# if missing \\(could not look up: not signed in\\)$`,
            ),
        ),
        ...Array.from({length: 6}, () => /^gcloud secrets add-iam-policy-binding /),
        ...FUNCTION_NAMES.map(
          name => new RegExp(`^gcloud functions deploy ${name} .*--service-account=${name}-fn@`),
        ),
      ],
    },
    {
      name: 'a redeploy',
      args: [],
      commands: FUNCTION_NAMES.map(name =>
        NEEDS_CLIENT_SECRET[name]
          ? new RegExp(`^gcloud functions deploy ${name} [^#]*$`)
          : new RegExp(
              `^gcloud functions deploy ${name} .*GOOGLE_CLIENT_ID=CLIENT_ID,.*# GOOGLE_CLIENT_ID: could not look up: not signed in$`,
            ),
      ),
    },
    {
      name: 'a first Firestore deploy',
      args: ['--session-store=firestore'],
      commands: [
        /^gcloud services enable firestore\.googleapis\.com --project=demo-project {2}# if off \(could not look up: not signed in\)$/,
        /^gcloud firestore databases create '--database=\(default\)' --location=europe-west1 .*# if missing \(could not look up: not signed in\)$/,
        /^gcloud firestore fields ttls update expireAt .*# if not set \(could not look up: not signed in\)$/,
        ...STORE_USERS.map(
          name =>
            new RegExp(
              `^gcloud projects add-iam-policy-binding demo-project --member=serviceAccount:${name}-fn@.*# if missing \\(could not look up: not signed in\\)$`,
            ),
        ),
        ...FUNCTION_NAMES.map(
          name => new RegExp(`^gcloud functions deploy ${name} .*,SESSION_STORE=firestore `),
        ),
      ],
    },
    {
      name: 'a delete',
      args: ['--delete'],
      commands: FUNCTION_NAMES.map(
        name =>
          new RegExp(
            `^gcloud functions delete ${name} --gen2 --project=demo-project --region=europe-west1 --quiet  # if deployed \\(could not look up: not signed in\\)$`,
          ),
      ),
    },
  ];
  for (const p of plans) {
    it(`deploy --dry-run prints the whole plan of ${p.name}, marking what it could not look up`, () => {
      const args = p.args.map(arg => arg.replace('CLIENT_FILE', clientFile));
      const run = runDeploy([...TARGET, ...args, '--dry-run'], {signedOut: true});
      assert.equal(run.status, 0, run.stderr);
      const lines = commandLines(run.stdout);
      assert.equal(lines.length, p.commands.length, run.stdout);
      lines.forEach((line, i) => assert.match(line, p.commands[i]!));
      assert.match(run.stderr, /region europe-west1/);
      assert.match(run.stderr, /sign in with `gcloud auth login`/);
      assert.deepEqual(run.changes, []);
    });
  }

  it('deploy without --dry-run stops at the first lookup, naming `gcloud auth login`', () => {
    const run = runDeploy(TARGET, {signedOut: true});
    assert.equal(run.status, 1);
    assert.match(
      run.stderr,
      /^deploy: cannot look up secret oauth-cookie-secret: not signed in; run `gcloud auth login`/,
    );
    assert.deepEqual(run.changes, []);
  });
});

describe('deploy --delete', () => {
  const cases: {name: string; deployed: string[]; dryRun: boolean}[] = [
    {name: 'every function', deployed: [...FUNCTION_NAMES], dryRun: false},
    {name: 'the functions still there', deployed: ['listlabels'], dryRun: false},
    {name: 'every function (dry run)', deployed: [...FUNCTION_NAMES], dryRun: true},
  ];
  for (const c of cases) {
    it(`deploy --delete deletes ${c.name} and prints how to delete the rest`, () => {
      const dry = c.dryRun ? ['--dry-run'] : [];
      const run = runDeploy([...TARGET, '--delete', ...dry], {functions: c.deployed});
      assert.equal(run.status, 0, run.stderr);
      const deletes = FUNCTION_NAMES.filter(name => c.deployed.includes(name)).map(name =>
        formatCommand('gcloud', [
          'functions',
          'delete',
          name,
          '--gen2',
          `--project=${PROJECT}`,
          `--region=${REGION}`,
          '--quiet',
        ]),
      );
      assert.deepEqual(commandLines(run.stdout), deletes);
      assert.deepEqual(
        run.changes.map(call => formatCommand('gcloud', call.args)),
        c.dryRun ? [] : deletes,
      );
      for (const name of FUNCTION_NAMES.filter(name => !c.deployed.includes(name))) {
        assert.match(run.stderr, new RegExp(`warning: ${name} is not deployed in ${REGION}`));
      }
      const hints = run.stdout.split('\n').filter(line => line.startsWith('  gcloud '));
      assert.deepEqual(hints, [
        `  gcloud secrets delete oauth-cookie-secret --project=${PROJECT} --quiet`,
        `  gcloud secrets delete oauth-client-secret --project=${PROJECT} --quiet`,
        ...FUNCTION_NAMES.map(
          name =>
            `  gcloud iam service-accounts delete ${accountOf(name)} --project=${PROJECT} --quiet`,
        ),
        `  gcloud artifacts repositories delete gcf-artifacts --project=${PROJECT} --location=${REGION} --quiet`,
      ]);
    });
  }
});

describe('quoteShellArg()', () => {
  const cases: [string, string][] = [
    ['--project=demo-project', '--project=demo-project'],
    [
      '--member=serviceAccount:1-compute@developer.gserviceaccount.com',
      '--member=serviceAccount:1-compute@developer.gserviceaccount.com',
    ],
    ['/tmp/my secrets/client_secret.json', "'/tmp/my secrets/client_secret.json'"],
    ["it's", "'it'\\''s'"],
    ['$(rm -rf ~)', "'$(rm -rf ~)'"],
    ['', "''"],
  ];
  for (const [arg, quoted] of cases) {
    it(`quoteShellArg() turns ${JSON.stringify(arg)} into ${quoted}`, () => {
      assert.equal(quoteShellArg(arg), quoted);
    });
  }
});
