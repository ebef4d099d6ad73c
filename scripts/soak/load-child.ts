// The load generator, forked by load.ts: one request in over IPC, one result out, then exit.
import autocannon from 'autocannon';
import type {LoadRequest, LoadResult} from './load.js';

function toLoadRequest(message: unknown): LoadRequest | null {
  if (typeof message !== 'object' || message === null) return null;
  const url: unknown = Reflect.get(message, 'url');
  const cookie: unknown = Reflect.get(message, 'cookie');
  const expectBody: unknown = Reflect.get(message, 'expectBody');
  const amount: unknown = Reflect.get(message, 'amount');
  const connections: unknown = Reflect.get(message, 'connections');
  if (typeof url !== 'string' || typeof cookie !== 'string' || typeof expectBody !== 'string') {
    return null;
  }
  if (typeof amount !== 'number' || typeof connections !== 'number') return null;
  return {url, cookie, expectBody, amount, connections};
}

async function load(request: LoadRequest): Promise<LoadResult> {
  const result = await autocannon({
    url: request.url,
    connections: request.connections,
    amount: request.amount,
    expectBody: request.expectBody,
    headers: {cookie: request.cookie, accept: 'application/json'},
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

process.once('message', message => {
  const request = toLoadRequest(message);
  if (request === null) throw new Error('load-child: malformed load request');
  load(request).then(
    result => process.send?.(result, () => process.disconnect()),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
      process.disconnect();
    },
  );
});
