import {createServer, type Server} from 'node:http';
import type {AddressInfo} from 'node:net';
import {startEmulator, type Emulator, type EmulatorOptions} from '../../emulator/index.js';
import {loadConfig, type Config} from '../../src/config.js';
import {createDevHandler} from '../../scripts/dev-server.js';
import {COOKIE_SECRET, withFirestoreProject} from './harness.js';

/** The three functions on one origin (as `npm start` serves them) plus an emulator, on free ports. */
export interface DevOrigin {
  readonly baseUrl: string;
  /** The same server as `http://127.0.0.1:PORT`, for clients that should not resolve `localhost`. */
  readonly serverUrl: string;
  readonly config: Config;
  readonly emulator: Emulator;
  close(): Promise<void>;
}

/**
 * Starts both on 127.0.0.1. The functions are addressed as `localhost` and the emulator as
 * `127.0.0.1`, so the browser sees two sites, as with Google (SameSite=Lax is exercised).
 */
export async function startDevOrigin(
  overrides: Partial<Config> = {},
  emulatorOptions: EmulatorOptions = {},
): Promise<DevOrigin> {
  // SESSION_STORE=firestore as npm start runs it: sessions in this process's Firestore emulator.
  overrides = await withFirestoreProject(overrides);
  const emulator = await startEmulator(emulatorOptions);
  const server: Server = createServer();
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const {port} = server.address() as AddressInfo;
  const client = emulator.clients[0]!;
  const config = Object.freeze({
    ...loadConfig({
      BASE_URL: `http://localhost:${port}`,
      COOKIE_SECRET,
      GOOGLE_EMULATOR_URL: emulator.url,
      GOOGLE_CLIENT_ID: client.clientId,
      GOOGLE_CLIENT_SECRET: client.clientSecret,
    }),
    ...overrides,
  });
  client.redirectUris.push(config.redirectUri);
  server.on('request', createDevHandler(config));
  return {
    baseUrl: config.baseUrl,
    serverUrl: `http://127.0.0.1:${port}`,
    config,
    emulator,
    async close() {
      server.closeAllConnections();
      await new Promise(resolve => server.close(resolve));
      await emulator.close();
    },
  };
}
