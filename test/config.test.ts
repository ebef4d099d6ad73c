import {testKey} from './support/keys.js';
import assert from 'node:assert/strict';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {after, describe, it} from 'node:test';
import {ConfigError, loadConfig} from '../src/config.js';

const KEY_A = testKey('a').toString('base64');
const KEY_B = Buffer.concat([testKey('b'), testKey('b2').subarray(0, 16)]).toString('base64url');
const CLIENT = {
  GOOGLE_CLIENT_ID: 'id.apps.googleusercontent.com',
  GOOGLE_CLIENT_SECRET: 'shh',
};
const EXAMPLE_CLIENT_FILE = fileURLToPath(
  new URL('../../client_secret.example.json', import.meta.url),
);
const dir = mkdtempSync(join(tmpdir(), 'config-test-'));

function secretFile(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    return error;
  }
  assert.fail('loadConfig() did not throw');
}

describe('loadConfig()', () => {
  after(() => rmSync(dir, {recursive: true, force: true}));

  it('loadConfig() defaults to localhost:8080 with an ephemeral key and says so', () => {
    const config = loadConfig({...CLIENT});
    assert.equal(config.baseUrl, 'http://localhost:8080');
    assert.equal(config.redirectUri, 'http://localhost:8080/oauth2callback');
    assert.equal(config.secureCookies, false);
    assert.equal(config.cookieSecrets.length, 1);
    assert.equal(config.cookieSecrets[0]?.length, 32);
    assert.match(config.warnings.join('\n'), /COOKIE_SECRET is not set/);
    assert.ok(Object.isFrozen(config));
  });

  it('loadConfig() follows PORT, BASE_URL (trailing slash dropped) and COOKIE_SECRET keys in order', () => {
    const config = loadConfig({
      ...CLIENT,
      PORT: '9000',
      BASE_URL: 'https://example.com/app/',
      COOKIE_SECRET: `${KEY_A}, ${KEY_B}`,
    });
    assert.equal(config.port, 9000);
    assert.equal(config.baseUrl, 'https://example.com/app');
    assert.equal(config.redirectUri, 'https://example.com/app/oauth2callback');
    assert.equal(config.secureCookies, true);
    assert.deepEqual(config.cookieSecrets, [
      Buffer.from(KEY_A, 'base64'),
      Buffer.from(KEY_B, 'base64url'),
    ]);
    assert.deepEqual(config.warnings, []);
  });

  it('loadConfig() reads the web section of the client-secret file', () => {
    const path = secretFile('ok.json', {
      web: {
        client_id: 'file-id',
        client_secret: 'file-secret',
        redirect_uris: ['http://localhost:8080/oauth2callback'],
      },
    });
    const config = loadConfig({CLIENT_SECRET_PATH: path, COOKIE_SECRET: KEY_A});
    assert.equal(config.clientId, 'file-id');
    assert.equal(config.clientSecret, 'file-secret');
    assert.deepEqual(config.warnings, []);
  });

  it('loadConfig() warns when the file does not list our redirect URI', () => {
    const path = secretFile('other-uri.json', {
      web: {
        client_id: 'a',
        client_secret: 'b',
        redirect_uris: ['https://elsewhere/cb'],
      },
    });
    const config = loadConfig({CLIENT_SECRET_PATH: path, COOKIE_SECRET: KEY_A});
    assert.match(
      config.warnings.join('\n'),
      /does not list the redirect URI http:\/\/localhost:8080\/oauth2callback/,
    );
  });

  it('loadConfig() takes the emulator origin only as an origin', () => {
    assert.equal(
      loadConfig({...CLIENT, GOOGLE_EMULATOR_URL: 'http://127.0.0.1:9090'}).emulatorUrl,
      'http://127.0.0.1:9090',
    );
    assert.equal(loadConfig({...CLIENT}).emulatorUrl, null);
  });

  const deployed = {
    K_SERVICE: 'listlabels',
    BASE_URL: 'https://r-p.cloudfunctions.net',
    COOKIE_SECRET: KEY_A,
    ...CLIENT,
  };
  const idOnly: {name: string; env: Record<string, string>; warning: RegExp | null}[] = [
    {name: 'alone', env: {}, warning: null},
    {
      name: 'beside an unreadable CLIENT_SECRET_PATH',
      env: {CLIENT_SECRET_PATH: join(dir, 'absent.json')},
      warning:
        /CLIENT_SECRET_PATH is ignored: GOOGLE_CLIENT_ID is set without GOOGLE_CLIENT_SECRET/,
    },
    {
      name: 'beside a readable CLIENT_SECRET_PATH',
      env: {
        CLIENT_SECRET_PATH: secretFile('present.json', {
          web: {client_id: 'file-id', client_secret: 'file-secret'},
        }),
      },
      warning: /CLIENT_SECRET_PATH is ignored/,
    },
  ];
  for (const c of idOnly) {
    it(`loadConfig() takes GOOGLE_CLIENT_ID ${c.name} as a client without a secret, reading no file`, () => {
      const config = loadConfig({
        ...deployed,
        GOOGLE_CLIENT_ID: 'id-only',
        GOOGLE_CLIENT_SECRET: '',
        ...c.env,
      });
      assert.equal(config.clientId, 'id-only');
      assert.equal(config.clientSecret, null);
      if (c.warning === null) assert.deepEqual(config.warnings, []);
      else assert.match(config.warnings.join('\n'), c.warning);
    });
  }

  const cases: {
    name: string;
    env: Record<string, string>;
    variable: string;
    message: RegExp;
  }[] = [
    {
      name: 'a non-numeric PORT',
      env: {...CLIENT, PORT: '80a'},
      variable: 'PORT',
      message: /port number/,
    },
    {
      name: 'a PORT above 65535',
      env: {...CLIENT, PORT: '70000'},
      variable: 'PORT',
      message: /port number/,
    },
    {
      name: 'a BASE_URL that is not http(s)',
      env: {...CLIENT, BASE_URL: 'ftp://x'},
      variable: 'BASE_URL',
      message: /http\(s\) URL/,
    },
    {
      name: 'a BASE_URL with a query',
      env: {...CLIENT, BASE_URL: 'https://x/?a=1'},
      variable: 'BASE_URL',
      message: /without query/,
    },
    {
      name: 'a short COOKIE_SECRET key',
      env: {...CLIENT, COOKIE_SECRET: Buffer.alloc(16).toString('base64')},
      variable: 'COOKIE_SECRET',
      message: /key 1 must be base64 of at least 32/,
    },
    {
      name: 'a non-base64 second key',
      env: {...CLIENT, COOKIE_SECRET: `${KEY_A},not base64!`},
      variable: 'COOKIE_SECRET',
      message: /key 2/,
    },
    {
      name: 'an emulator URL with a path',
      env: {...CLIENT, GOOGLE_EMULATOR_URL: 'http://127.0.0.1:1/x'},
      variable: 'GOOGLE_EMULATOR_URL',
      message: /origin/,
    },
    {
      name: 'a client secret without id',
      env: {GOOGLE_CLIENT_SECRET: 'x'},
      variable: 'GOOGLE_CLIENT_ID',
      message: /required/,
    },
    {
      name: 'a missing client-secret file',
      env: {CLIENT_SECRET_PATH: join(dir, 'absent.json')},
      variable: 'CLIENT_SECRET_PATH',
      message: /cannot read .*absent\.json/,
    },
    {
      name: 'a file that is not JSON',
      env: {CLIENT_SECRET_PATH: secretFile('bad.json', '{')},
      variable: 'CLIENT_SECRET_PATH',
      message: /not valid JSON/,
    },
    {
      name: 'a Desktop client file',
      env: {
        CLIENT_SECRET_PATH: secretFile('installed.json', {
          installed: {client_id: 'a', client_secret: 'b'},
        }),
      },
      variable: 'CLIENT_SECRET_PATH',
      message: /Desktop app client/,
    },
    {
      name: 'a file without client_secret',
      env: {
        CLIENT_SECRET_PATH: secretFile('nosecret.json', {
          web: {client_id: 'a'},
        }),
      },
      variable: 'CLIENT_SECRET_PATH',
      message: /no web.client_secret/,
    },
    {
      name: "the repository's client_secret.example.json",
      env: {CLIENT_SECRET_PATH: EXAMPLE_CLIENT_FILE},
      variable: 'CLIENT_SECRET_PATH',
      message:
        /client_secret\.example\.json is the example \(client_secret\.example\.json\); download your own/,
    },
    {
      name: 'an https BASE_URL without COOKIE_SECRET, off Cloud Functions',
      env: {...CLIENT, BASE_URL: 'https://labels.example.com'},
      variable: 'COOKIE_SECRET',
      message: /required with an https BASE_URL; make one with: openssl rand -base64 32/,
    },
    {
      name: 'deployed without COOKIE_SECRET',
      env: {...deployed, COOKIE_SECRET: ''},
      variable: 'COOKIE_SECRET',
      message: /required when deployed/,
    },
    {
      name: 'deployed without BASE_URL',
      env: {...deployed, BASE_URL: ''},
      variable: 'BASE_URL',
      message: /required when deployed/,
    },
    {
      name: 'deployed on http',
      env: {...deployed, BASE_URL: 'http://r-p.cloudfunctions.net'},
      variable: 'BASE_URL',
      message: /https when deployed/,
    },
    {
      name: 'deployed without a client secret',
      env: {
        ...deployed,
        GOOGLE_CLIENT_ID: '',
        GOOGLE_CLIENT_SECRET: '',
        CLIENT_SECRET_PATH: join(dir, 'absent.json'),
      },
      variable: 'CLIENT_SECRET_PATH',
      message: /cannot read/,
    },
    {
      name: "deployed with Google's library debug logging on",
      env: {...deployed, GOOGLE_SDK_NODE_LOGGING: 'auth'},
      variable: 'GOOGLE_SDK_NODE_LOGGING',
      message: /print token responses/,
    },
    {
      name: 'deployed with an emulator',
      env: {...deployed, GOOGLE_EMULATOR_URL: 'http://127.0.0.1:1'},
      variable: 'GOOGLE_EMULATOR_URL',
      message: /not be set when deployed/,
    },
    {
      name: 'an unknown ACCESS_TYPE',
      env: {...CLIENT, ACCESS_TYPE: 'forever'},
      variable: 'ACCESS_TYPE',
      message: /"online" or "offline"/,
    },
    {
      name: 'an unknown SESSION_STORE',
      env: {...CLIENT, SESSION_STORE: 'redis'},
      variable: 'SESSION_STORE',
      message: /"cookie" or "firestore", got "redis"/,
    },
    {
      name: 'SESSION_STORE=firestore without a project or an emulator',
      env: {...CLIENT, SESSION_STORE: 'firestore'},
      variable: 'GOOGLE_CLOUD_PROJECT',
      message: /required with SESSION_STORE=firestore/,
    },
    {
      name: 'a Firestore emulator when deployed',
      env: {
        ...deployed,
        SESSION_STORE: 'firestore',
        GOOGLE_CLOUD_PROJECT: 'my-project-1',
        FIRESTORE_EMULATOR_HOST: '127.0.0.1:8085',
      },
      variable: 'FIRESTORE_EMULATOR_HOST',
      message: /not be set when deployed/,
    },
    {
      name: 'a remote or malformed Firestore emulator',
      env: {...CLIENT, SESSION_STORE: 'firestore', FIRESTORE_EMULATOR_HOST: 'db.example.com:8085'},
      variable: 'FIRESTORE_EMULATOR_HOST',
      message: /host:port on this machine/,
    },
    {
      name: 'a malformed FIRESTORE_DATABASE',
      env: {
        ...CLIENT,
        SESSION_STORE: 'firestore',
        GOOGLE_CLOUD_PROJECT: 'my-project-1',
        FIRESTORE_DATABASE: 'Sessions!',
      },
      variable: 'FIRESTORE_DATABASE',
      message: /database id/,
    },
    {
      name: 'a malformed project id',
      env: {...CLIENT, GOOGLE_CLOUD_PROJECT: 'My Project'},
      variable: 'GOOGLE_CLOUD_PROJECT',
      message: /project id/,
    },
  ];
  for (const c of cases) {
    it(`loadConfig() names ${c.variable} for ${c.name}`, () => {
      const error = configError(c.env);
      assert.equal(error.variable, c.variable);
      assert.equal(error.name, 'ConfigError');
      assert.match(error.message, c.message);
    });
  }

  it('loadConfig() never puts a secret value in its errors', () => {
    const error = configError({
      GOOGLE_CLIENT_ID: 'x',
      GOOGLE_CLIENT_SECRET: 'sentinel-client-secret',
      COOKIE_SECRET: 'sentinel-cookie-key',
    });
    assert.doesNotMatch(error.message, /sentinel/);
  });

  it('loadConfig() reads ACCESS_TYPE (online by default) and GOOGLE_CLOUD_PROJECT', () => {
    assert.equal(loadConfig({...CLIENT}).accessType, 'online');
    assert.equal(loadConfig({...CLIENT, ACCESS_TYPE: 'offline'}).accessType, 'offline');
    assert.equal(loadConfig({...CLIENT}).projectId, null);
    assert.equal(
      loadConfig({...CLIENT, GOOGLE_CLOUD_PROJECT: 'my-project-1'}).projectId,
      'my-project-1',
    );
  });

  it('loadConfig() reads SESSION_STORE (cookie by default) and, for firestore, the project, database and emulator', () => {
    const cookie = loadConfig({...CLIENT});
    assert.equal(cookie.sessionStore, 'cookie');
    assert.equal(cookie.firestore, null);
    const emulated = loadConfig({
      ...CLIENT,
      SESSION_STORE: 'firestore',
      FIRESTORE_EMULATOR_HOST: '127.0.0.1:8085',
    });
    assert.equal(emulated.sessionStore, 'firestore');
    assert.deepEqual(emulated.firestore, {
      projectId: 'demo-oauth',
      databaseId: '(default)',
      emulatorHost: '127.0.0.1:8085',
    });
    assert.equal(emulated.sessionCacheMs, 5000);
    const google = loadConfig({
      ...CLIENT,
      SESSION_STORE: 'firestore',
      GOOGLE_CLOUD_PROJECT: 'my-project-1',
      FIRESTORE_DATABASE: 'sessions',
    });
    assert.deepEqual(google.firestore, {
      projectId: 'my-project-1',
      databaseId: 'sessions',
      emulatorHost: null,
    });
  });

  it("loadConfig() warns, locally, that GOOGLE_SDK_NODE_LOGGING makes Google's libraries print token responses", () => {
    const config = loadConfig({...CLIENT, GOOGLE_SDK_NODE_LOGGING: '*', COOKIE_SECRET: KEY_A});
    assert.match(config.warnings.join('\n'), /GOOGLE_SDK_NODE_LOGGING is set/);
  });

  it('loadConfig() accepts a complete deployed configuration without warnings', () => {
    const config = loadConfig(deployed);
    assert.equal(config.deployed, true);
    assert.deepEqual(config.warnings, []);
  });
});
