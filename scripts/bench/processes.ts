import {spawn, type ChildProcess} from 'node:child_process';
import {readFileSync} from 'node:fs';
import {request} from 'node:http';
import {createServer} from 'node:net';
import {fileURLToPath} from 'node:url';

// The `functions-framework` command the platform runs (the package's bin).
const FRAMEWORK_MAIN = fileURLToPath(
  new URL(
    '../../../node_modules/@google-cloud/functions-framework/build/src/main.js',
    import.meta.url,
  ),
);

/** One HTTP request as the benchmark sends it. */
export interface Probe {
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly expectStatus: number;
}

/** A function served by functions-framework in its own process, as the platform starts it. */
export interface FunctionProcess {
  readonly url: string;
  readonly child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/** What a cold start measured. */
export interface ColdStart {
  readonly ms: number;
  readonly rssMiB: number;
}

/** A port that was free a moment ago. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise(resolve => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no free port');
  return address.port;
}

/** `functions-framework --target=NAME --source=DIR` run in DIR, with only the given environment. */
export async function spawnFunction(
  source: string,
  target: string,
  env: Readonly<Record<string, string>>,
): Promise<FunctionProcess> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [FRAMEWORK_MAIN, `--target=${target}`, `--source=${source}`, `--port=${port}`],
    {
      cwd: source,
      env: {PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env},
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout?.on('data', chunk => (output += String(chunk)));
  child.stderr?.on('data', chunk => (output += String(chunk)));
  const kill = (): void => void child.kill('SIGKILL');
  killAtExit(kill);
  return {
    url: `http://127.0.0.1:${port}`,
    child,
    output: () => output,
    async stop() {
      LIVE.delete(kill);
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise(resolve => child.once('exit', resolve));
      kill();
      await exited;
    },
  };
}

// Functions still running when this process exits (an error, or Ctrl-C made an exit): one hook
// for all of them, however many run at once.
const LIVE = new Set<() => void>();

function killAtExit(kill: () => void): void {
  if (LIVE.size === 0) process.removeListener('exit', killLive).once('exit', killLive);
  LIVE.add(kill);
}

function killLive(): void {
  for (const kill of LIVE) kill();
  LIVE.clear();
}

/** Sends one request on a fresh connection; resolves with the status, or null if refused. */
export function send(url: string, probe: Probe): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${probe.path}`, {headers: probe.headers, agent: false}, res => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNREFUSED' || error.code === 'ECONNRESET') resolve(null);
      else reject(error);
    });
    req.end();
  });
}

/** The process's resident set size now, from /proc (Linux). */
export function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  if (match === null) throw new Error(`no VmRSS for process ${pid}`);
  return Number(match[1]) / 1024;
}

/**
 * Spawns the function and retries `probe` every 2 ms until it answers: the time from spawn to
 * the first complete answer, and the RSS right after it.
 */
export async function measureColdStart(
  start: () => Promise<FunctionProcess>,
  probe: Probe,
): Promise<ColdStart> {
  const began = performance.now();
  const fn = await start();
  try {
    const deadline = began + 20_000;
    for (;;) {
      const status = await send(fn.url, probe);
      if (status !== null) {
        const ms = performance.now() - began;
        if (status !== probe.expectStatus) {
          throw new Error(`expected ${probe.expectStatus}, got ${status}: ${fn.output()}`);
        }
        return {ms, rssMiB: rssMiB(fn.child.pid!)};
      }
      if (performance.now() > deadline || fn.child.exitCode !== null) {
        throw new Error(`the function did not answer: ${fn.output()}`);
      }
      await new Promise(resolve => setTimeout(resolve, 2));
    }
  } finally {
    await fn.stop();
  }
}
