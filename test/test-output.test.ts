import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {fileURLToPath} from 'node:url';
import {describe, it} from 'node:test';

const PRELOAD = fileURLToPath(new URL('./support/test-output.js', import.meta.url));
const FIXTURE = fileURLToPath(new URL('./support/test-output-fixture.js', import.meta.url));

/** Runs the fixture test file as `npm test` runs test files: what a person sees. */
function runFixture(preload: boolean): string {
  const run = spawnSync(
    process.execPath,
    ['--test', '--test-reporter=spec', ...(preload ? ['--import', PRELOAD] : []), FIXTURE],
    // Without the runner's NODE_TEST_CONTEXT, which would make it report to us in bytes.
    {encoding: 'utf8', env: {PATH: process.env.PATH ?? ''}},
  );
  assert.equal(run.status, 1, `the fixture has a failing test: ${run.stdout}${run.stderr}`);
  return run.stdout + run.stderr;
}

describe('test output', () => {
  it("test-output preload holds back a passing test's log lines and shows a failing test's", () => {
    const output = runFixture(true);
    assert.doesNotMatch(output, /fixture_passing/);
    assert.match(output, /log lines written during this test:\n.*"event":"fixture_failing"/);
    assert.match(output, /✔ fixture: a passing test that logs/);
    assert.match(output, /✖ fixture: a failing test that logs/);
  });

  it('test-output preload drops the MockTimers warning and keeps every other warning', () => {
    const output = runFixture(true);
    assert.doesNotMatch(output, /MockTimers/);
    assert.match(output, /ExperimentalWarning: Another feature is experimental/);
  });

  it('test-output fixture prints both log lines and the MockTimers warning without the preload', () => {
    const output = runFixture(false);
    assert.match(output, /"event":"fixture_passing"/);
    assert.match(output, /"event":"fixture_failing"/);
    assert.match(output, /MockTimers API is an experimental feature/);
  });
});
