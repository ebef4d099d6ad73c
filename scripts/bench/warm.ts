import autocannon from 'autocannon';
import {send, type FunctionProcess, type Probe} from './processes.js';

/** Throughput and tail latency of a warm instance. */
export interface WarmRun {
  readonly requestsPerSecond: number;
  readonly p99Ms: number;
}

/** Load settings: a fixed duration and concurrency, the same for every variant. */
export const WARM_LOAD = {connections: 10, warmupSeconds: 1, seconds: 4} as const;

/** Waits until the function answers `probe`, warms it up, then measures it under fixed load. */
export async function measureWarm(fn: FunctionProcess, probe: Probe): Promise<WarmRun> {
  const deadline = Date.now() + 20_000;
  while ((await send(fn.url, probe)) === null) {
    if (Date.now() > deadline) throw new Error(`the function did not answer: ${fn.output()}`);
    await new Promise(resolve => setTimeout(resolve, 10));
  }
  await load(fn, probe, WARM_LOAD.warmupSeconds);
  const result = await load(fn, probe, WARM_LOAD.seconds);
  return {requestsPerSecond: result.requests.average, p99Ms: result.latency.p99};
}

async function load(
  fn: FunctionProcess,
  probe: Probe,
  seconds: number,
): Promise<autocannon.Result> {
  const result = await autocannon({
    url: `${fn.url}${probe.path}`,
    headers: {...probe.headers},
    connections: WARM_LOAD.connections,
    duration: seconds,
  });
  const expected = result.statusCodeStats?.[`${probe.expectStatus}`]?.count ?? 0;
  if (result.errors > 0 || expected !== result.requests.total) {
    const codes = JSON.stringify(result.statusCodeStats ?? {});
    throw new Error(
      `expected only ${probe.expectStatus}: ${result.errors} errors, status codes ${codes}`,
    );
  }
  return result;
}
