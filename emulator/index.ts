import {createServer, type Server} from 'node:http';
import {copyAccount, copyClient, DEFAULT_ACCOUNT, DEFAULT_CLIENT} from './defaults.js';
import {queueFault, type FaultQueues} from './faults.js';
import {serve} from './server.js';
import {
  createGrant,
  createStore,
  findAccount,
  findClient,
  issueAccessToken,
  type EmulatorContext,
  type Grant,
} from './store.js';
import type {Emulator, EmulatorOptions} from './types.js';

export type {
  ConsentChoice,
  Emulator,
  EmulatorAccount,
  EmulatorClient,
  EmulatorFault,
  EmulatorLabel,
  EmulatorOptions,
  EmulatorRoute,
  RecordedRequest,
} from './types.js';
export {DEFAULT_ACCOUNT, DEFAULT_CLIENT} from './defaults.js';

const MINT_DEFAULT_SCOPE = 'https://www.googleapis.com/auth/gmail.readonly';

function mintGrant(
  ctx: EmulatorContext,
  opts: {clientId?: string; email?: string; scope?: string},
  offline: boolean,
): Grant {
  const {emulator} = ctx;
  const clientId = opts.clientId ?? emulator.clients[0]?.clientId ?? '';
  const client = findClient(emulator, clientId);
  if (client === null) {
    throw new RangeError(`No emulator client with id ${clientId}`);
  }
  const account =
    opts.email === undefined ? emulator.accounts[0] : findAccount(emulator, opts.email);
  if (account === undefined || account === null) {
    throw new RangeError(`No emulator account with email ${opts.email ?? '(default)'}`);
  }
  const scope = opts.scope ?? MINT_DEFAULT_SCOPE;
  return createGrant(ctx.store, {clientId, account, scope, offline});
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}

async function closeServer(server: Server, closing: AbortController): Promise<void> {
  closing.abort();
  if (!server.listening) return;
  const closed = new Promise<void>((resolve, reject) => {
    server.close(error => (error ? reject(error) : resolve()));
  });
  server.closeAllConnections();
  await closed;
}

/** Starts a Google OAuth 2.0 + Gmail stand-in on 127.0.0.1. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const server = createServer();
  await listen(server, options.port ?? 0);
  const address = server.address();
  if (address === null || typeof address === 'string') {
    throw new Error('The emulator server has no TCP address');
  }
  const faults: FaultQueues = new Map();
  const closing = new AbortController();
  const emulator: Emulator = {
    url: `http://127.0.0.1:${address.port}`,
    // Defaults are copied so tests can mutate them freely; given arrays are used as-is.
    clients: options.clients ?? [copyClient(DEFAULT_CLIENT)],
    accounts: options.accounts ?? [copyAccount(DEFAULT_ACCOUNT)],
    requests: [],
    accessTokenTtlSeconds: options.accessTokenTtlSeconds ?? 3599,
    autoConsent: null,
    fault: (route, fault) => queueFault(faults, route, fault),
    clearFaults: () => faults.clear(),
    mintAccessToken: (opts = {}) => {
      const ttl = opts.ttlSeconds ?? emulator.accessTokenTtlSeconds;
      return issueAccessToken(ctx.store, mintGrant(ctx, opts, false), ttl);
    },
    mintRefreshToken: (opts = {}) => mintGrant(ctx, opts, true).refreshToken ?? '',
    close: () => closeServer(server, closing),
  };
  const ctx: EmulatorContext = {
    emulator,
    store: createStore(),
    codeTtlSeconds: options.codeTtlSeconds ?? 600,
  };
  server.on('request', (req, res) => {
    // A write to a dead socket is the only thing serve() can throw on.
    serve(ctx, faults, closing.signal, req, res).catch(() => res.destroy());
  });
  return emulator;
}
