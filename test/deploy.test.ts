import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {after, before, describe, it} from 'node:test';
import {quoteShellArg} from '../scripts/deploy/shell-quote.js';
import {FUNCTION_NAMES} from '../src/register.js';
import {installFakeGcloud, readCalls, type GcloudCall} from './support/fake-gcloud-install.js';

const DEPLOY = fileURLToPath(new URL('../scripts/deploy.js', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

const PROJECT = 'demo-project';
const REGION = 'europe-west1';
const PROJECT_NUMBER = '123456789012';
const BASE_URL = `https://${REGION}-${PROJECT}.cloudfunctions.net`;
const RUNTIME_SA = `${PROJECT_NUMBER}-compute@developer.gserviceaccount.com`;
const CLIENT_SECRET_VALUE = 'GOCSPX-sentinel-client-secret-4f9a';
const LOOKUPS = ['config get-value', 'projects describe', 'secrets describe'];

/** How the fake gcloud answers lookups (undefined: unset / absent). */
interface Answers {
  project?: string;
  region?: string;
  projectNumber?: string;
  secrets?: string[];
  secretManager?: 'disabled' | 'denied';
  fail?: string;
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
  const env: Record<string, string> = {PATH: bin, FAKE_GCLOUD_LOG: log};
  if (answers.project !== undefined) env.FAKE_GCLOUD_PROJECT = answers.project;
  if (answers.region !== undefined) env.FAKE_GCLOUD_REGION = answers.region;
  if (answers.projectNumber !== undefined) env.FAKE_GCLOUD_PROJECT_NUMBER = answers.projectNumber;
  if (answers.secrets !== undefined) env.FAKE_GCLOUD_SECRETS = answers.secrets.join(',');
  if (answers.secretManager !== undefined) env.FAKE_GCLOUD_SECRET_MANAGER = answers.secretManager;
  if (answers.fail !== undefined) env.FAKE_GCLOUD_FAIL = answers.fail;
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
  return LOOKUPS.includes(call.args.slice(0, 2).join(' '));
}

/** The value of `--name=value` in a call, or undefined. */
function flag(call: GcloudCall | undefined, name: string): string | undefined {
  const prefix = `--${name}=`;
  return call?.args.find(arg => arg.startsWith(prefix))?.slice(prefix.length);
}

function deploys(run: DeployRun): GcloudCall[] {
  return run.changes.filter(call => call.args[0] === 'functions' && call.args[1] === 'deploy');
}

/** The environment variables a deploy call sets. */
function envVars(call: GcloudCall | undefined): Record<string, string> {
  const pairs = (flag(call, 'set-env-vars') ?? '').split(',').map(pair => pair.split('='));
  return Object.fromEntries(pairs.map(([name, ...value]) => [name, value.join('=')]));
}

/** The gcloud argument lists of a first deploy (both secrets missing) to the sample project. */
function firstDeployCommands(clientSecretFile: string): string[][] {
  const project = `--project=${PROJECT}`;
  const grant = (name: string): string[] => [
    'secrets',
    'add-iam-policy-binding',
    name,
    project,
    `--member=serviceAccount:${RUNTIME_SA}`,
    '--role=roles/secretmanager.secretAccessor',
  ];
  return [
    [
      'services',
      'enable',
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
    grant('oauth-cookie-secret'),
    grant('oauth-client-secret'),
    ...FUNCTION_NAMES.map(name => [
      'functions',
      'deploy',
      name,
      '--gen2',
      project,
      `--region=${REGION}`,
      '--runtime=nodejs22',
      '--source=.',
      `--entry-point=${name}`,
      '--trigger-http',
      '--allow-unauthenticated',
      '--memory=256Mi',
      `--set-env-vars=BASE_URL=${BASE_URL},CLIENT_SECRET_PATH=/etc/secrets/client_secret.json,GOOGLE_CLOUD_PROJECT=${PROJECT},NODE_ENV=production`,
      '--set-secrets=COOKIE_SECRET=oauth-cookie-secret:latest,/etc/secrets/client_secret.json=oauth-client-secret:latest',
    ]),
  ];
}

const TARGET = [`--project=${PROJECT}`, `--region=${REGION}`];
const FOUND = {projectNumber: PROJECT_NUMBER};
const READY = {secrets: ['oauth-cookie-secret', 'oauth-client-secret']};

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'deploy-test-'));
  bin = installFakeGcloud(dir);
  clientFile = join(dir, 'client_secret.json');
  writeClientFile(clientFile, {
    web: {
      client_id: 'sentinel-id.apps.googleusercontent.com',
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
      FOUND,
    );
    assert.equal(run.status, 0, run.stderr);
    const expected = firstDeployCommands(clientFile).map(args => `gcloud ${args.join(' ')}`);
    expected[1] += '  # stdin: a new random 32-byte key, base64';
    assert.deepEqual(run.stdout.trimEnd().split('\n'), expected);
    assert.deepEqual(run.changes, [], 'only lookups ran');
    assert.ok(run.calls.length > 0, 'the lookups did run');
    assert.match(
      run.stderr,
      /Dry run: these commands would run for https:\/\/europe-west1-demo-project/,
    );
  });

  it('deploy issues the same commands in order, the cookie key alone on stdin', () => {
    const run = runDeploy(
      [...TARGET, '--init-secrets', `--client-secret-file=${clientFile}`],
      FOUND,
    );
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
    const dry = runDeploy([...args, '--dry-run'], FOUND).stdout.split('\n');
    const real = runDeploy(args, FOUND).stdout.split('\n');
    assert.deepEqual(
      real.filter(line => line.startsWith('gcloud ')),
      dry.filter(line => line.startsWith('gcloud ')),
    );
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
      const run = runDeploy(c.args, {...READY, ...c.config});
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
      name: 'a project printed as "(unset)"',
      args: [`--region=${REGION}`],
      answers: {project: '(unset)'},
      error: /--project is missing/,
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
        /--region is missing: pass --region=REGION \(such as us-central1\), or set a default with `gcloud config set functions\/region REGION`/,
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
      name: 'a malformed service account',
      args: [...TARGET, '--service-account=bob'],
      answers: {},
      error: /--service-account: expected a service account email/,
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
      answers: {...FOUND, secretManager: 'denied'},
      error: /cannot look up secret oauth-cookie-secret: ERROR: \(gcloud\) PERMISSION_DENIED/,
    },
    {
      name: 'an unknown project number',
      args: [...TARGET, '--init-secrets'],
      answers: READY,
      error: /cannot read the project number of demo-project .*; pass --service-account=EMAIL/,
    },
    {
      name: 'a missing client_secret.json',
      args: [...TARGET, '--init-secrets', '--client-secret-file=/nonexistent/client_secret.json'],
      answers: FOUND,
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
      });
    }
  }

  it('deploy refuses a Desktop-app client file without quoting it', () => {
    const desktop = join(dir, 'desktop.json');
    writeClientFile(desktop, {installed: {client_id: 'x', client_secret: CLIENT_SECRET_VALUE}});
    const run = runDeploy([...TARGET, '--init-secrets', `--client-secret-file=${desktop}`], FOUND);
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
      name: 'both secrets missing',
      answers: FOUND,
      creates: ['oauth-cookie-secret', 'oauth-client-secret'],
    },
    {
      name: 'Secret Manager not yet enabled',
      answers: {...FOUND, secretManager: 'disabled'},
      creates: ['oauth-cookie-secret', 'oauth-client-secret'],
    },
    {
      name: 'only the cookie secret present',
      answers: {...FOUND, secrets: ['oauth-cookie-secret']},
      creates: ['oauth-client-secret'],
    },
    {
      name: 'only the client secret present',
      answers: {...FOUND, secrets: ['oauth-client-secret']},
      creates: ['oauth-cookie-secret'],
    },
    {name: 'both secrets present', answers: {...FOUND, ...READY}, creates: []},
  ];
  for (const c of cases) {
    it(`deploy --init-secrets with ${c.name} creates ${c.creates.join(' and ') || 'nothing'} and grants access to both`, () => {
      const run = runDeploy(
        [...TARGET, '--init-secrets', `--client-secret-file=${clientFile}`],
        c.answers,
      );
      assert.equal(run.status, 0, run.stderr);
      const verbs = run.changes.map(call => call.args.slice(0, 2).join(' '));
      assert.equal(verbs[0], 'services enable', 'APIs first');
      const created = run.changes
        .filter(call => call.args[1] === 'create')
        .map(call => call.args[2]);
      assert.deepEqual(created, c.creates);
      const granted = run.changes.filter(call => call.args[1] === 'add-iam-policy-binding');
      assert.deepEqual(
        granted.map(call => [call.args[2], flag(call, 'member')]),
        [
          ['oauth-cookie-secret', `serviceAccount:${RUNTIME_SA}`],
          ['oauth-client-secret', `serviceAccount:${RUNTIME_SA}`],
        ],
      );
      const firstDeploy = run.changes.findIndex(call => call.args[0] === 'functions');
      assert.ok(
        firstDeploy > run.changes.indexOf(granted.at(-1)!),
        'access granted before any deploy',
      );
    });
  }

  it('deploy --init-secrets with --service-account grants it and runs the functions as it', () => {
    const account = 'oauth-functions@demo-project.iam.gserviceaccount.com';
    const run = runDeploy(
      [
        ...TARGET,
        '--init-secrets',
        `--service-account=${account}`,
        `--client-secret-file=${clientFile}`,
      ],
      {},
    );
    assert.equal(run.status, 0, run.stderr);
    assert.ok(!run.calls.some(call => call.args[0] === 'projects'), 'no project number needed');
    const grants = run.changes.filter(call => call.args[1] === 'add-iam-policy-binding');
    assert.deepEqual(
      grants.map(call => flag(call, 'member')),
      [`serviceAccount:${account}`, `serviceAccount:${account}`],
    );
    for (const call of deploys(run)) assert.equal(flag(call, 'service-account'), account);
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
      FOUND,
    );
    assert.equal(run.status, 0, run.stderr);
    assert.match(
      run.stderr,
      new RegExp(
        `warning: .*other-redirect.json does not list the redirect URI ${BASE_URL}/oauth2callback`,
      ),
    );
  });

  it('deploy without --init-secrets changes nothing but the functions', () => {
    const run = runDeploy(TARGET, READY);
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(
      run.changes.map(call => call.args.slice(0, 3)),
      FUNCTION_NAMES.map(name => ['functions', 'deploy', name]),
    );
    assert.ok(!run.calls.some(call => call.args[0] === 'projects'));
  });
});

describe('deploy keeps secrets secret', () => {
  for (const dryRun of [false, true]) {
    it(`deploy${dryRun ? ' --dry-run' : ''} never puts a secret value in an argument or a printed line`, () => {
      const args = [...TARGET, '--init-secrets', `--client-secret-file=${clientFile}`];
      const run = runDeploy(dryRun ? [...args, '--dry-run'] : args, FOUND);
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

  it('deploy --init-secrets generates a fresh 32-byte cookie key each time', () => {
    const args = [...TARGET, '--init-secrets', `--client-secret-file=${clientFile}`];
    const keys = [runDeploy(args, FOUND), runDeploy(args, FOUND)].map(
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
  it('deploy deploys every function once, each with its own entry point and the shared BASE_URL', () => {
    const run = runDeploy(TARGET, READY);
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(
      deploys(run).map(call => [call.args[2], flag(call, 'entry-point')]),
      FUNCTION_NAMES.map(name => [name, name]),
    );
    for (const call of deploys(run)) {
      assert.deepEqual(envVars(call), {
        BASE_URL,
        CLIENT_SECRET_PATH: '/etc/secrets/client_secret.json',
        GOOGLE_CLOUD_PROJECT: PROJECT,
        NODE_ENV: 'production',
      });
      for (const expected of [
        '--gen2',
        '--runtime=nodejs22',
        '--trigger-http',
        '--allow-unauthenticated',
        '--source=.',
        '--memory=256Mi',
      ]) {
        assert.ok(call.args.includes(expected), `${call.args[2]} has ${expected}`);
      }
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
    assert.deepEqual(run.calls, []);
  });
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
