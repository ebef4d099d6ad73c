import {functionEnv, ROOT, SignInMaterial, startEmulatorProcess} from './bench/fixtures.js';
import {rssMiB, send, spawnFunction, type Probe} from './bench/processes.js';
import {parseArgs} from 'node:util';
import {runLoad} from './soak/load.js';
import {formatReport, writeReport, type SoakReport} from './soak/report.js';

/** How big a run is: `--requests`, `--warmup` and `--connections` on the command line. */
export interface SoakOptions {
  readonly requests: number;
  readonly warmup: number;
  readonly connections: number;
}

/** The options from argv; throws naming the flag that is not a positive integer. */
export function parseSoakOptions(argv: string[] = process.argv.slice(2)): SoakOptions {
  const {values} = parseArgs({
    args: argv,
    options: {
      requests: {type: 'string', default: '20000'},
      warmup: {type: 'string', default: '5000'},
      connections: {type: 'string', default: '20'},
    },
  });
  const count = (flag: string, value: string): number => {
    const n = Number(value);
    if (!Number.isSafeInteger(n) || n < 1) {
      throw new Error(`--${flag} must be a positive integer, got ${value}`);
    }
    return n;
  };
  const connections = count('connections', values.connections);
  // autocannon needs at least one request per connection.
  return {
    requests: Math.max(count('requests', values.requests), connections),
    warmup: Math.max(count('warmup', values.warmup), connections),
    connections,
  };
}

/**
 * `npm run soak`: listlabels started as the platform starts it (functions-framework loading the
 * bundle, its own process), the emulator in another, and the load from a third; after a
 * warm-up, many requests with one session. Prints and saves how fast it was and how much the
 * function's process grew.
 */
async function main(options: SoakOptions): Promise<void> {
  const emulator = await startEmulatorProcess();
  const session = await new SignInMaterial(emulator.url).session();
  const env = {...functionEnv(emulator.url), FUNCTION_TARGET: 'listlabels'};
  const fn = await spawnFunction(ROOT, 'listlabels', env);
  try {
    const probe: Probe = {
      path: '/',
      headers: {cookie: session.cookie, accept: 'application/json'},
      expectStatus: 200,
    };
    while ((await send(fn.url, probe)) === null) await new Promise(r => setTimeout(r, 10));
    const first = await fetch(`${fn.url}/`, {headers: probe.headers});
    const expectBody = await first.text();
    if (first.status !== 200) throw new Error(`listlabels answered ${first.status}`);
    const load = {
      url: `${fn.url}/`,
      headers: probe.headers,
      expectBody,
      connections: options.connections,
    };

    await runLoad({...load, amount: options.warmup});
    const warm = rssMiB(fn.child.pid!);
    const measured = await runLoad({...load, amount: options.requests});
    const end = rssMiB(fn.child.pid!);

    const report: SoakReport = {
      date: new Date().toISOString(),
      node: process.version,
      connections: options.connections,
      warmupRequests: options.warmup,
      load: measured,
      rssAfterWarmupMiB: warm,
      rssAtEndMiB: end,
      rssGrowthMiB: end - warm,
    };
    console.log(formatReport(report));
    console.log(`Written to ${writeReport(report)}`);
    if (measured.non2xx + measured.mismatches + measured.errors > 0) process.exitCode = 1;
  } finally {
    await fn.stop();
    await emulator.stop();
  }
}

Promise.resolve()
  .then(() => main(parseSoakOptions()))
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
