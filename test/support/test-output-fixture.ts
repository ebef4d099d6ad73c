// A test file for test/test-output.test.ts to run under the preload: one test passes, one fails,
// both log; MockTimers and another experimental feature warn.
import assert from 'node:assert/strict';
import {it} from 'node:test';
import {logEvent} from '../../src/log.js';

void it('fixture: a passing test that logs', t => {
  t.mock.timers.enable({apis: ['Date']});
  logEvent('INFO', 'fixture_passing', 'Logged by the passing test');
  process.emitWarning('Another feature is experimental', 'ExperimentalWarning');
});

void it('fixture: a failing test that logs', () => {
  logEvent('WARNING', 'fixture_failing', 'Logged by the failing test');
  assert.fail('this test fails on purpose');
});
