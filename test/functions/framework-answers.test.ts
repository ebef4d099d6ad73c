import assert from 'node:assert/strict';
import {after, before, describe, it, type TestContext} from 'node:test';
import {gzipSync} from 'node:zlib';
import {SECURITY_HEADERS} from '../../src/http.js';
import {COOKIE_SECRET} from '../support/harness.js';
import {newCanary, startHostileHarness, type HostileHarness} from '../support/hostile-harness.js';
import {startFramework, type FrameworkProcess} from '../support/framework-process.js';
import {sendRaw, type RawRequest, type RawResponse} from '../support/raw-http.js';

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

// Bodies that the parsers functions-framework puts in front of every function refuse (400, 413,
// 415) before our code runs. The canary is in the body, or in the header the parser quotes.
const BODIES: {name: string; status: number; req: RawRequest}[] = [
  {name: 'malformed JSON', status: 400, req: post(json, `{"csrf": "${CANARY}`)},
  {name: 'JSON null (strict mode)', status: 400, req: post(json, 'null')},
  {name: 'JSON nested 100,000 deep', status: 400, req: post(json, '['.repeat(100_000) + CANARY)},
  {
    name: 'an unknown Content-Encoding',
    status: 415,
    req: post(json, `{"csrf":"${CANARY}"}`, {'content-encoding': `x-${CANARY}`}),
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
  {
    name: 'an unknown charset',
    status: 415,
    req: post(`${json}; charset=${CANARY}`, `{"csrf":"${CANARY}"}`),
  },
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
  {name: 'malformed JSON to a GET', status: 400, req: {...post(json, '{'), method: 'GET'}},
];

const TITLES: Readonly<Record<number, string>> = {
  400: 'This request could not be read',
  413: 'This request is too large',
  415: 'This request could not be read',
};

/** Asserts an answer is ours: status, every security header, our page, nothing of the request. */
function assertOurRefusal(response: RawResponse, status: number): void {
  assert.equal(response.status, status);
  for (const [name, value] of Object.entries(SECURITY_HEADERS))
    assert.equal(response.headers[name.toLowerCase()], value, name);
  const everything = (JSON.stringify(response.headers) + response.text).toLowerCase();
  assert.ok(!everything.includes(CANARY), 'the request is reflected');
  assert.doesNotMatch(response.text, /\bat .*\(|node_modules|Error:|SyntaxError/);
  assert.equal(response.headers['content-type'], 'text/html; charset=utf-8');
  assert.ok(response.text.includes(`<h1>${TITLES[status]}</h1>`), response.text);
}

/** What the process writes to stdout and stderr while `fn` runs and just after. */
async function outputOf(t: TestContext, fn: () => Promise<void>): Promise<string> {
  let written = '';
  // Strings only: the test runner's own reports to its parent go through stdout as bytes.
  const capture = (stream: NodeJS.WriteStream) => {
    const write = stream.write.bind(stream);
    t.mock.method(stream, 'write', (chunk: string | Uint8Array): boolean => {
      if (typeof chunk !== 'string') return write(chunk);
      written += chunk;
      return true;
    });
  };
  capture(process.stdout);
  capture(process.stderr);
  try {
    await fn();
    // Express's logerror() ran in a setImmediate() after its answer.
    await new Promise(resolve => setTimeout(resolve, 20));
  } finally {
    t.mock.restoreAll();
  }
  return written;
}

describe('requests answered before any function runs', () => {
  let x: HostileHarness;
  before(async () => {
    x = await startHostileHarness(CANARY);
  });
  after(() => x.close());

  for (const c of BODIES) {
    it(`${c.name} gets our ${c.status} page with our headers, and no log line quotes it`, async t => {
      const output = await outputOf(t, async () => {
        assertOurRefusal(await x.raw.send('oauth2signout', c.req), c.status);
      });
      assert.ok(!output.toLowerCase().includes(CANARY), `the request is in the logs: ${output}`);
      assert.match(output, new RegExp(`"status":${c.status},.*"event":"request_refused"`));
    });
  }

  it('a refused body gets a JSON problem when the client asks for JSON', async t => {
    const req = post(json, `{"csrf": "${CANARY}`, {accept: 'application/json'});
    await outputOf(t, async () => {
      const response = await x.raw.send('oauth2signout', req);
      assert.equal(response.status, 400);
      assert.equal(response.headers['content-type'], 'application/json; charset=utf-8');
      assert.equal(response.headers['x-frame-options'], 'DENY');
      assert.deepEqual(JSON.parse(response.text), {
        error: 'invalid_request',
        message: 'Its body is not valid JSON, form or text data, or its compression is broken.',
      });
    });
  });

  it('a request-target outside every route (OPTIONS *) gets our 404 page with our headers', async () => {
    const response = await x.send('oauth2signout', {method: 'OPTIONS', path: '*', headers: {}});
    assert.equal(response.status, 404);
    assert.match(response.text, /<h1>Nothing here<\/h1>/);
  });

  // Answered by Node's HTTP parser (431) and by functions-framework's ignored routes (404), both
  // before Express's error path: bare answers of no content that we cannot give headers to.
  const BARE: {name: string; status: number; req: RawRequest}[] = [
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
      req: {
        method: 'GET',
        path: `/oauth2callback?code=${'a'.repeat(20_000)}${CANARY}`,
        headers: {},
      },
    },
    {name: '/favicon.ico', status: 404, req: {method: 'GET', path: '/favicon.ico', headers: {}}},
  ];
  for (const c of BARE) {
    it(`${c.name} gets a bare ${c.status} with an empty body`, async () => {
      const response = await x.raw.send('oauth2signout', c.req);
      assert.equal(response.status, c.status);
      assert.equal(response.text, '');
    });
  }
});

// As deployed: functions-framework in its own process loading the bundle (package.json "main").
describe('a functions-framework process refusing bodies', () => {
  let fn: FrameworkProcess;
  before(async () => {
    fn = await startFramework('oauth2signout', {
      BASE_URL: 'http://localhost:8080',
      COOKIE_SECRET,
      // No request here reaches a function, so none calls Google; a closed port all the same.
      GOOGLE_EMULATOR_URL: 'http://127.0.0.1:9',
      GOOGLE_CLIENT_ID: 'framework-answers.apps.googleusercontent.com',
      GOOGLE_CLIENT_SECRET: 'framework-answers-secret',
    });
  });
  after(() => fn.stop());

  it('a functions-framework process answers every refused body itself and prints none of them', async () => {
    const {hostname, port} = new URL(fn.url);
    for (const c of BODIES) {
      const response = await sendRaw({host: hostname, port: Number(port), agent: false}, c.req);
      assertOurRefusal(response, c.status);
    }
    // Each refusal logs one line; Express's logerror() would print in a setImmediate() after.
    const deadline = Date.now() + 5_000;
    const refused = (): number => fn.output().match(/"event":"request_refused"/g)?.length ?? 0;
    while (refused() < BODIES.length && Date.now() < deadline) {
      await new Promise(resolve => setTimeout(resolve, 50));
    }
    await new Promise(resolve => setTimeout(resolve, 100));
    const output = fn.output();
    assert.equal(refused(), BODIES.length, output);
    assert.ok(!output.toLowerCase().includes(CANARY), `the request is in the output: ${output}`);
    assert.doesNotMatch(output, /^\s+at /m, 'a stack trace is printed');
  });
});
