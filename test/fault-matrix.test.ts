import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {after, afterEach, before, describe, it} from 'node:test';
import {fileURLToPath} from 'node:url';
import {
  attemptsText,
  FAULT_MATRIX,
  faultMatrixMarkdown,
  FAULTS,
  MATRIX_CONFIG,
  SIGN_IN_AGAIN,
  type FaultRow,
} from './support/fault-matrix.js';
import {runFaultRow} from './support/fault-row.js';
import {signIn, startHarness, type Harness} from './support/harness.js';
import {modeConfig, SESSION_MODES, skipForMode} from './support/session-modes.js';

const WHO: Readonly<Record<FaultRow['call'], string>> = {
  exchange: 'oauth2callback',
  refresh: 'listlabels',
  gmail: 'listlabels',
};
const WHERE: Readonly<Record<FaultRow['call'], string>> = {
  exchange: 'the token endpoint (code exchange)',
  refresh: 'the token endpoint (refresh)',
  gmail: 'Gmail',
};

/** The row as a test name: what answers what, when which call fails how. */
function describeRow(row: FaultRow): string {
  const outcome = row.outcome === SIGN_IN_AGAIN ? 'sign in again' : row.outcome.error;
  return (
    `${WHO[row.call]} answers ${row.status} ${outcome} (${attemptsText(row)}, session ` +
    `${row.session}) when ${WHERE[row.call]} sends ${row.fault}`
  );
}

describe('fault matrix', () => {
  it('FAULT_MATRIX uses every fault, and each fault once per call', () => {
    const used = FAULT_MATRIX.map(row => row.fault);
    assert.deepEqual(new Set(used), new Set(Object.keys(FAULTS)));
    const pairs = FAULT_MATRIX.map(row => `${row.call} ${row.fault}`);
    assert.equal(new Set(pairs).size, pairs.length);
  });

  it("docs/reliability.md's fault table is this matrix, row for row", () => {
    const doc = new URL('../../docs/reliability.md', import.meta.url);
    const text = readFileSync(fileURLToPath(doc), 'utf8');
    assert.ok(
      text.includes(faultMatrixMarkdown()),
      'docs/reliability.md: paste faultMatrixMarkdown()',
    );
  });
});

for (const mode of SESSION_MODES) {
  describe(`fault matrix with ${mode} sessions`, {skip: skipForMode(mode)}, () => {
    let h: Harness;
    let session: string;
    before(async () => {
      h = await startHarness({...MATRIX_CONFIG, ...modeConfig(mode)});
      session = await signIn(h);
    });
    afterEach(() => h.emulator.clearFaults());
    after(() => h.emulator.close());

    for (const row of FAULT_MATRIX) {
      it(`${describeRow(row)} (${mode} sessions)`, () =>
        runFaultRow(h, row, {json: false, session}));
    }
  });
}
