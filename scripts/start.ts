import {DEFAULT_CLIENT, startEmulator, type Emulator} from '../emulator/index.js';
import {ConfigError, loadConfig} from '../src/config.js';
import {createServer} from 'node:http';
import {createDevHandler} from './dev-server.js';

type Env = Record<string, string | undefined>;

/**
 * `npm start`: the three functions on one origin. Without Google credentials (no client secret
 * and no GOOGLE_EMULATOR_URL) a built-in emulator stands in for Google.
 */
async function main(env: Env = {...process.env}): Promise<void> {
  let emulator: Emulator | null = null;
  if (!env.GOOGLE_EMULATOR_URL && lacksCredentials(env)) {
    emulator = await startEmulator();
    env.GOOGLE_EMULATOR_URL = emulator.url;
  }
  if (env.GOOGLE_EMULATOR_URL && !env.GOOGLE_CLIENT_ID) {
    // The stand-in knows its own client, whatever client secret is on disk.
    env.GOOGLE_CLIENT_ID = DEFAULT_CLIENT.clientId;
    env.GOOGLE_CLIENT_SECRET = DEFAULT_CLIENT.clientSecret;
  }
  const config = loadConfig(env);
  emulator?.clients[0]?.redirectUris.push(config.redirectUri);
  for (const warning of config.warnings) console.warn(`warning: ${warning}`);

  const server = createServer(createDevHandler(config));
  server.listen(config.port, env.HOST || '127.0.0.1', () => {
    const google = emulator
      ? `built-in emulator at ${emulator.url} (fake account ${emulator.accounts[0]?.email ?? ''})`
      : config.emulatorUrl
        ? `emulator at ${config.emulatorUrl}`
        : `Google, OAuth client ${config.clientId}`;
    console.log(`Signing in with ${google}.`);
    console.log(`Open ${config.baseUrl}/oauth2init`);
  });
  const stop = (): void => {
    server.close();
    server.closeAllConnections();
    void emulator?.close();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

function lacksCredentials(env: Env): boolean {
  try {
    loadConfig(env);
    return false;
  } catch (error) {
    if (error instanceof ConfigError && error.variable === 'CLIENT_SECRET_PATH' && error.missing)
      return true;
    throw error;
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? `Configuration error: ${error.message}` : error);
  process.exitCode = 1;
});
