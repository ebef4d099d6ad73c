import assert from 'node:assert/strict';
import {cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync} from 'node:fs';
import {createServer} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {after, before, describe, it} from 'node:test';
import {startEmulator, type Emulator, type EmulatorClient} from '../emulator/index.js';
import {freePort} from './support/framework-process.js';
import {signalGroup, spawnStart, type StartProcess} from './support/start-process.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const STARTED = 'Ctrl-C to stop.\n';
// Where npm start runs unless a test needs files beside it: no ./client_secret.json.
const EMPTY = mkdtempSync(join(tmpdir(), 'start-cwd-'));
after(() => rmSync(EMPTY, {recursive: true}));

/** Runs `npm start`'s script until it prints that it has started; returns it and its port. */
async function start(
  env: Record<string, string>,
  cwd = EMPTY,
): Promise<{port: number; printed: string; stop: () => Promise<void>}> {
  const port = Number(env.PORT ?? (await freePort()));
  const server = spawnStart({PORT: String(port), ...env}, cwd);
  try {
    await server.printed(STARTED);
  } catch (error) {
    signalGroup(server, 'SIGKILL');
    throw error;
  }
  return {port, printed: server.stdout() + server.stderr(), stop: () => stopped(server)};
}

/** Ctrl-C, as a terminal sends it; checks the process goes quietly and quickly. */
async function stopped(server: StartProcess): Promise<void> {
  const sent = Date.now();
  signalGroup(server, 'SIGINT');
  const code = await server.exited(3_000);
  // npm passes the signal on and then dies of it, which a shell reports as 130.
  assert.ok([0, 130, 'SIGINT'].includes(code), `exit code ${code} after Ctrl-C`);
  assert.ok(Date.now() - sent < 2_000, `stopped after ${Date.now() - sent} ms`);
  assert.doesNotMatch(server.stderr(), /\n\s+at /, 'no stack trace');
}

describe('npm start', () => {
  let external: Emulator;
  before(async () => {
    external = await startEmulator();
  });
  after(() => external.close());

  it('npm start without credentials starts the built-in emulator and prints the URL to open', async () => {
    const server = await start({});
    try {
      assert.match(
        server.printed,
        /Signing in with built-in emulator at http:\/\/127\.0\.0\.1:\d+ \(fake account /,
      );
      assert.match(server.printed, new RegExp(`Open http://localhost:${server.port}/oauth2init\n`));
      assert.match(server.printed, /Ctrl-C to stop\./);
      assert.match(server.printed, /COOKIE_SECRET is not set/);
      const init = await fetch(`http://127.0.0.1:${server.port}/oauth2init`, {
        redirect: 'manual',
      });
      assert.equal(init.status, 302);
      const consent = await fetch(init.headers.get('location')!);
      assert.equal(consent.status, 200, 'the emulator knows our redirect URI');
      assert.match(await consent.text(), /Allow/);
      const labels = await fetch(`http://127.0.0.1:${server.port}/listlabels`, {
        redirect: 'manual',
      });
      assert.equal(labels.headers.get('location'), `http://localhost:${server.port}/oauth2init`);
    } finally {
      await server.stop();
    }
  });

  it('npm start with a client id and secret sends users to Google', async () => {
    const server = await start({
      GOOGLE_CLIENT_ID: 'real-id.apps.googleusercontent.com',
      GOOGLE_CLIENT_SECRET: 'real-secret',
    });
    try {
      assert.match(
        server.printed,
        /Signing in with Google, OAuth client real-id\.apps\.googleusercontent\.com/,
      );
      assert.doesNotMatch(server.printed, /real-secret/);
      const init = await fetch(`http://127.0.0.1:${server.port}/oauth2init`, {
        redirect: 'manual',
      });
      const location = new URL(init.headers.get('location')!);
      assert.equal(
        location.origin + location.pathname,
        'https://accounts.google.com/o/oauth2/v2/auth',
      );
      assert.equal(location.searchParams.get('client_id'), 'real-id.apps.googleusercontent.com');
    } finally {
      await server.stop();
    }
  });

  it('npm start with GOOGLE_EMULATOR_URL and no client uses that stand-in and its client', async () => {
    const server = await start({GOOGLE_EMULATOR_URL: external.url});
    try {
      assert.match(server.printed, new RegExp(`Signing in with emulator at ${external.url}`));
      const init = await fetch(`http://127.0.0.1:${server.port}/oauth2init`, {
        redirect: 'manual',
      });
      const location = new URL(init.headers.get('location')!);
      assert.equal(location.origin, external.url);
      assert.equal(location.searchParams.get('client_id'), external.clients[0]!.clientId);
    } finally {
      await server.stop();
    }
  });
});

describe('npm start with GOOGLE_EMULATOR_URL and a configured client', () => {
  const clientFile = (client: EmulatorClient): string =>
    JSON.stringify({web: {client_id: client.clientId, client_secret: client.clientSecret}});
  // Each way of configuring a client; `file` is written into the folder npm start runs in.
  const cases: {
    name: string;
    env: (client: EmulatorClient, dir: string) => Record<string, string>;
    file?: string;
  }[] = [
    {
      name: 'GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET',
      env: client => ({
        GOOGLE_CLIENT_ID: client.clientId,
        GOOGLE_CLIENT_SECRET: client.clientSecret,
      }),
    },
    {
      name: 'CLIENT_SECRET_PATH',
      env: (_, dir) => ({CLIENT_SECRET_PATH: join(dir, 'my-client.json')}),
      file: 'my-client.json',
    },
    {name: './client_secret.json', env: () => ({}), file: 'client_secret.json'},
  ];
  for (const {name, env, file} of cases) {
    it(`npm start signs in with the client from ${name}, not the emulator's own`, async () => {
      const port = await freePort();
      const client: EmulatorClient = {
        clientId: 'configured-client.apps.googleusercontent.com',
        clientSecret: 'configured-secret',
        redirectUris: [`http://localhost:${port}/oauth2callback`],
      };
      const standIn = await startEmulator({clients: [client]});
      standIn.autoConsent = {decision: 'allow'};
      const dir = mkdtempSync(join(tmpdir(), 'start-client-'));
      if (file !== undefined) writeFileSync(join(dir, file), clientFile(client));
      const server = await start(
        {PORT: String(port), GOOGLE_EMULATOR_URL: standIn.url, ...env(client, dir)},
        dir,
      );
      try {
        assert.match(
          server.printed,
          /OAuth client configured-client\.apps\.googleusercontent\.com/,
        );
        const origin = `http://127.0.0.1:${port}`;
        const init = await fetch(`${origin}/oauth2init`, {redirect: 'manual'});
        const authorize = new URL(init.headers.get('location')!);
        assert.equal(authorize.origin, standIn.url);
        assert.equal(authorize.searchParams.get('client_id'), client.clientId);
        const consent = await fetch(authorize, {redirect: 'manual'});
        const callback = new URL(consent.headers.get('location')!);
        assert.equal(callback.searchParams.get('error'), null, callback.href);
        const signIn = init.headers.getSetCookie().map(c => c.split(';')[0]);
        const back = await fetch(`${origin}${callback.pathname}${callback.search}`, {
          redirect: 'manual',
          headers: {cookie: signIn.join('; ')},
        });
        assert.equal(back.status, 303, 'the code exchange with the configured client succeeded');
        assert.equal(back.headers.get('location'), `http://localhost:${port}/listlabels`);
        const session = back.headers.getSetCookie().map(c => c.split(';')[0]);
        const labels = await fetch(`${origin}/listlabels`, {
          headers: {cookie: session.join('; '), accept: 'application/json'},
        });
        assert.equal(labels.status, 200);
        const body: unknown = await labels.json();
        assert.ok(typeof body === 'object' && body !== null && 'count' in body);
        assert.equal(body.count, standIn.accounts[0]!.labels.length);
      } finally {
        await server.stop();
        await standIn.close();
        rmSync(dir, {recursive: true, force: true});
      }
    });
  }
});

describe('npm start refusing to start', () => {
  // Each refusal: exits by itself, non-zero, with one line on stderr naming what to change.
  const refusals: [env: Record<string, string>, line: RegExp][] = [
    [{COOKIE_SECRET: 'abc123'}, /^Configuration error: COOKIE_SECRET: /],
    [
      {COOKIE_SECRET: Buffer.alloc(32).toString('base64')},
      /^Configuration error: COOKIE_SECRET: key 1 is not random enough .*openssl rand -base64 32$/,
    ],
    [
      {GOOGLE_EMULATOR_URL: 'http://10.0.0.5:9090'},
      /^Configuration error: GOOGLE_EMULATOR_URL: must be on this machine .*GOOGLE_EMULATOR_ALLOW_REMOTE=1/,
    ],
    [
      {BASE_URL: 'https://labels.example.com'},
      /^Configuration error: COOKIE_SECRET: is required with an https BASE_URL; make one with: openssl rand -base64 32$/,
    ],
    [
      {SESSION_LIFETIME_DAYS: '0'},
      /^Configuration error: SESSION_LIFETIME_DAYS: expected whole days from 1 to 400, got "0"$/,
    ],
    [
      {CLIENT_SECRET_PATH: join(ROOT, 'client_secret.example.json')},
      /^Configuration error: CLIENT_SECRET_PATH: .*client_secret\.example\.json is the example/,
    ],
    [{ACCESS_TYPE: 'bogus'}, /^Configuration error: ACCESS_TYPE: expected "online" or "offline"/],
    [{GOOGLE_CLOUD_PROJECT: 'Bad_Proj'}, /^Configuration error: GOOGLE_CLOUD_PROJECT: /],
    [{K_SERVICE: 'oauth2init'}, /^Configuration error: K_SERVICE: is set, but npm start runs/],
    [{PORT: 'eighty'}, /^Configuration error: PORT: expected a port number/],
    [{PORT: '0'}, /^Configuration error: PORT: npm start needs a fixed port/],
    [
      {CLIENT_SECRET_PATH: '/nonexistent/client.json'},
      /^Configuration error: CLIENT_SECRET_PATH: /,
    ],
    [
      {HOST: '192.0.2.1'},
      /^HOST 192\.0\.2\.1 is not an address of this machine; .*HOST=0\.0\.0\.0/,
    ],
  ];
  for (const [env, line] of refusals) {
    it(`npm start with ${JSON.stringify(env)} exits 1 with one line`, async () => {
      const server = spawnStart({PORT: String(await freePort()), ...env}, EMPTY);
      try {
        assert.equal(await server.exited(5_000), 1);
        assert.equal(server.stdout(), '');
        const lines = server.stderr().split('\n').filter(Boolean);
        assert.equal(lines.length, 1, server.stderr());
        assert.match(lines[0]!, line);
      } finally {
        signalGroup(server, 'SIGKILL');
      }
    });
  }

  it('npm start on a port in use exits 1 with one line naming PORT=', async () => {
    const other = createServer();
    await new Promise<void>(resolve => other.listen(0, '127.0.0.1', resolve));
    const address = other.address();
    assert.ok(address !== null && typeof address === 'object');
    const server = spawnStart({PORT: String(address.port)}, EMPTY);
    try {
      assert.equal(await server.exited(5_000), 1);
      assert.equal(
        server.stderr(),
        `Port ${address.port} is in use; stop the other server or choose another port: PORT=${address.port + 1} npm start\n`,
      );
      assert.equal(server.stdout(), '');
    } finally {
      signalGroup(server, 'SIGKILL');
      await new Promise(resolve => other.close(resolve));
    }
  });
});

describe('npm start and npm run dev from package.json', () => {
  // A copy of the sources without tsconfig.json or build/: npm start must not need tsc.
  const dir = mkdtempSync(join(tmpdir(), 'start-tree-'));
  before(() => {
    for (const part of ['package.json', 'scripts', 'src', 'emulator']) {
      cpSync(join(ROOT, part), join(dir, part), {recursive: true});
    }
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  });
  after(() => rmSync(dir, {recursive: true, force: true}));

  it('npm start bundles and serves without a type check, printing the URL in seconds', async t => {
    const port = await freePort();
    const began = Date.now();
    const server = spawnStart({PORT: String(port)}, dir, ['npm', 'start']);
    try {
      await server.printed(STARTED, 15_000);
      t.diagnostic(`URL on screen ${Date.now() - began} ms after npm start`);
      assert.match(server.stdout(), new RegExp(`Open http://localhost:${port}/oauth2init`));
      const init = await fetch(`http://127.0.0.1:${port}/oauth2init`, {redirect: 'manual'});
      assert.equal(init.status, 302);
    } finally {
      await stopped(server);
    }
  });

  it('npm run dev restarts the server when a source file changes', async () => {
    const port = await freePort();
    const server = spawnStart({PORT: String(port)}, dir, ['npm', 'run', 'dev']);
    try {
      await server.printed('(fake account alex@example.com)');
      await server.printed(STARTED);
      const defaults = join(dir, 'emulator', 'defaults.ts');
      const source = readFileSync(defaults, 'utf8');
      writeFileSync(defaults, source.replace("'alex@example.com'", "'sam@example.com'"));
      await server.printed('(fake account sam@example.com)', 10_000);
      await server.printed(`Open http://localhost:${port}/oauth2init`);
    } finally {
      await stopped(server);
    }
  });
});
