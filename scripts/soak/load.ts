import autocannon from 'autocannon';

/** One load run: GET `url` with `headers`, `amount` times, `connections` at once. */
export interface LoadRequest {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  /** The exact body every answer must have; others count as mismatches. */
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

/**
 * Runs autocannon in this process: the function under measurement has a process of its own, so
 * the load generator's work and memory never count against it.
 */
export async function runLoad(request: LoadRequest): Promise<LoadResult> {
  const result = await autocannon({
    url: request.url,
    headers: {...request.headers},
    connections: request.connections,
    amount: request.amount,
    expectBody: request.expectBody,
  });
  const requests = result['1xx'] + result['2xx'] + result['3xx'] + result['4xx'] + result['5xx'];
  return {
    requests,
    seconds: result.duration,
    perSecond: requests / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    mismatches: result.mismatches,
    errors: result.errors + result.timeouts,
  };
}
