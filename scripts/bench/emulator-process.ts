import {startEmulator} from '../../emulator/index.js';

// The benchmark's Google: its own process, so its work does not share a core with the load
// generator. It consents on its own and prints its origin as the first line.
const emulator = await startEmulator();
emulator.autoConsent = {decision: 'allow'};
process.once('SIGTERM', () => void emulator.close());
console.log(emulator.url);
