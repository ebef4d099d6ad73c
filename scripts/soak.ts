import {randomBytes} from 'node:crypto';
import {createServer, type Server} from 'node:http';
import {setTimeout} from 'node:timers/promises';
import {parseArgs} from 'node:util';
import {startEmulator, type Emulator} from '../emulator/index.js';
import {loadConfig} from '../src/config.js';
import {createDevHandler} from './dev-server.js';
import {runLoad} from './soak/load.js';
import {formatReport, writeReport, type SoakReport} from './soak/report.js';
import {signInOverHttp} from './soak/sign-in.js';

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
      warmup: {type: 'string', default: '2000'},
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

const MIB = 1024 * 1024;

/** RSS and heap in MiB, after full collections when node runs with --expose-gc. */
async function sampleMemory(): Promise<{rss: number; heapUsed: number}> {
  // Twice, a moment apart: objects held by native handles (the load process's sockets, closing as
  // it exits) are let go by callbacks that run in later turns of the event loop (measured: about
  // 10 MiB of heap more when the second collection follows at once).
  globalThis.gc?.();
  await setTimeout(50);
  globalThis.gc?.();
  const {rss, heapUsed} = process.memoryUsage();
  return {rss: rss / MIB, heapUsed: heapUsed / MIB};
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') reject(new Error('no TCP address'));
      else resolve(address.port);
    });
  });
}

/** The emulator and the functions (one origin, as `npm start` serves them) on loopback. */
interface Target {
  readonly serverUrl: string;
  readonly emulator: Emulator;
  close(): Promise<void>;
}

async function startTarget(): Promise<Target> {
  const emulator = await startEmulator();
  emulator.autoConsent = {decision: 'allow'};
  const server = createServer();
  const serverUrl = `http://127.0.0.1:${await listen(server)}`;
  const client = emulator.clients[0]!;
  const config = loadConfig({
    BASE_URL: serverUrl,
    COOKIE_SECRET: randomBytes(32).toString('base64'),
    GOOGLE_EMULATOR_URL: emulator.url,
    GOOGLE_CLIENT_ID: client.clientId,
    GOOGLE_CLIENT_SECRET: client.clientSecret,
  });
  client.redirectUris.push(config.redirectUri);
  server.on('request', createDevHandler(config));
  return {
    serverUrl,
    emulator,
    async close() {
      server.closeAllConnections();
      server.close();
      await emulator.close();
    },
  };
}

/**
 * `npm run soak`: one sign-in, a warm-up, then many listlabels requests from a separate load
 * process; prints and saves how fast it was and how much this process (the functions and the
 * emulator) grew.
 */
async function main(options: SoakOptions): Promise<void> {
  const {serverUrl, emulator, close} = await startTarget();
  try {
    const cookie = await signInOverHttp(serverUrl);
    const url = `${serverUrl}/listlabels`;
    const first = await fetch(url, {headers: {cookie, accept: 'application/json'}});
    const expectBody = await first.text();
    if (first.status !== 200) throw new Error(`listlabels answered ${first.status}`);
    const load = {url, cookie, expectBody, connections: options.connections};

    await runLoad({...load, amount: options.warmup});
    // The emulator records every request it answers; that log is not the functions' memory.
    emulator.requests.length = 0;
    const warm = await sampleMemory();
    const measured = await runLoad({...load, amount: options.requests});
    emulator.requests.length = 0;
    const end = await sampleMemory();

    const report: SoakReport = {
      date: new Date().toISOString(),
      node: process.version,
      connections: options.connections,
      warmupRequests: options.warmup,
      gcExposed: globalThis.gc !== undefined,
      load: measured,
      rssAfterWarmupMiB: warm.rss,
      rssAtEndMiB: end.rss,
      rssGrowthMiB: end.rss - warm.rss,
      heapUsedAfterWarmupMiB: warm.heapUsed,
      heapUsedAtEndMiB: end.heapUsed,
    };
    console.log(formatReport(report));
    if (!report.gcExposed) console.log('(run node with --expose-gc for memory after collection)');
    console.log(`Written to ${writeReport(report)}`);
    if (measured.non2xx + measured.mismatches + measured.errors > 0) process.exitCode = 1;
  } finally {
    await close();
  }
}

Promise.resolve()
  .then(() => main(parseSoakOptions()))
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
