import {spawn, spawnSync, type ChildProcess} from 'node:child_process';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {freePort} from './bench/processes.js';

// The Google Cloud CLI's Firestore emulator (a java process started by gcloud), for the bench's
// firestore rows and the tests (test/support/firestore-emulator.ts adds their helpers).

/** A running Firestore emulator. */
export interface FirestoreEmulatorProcess {
  /** host:port, as FIRESTORE_EMULATOR_HOST takes it. */
  readonly host: string;
  /** Ends gcloud and its java child (the whole process group); safe to call twice. */
  stop(): void;
}

/** Why the emulator cannot run here (gcloud or java missing), or null when it can. */
export function firestoreEmulatorMissing(): string | null {
  const java = spawnSync('java', ['-version'], {stdio: 'ignore'}).status === 0;
  const config = mkdtempSync(join(tmpdir(), 'gcloud-'));
  try {
    const gcloud =
      spawnSync('gcloud', ['emulators', 'firestore', '--help'], {
        stdio: 'ignore',
        env: {PATH: process.env.PATH ?? '', HOME: config, CLOUDSDK_CONFIG: config},
      }).status === 0;
    if (!gcloud && !java)
      return 'neither gcloud (with its Firestore emulator) nor java is installed';
    if (!gcloud) return 'gcloud or its Firestore emulator is not installed';
    if (!java) return 'java is not installed (the Firestore emulator needs it)';
    return null;
  } finally {
    rmSync(config, {recursive: true, force: true});
  }
}

/**
 * `gcloud emulators firestore start` on a free loopback port, with an empty gcloud configuration
 * (nothing of the developer's), in its own process group; resolves once GET / answers "Ok".
 * Stopped at exit too (a detached group gets no Ctrl-C): the caller turns signals into an exit.
 */
export async function startFirestoreEmulator(
  options: {readonly unref?: boolean} = {},
): Promise<FirestoreEmulatorProcess> {
  const host = `127.0.0.1:${await freePort()}`;
  const config = mkdtempSync(join(tmpdir(), 'gcloud-'));
  const child = spawn(
    'gcloud',
    ['emulators', 'firestore', 'start', `--host-port=${host}`, '--quiet'],
    {
      env: {PATH: process.env.PATH ?? '', HOME: config, CLOUDSDK_CONFIG: config},
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    },
  );
  if (options.unref === true) {
    // Never what keeps a test file's process alive: stop() or the exit hook ends it.
    child.unref();
    for (const stream of [child.stdout, child.stderr]) {
      if (stream !== null && 'unref' in stream && typeof stream.unref === 'function')
        stream.unref();
    }
  }
  let output = '';
  child.stdout?.on('data', chunk => (output += String(chunk)));
  child.stderr?.on('data', chunk => (output += String(chunk)));
  const stop = (): void => {
    process.off('exit', stop);
    stopGroup(child);
    rmSync(config, {recursive: true, force: true});
  };
  process.once('exit', stop);
  try {
    await waitUntilReady(`http://${host}/`, child, () => output);
  } catch (error) {
    stop();
    throw error;
  }
  return {host, stop};
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
