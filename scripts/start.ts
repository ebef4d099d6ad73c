import {createServer, type Server} from 'node:http';
import {startEmulator, type Emulator} from '../emulator/index.js';
import {ConfigError, loadConfig, type Config} from '../src/config.js';
import {createDevHandler} from './dev-server.js';
import {listen, ListenError} from './start/listen.js';
import {planLocalRun} from './start/local-run.js';

type Env = Readonly<Record<string, string | undefined>>;

/** Time in-flight requests get after Ctrl-C before the process exits anyway. */
const STOP_GRACE_MS = 1_000;

/**
 * `npm start`: the three functions on one origin. With no OAuth client configured and no
 * GOOGLE_EMULATOR_URL, a built-in emulator stands in for Google.
 */
async function main(env: Env = process.env): Promise<void> {
  // Every configuration check comes before the emulator starts: a refusal has nothing to close.
  const run = planLocalRun(env);
  const checked = loadConfig(run.env);
  const emulator = run.builtInEmulator ? await startEmulator() : null;
  try {
    const config = emulator ? Object.freeze({...checked, emulatorUrl: emulator.url}) : checked;
    emulator?.clients[0]?.redirectUris.push(config.redirectUri);
    const server = createServer(createDevHandler(config));
    await listen(server, config.port, env.HOST || '127.0.0.1');
    stopOnSignals(server, emulator);
    printStarted(config, emulator);
  } catch (error) {
    await emulator?.close();
    throw error;
  }
}

function printStarted(config: Config, emulator: Emulator | null): void {
  for (const warning of config.warnings) console.warn(`warning: ${warning}`);
  const google = emulator
    ? `built-in emulator at ${emulator.url} (fake account ${emulator.accounts[0]?.email ?? ''})`
    : config.emulatorUrl
      ? `emulator at ${config.emulatorUrl}, OAuth client ${config.clientId}`
      : `Google, OAuth client ${config.clientId}`;
  console.log(`Signing in with ${google}.`);
  console.log(`Open ${config.baseUrl}/oauth2init`);
  console.log('Ctrl-C to stop.');
}

function stopOnSignals(server: Server, emulator: Emulator | null): void {
  const stop = (): void => {
    server.close();
    server.closeAllConnections();
    void emulator?.close();
    // Sockets a Google client keeps alive must not hold the process open.
    setTimeout(() => process.exit(0), STOP_GRACE_MS).unref();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) console.error(`Configuration error: ${error.message}`);
  else if (error instanceof ListenError) console.error(error.message);
  else console.error(error);
  process.exitCode = 1;
});
