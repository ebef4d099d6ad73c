import assert from 'node:assert/strict';
import {after, before, describe, it} from 'node:test';
import fc from 'fast-check';
import {createCsrf} from '../../src/csrf.js';
import {hostileTextArb, wellFormed} from '../support/hostile-input.js';
import {newCanary, startHostileHarness, type HostileHarness} from '../support/hostile-harness.js';
import {
  cookieHeader,
  headerSafe,
  HOSTILE_METHODS,
  hostileCookiesArb,
  hostileHeadersArb,
  hostileParamsArb,
  hostilePaths,
  type CookieSource,
} from '../support/hostile-http.js';
import type {RawRequest} from '../support/raw-http.js';
import {assertLogsClean, captureLogs} from '../support/response-checks.js';

// node:test does not print an error's cause: put the failed assertion in fast-check's report.
fc.configureGlobal({includeErrorInReport: true});

const CANARY = newCanary();
const RUNS = 300;

interface HostileCase {
  method: string;
  path: string;
  params: string[];
  /** Send the signed-in user's own session cookie first. */
  signedIn: boolean;
  cookies: [string, CookieSource][];
  headers: Record<string, string | string[]>;
}

/** A method (mostly the function's own), a request-target, extra parameters, cookies and headers. */
function hostileCaseArb(name: string, methods: readonly string[]): fc.Arbitrary<HostileCase> {
  return fc.record({
    method: fc.oneof(
      {weight: 3, arbitrary: fc.constantFrom(...methods)},
      {weight: 1, arbitrary: fc.constantFrom(...HOSTILE_METHODS)},
    ),
    path: fc.oneof(
      {weight: 2, arbitrary: fc.constant(`/${name}`)},
      {weight: 1, arbitrary: fc.constantFrom(...hostilePaths(CANARY))},
    ),
    params: hostileParamsArb(CANARY),
    signedIn: fc.boolean(),
    cookies: hostileCookiesArb(CANARY),
    headers: hostileHeadersArb(CANARY),
  });
}

describe('hostile requests to oauth2init, listlabels and oauth2signout', () => {
  let x: HostileHarness;
  before(async () => {
    x = await startHostileHarness(CANARY);
  });
  after(() => x.close());

  function toRequest(
    c: HostileCase,
    extra: Record<string, string> = {},
    body?: string,
  ): RawRequest {
    const query = c.params.length > 0 ? `?${c.params.join('&')}` : '';
    // The user's own session on a Cookie line of its own, before the hostile ones.
    const own = c.signedIn ? [`oauth2_session=${x.sealed.session}`] : [];
    const cookie = [...own, cookieHeader(c.cookies, x.sealed)].filter(line => line !== '');
    return {
      method: c.method,
      path: c.path + query,
      headers: {...c.headers, ...(cookie.length === 0 ? {} : {cookie}), ...extra},
      body,
    };
  }

  it('oauth2init answers hostile requests with a redirect built from config, calling no token endpoint', async t => {
    const logs = captureLogs(t);
    let sent = 0;
    await fc.assert(
      fc.asyncProperty(hostileCaseArb('oauth2init', ['GET', 'HEAD']), async c => {
        const tokens = x.count('token');
        const response = await x.send('oauth2init', toRequest(c));
        sent++;
        if (c.method === 'GET' || c.method === 'HEAD') assert.equal(response.status, 302);
        else assert.equal(response.status, 405);
        assert.equal(x.count('token'), tokens);
      }),
      {numRuns: RUNS},
    );
    assertLogsClean(logs, CANARY);
    t.diagnostic(`${sent} hostile requests, ${logs.length} log lines checked`);
  });

  it('listlabels answers hostile cookies and Authorization headers without a 5xx or a reflection', async t => {
    const logs = captureLogs(t);
    let sent = 0;
    const authorizationArb = fc.option(
      fc.oneof(
        fc.constantFrom(
          'Bearer',
          'Bearer ',
          'bearer  x y',
          'Basic dXNlcjpwYXNz',
          'Bearer a,b',
          `Bearer ${'a'.repeat(2049)}`,
          'Bearer ya29.not-a-token',
          'BEARER ya29.x==',
          'Bearer\tx',
          'Negotiate x',
          'Bearer =',
          'Bearer %41',
          'minted',
        ),
        hostileTextArb(CANARY, 300).map(text => headerSafe(`Bearer ${text}`)),
      ),
    );
    await fc.assert(
      fc.asyncProperty(
        hostileCaseArb('listlabels', ['GET', 'HEAD']),
        authorizationArb,
        async (c, authorization) => {
          const extra: Record<string, string> = {};
          if (authorization === 'minted')
            extra.authorization = `Bearer ${x.h.emulator.mintAccessToken()}`;
          else if (authorization !== null) extra.authorization = authorization;
          const tokens = x.count('token');
          const response = await x.send('listlabels', toRequest(c, extra));
          sent++;
          const own = c.method === 'GET' || c.method === 'HEAD';
          assert.ok(
            own ? [200, 302, 400, 401, 403].includes(response.status) : response.status === 405,
          );
          assert.equal(x.count('token'), tokens, 'no refresh for a session without refresh token');
        },
      ),
      {numRuns: RUNS},
    );
    assertLogsClean(logs, CANARY);
    t.diagnostic(`${sent} hostile requests, ${logs.length} log lines checked`);
  });

  it('oauth2signout refuses hostile forms and never revokes without its CSRF token', async t => {
    const logs = captureLogs(t);
    let sent = 0;
    const foreignToken = createCsrf(x.h.config.cookieSecrets).tokenFor('AAAAAAAAAAAAAAAAAAAAAA');
    const csrfValue = fc.oneof(
      hostileTextArb(CANARY, 2000).map(wellFormed),
      fc.constantFrom('foreign', ''),
    );
    const bodyArb = fc.option(
      fc.oneof(
        fc
          .tuple(
            fc.constantFrom(
              'csrf',
              'csrf[]',
              'csrf[__proto__]',
              '__proto__[csrf]',
              'constructor[prototype][csrf]',
              'csrf[toString]',
            ),
            csrfValue,
            fc.boolean(),
          )
          .map(([name, value, twice]) => ({
            type: 'application/x-www-form-urlencoded',
            text: `${name}=${encodeURIComponent(value)}${twice ? `&csrf=${encodeURIComponent(value)}` : ''}`,
          })),
        csrfValue.map(value => ({type: 'application/json', text: JSON.stringify({csrf: value})})),
        csrfValue.map(value => ({type: 'application/json', text: JSON.stringify({csrf: [value]})})),
        csrfValue.map(value => ({
          type: 'application/json',
          text: JSON.stringify({['__proto__']: {csrf: value}}),
        })),
        csrfValue.map(value => ({type: 'text/plain', text: `csrf=${value}`})),
        csrfValue.map(value => ({type: 'application/octet-stream', text: value})),
      ),
    );
    await fc.assert(
      fc.asyncProperty(
        hostileCaseArb('oauth2signout', ['GET', 'HEAD', 'POST', 'POST']),
        bodyArb,
        async (c, body) => {
          const extra: Record<string, string> = body === null ? {} : {'content-type': body.type};
          const text = body?.text.replaceAll('foreign', foreignToken);
          const response = await x.send('oauth2signout', toRequest(c, extra, text));
          sent++;
          const own = ['GET', 'HEAD', 'POST'].includes(c.method);
          assert.ok(own ? [200, 403].includes(response.status) : response.status === 405);
        },
      ),
      {numRuns: RUNS},
    );
    assertLogsClean(logs, CANARY);
    t.diagnostic(`${sent} hostile requests, ${logs.length} log lines checked`);
  });
});
