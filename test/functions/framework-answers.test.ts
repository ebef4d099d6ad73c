import assert from 'node:assert/strict';
import {after, before, describe, it, type TestContext} from 'node:test';
import {gzipSync} from 'node:zlib';
import {newCanary, startHostileHarness, type HostileHarness} from '../support/hostile-harness.js';
import type {RawRequest} from '../support/raw-http.js';

const CANARY = newCanary();
const form = 'application/x-www-form-urlencoded';
const json = 'application/json';
const post = (
  type: string,
  body: string | Buffer,
  extra: Record<string, string> = {},
): RawRequest => ({
  method: 'POST',
  path: '/oauth2signout',
  headers: {'content-type': type, ...extra},
  body,
});

// Answered before any function runs: by Node's HTTP parser (431), by the body parsers that
// functions-framework puts in front of every function (400, 413, 415), or by its router (404).
// None carries our security headers; each must still be a 4xx that says nothing of the request.
const CASES: {name: string; status: number; req: RawRequest}[] = [
  {
    name: 'a 20 KB Cookie header',
    status: 431,
    req: {
      method: 'GET',
      path: '/listlabels',
      headers: {cookie: `a=${'A'.repeat(20_000)}${CANARY}`},
    },
  },
  {
    name: 'a 20 KB request-target',
    status: 431,
    req: {method: 'GET', path: `/oauth2callback?code=${'a'.repeat(20_000)}${CANARY}`, headers: {}},
  },
  {name: 'malformed JSON', status: 400, req: post(json, `{"csrf": "${CANARY}`)},
  {name: 'JSON null (strict mode)', status: 400, req: post(json, 'null')},
  {name: 'JSON nested 100,000 deep', status: 400, req: post(json, '['.repeat(100_000) + CANARY)},
  {
    name: 'an unknown Content-Encoding',
    status: 415,
    req: post(json, `{"csrf":"${CANARY}"}`, {'content-encoding': 'compress'}),
  },
  {
    name: 'a corrupt gzip body',
    status: 400,
    req: post(json, `{"csrf":"${CANARY}"}`, {'content-encoding': 'gzip'}),
  },
  {
    name: 'a gzip body cut short',
    status: 400,
    req: post(json, gzipSync(`{"csrf":"${CANARY}"}`).subarray(0, 12), {
      'content-encoding': 'gzip',
    }),
  },
  {name: 'an unknown charset', status: 415, req: post(`${json}; charset=klingon`, '{}')},
  {
    name: '1,500 form fields',
    status: 413,
    req: post(form, Array.from({length: 1500}, (_, i) => `f${i}=${CANARY}`).join('&')),
  },
  {
    name: 'a form field nested 40 deep',
    status: 400,
    req: post(form, `csrf${'[a]'.repeat(40)}=${CANARY}`),
  },
  {name: '/favicon.ico', status: 404, req: {method: 'GET', path: '/favicon.ico', headers: {}}},
  {name: 'OPTIONS *', status: 404, req: {method: 'OPTIONS', path: '*', headers: {}}},
];

/** What Express writes to stderr while `fn` runs (kept out of the test output). */
async function stderrOf(t: TestContext, fn: () => Promise<void>): Promise<string> {
  let written = '';
  t.mock.method(process.stderr, 'write', (chunk: string | Uint8Array): boolean => {
    written += String(chunk);
    return true;
  });
  await fn();
  t.mock.restoreAll();
  return written;
}

describe('requests answered before any function runs', () => {
  let x: HostileHarness;
  before(async () => {
    x = await startHostileHarness(CANARY);
  });
  after(() => x.close());

  for (const c of CASES) {
    it(`${c.name} gets a bare ${c.status} without a stack trace or the request's text`, async t => {
      await stderrOf(t, async () => {
        const response = await x.raw.send('oauth2signout', c.req);
        assert.equal(response.status, c.status);
        assert.ok(!response.text.includes(CANARY), 'the request is reflected');
        assert.doesNotMatch(response.text, /\bat .*\(|node_modules|Error:|SyntaxError/);
        if (response.text !== '')
          assert.equal(response.headers['content-type'], 'text/html; charset=utf-8');
      });
    });
  }

  it(
    'a malformed body is not copied into the logs',
    {todo: "Express's logerror() prints body-parser's error with the raw body to stderr"},
    async t => {
      const written = await stderrOf(t, async () => {
        await x.raw.send('oauth2signout', post(json, `{"csrf": "${CANARY}`));
      });
      assert.ok(!written.includes(CANARY), 'the body is in stderr');
    },
  );
});
