import {existsSync} from 'node:fs';
import {DEFAULT_CLIENT} from '../../emulator/defaults.js';
import {ConfigError} from '../../src/config.js';

type Env = Readonly<Record<string, string | undefined>>;

/** How `npm start` runs: the environment loadConfig() reads, and whether to start the emulator. */
export interface LocalRun {
  /** The user's environment, plus the emulator's client when none is configured. */
  readonly env: Env;
  /** No client and no GOOGLE_EMULATOR_URL: the built-in emulator stands in for Google. */
  readonly builtInEmulator: boolean;
}

/** config.ts reads this file when CLIENT_SECRET_PATH is unset. */
const DEFAULT_CLIENT_SECRET_PATH = './client_secret.json';

/**
 * Plans a local run, refusing what only makes sense deployed. A configured client always wins,
 * also with GOOGLE_EMULATOR_URL (a stand-in that knows that client); only with no client at all
 * (no GOOGLE_CLIENT_ID/SECRET, no CLIENT_SECRET_PATH, no ./client_secret.json) does the
 * emulator's own client apply.
 */
export function planLocalRun(
  env: Env,
  fileExists: (path: string) => boolean = existsSync,
): LocalRun {
  if (env.K_SERVICE) {
    // config.ts takes K_SERVICE to mean "deployed", and would then refuse what npm start sets.
    throw new ConfigError(
      'K_SERVICE',
      'is set, but npm start runs the functions locally (Cloud Functions sets it when deployed): unset it',
    );
  }
  if (env.PORT === '0') {
    // The redirect URI names the port, so it cannot be picked at random.
    throw new ConfigError('PORT', 'npm start needs a fixed port, got 0 (the default is 8080)');
  }
  const configured =
    Boolean(env.GOOGLE_CLIENT_ID || env.GOOGLE_CLIENT_SECRET || env.CLIENT_SECRET_PATH) ||
    fileExists(DEFAULT_CLIENT_SECRET_PATH);
  if (configured) return {env, builtInEmulator: false};
  return {
    env: {
      ...env,
      GOOGLE_CLIENT_ID: DEFAULT_CLIENT.clientId,
      GOOGLE_CLIENT_SECRET: DEFAULT_CLIENT.clientSecret,
    },
    builtInEmulator: !env.GOOGLE_EMULATOR_URL,
  };
}
