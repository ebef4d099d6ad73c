import assert from 'node:assert/strict';
import {after, before, describe, it} from 'node:test';
import {startEmulator, type Emulator} from '../emulator/index.js';
import {COOKIE_SECRET} from './support/harness.js';
import {startFramework} from './support/framework-process.js';

// The package's main (build/src/index.js) as the platform loads it, one function per process.
describe('index (functions-framework --target)', () => {
  let emulator: Emulator;
  let env: Record<string, string>;
  before(async () => {
    emulator = await startEmulator();
    env = {
      BASE_URL: 'http://localhost:8080',
      COOKIE_SECRET,
      GOOGLE_EMULATOR_URL: emulator.url,
      GOOGLE_CLIENT_ID: emulator.clients[0]!.clientId,
      GOOGLE_CLIENT_SECRET: emulator.clients[0]!.clientSecret,
    };
  });
  after(() => emulator.close());

  const expectations: {target: string; status: number; location?: RegExp}[] = [
    {
      target: 'oauth2init',
      status: 302,
      location: /\/o\/oauth2\/v2\/auth\?.*client_id=/,
    },
    {target: 'oauth2callback', status: 400},
    {
      target: 'listlabels',
      status: 302,
      location: /^http:\/\/localhost:8080\/oauth2init$/,
    },
  ];
  for (const e of expectations) {
    it(`index serves ${e.target} alone, on every path`, async () => {
      const fn = await startFramework(e.target, env);
      try {
        for (const path of ['/', `/${e.target}`, '/any/other/path?x=1']) {
          const response = await fetch(fn.url + path, {redirect: 'manual'});
          assert.equal(response.status, e.status, path);
          if (e.location) assert.match(response.headers.get('location') ?? '', e.location);
          assert.equal(response.headers.get('cache-control'), 'no-store');
        }
        assert.doesNotMatch(fn.output(), /"severity":"ERROR"/);
      } finally {
        await fn.stop();
      }
    });
  }

  const refusals: {name: string; unset: string}[] = [
    {name: 'COOKIE_SECRET', unset: 'COOKIE_SECRET'},
    {name: 'BASE_URL', unset: 'BASE_URL'},
    {name: 'a client secret', unset: 'GOOGLE_CLIENT_ID'},
  ];
  for (const r of refusals) {
    it(`index refuses to serve when deployed without ${r.name}, with one clear log line`, async () => {
      const deployedEnv: Record<string, string> = {
        ...env,
        K_SERVICE: 'listlabels',
        BASE_URL: 'https://region-project.cloudfunctions.net',
        GOOGLE_EMULATOR_URL: '',
        CLIENT_SECRET_PATH: '/nonexistent/client_secret.json',
      };
      delete deployedEnv[r.unset];
      if (r.unset === 'GOOGLE_CLIENT_ID') delete deployedEnv.GOOGLE_CLIENT_SECRET;
      const fn = await startFramework('listlabels', deployedEnv);
      try {
        const response = await fetch(`${fn.url}/listlabels`, {
          redirect: 'manual',
        });
        assert.equal(response.status, 503);
        assert.match(await response.text(), /not configured/);
        const errors = fn
          .output()
          .split('\n')
          .filter(line => line.includes('"severity":"ERROR"'));
        assert.equal(errors.length, 1, fn.output());
        const entry = JSON.parse(errors[0]!);
        assert.equal(entry.event, 'config_invalid');
        assert.match(entry.message, /^Not serving: /);
        assert.doesNotMatch(
          fn.output(),
          new RegExp(COOKIE_SECRET.slice(0, 12).replace(/[+/]/g, '.')),
        );
      } finally {
        await fn.stop();
      }
    });
  }

  it('index warns, once, when COOKIE_SECRET is missing locally and uses an ephemeral key', async () => {
    const localEnv = {...env};
    delete (localEnv as Record<string, string | undefined>).COOKIE_SECRET;
    const fn = await startFramework('oauth2init', localEnv);
    try {
      assert.equal((await fetch(fn.url, {redirect: 'manual'})).status, 302);
      const warnings = fn
        .output()
        .split('\n')
        .filter(line => line.includes('COOKIE_SECRET is not set'));
      assert.equal(warnings.length, 1);
      assert.equal(JSON.parse(warnings[0]!).severity, 'WARNING');
    } finally {
      await fn.stop();
    }
  });
});
