// Runs the whole fault matrix again, as an API client (JSON) and with sentinel secrets, in its own
// process so that test/log.test.ts can read everything it printed. argv[2]: where to write the
// secrets to look for; argv[3]: the session mode (cookie or firestore). A row that fails its
// assertions fails the process.
import {FAULT_MATRIX, MATRIX_CONFIG} from './fault-matrix.js';
import {runFaultRow} from './fault-row.js';
import {signIn} from './harness.js';
import {createSecretCollector, scenarioMode, startSentinelHarness} from './sentinels.js';

const h = await startSentinelHarness(MATRIX_CONFIG, scenarioMode());
try {
  const secrets = createSecretCollector(h.config);
  const session = await signIn(h);
  secrets.cookies(session);
  for (const row of FAULT_MATRIX) {
    const remember = (cookie: string): void => secrets.cookies(cookie);
    await runFaultRow(h, row, {json: true, session, remember}).catch((error: unknown) => {
      throw new Error(`fault matrix row "${row.call}: ${row.fault}" failed`, {cause: error});
    });
  }
  await secrets.write(h.emulator, process.argv[2]!);
} finally {
  await h.emulator.close();
}
