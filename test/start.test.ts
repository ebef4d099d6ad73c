import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import {fileURLToPath} from 'node:url';
import {after, before, describe, it} from 'node:test';
import {startEmulator, type Emulator} from '../emulator/index.js';
import {freePort} from './support/framework-process.js';

const START = fileURLToPath(new URL('../scripts/start.js', import.meta.url));

/** Runs `npm start`'s script until it prints the URL to open; returns what it printed and a stop(). */
async function start(
  env: Record<string, string>,
): Promise<{port: number; printed: string; stop: () => Promise<void>}> {
  const port = await freePort();
  const child = spawn(process.execPath, [START], {
    env: {
      PATH: process.env.PATH ?? '',
      CLIENT_SECRET_PATH: '/nonexistent/client_secret.json',
      PORT: String(port),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let printed = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL printed: ${printed}`)), 15_000);
    const read = (chunk: Buffer): void => {
      printed += String(chunk);
      if (printed.includes('/oauth2init\n')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.once('exit', code => reject(new Error(`exited ${code}: ${printed}`)));
  });
  const stop = async (): Promise<void> => {
    const exited = new Promise(resolve => child.once('exit', resolve));
    child.kill('SIGINT');
    await exited;
  };
  return {port, printed, stop};
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
      assert.match(server.printed, new RegExp(`Open http://localhost:${server.port}/oauth2init`));
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

  it('npm start with GOOGLE_EMULATOR_URL uses that stand-in and its client', async () => {
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

  it('npm start stops with the variable named when the configuration is wrong', async () => {
    await assert.rejects(start({PORT: 'eighty'}), /PORT/);
  });
});
