import {fork} from 'node:child_process';
import {fileURLToPath} from 'node:url';

/** One load run: GET `url` with the session cookie, `amount` times, `connections` at once. */
export interface LoadRequest {
  readonly url: string;
  readonly cookie: string;
  /** The exact JSON body every answer must have; others count as mismatches. */
  readonly expectBody: string;
  readonly amount: number;
  readonly connections: number;
}

/** What a load run measured (latencies in ms). */
export interface LoadResult {
  readonly requests: number;
  readonly seconds: number;
  readonly perSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly non2xx: number;
  readonly mismatches: number;
  readonly errors: number;
}

const CHILD = fileURLToPath(new URL('./load-child.js', import.meta.url));

/**
 * Runs autocannon in a child process, so that its work and memory stay out of the measured
 * process (and it gets a core of its own).
 */
export function runLoad(request: LoadRequest): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = fork(CHILD, [], {stdio: ['ignore', 'inherit', 'inherit', 'ipc']});
    let result: LoadResult | null = null;
    child.once('message', message => {
      result = toLoadResult(message);
    });
    child.once('error', reject);
    child.once('exit', code => {
      if (result !== null) resolve(result);
      else reject(new Error(`the load process exited with ${code ?? 'a signal'} and no result`));
    });
    child.send(request);
  });
}

/** The child's answer, checked field by field; null when it is not one. */
function toLoadResult(message: unknown): LoadResult | null {
  if (typeof message !== 'object' || message === null) return null;
  const field = (name: keyof LoadResult): number => {
    const value: unknown = Reflect.get(message, name);
    return typeof value === 'number' ? value : NaN;
  };
  const result: LoadResult = {
    requests: field('requests'),
    seconds: field('seconds'),
    perSecond: field('perSecond'),
    p50Ms: field('p50Ms'),
    p99Ms: field('p99Ms'),
    non2xx: field('non2xx'),
    mismatches: field('mismatches'),
    errors: field('errors'),
  };
  return Object.values(result).some(Number.isNaN) ? null : result;
}
