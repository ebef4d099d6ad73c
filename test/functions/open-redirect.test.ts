import assert from 'node:assert/strict';
import {after, before, describe, it} from 'node:test';
import fc from 'fast-check';
import {googleEndpoints} from '../../src/oauth-client.js';
import {startSignIn} from '../support/harness.js';
import {newCanary, startHostileHarness, type HostileHarness} from '../support/hostile-harness.js';
import {
  hostileHeadersArb,
  hostileHosts,
  hostileParamsArb,
  hostilePaths,
  querySafe,
  REDIRECT_PARAM_NAMES,
  redirectTargets,
} from '../support/hostile-http.js';
import type {RawRequest} from '../support/raw-http.js';
import {assertLogsClean, captureLogs} from '../support/response-checks.js';

// node:test does not print an error's cause: put the failed assertion in fast-check's report.
fc.configureGlobal({includeErrorInReport: true});

const CANARY = newCanary();

/** Every answer that carries a Location, and the one Location each must carry. */
const SCENARIOS = [
  'oauth2init: to Google',
  'oauth2init: signed in, to listlabels',
  'listlabels: no session, to oauth2init',
  'listlabels: Gmail refuses the token, to oauth2init',
  'oauth2callback: signed in, to listlabels',
  'oauth2callback: no refresh token, to Google with prompt=consent',
] as const;
type Scenario = (typeof SCENARIOS)[number];

/** What an attacker adds to an otherwise ordinary request. */
interface Probe {
  readonly headers: Record<string, string | string[]>;
  readonly params: readonly string[];
  /** Another request-target than the function's own path. */
  readonly path: string | null;
}

/** One hostile thing at a time: each proxy header, each redirect parameter, each odd path. */
function singleProbes(): Probe[] {
  const headerNames = [
    'host',
    'x-forwarded-host',
    'x-forwarded-proto',
    'x-forwarded-prefix',
    'x-forwarded-port',
    'forwarded',
    'x-original-url',
    'x-rewrite-url',
    'referer',
    'origin',
  ];
  const headerValues = ['evil.example', `${CANARY}.evil.example`, 'https://evil.example/'];
  const probes: Probe[] = headerNames.flatMap(name =>
    headerValues.map(value => ({
      headers: {[name]: name === 'forwarded' ? `host=${value};proto=https` : value},
      params: [],
      path: null,
    })),
  );
  redirectTargets(CANARY).forEach((target, i) => {
    const name = REDIRECT_PARAM_NAMES[i % REDIRECT_PARAM_NAMES.length]!;
    probes.push({headers: {}, params: [`${name}=${encodeURIComponent(target)}`], path: null});
    probes.push({headers: {}, params: [`${name}=${querySafe(target)}`], path: null});
  });
  for (const path of hostilePaths(CANARY)) probes.push({headers: {}, params: [], path});
  return probes;
}

describe('open redirects', () => {
  let online: HostileHarness;
  let offline: HostileHarness;
  before(async () => {
    online = await startHostileHarness(CANARY);
    // The emulator issues a refresh token at first consent only: later sign-ins get none.
    offline = await startHostileHarness(CANARY, {accessType: 'offline'});
  });
  after(async () => {
    await online.close();
    await offline.close();
  });

  /** The request for a scenario with a probe, on its harness, and the Location it must get. */
  async function requestFor(
    scenario: Scenario,
    probe: Probe,
  ): Promise<{x: HostileHarness; name: string; req: RawRequest; location: (l: string) => void}> {
    const base = online.h.config.baseUrl;
    const authorize = (x: HostileHarness, prompt: string | null) => (location: string) => {
      const url = new URL(location);
      assert.equal(url.origin + url.pathname, googleEndpoints(x.h.config.emulatorUrl).authorize);
      assert.equal(url.searchParams.get('prompt'), prompt);
    };
    const exactly = (expected: string) => (location: string) => assert.equal(location, expected);
    let x = online;
    let name = 'oauth2init';
    let query = '';
    let cookie = '';
    let location = authorize(online, null);
    switch (scenario) {
      case 'oauth2init: to Google':
        break;
      case 'oauth2init: signed in, to listlabels':
        cookie = `oauth2_session=${online.sealed.session}`;
        location = exactly(`${base}/listlabels`);
        break;
      case 'listlabels: no session, to oauth2init':
        name = 'listlabels';
        location = exactly(`${base}/oauth2init`);
        break;
      case 'listlabels: Gmail refuses the token, to oauth2init':
        online.h.emulator.fault('labels', {status: 401, reason: 'authError'});
        name = 'listlabels';
        cookie = `oauth2_session=${online.sealed.session}`;
        location = exactly(`${base}/oauth2init`);
        break;
      case 'oauth2callback: signed in, to listlabels':
      case 'oauth2callback: no refresh token, to Google with prompt=consent': {
        x = scenario.startsWith('oauth2callback: signed in') ? online : offline;
        const signIn = await startSignIn(x.h);
        name = 'oauth2callback';
        query = signIn.callbackPath.slice(signIn.callbackPath.indexOf('?') + 1);
        cookie = signIn.signInCookie;
        location = x === online ? exactly(`${base}/listlabels`) : authorize(offline, 'consent');
      }
    }
    const parts = [query, ...probe.params].filter(part => part !== '');
    const path = (probe.path ?? `/${name}`) + (parts.length > 0 ? `?${parts.join('&')}` : '');
    const headers = {...probe.headers, accept: 'text/html', ...(cookie === '' ? {} : {cookie})};
    return {x, name, req: {method: 'GET', path, headers}, location};
  }

  async function probe(scenario: Scenario, p: Probe): Promise<void> {
    const {x, name, req, location} = await requestFor(scenario, p);
    const response = await x.send(name, req); // Location from config, no reflection
    x.h.emulator.clearFaults();
    assert.ok(
      response.status === 302 || response.status === 303,
      `${scenario}: ${response.status}`,
    );
    const header = response.headers.location ?? '';
    assert.doesNotMatch(header, /evil/i);
    location(header);
  }

  it('every Location is built from config, whichever proxy header, parameter or path is sent alone', async t => {
    const logs = captureLogs(t);
    const probes = singleProbes();
    let sent = 0;
    for (const scenario of SCENARIOS) {
      for (const p of probes) {
        await probe(scenario, p);
        sent++;
      }
    }
    assertLogsClean(logs, CANARY);
    t.diagnostic(
      `${sent} requests: ${SCENARIOS.length} redirecting answers x ${probes.length} probes`,
    );
  });

  it('every Location is built from config under random mixes of spoofed headers, parameters and paths', async t => {
    const logs = captureLogs(t);
    let sent = 0;
    const probeArb: fc.Arbitrary<Probe> = fc.record({
      headers: hostileHeadersArb(CANARY),
      params: hostileParamsArb(CANARY, REDIRECT_PARAM_NAMES),
      path: fc.option(fc.constantFrom(...hostilePaths(CANARY))),
    });
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...SCENARIOS), probeArb, async (scenario, p) => {
        await probe(scenario, p);
        sent++;
      }),
      {numRuns: 250},
    );
    assertLogsClean(logs, CANARY);
    t.diagnostic(
      `${sent} requests with mixed probes (hosts tried: ${hostileHosts(CANARY).length})`,
    );
  });
});
