import assert from 'node:assert/strict';
import {after, before, describe, it} from 'node:test';
import {signIn, startHarness, type Harness} from './support/harness.js';

const EXPECTED_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

describe('every response', () => {
  let h: Harness;
  let session: string;
  before(async () => {
    h = await startHarness();
    session = await signIn(h);
  });
  after(() => h.emulator.close());

  function assertSecurityHeaders(response: {headers: Record<string, unknown>}): void {
    for (const [name, value] of Object.entries(EXPECTED_HEADERS))
      assert.equal(response.headers[name], value, name);
    const csp = String(response.headers['content-security-policy']);
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.doesNotMatch(csp, /script-src|unsafe-inline|unsafe-eval/);
  }

  const cases: {
    name: string;
    send: () => Promise<{
      status: number;
      headers: Record<string, unknown>;
      text: string;
    }>;
    status: number;
  }[] = [
    {
      name: 'oauth2init redirect',
      send: () => h.init.get('/oauth2init'),
      status: 302,
    },
    {
      name: 'oauth2init for a signed-in user',
      send: () => h.init.get('/oauth2init').set('Cookie', session),
      status: 302,
    },
    {
      name: 'oauth2callback error page',
      send: () => h.callback.get('/oauth2callback?error=access_denied'),
      status: 403,
    },
    {
      name: 'oauth2callback malformed query',
      send: () => h.callback.get('/oauth2callback?code=a&code=b'),
      status: 400,
    },
    {
      name: 'listlabels page',
      send: () => h.labels.get('/listlabels').set('Cookie', session),
      status: 200,
    },
    {
      name: 'listlabels JSON',
      send: () =>
        h.labels.get('/listlabels').set('Cookie', session).set('Accept', 'application/json'),
      status: 200,
    },
    {
      name: 'listlabels 401 JSON',
      send: () => h.labels.get('/listlabels').set('Accept', 'application/json'),
      status: 401,
    },
    {
      name: 'listlabels HEAD',
      send: () => h.labels.head('/listlabels').set('Cookie', session),
      status: 200,
    },
  ];
  for (const c of cases) {
    it(`security headers are on the ${c.name} (${c.status})`, async () => {
      const response = await c.send();
      assert.equal(response.status, c.status);
      assertSecurityHeaders(response);
    });
  }

  it('pages are text/html; charset=utf-8', async () => {
    const response = await h.callback.get('/oauth2callback?error=access_denied');
    assert.equal(response.headers['content-type'], 'text/html; charset=utf-8');
  });

  const allowed = [
    ['init', 'GET, HEAD'],
    ['callback', 'GET'],
    ['labels', 'GET, HEAD'],
  ] as const;
  for (const [fn, allow] of allowed) {
    for (const method of ['post', 'put', 'delete', 'patch', 'options'] as const) {
      it(`${fn}: ${method.toUpperCase()} answers 405 with Allow: ${allow}`, async () => {
        const response = await h[fn][method]('/x').set('Cookie', session).send('code=a&state=b');
        assert.equal(response.status, 405);
        assert.equal(response.headers.allow, allow);
        assertSecurityHeaders(response);
        assert.equal(response.headers['set-cookie'], undefined);
      });
    }
  }

  // functions-framework parses bodies before our code runs; hideFrameworkErrorDetails() (called
  // by index.ts, the dev server and the harness) makes the refusal ours.
  it('a malformed request body gets our 400 page with our headers, without a stack trace', async () => {
    for (const fn of ['init', 'callback', 'labels'] as const) {
      const response = await h[fn].post('/x').set('Content-Type', 'application/json').send('{bad');
      assert.equal(response.status, 400);
      assertSecurityHeaders(response);
      assert.match(response.text, /<h1>This request could not be read<\/h1>/);
      assert.doesNotMatch(response.text, /SyntaxError|at .*\.js|node_modules|bad/);
    }
  });
});
