import {mkdirSync, writeFileSync} from 'node:fs';
import {
  functionEnv,
  ROOT,
  SignInMaterial,
  startEmulatorProcess,
  writeBaselines,
} from './bench/fixtures.js';
import {measureColdStart, spawnFunction, type ColdStart, type Probe} from './bench/processes.js';
import {markdownTable, summarize, type Summary} from './bench/stats.js';
import {measureWarm, WARM_LOAD, type WarmRun} from './bench/warm.js';

// `npm run bench`: cold starts, RSS and warm throughput of each function against an empty
// functions-framework function, all started as the platform starts them. A benchmark, not a
// test: it prints numbers and ratios measured in one run, and judges nothing.

const COLD_RUNS = Number(process.env.BENCH_COLD_RUNS ?? 15);
const WARM_RUNS = Number(process.env.BENCH_WARM_RUNS ?? 3);
const RESULTS = `${ROOT}results`;

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
  /** A new request per run (a code is single-use). */
  readonly probe: () => Promise<Probe>;
}

const emulator = await startEmulatorProcess();
try {
  await main(emulator.url);
} finally {
  await emulator.stop();
}

async function main(emulatorUrl: string): Promise<void> {
  const env = functionEnv(emulatorUrl);
  const material = new SignInMaterial(emulatorUrl);
  const session = await material.session();
  const {emptySource, fetchSource} = writeBaselines();
  const fixed = (probe: Probe) => () => Promise.resolve(probe);
  const redirect: Probe = {path: '/', headers: {}, expectStatus: 302};
  const labelsHtml: Probe = {path: '/', headers: {cookie: session.cookie}, expectStatus: 200};
  const labelsJson: Probe = {
    path: '/',
    headers: {cookie: session.cookie, accept: 'application/json'},
    expectStatus: 200,
  };
  const bearer: Probe = {
    path: '/',
    headers: {authorization: `Bearer ${session.accessToken}`},
    expectStatus: 200,
  };

  const empty: Variant = {
    name: 'empty function',
    source: emptySource,
    target: 'empty',
    probe: fixed(redirect),
  };
  const functions: Variant[] = [
    {name: 'oauth2init', source: ROOT, target: 'oauth2init', probe: fixed(redirect)},
    {
      name: 'oauth2callback',
      source: ROOT,
      target: 'oauth2callback',
      probe: () => material.callbackProbe(),
    },
    {name: 'listlabels', source: ROOT, target: 'listlabels', probe: fixed(labelsHtml)},
  ];
  const spawnVariant = (v: Variant) => () =>
    spawnFunction(v.source, v.target, {...env, FUNCTION_TARGET: v.target});

  console.log(`cold starts: ${COLD_RUNS} per variant, alternating`);
  const cold = new Map<string, ColdStart[]>();
  for (let run = 0; run < COLD_RUNS; run++) {
    // Rotate the order so no variant always follows the same one.
    const round = [empty, ...functions];
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
  const directFetch: Variant = {
    name: 'direct fetch',
    source: fetchSource,
    target: 'directfetch',
    probe: fixed(bearer),
  };
  const warmVariants: WarmVariant[] = [
    {name: 'empty function', variant: empty, probe: redirect, baseline: null},
    {name: 'oauth2init', variant: functions[0]!, probe: redirect, baseline: 'empty function'},
    {name: 'direct fetch', variant: directFetch, probe: bearer, baseline: null},
    {
      name: 'listlabels (JSON)',
      variant: functions[2]!,
      probe: labelsJson,
      baseline: 'direct fetch',
    },
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
  report(cold, warm, warmVariants);
}

function report(
  cold: Map<string, ColdStart[]>,
  warm: Map<string, WarmRun[]>,
  warmVariants: readonly WarmVariant[],
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
  console.log(`\n${coldTable}\n\n${warmTable}\n`);
  mkdirSync(RESULTS, {recursive: true});
  const file = `${RESULTS}/bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
  const json = {
    node: process.version,
    coldRuns: COLD_RUNS,
    warmRuns: WARM_RUNS,
    warmLoad: WARM_LOAD,
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
