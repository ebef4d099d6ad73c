import assert from 'node:assert/strict';
import {spawn, spawnSync} from 'node:child_process';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {after, before, describe, it} from 'node:test';
import {quoteShellArg} from '../scripts/deploy/shell-quote.js';

const DEPLOY = fileURLToPath(new URL('../scripts/deploy.js', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TARGET = ['--project=demo-project', '--region=europe-west1'];

let dir: string;
let env: Record<string, string>;
let clientFile: string;

/**
 * The real Google Cloud CLI, with a configuration of its own that has no account: each command
 * stops at "You do not currently have an active account selected" (exit 1) once its arguments
 * have parsed, before any request. CLOUDSDK_AUTH_DISABLE_CREDENTIALS is left off on purpose: with
 * it gcloud would send requests without credentials instead of stopping. The proxy is a closed
 * local port, so that even then nothing could leave this machine.
 */
function gcloudEnv(home: string): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: home,
    CLOUDSDK_CONFIG: join(home, 'gcloud-config'),
    CLOUDSDK_CORE_DISABLE_PROMPTS: '1',
    CLOUDSDK_CORE_DISABLE_USAGE_REPORTING: 'true',
    CLOUDSDK_COMPONENT_MANAGER_DISABLE_UPDATE_CHECK: 'true',
    CLOUDSDK_PROXY_TYPE: 'http',
    CLOUDSDK_PROXY_ADDRESS: '127.0.0.1',
    CLOUDSDK_PROXY_PORT: '9',
  };
}

const gcloudInstalled = spawnSync('gcloud', ['--version'], {stdio: 'ignore'}).error === undefined;

/** Splits one printed shell line into words: plain words, and '...' with '\'' inside. */
function shellWords(line: string): string[] {
  const words: string[] = [];
  let word: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const char = line[i]!;
    if (char === ' ') {
      if (word !== null) words.push(word);
      word = null;
    } else if (char === "'") {
      const end = line.indexOf("'", i + 1);
      assert.ok(end > i, `unbalanced quote in ${line}`);
      word = (word ?? '') + line.slice(i + 1, end);
      i = end;
    } else if (char === '\\') {
      word = (word ?? '') + (line[++i] ?? '');
    } else {
      word = (word ?? '') + char;
    }
  }
  if (word !== null) words.push(word);
  return words;
}

/** Every gcloud command a plan prints, to run or to copy, without its trailing comment. */
function printedCommands(stdout: string): string[][] {
  return stdout
    .split('\n')
    .filter(line => /^ {0,2}gcloud /.test(line))
    .map(line => shellWords(line.split('  # ')[0]!.trim()).slice(1));
}

interface Outcome {
  readonly status: number | null;
  readonly stderr: string;
}

function runGcloud(args: readonly string[]): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn('gcloud', args, {env, stdio: ['ignore', 'ignore', 'pipe']});
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', status => resolve({status, stderr}));
  });
}

/** Runs `work` on every item, at most `limit` at a time (gcloud takes a second or two to start). */
async function mapLimited<T, U>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<U>,
): Promise<U[]> {
  const results: U[] = new Array<U>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({length: Math.min(limit, items.length)}, worker));
  return results;
}

describe('deploy plans against the real gcloud, without an account', {concurrency: false}, () => {
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'deploy-gcloud-'));
    env = gcloudEnv(dir);
    clientFile = join(dir, 'client_secret.json');
    writeFileSync(
      clientFile,
      JSON.stringify({web: {client_id: 'id.apps.googleusercontent.com', client_secret: 'x'}}),
    );
  });
  after(() => rmSync(dir, {recursive: true, force: true}));

  const plans: {name: string; args: string[]; first: string}[] = [
    {name: 'a first deploy', args: ['--init-secrets', 'CLIENT_FILE'], first: 'services enable'},
    {name: 'a redeploy', args: [], first: 'functions deploy'},
    {name: 'a delete', args: ['--delete'], first: 'functions delete'},
    {
      name: 'a first deploy with sessions in a Firestore database of its own',
      args: [
        '--init-secrets',
        'CLIENT_FILE',
        '--session-store=firestore',
        '--firestore-database=sessions-db',
        '--firestore-location=eur3',
      ],
      first: 'services enable',
    },
    {
      // The database (default) needs quoting in a shell.
      name: 'a delete with sessions in Firestore',
      args: ['--delete', '--session-store=firestore'],
      first: 'functions delete',
    },
  ];
  for (const plan of plans) {
    it(`deploy --dry-run prints ${plan.name} whose every gcloud command parses`, async t => {
      if (!gcloudInstalled) return t.skip('gcloud is not installed');
      const args = plan.args.map(arg =>
        arg === 'CLIENT_FILE' ? `--client-secret-file=${clientFile}` : arg,
      );
      const run = spawnSync(process.execPath, [DEPLOY, ...TARGET, ...args, '--dry-run'], {
        cwd: ROOT,
        env,
        encoding: 'utf8',
      });
      assert.equal(run.status, 0, run.stderr);
      assert.match(run.stderr, /region europe-west1/);
      assert.match(run.stderr, /sign in with `gcloud auth login`/);
      assert.match(run.stdout, /could not look up: not signed in/);
      const commands = printedCommands(run.stdout);
      assert.equal(commands[0]?.slice(0, 2).join(' '), plan.first);
      const outcomes = await mapLimited(commands, 2, runGcloud);
      const refused = outcomes
        .map((outcome, i) => ({command: commands[i]!, ...outcome}))
        .filter(outcome => outcome.status !== 1 || !/gcloud auth login/.test(outcome.stderr));
      assert.deepEqual(
        refused.map(r => `${r.command.map(quoteShellArg).join(' ')} -> exit ${r.status}`),
        [],
        refused.map(r => r.stderr).join('\n'),
      );
    });
  }
});
