import {spawn, spawnSync, type ChildProcess} from 'node:child_process';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {EMULATOR_PROJECT_ID, type FirestoreTarget} from '../../src/config.js';
import {freePort} from './framework-process.js';

/** The Google Cloud CLI's Firestore emulator, on a loopback port of its own. */
export interface FirestoreEmulator {
  /** host:port, as FIRESTORE_EMULATOR_HOST takes it. */
  readonly host: string;
  /** A database in it; each `project` is a separate, empty set of documents. */
  target(project?: string): FirestoreTarget;
  /** Deletes every document of `project`. */
  clear(project?: string): Promise<void>;
  /** A document as the emulator's REST API returns it (raw fields), or null when there is none. */
  readDocument(path: string, project?: string): Promise<Record<string, unknown> | null>;
  /** Every document of a collection as the emulator's REST API returns them (name, raw fields). */
  readCollection(collection: string, project?: string): Promise<unknown[]>;
  stop(): void;
}

const INSTALL_HINT =
  'The Firestore emulator is missing: install the Google Cloud CLI with its emulator and a Java runtime ' +
  '(apt-get install google-cloud-cli-firestore-emulator default-jre-headless); .ci/run does so.';

/**
 * The `skip` option for firestore-mode suites: false when gcloud's emulator and java are there,
 * else the install hint. Under CI a missing emulator fails the run instead (as Chromium does).
 */
export function skipWithoutFirestoreEmulator(): string | false {
  const java = spawnSync('java', ['-version'], {stdio: 'ignore'}).status === 0;
  const gcloud =
    spawnSync('gcloud', ['emulators', 'firestore', '--help'], {
      stdio: 'ignore',
      env: {...process.env, CLOUDSDK_CONFIG: tmpdir()},
    }).status === 0;
  if (java && gcloud) return false;
  if (process.env.CI === 'true') throw new Error(INSTALL_HINT);
  return INSTALL_HINT;
}

let shared: Promise<FirestoreEmulator> | null = null;

/** One emulator for this test file's process, started at the first call, stopped at exit. */
export function sharedFirestoreEmulator(): Promise<FirestoreEmulator> {
  shared ??= startFirestoreEmulator().then(emulator => {
    process.once('exit', () => emulator.stop());
    return emulator;
  });
  return shared;
}

/** Starts `gcloud emulators firestore start` on a free loopback port; resolves once it answers. */
export async function startFirestoreEmulator(): Promise<FirestoreEmulator> {
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  // An empty gcloud configuration: no account, no project, nothing of the developer's.
  const config = mkdtempSync(join(tmpdir(), 'gcloud-'));
  const child = spawn(
    'gcloud',
    ['emulators', 'firestore', 'start', `--host-port=${host}`, '--quiet'],
    {
      env: {PATH: process.env.PATH ?? '', HOME: config, CLOUDSDK_CONFIG: config},
      stdio: ['ignore', 'pipe', 'pipe'],
      // A process group: gcloud starts java, and stop() must end both.
      detached: true,
    },
  );
  // Never what keeps a test file's process alive: stop() or the exit hook ends it.
  child.unref();
  for (const stream of [child.stdout, child.stderr]) {
    if (stream !== null && 'unref' in stream && typeof stream.unref === 'function') stream.unref();
  }
  let output = '';
  child.stdout?.on('data', chunk => (output += String(chunk)));
  child.stderr?.on('data', chunk => (output += String(chunk)));
  const stop = (): void => {
    stopGroup(child);
    rmSync(config, {recursive: true, force: true});
  };
  try {
    await waitUntilReady(`http://${host}/`, child, () => output);
  } catch (error) {
    stop();
    throw error;
  }
  const documents = (project: string): string =>
    `http://${host}/v1/projects/${project}/databases/(default)/documents`;
  return {
    host,
    target: (project = EMULATOR_PROJECT_ID) => ({
      projectId: project,
      databaseId: '(default)',
      emulatorHost: host,
    }),
    async clear(project = EMULATOR_PROJECT_ID) {
      const url = `http://${host}/emulator/v1/projects/${project}/databases/(default)/documents`;
      const response = await fetch(url, {method: 'DELETE'});
      if (!response.ok) throw new Error(`clearing the emulator answered ${response.status}`);
    },
    async readDocument(path, project = EMULATOR_PROJECT_ID) {
      const response = await fetch(`${documents(project)}/${path}`, {
        headers: {Authorization: 'Bearer owner'},
      });
      if (response.status === 404) return null;
      if (!response.ok) throw new Error(`reading ${path} answered ${response.status}`);
      const body: unknown = await response.json();
      const fields = typeof body === 'object' && body !== null ? Reflect.get(body, 'fields') : null;
      return typeof fields === 'object' && fields !== null ? {...fields} : {};
    },
    async readCollection(collection, project = EMULATOR_PROJECT_ID) {
      const response = await fetch(`${documents(project)}/${collection}?pageSize=10000`, {
        headers: {Authorization: 'Bearer owner'},
      });
      if (!response.ok) throw new Error(`reading ${collection} answered ${response.status}`);
      const body: unknown = await response.json();
      const list = typeof body === 'object' && body !== null ? Reflect.get(body, 'documents') : [];
      return Array.isArray(list) ? list : [];
    },
    stop,
  };
}

async function waitUntilReady(
  url: string,
  child: ChildProcess,
  output: () => string,
): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the Firestore emulator exited: ${output()}`);
    const text = await fetch(url).then(
      response => response.text(),
      () => '',
    );
    if (text.trim() === 'Ok') return;
    if (Date.now() > deadline) throw new Error(`the Firestore emulator did not start: ${output()}`);
    await new Promise(resolve => setTimeout(resolve, 200));
  }
}

function stopGroup(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}
