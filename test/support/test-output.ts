// Loaded into every test file's process by `npm test` (node --test --import ...), so that a
// passing run prints test results only:
// - the functions' log lines (src/log.ts writes one JSON line per write to stdout) are held
//   back during each test, and shown under the test if it fails;
// - Node's warning that MockTimers is experimental, which test/emulator.test.ts triggers, is
//   dropped; every other warning is still printed.
// Tests that assert on log lines still see them: they mock process.stdout.write over this.
import {afterEach} from 'node:test';

const held: string[] = [];

// What logEvent() writes: one Cloud Logging JSON object and a newline, in one write.
function isLogLine(chunk: unknown): chunk is string {
  return (
    typeof chunk === 'string' &&
    chunk.startsWith('{"') &&
    chunk.endsWith('}\n') &&
    chunk.includes('"severity":"')
  );
}

for (const stream of [process.stdout, process.stderr]) {
  const write = stream.write;
  // Only strings are held: the test runner reports to its parent process through stdout in bytes.
  stream.write = function (this: NodeJS.WriteStream, ...args: unknown[]): boolean {
    const [chunk, encodingOrCallback, callback] = args;
    if (!isLogLine(chunk)) return Reflect.apply(write, this, args);
    held.push(chunk.trimEnd());
    const done = typeof encodingOrCallback === 'function' ? encodingOrCallback : callback;
    if (typeof done === 'function') process.nextTick(done);
    return true;
  };
}

// Lines written since the previous test ended: this test's, and its suite's before() hooks'.
afterEach(t => {
  // A hook gets the TestContext; its `passed` (Node 21.7) is missing from @types/node 22.
  if ('diagnostic' in t && 'passed' in t && t.passed === false && held.length > 0) {
    t.diagnostic(`log lines written during this test:\n${held.join('\n')}`);
  }
  held.length = 0;
});

const MOCK_TIMERS_WARNING = 'The MockTimers API is an experimental feature';
const emitWarning = process.emitWarning;
process.emitWarning = function (...args: unknown[]): void {
  const [warning] = args;
  const message = warning instanceof Error ? warning.message : String(warning);
  if (message.startsWith(MOCK_TIMERS_WARNING)) return;
  Reflect.apply(emitWarning, process, args);
};
