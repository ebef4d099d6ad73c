import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {ConfigError, loadConfig} from '../src/config.js';
import {testKey} from './support/keys.js';

// Not deployed (no K_SERVICE): the rules below hold on a laptop and on any other host too.
const CLIENT = {GOOGLE_CLIENT_ID: 'id.apps.googleusercontent.com', GOOGLE_CLIENT_SECRET: 'shh'};
const KEY = testKey('config-values').toString('base64');
const DAY_MS = 86_400_000;
const OPENSSL_HINT = /make one with: openssl rand -base64 32/;

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig({...CLIENT, ...env});
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    return error;
  }
  assert.fail('loadConfig() did not throw');
}

describe('COOKIE_SECRET keys that are not random', () => {
  const notRandom: [name: string, value: string, key: number][] = [
    ['32 zero bytes', Buffer.alloc(32).toString('base64'), 1],
    [
      'a repeated 4-byte pattern',
      Buffer.alloc(32, Buffer.from('deadbeef', 'hex')).toString('base64'),
      1,
    ],
    ['a passphrase typed as base64', 'correcthorsebatterystaplecorrecthorsebattery', 1],
    [
      'a password encoded as base64',
      Buffer.from('my super secret cookie password!').toString('base64'),
      1,
    ],
    ['32 zero bytes after a good key', `${KEY},${Buffer.alloc(32).toString('base64')}`, 2],
  ];
  for (const [name, value, key] of notRandom) {
    it(`loadConfig() refuses ${name} as COOKIE_SECRET, with the openssl command`, () => {
      const error = configError({COOKIE_SECRET: value});
      assert.equal(error.variable, 'COOKIE_SECRET');
      assert.match(error.message, new RegExp(`key ${key} is not random enough`));
      assert.match(error.message, OPENSSL_HINT);
      assert.ok(!error.message.includes(value), 'the key is not quoted');
    });
  }
});

describe('GOOGLE_EMULATOR_URL off this machine', () => {
  const refused: [url: string, host: string][] = [
    ['http://10.0.0.5:9090', '10.0.0.5'],
    ['https://emulator.example.com', 'emulator.example.com'],
    ['http://localhost.example.com:9090', 'localhost.example.com'],
    ['http://127.0.0.1.nip.io:9090', '127.0.0.1.nip.io'],
  ];
  for (const [url, host] of refused) {
    it(`loadConfig() refuses ${url} as GOOGLE_EMULATOR_URL, naming GOOGLE_EMULATOR_ALLOW_REMOTE=1`, () => {
      const error = configError({GOOGLE_EMULATOR_URL: url});
      assert.equal(error.variable, 'GOOGLE_EMULATOR_URL');
      assert.ok(error.message.includes(`got "${host}"`), error.message);
      assert.match(error.message, /the client secret is sent to it/);
      assert.match(error.message, /set GOOGLE_EMULATOR_ALLOW_REMOTE=1 if that host is meant/);
    });
  }

  const accepted: [url: string, allowRemote: string | undefined][] = [
    ['http://localhost:9090', undefined],
    ['http://127.0.0.1:9090', undefined],
    ['http://127.1.2.3:9090', undefined],
    ['http://[::1]:9090', undefined],
    ['http://10.0.0.5:9090', '1'],
    ['http://10.0.0.5:9090', 'true'],
  ];
  for (const [url, allowRemote] of accepted) {
    const opt =
      allowRemote === undefined ? '' : ` with GOOGLE_EMULATOR_ALLOW_REMOTE=${allowRemote}`;
    it(`loadConfig() takes ${url} as GOOGLE_EMULATOR_URL${opt}`, () => {
      const env = {GOOGLE_EMULATOR_URL: url, COOKIE_SECRET: KEY};
      if (allowRemote !== undefined)
        Object.assign(env, {GOOGLE_EMULATOR_ALLOW_REMOTE: allowRemote});
      assert.equal(loadConfig({...CLIENT, ...env}).emulatorUrl, url);
    });
  }

  it('loadConfig() refuses a GOOGLE_EMULATOR_ALLOW_REMOTE other than 1/true/0/false', () => {
    const error = configError({
      GOOGLE_EMULATOR_URL: 'http://10.0.0.5:9090',
      GOOGLE_EMULATOR_ALLOW_REMOTE: 'bogus',
    });
    assert.equal(error.variable, 'GOOGLE_EMULATOR_ALLOW_REMOTE');
    assert.match(error.message, /expected 1 or 0, got "bogus"/);
  });
});

describe('SESSION_LIFETIME_DAYS', () => {
  const accepted: [value: string | undefined, days: number][] = [
    [undefined, 30],
    ['', 30],
    ['1', 1],
    ['7', 7],
    ['400', 400],
  ];
  for (const [value, days] of accepted) {
    it(`loadConfig() reads SESSION_LIFETIME_DAYS=${JSON.stringify(value ?? null)} as ${days} days`, () => {
      const env = value === undefined ? {} : {SESSION_LIFETIME_DAYS: value};
      assert.equal(loadConfig({...CLIENT, ...env}).sessionLifetimeMs, days * DAY_MS);
    });
  }

  for (const value of ['0', '401', '7d', '-1', '1.5', ' 7', '0x10']) {
    it(`loadConfig() refuses SESSION_LIFETIME_DAYS=${JSON.stringify(value)}, naming the range`, () => {
      const error = configError({SESSION_LIFETIME_DAYS: value});
      assert.equal(error.variable, 'SESSION_LIFETIME_DAYS');
      assert.ok(
        error.message.includes(`expected whole days from 1 to 400, got "${value}"`),
        error.message,
      );
    });
  }
});
