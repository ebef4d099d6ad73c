import {SESSION_CACHE_MS} from '../src/config.js';
import {mkdirSync, statSync, writeFileSync} from 'node:fs';
import {
  functionEnv,
  ROOT,
  SignInMaterial,
  startEmulatorProcess,
  writeBaselines,
} from './bench/fixtures.js';
import {
  firestoreEmulatorMissing,
  startFirestoreEmulator,
  type FirestoreEmulatorProcess,
} from './firestore-emulator.js';
import {measureColdStart, spawnFunction, type ColdStart, type Probe} from './bench/processes.js';
import {markdownTable, summarize, type Summary} from './bench/stats.js';
import {measureWarm, WARM_LOAD, type WarmRun} from './bench/warm.js';

// `npm run bench`: cold starts, RSS and warm throughput of each function against an empty
// functions-framework function, all started as the platform starts them, with sessions in the
// cookie (the default) and, when gcloud's Firestore emulator can run, in Firestore. A benchmark,
// not a test: it prints numbers and ratios measured in one run, and judges nothing.

const COLD_RUNS = Number(process.env.BENCH_COLD_RUNS ?? 15);
const WARM_RUNS = Number(process.env.BENCH_WARM_RUNS ?? 3);
const RESULTS = `${ROOT}results`;
// What the platform loads (package.json `main`); @google-cloud/firestore is external to it.
const BUNDLE = `${ROOT}build/bundle/index.cjs`;
const SESSION_CACHE_SECONDS = SESSION_CACHE_MS / 1000;
const FIRESTORE_MODE = 'firestore sessions';

/** A warm measurement: which function, its request, and what its throughput is compared with. */
interface WarmVariant {
  readonly name: string;
  readonly variant: Variant;
  readonly probe: Probe;
  /** The variant whose throughput is 1.00x for this one; null for a baseline itself. */
  readonly baseline: string | null;
}

interface Variant {
  readonly name: string;
  readonly source: string;
  readonly target: string;
  readonly env: Readonly<Record<string, string>>;
  /** A new request per run (a code is single-use). */
  readonly probe: () => Promise<Probe>;
}

/** A session mode's rows: cold starts of the callback and listlabels, listlabels warm. */
interface SessionVariants {
  readonly cold: readonly Variant[];
  readonly warm: WarmVariant;
}

/** The firestore-mode rows' emulator, or why they are skipped. */
type FirestoreRows = {readonly emulator: FirestoreEmulatorProcess} | {readonly skipped: string};

// An exit, so that every child started here is stopped by its 'exit' hook.
process.once('SIGINT', () => process.exit(130));
process.once('SIGTERM', () => process.exit(143));

const emulator = await startEmulatorProcess();
try {
  const missing = firestoreEmulatorMissing();
  const firestore: FirestoreRows =
    missing === null ? {emulator: await startFirestoreEmulator()} : {skipped: missing};
  try {
    await main(emulator.url, firestore);
  } finally {
    if ('emulator' in firestore) firestore.emulator.stop();
  }
} finally {
  await emulator.stop();
}

async function main(emulatorUrl: string, firestore: FirestoreRows): Promise<void> {
  const env = functionEnv(emulatorUrl);
  const material = new SignInMaterial(emulatorUrl);
  const session = await material.session();
  const {emptySource, fetchSource} = writeBaselines();
  const redirect: Probe = {path: '/', headers: {}, expectStatus: 302};
  const bearer: Probe = {
    path: '/',
    headers: {authorization: `Bearer ${session.accessToken}`},
    expectStatus: 200,
  };

  const empty: Variant = {
    name: 'empty function',
    source: emptySource,
    target: 'empty',
    env,
    probe: fixed(redirect),
  };
  const init: Variant = {
    name: 'oauth2init',
    source: ROOT,
    target: 'oauth2init',
    env,
    probe: fixed(redirect),
  };
  const cookieMode = sessionVariants(env, null, material, session.cookie);
  const firestoreMode =
    'emulator' in firestore ? await firestoreVariants(emulatorUrl, firestore.emulator.host) : null;
  if ('skipped' in firestore) console.log(`firestore sessions: rows skipped, ${firestore.skipped}`);
  const spawnVariant = (v: Variant) => () =>
    spawnFunction(v.source, v.target, {...v.env, FUNCTION_TARGET: v.target});

  const round = [empty, init, ...cookieMode.cold, ...(firestoreMode?.cold ?? [])];
  console.log(`cold starts: ${COLD_RUNS} per variant, alternating`);
  const cold = new Map<string, ColdStart[]>();
  for (let run = 0; run < COLD_RUNS; run++) {
    // Rotate the order so no variant always follows the same one.
    const order = round.map((_, i) => round[(i + run) % round.length]!);
    for (const variant of order) {
      const probe = await variant.probe();
      const result = await measureColdStart(spawnVariant(variant), probe);
      cold.set(variant.name, [...(cold.get(variant.name) ?? []), result]);
    }
    process.stdout.write('.');
  }
  process.stdout.write('\n');

  console.log(
    `warm: ${WARM_RUNS} runs each, ${WARM_LOAD.connections} connections, ${WARM_LOAD.seconds} s after ${WARM_LOAD.warmupSeconds} s warm-up`,
  );
  if (firestoreMode !== null) {
    console.log(
      `firestore sessions: an instance reuses a session it read for ${SESSION_CACHE_SECONDS} s (config sessionCacheMs, no setting), so warm requests mostly hit that cache: about one Firestore read per ${SESSION_CACHE_SECONDS} s`,
    );
  }
  const directFetch: Variant = {
    name: 'direct fetch',
    source: fetchSource,
    target: 'directfetch',
    env,
    probe: fixed(bearer),
  };
  const warmVariants: WarmVariant[] = [
    {name: 'empty function', variant: empty, probe: redirect, baseline: null},
    {name: 'oauth2init', variant: init, probe: redirect, baseline: 'empty function'},
    {name: 'direct fetch', variant: directFetch, probe: bearer, baseline: null},
    cookieMode.warm,
    ...(firestoreMode === null ? [] : [firestoreMode.warm]),
  ];
  const warm = new Map<string, WarmRun[]>();
  for (let run = 0; run < WARM_RUNS; run++) {
    for (const {name, variant, probe} of run % 2 === 0
      ? warmVariants
      : [...warmVariants].reverse()) {
      const fn = await spawnVariant(variant)();
      try {
        warm.set(name, [...(warm.get(name) ?? []), await measureWarm(fn, probe)]);
      } finally {
        await fn.stop();
      }
    }
    process.stdout.write('.');
  }
  process.stdout.write('\n');
  report(cold, warm, warmVariants, 'skipped' in firestore ? firestore.skipped : null);
}

/** The functions that read or keep sessions, in one session mode (`mode` names a non-default one). */
function sessionVariants(
  env: Readonly<Record<string, string>>,
  mode: string | null,
  material: SignInMaterial,
  sessionCookie: string,
): SessionVariants {
  const labelsHtml: Probe = {path: '/', headers: {cookie: sessionCookie}, expectStatus: 200};
  const labelsJson: Probe = {
    path: '/',
    headers: {cookie: sessionCookie, accept: 'application/json'},
    expectStatus: 200,
  };
  const listlabels: Variant = {
    name: mode === null ? 'listlabels' : `listlabels (${mode})`,
    source: ROOT,
    target: 'listlabels',
    env,
    probe: fixed(labelsHtml),
  };
  const callback: Variant = {
    name: mode === null ? 'oauth2callback' : `oauth2callback (${mode})`,
    source: ROOT,
    target: 'oauth2callback',
    env,
    probe: () => material.callbackProbe(),
  };
  return {
    cold: [callback, listlabels],
    warm: {
      name: mode === null ? 'listlabels (JSON)' : `listlabels (JSON, ${mode})`,
      variant: listlabels,
      probe: labelsJson,
      baseline: 'direct fetch',
    },
  };
}

/** Firestore mode's variants; its listlabels session is a document made by the store itself. */
async function firestoreVariants(
  emulatorUrl: string,
  firestoreHost: string,
): Promise<SessionVariants> {
  const env = functionEnv(emulatorUrl, firestoreHost);
  const material = new SignInMaterial(emulatorUrl, firestoreHost);
  const session = await material.session();
  return sessionVariants(env, FIRESTORE_MODE, material, session.cookie);
}

function fixed(probe: Probe): () => Promise<Probe> {
  return () => Promise.resolve(probe);
}

function report(
  cold: Map<string, ColdStart[]>,
  warm: Map<string, WarmRun[]>,
  warmVariants: readonly WarmVariant[],
  firestoreSkipped: string | null,
): void {
  const coldSummary = new Map(
    [...cold].map(([name, runs]) => [
      name,
      {ms: summarize(runs.map(r => r.ms)), rssMiB: summarize(runs.map(r => r.rssMiB))},
    ]),
  );
  const warmSummary = new Map(
    [...warm].map(([name, runs]) => [
      name,
      {
        requestsPerSecond: summarize(runs.map(r => r.requestsPerSecond)),
        p99Ms: summarize(runs.map(r => r.p99Ms)),
      },
    ]),
  );
  const base = coldSummary.get('empty function')!;
  const coldRows = [...coldSummary].map(([name, s]) => [
    name,
    range(s.ms, 0),
    ratio(s.ms.median, base.ms.median),
    range(s.rssMiB, 1),
    ratio(s.rssMiB.median, base.rssMiB.median),
  ]);
  const warmRows = warmVariants.map(({name, baseline}) => {
    const s = warmSummary.get(name)!;
    const base = warmSummary.get(baseline ?? name)!;
    return [
      name,
      range(s.requestsPerSecond, 0),
      ratio(s.requestsPerSecond.median, base.requestsPerSecond.median),
      range(s.p99Ms, 1),
    ];
  });
  const coldTable = markdownTable(
    [
      'function',
      'cold start ms, median (min-max)',
      'vs empty',
      'RSS MiB after first response',
      'vs empty',
    ],
    coldRows,
  );
  const warmTable = markdownTable(
    ['warm', 'requests/s, median (min-max)', 'vs baseline', 'p99 ms'],
    warmRows,
  );
  const bundleBytes = statSync(BUNDLE).size;
  console.log(`\n${coldTable}\n\n${warmTable}\n`);
  if (firestoreSkipped !== null) console.log(`firestore sessions: skipped, ${firestoreSkipped}`);
  console.log(
    `bundle: build/bundle/index.cjs ${bundleBytes} bytes (@google-cloud/firestore is external to it, required only with SESSION_STORE=firestore)`,
  );
  mkdirSync(RESULTS, {recursive: true});
  const file = `${RESULTS}/bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
  const json = {
    node: process.version,
    coldRuns: COLD_RUNS,
    warmRuns: WARM_RUNS,
    warmLoad: WARM_LOAD,
    bundleBytes,
    firestore:
      firestoreSkipped === null
        ? {sessionCacheSeconds: SESSION_CACHE_SECONDS}
        : {skipped: firestoreSkipped},
    cold: Object.fromEntries(coldSummary),
    warm: Object.fromEntries(warmSummary),
    raw: {cold: Object.fromEntries(cold), warm: Object.fromEntries(warm)},
  };
  writeFileSync(file, `${JSON.stringify(json, null, 2)}\n`);
  console.log(`written to ${file}`);
}

function range(s: Summary, digits: number): string {
  return `${s.median.toFixed(digits)} (${s.min.toFixed(digits)}-${s.max.toFixed(digits)})`;
}

function ratio(value: number, base: number): string {
  return `${(value / base).toFixed(2)}x`;
}
