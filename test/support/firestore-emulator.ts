import {
  firestoreEmulatorMissing,
  startFirestoreEmulator as startEmulatorProcess,
} from '../../scripts/firestore-emulator.js';
import {EMULATOR_PROJECT_ID, type FirestoreTarget} from '../../src/config.js';

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
  if (firestoreEmulatorMissing() === null) return false;
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
  const {host, stop} = await startEmulatorProcess({unref: true});
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
