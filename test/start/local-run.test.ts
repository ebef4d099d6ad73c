import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {DEFAULT_CLIENT} from '../../emulator/index.js';
import {ConfigError} from '../../src/config.js';
import {planLocalRun} from '../../scripts/start/local-run.js';

const EMULATOR_CLIENT = {
  GOOGLE_CLIENT_ID: DEFAULT_CLIENT.clientId,
  GOOGLE_CLIENT_SECRET: DEFAULT_CLIENT.clientSecret,
};
const noFile = (): boolean => false;
const clientFileOnDisk = (path: string): boolean => path === './client_secret.json';

describe('planLocalRun()', () => {
  // [what, environment, files on disk, client loadConfig() gets, built-in emulator started]
  const cases: [
    string,
    Record<string, string>,
    (path: string) => boolean,
    Record<string, string>,
    boolean,
  ][] = [
    ['nothing configured', {}, noFile, EMULATOR_CLIENT, true],
    [
      'GOOGLE_EMULATOR_URL alone',
      {GOOGLE_EMULATOR_URL: 'http://127.0.0.1:9090'},
      noFile,
      EMULATOR_CLIENT,
      false,
    ],
    [
      'a client id and secret with GOOGLE_EMULATOR_URL',
      {
        GOOGLE_EMULATOR_URL: 'http://127.0.0.1:9090',
        GOOGLE_CLIENT_ID: 'mine',
        GOOGLE_CLIENT_SECRET: 's',
      },
      noFile,
      {GOOGLE_CLIENT_ID: 'mine', GOOGLE_CLIENT_SECRET: 's'},
      false,
    ],
    [
      'CLIENT_SECRET_PATH with GOOGLE_EMULATOR_URL',
      {GOOGLE_EMULATOR_URL: 'http://127.0.0.1:9090', CLIENT_SECRET_PATH: '/etc/client.json'},
      noFile,
      {},
      false,
    ],
    [
      './client_secret.json with GOOGLE_EMULATOR_URL',
      {GOOGLE_EMULATOR_URL: 'http://127.0.0.1:9090'},
      clientFileOnDisk,
      {},
      false,
    ],
    ['./client_secret.json alone', {}, clientFileOnDisk, {}, false],
    // Half a client is still the user's: loadConfig() then names the missing half.
    [
      'GOOGLE_CLIENT_SECRET alone',
      {GOOGLE_CLIENT_SECRET: 's'},
      noFile,
      {GOOGLE_CLIENT_SECRET: 's'},
      false,
    ],
  ];
  for (const [what, env, fileExists, client, builtIn] of cases) {
    it(`planLocalRun() with ${what}: ${builtIn ? 'built-in emulator' : 'no built-in emulator'}`, () => {
      const run = planLocalRun(env, fileExists);
      assert.equal(run.builtInEmulator, builtIn);
      assert.deepEqual(run.env, {...env, ...client});
    });
  }

  const refused: [Record<string, string>, string, RegExp][] = [
    [{K_SERVICE: 'oauth2init'}, 'K_SERVICE', /npm start runs the functions locally/],
    [{PORT: '0'}, 'PORT', /needs a fixed port/],
  ];
  for (const [env, variable, message] of refused) {
    it(`planLocalRun() refuses ${JSON.stringify(env)} with a ConfigError naming ${variable}`, () => {
      assert.throws(
        () => planLocalRun(env, noFile),
        (error: unknown) =>
          error instanceof ConfigError &&
          error.variable === variable &&
          message.test(error.message),
      );
    });
  }
});
