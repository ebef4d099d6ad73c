import {parseArgs} from 'node:util';
import {DEFAULT_CLIENT, startEmulator} from './index.js';

/** The port from `--port N` (0, the default, picks a free one). */
function parsePort(argv: string[]): number {
  const {values} = parseArgs({args: argv, options: {port: {type: 'string'}}});
  if (values.port === undefined) return 0;
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new RangeError(`--port must be an integer from 0 to 65535, got ${values.port}`);
  }
  return port;
}

async function main(argv: string[]): Promise<void> {
  const emulator = await startEmulator({port: parsePort(argv)});
  const stop = (): void => {
    void emulator.close();
  };
  // Handlers go first: whoever reads the line below may signal at once.
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  // The client secret stays out of logs, even a fake one.
  console.log(
    `Google emulator listening on ${emulator.url} (client_id ${DEFAULT_CLIENT.clientId})`,
  );
}

try {
  await main(process.argv.slice(2));
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
