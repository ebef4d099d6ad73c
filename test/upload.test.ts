import {testKey} from './support/keys.js';
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {after, describe, it} from 'node:test';
import ignore, {type Ignore} from 'ignore';
import {startEmulator} from '../emulator/index.js';
import {functionEnv, SignInMaterial} from '../scripts/bench/fixtures.js';
import {startFramework, type FrameworkProcess} from './support/framework-process.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The .gcloudignore rules (gitignore syntax, which gcloud follows). */
function loadRules(): Ignore {
  return ignore().add(readFileSync(join(ROOT, '.gcloudignore'), 'utf8'));
}

/** Every file under `dir` that gcloud would upload, as paths relative to ROOT. */
function listUpload(rules: Ignore, dir = ''): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(join(ROOT, dir), {withFileTypes: true})) {
    const path = dir === '' ? entry.name : `${dir}/${entry.name}`;
    if (entry.isDirectory()) {
      // As in git, nothing under an ignored folder can come back.
      if (!rules.ignores(`${path}/`)) files.push(...listUpload(rules, path));
    } else if (!rules.ignores(path)) {
      files.push(path);
    }
  }
  return files;
}

const UPLOAD = listUpload(loadRules());

// Google's own endpoints: the bundle must serve without the emulator (oauth2init makes no call).
const DEPLOYED_LIKE_ENV = {
  BASE_URL: 'http://localhost:8080',
  COOKIE_SECRET: testKey('upload').toString('base64'),
  GOOGLE_CLIENT_ID: 'upload-test.apps.googleusercontent.com',
  GOOGLE_CLIENT_SECRET: 'upload-test-secret',
};

// Root files the upload may hold: what `npm ci` and `npm run gcp-build` read (esbuild reads
// tsconfig.json), and the README.
const ROOT_FILES = ['package.json', 'package-lock.json', 'tsconfig.json'];
const HARMLESS_ROOT_FILES = ['README.md', 'LICENSE'];

describe('.gcloudignore', () => {
  const kept: [string, string][] = [
    ['the OAuth client file', 'client_secret.json'],
    [
      'the OAuth client file as Google names it',
      'client_secret_1234-abcd.apps.googleusercontent.com.json',
    ],
    ['a client file elsewhere', 'src/client_secret.json'],
    ['.env', '.env'],
    ['.env.local', '.env.local'],
    ['.env.production', '.env.production'],
    ['a nested .env', 'src/.env'],
    ['a private key', 'service-account.pem'],
    ['a test', 'test/x.test.ts'],
    ['a test support file', 'test/support/fake-gcloud.ts'],
    ['a test beside the source', 'src/x.test.ts'],
    ['the emulator', 'emulator/x.ts'],
    ['the deploy script', 'scripts/deploy.ts'],
    ['npm start', 'scripts/start.ts'],
    ['local build output', 'build/src/index.js'],
    ['installed packages', 'node_modules/cookie/index.js'],
    ['test results', 'test-results/trace.zip'],
    ['git', '.git/config'],
    ['CI', '.ci/run'],
  ];
  const rules = loadRules();
  for (const [what, path] of kept) {
    it(`.gcloudignore keeps ${what} (${path}) out of the upload`, () => {
      assert.ok(rules.ignores(path), `${path} would be uploaded`);
    });
  }

  it('.gcloudignore uploads no secret file and no test from the real tree', () => {
    const offending = UPLOAD.filter(path =>
      /(^|\/)(client_secret[^/]*\.json|\.env(\..*)?|[^/]+\.(pem|key))$|\.test\.[jt]s$|^(test|emulator|scripts)\//.test(
        path,
      ),
    );
    assert.deepEqual(offending, []);
  });

  it('.gcloudignore uploads what the build needs: package files, tsconfig.json and all of src/', () => {
    for (const file of ROOT_FILES) assert.ok(UPLOAD.includes(file), `${file} is not uploaded`);
    const sources = listFiles('src');
    assert.ok(sources.length > 0);
    assert.deepEqual(UPLOAD.filter(path => path.startsWith('src/')).sort(), sources);
  });

  it('.gcloudignore uploads nothing else', () => {
    const others = UPLOAD.filter(
      path =>
        !path.startsWith('src/') &&
        !ROOT_FILES.includes(path) &&
        !HARMLESS_ROOT_FILES.includes(path),
    );
    assert.deepEqual(others, []);
  });
});

describe('gcp-build', () => {
  const dir = mkdtempSync(join(tmpdir(), 'upload-test-'));
  let framework: FrameworkProcess | null = null;
  after(async () => {
    await framework?.stop();
    rmSync(dir, {recursive: true, force: true});
  });

  it('gcp-build bundles the upload alone into package.json "main", which then serves', async () => {
    // What the buildpack does: npm ci (devDependencies included), npm run gcp-build, then
    // functions-framework loads "main".
    for (const path of UPLOAD) {
      mkdirSync(dirname(join(dir, path)), {recursive: true});
      copyFileSync(join(ROOT, path), join(dir, path));
    }
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
    const manifest = readPackageJson(join(dir, 'package.json'));
    assert.match(manifest.gcpBuild, /^npm run bundle$/);
    const build = spawnSync('npm', ['run', 'gcp-build'], {cwd: dir, encoding: 'utf8'});
    assert.equal(build.status, 0, build.stdout + build.stderr);
    assert.ok(existsSync(join(dir, manifest.main)), `${manifest.main} was not built`);
    assert.deepEqual(readdirSync(join(dir, 'build')), ['bundle'], 'only the bundle is built');

    framework = await startFramework('oauth2init', DEPLOYED_LIKE_ENV, dir);
    const answer = await fetch(`${framework.url}/`, {redirect: 'manual'});
    assert.equal(answer.status, 302, framework.output());
    assert.match(answer.headers.get('location') ?? '', /^https:\/\/accounts\.google\.com\//);
    await framework.stop();
    framework = null;
  });

  // The bundle's stand-ins (src/bundle/) on the paths that use them: gaxios' Headers on every
  // call, errors, tokeninfo, Gmail. Runs on the bundle gcp-build made in the test above.
  it('the bundle redeems a code, lists labels for a session and a bearer token, and maps a Gmail failure', async () => {
    const emulator = await startEmulator();
    emulator.autoConsent = {decision: 'allow'};
    try {
      const env = functionEnv(emulator.url);
      const material = new SignInMaterial(emulator.url);
      framework = await startFramework('oauth2callback', env, dir);
      const probe = await material.callbackProbe();
      const callback = await fetch(`${framework.url}${probe.path}`, {
        headers: probe.headers,
        redirect: 'manual',
      });
      assert.equal(callback.status, 303, framework.output());
      await framework.stop();
      framework = null;

      framework = await startFramework('listlabels', env, dir);
      const {cookie} = await material.session();
      const json = {accept: 'application/json'};
      const labels = await fetch(`${framework.url}/`, {headers: {...json, cookie}});
      assert.equal(labels.status, 200, framework.output());
      const body: unknown = await labels.json();
      assert.ok(typeof body === 'object' && body !== null && 'count' in body);
      assert.ok(Number(body.count) > 0);
      const bearer = {...json, authorization: `Bearer ${emulator.mintAccessToken()}`};
      assert.equal((await fetch(`${framework.url}/`, {headers: bearer})).status, 200);
      emulator.fault('labels', {status: 429, retryAfter: '120'});
      const limited = await fetch(`${framework.url}/`, {headers: {...json, cookie}});
      assert.equal(limited.status, 503);
      assert.equal(limited.headers.get('retry-after'), '120');
    } finally {
      await emulator.close();
    }
  });
});

function listFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), {withFileTypes: true, recursive: true})
    .filter(entry => entry.isFile())
    .map(entry => `${entry.parentPath.slice(ROOT.length)}/${entry.name}`)
    .sort();
}

function readPackageJson(path: string): {main: string; gcpBuild: string} {
  const json: unknown = JSON.parse(readFileSync(path, 'utf8'));
  if (typeof json !== 'object' || json === null) throw new Error('package.json is not an object');
  const main = 'main' in json ? json.main : undefined;
  const scripts = 'scripts' in json ? json.scripts : undefined;
  const gcpBuild =
    typeof scripts === 'object' && scripts !== null && 'gcp-build' in scripts
      ? scripts['gcp-build']
      : undefined;
  if (typeof main !== 'string' || typeof gcpBuild !== 'string') {
    throw new Error('package.json needs "main" and scripts["gcp-build"]');
  }
  return {main, gcpBuild};
}
