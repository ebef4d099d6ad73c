import assert from 'node:assert/strict';
import {execFile} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {describe, it} from 'node:test';
import {promisify} from 'node:util';
import {describeError, logEvent, setTraceProject, withRequestTrace} from '../src/log.js';
import {SESSION_MODES, skipForMode, type SessionMode} from './support/session-modes.js';

const run = promisify(execFile);

/** What a scenario printed, the secrets it handled, and (firestore mode) the session documents. */
interface ScenarioRun {
  stdout: string;
  output: string;
  secrets: string[];
  stored: unknown[] | null;
}

/** Runs a scenario script of test/support in its own process, in `mode`. */
async function runScenario(script: string, mode: SessionMode): Promise<ScenarioRun> {
  const dir = mkdtempSync(join(tmpdir(), 'log-test-'));
  try {
    const secretsFile = join(dir, 'secrets.json');
    const path = new URL(`./support/${script}`, import.meta.url).pathname;
    const {stdout, stderr} = await run(process.execPath, [path, secretsFile, mode], {
      maxBuffer: 64 * 1024 * 1024,
      // Google's libraries' debug log on, as a user might leave it: it must print no secret.
      env: {...process.env, GOOGLE_SDK_NODE_LOGGING: 'auth,gaxios,googleapis'},
    });
    const findings: unknown = JSON.parse(readFileSync(secretsFile, 'utf8'));
    assert.ok(typeof findings === 'object' && findings !== null);
    const secrets: unknown = Reflect.get(findings, 'secrets');
    const stored: unknown = Reflect.get(findings, 'stored');
    assert.ok(Array.isArray(secrets) && secrets.every(s => typeof s === 'string'));
    assert.ok(stored === null || Array.isArray(stored));
    return {stdout, output: stdout + stderr, secrets, stored};
  } finally {
    rmSync(dir, {recursive: true, force: true});
  }
}

/**
 * The ways a secret could be printed: as is, percent- or form-encoded, and base64 or base64url
 * at each of the three alignments it can have inside a longer encoded value (such as a Basic
 * credential), keeping only the characters that depend on the secret alone.
 */
function printedForms(secret: string): string[] {
  const bytes = Buffer.from(secret);
  const forms = new Set([
    secret,
    encodeURIComponent(secret),
    new URLSearchParams({v: secret}).toString().slice(2),
  ]);
  for (const shift of [0, 1, 2]) {
    const base64 = Buffer.concat([Buffer.alloc(shift), bytes]).toString('base64');
    const core = base64.slice(shift === 0 ? 0 : 4, -4);
    if (core.length < 12) continue;
    forms.add(core);
    forms.add(core.replaceAll('+', '-').replaceAll('/', '_'));
  }
  return [...forms];
}

/** Asserts no secret (of at least 8 characters) appears in the output in any printed form. */
function assertNoSecret(output: string, secrets: readonly string[], where = 'the logs'): void {
  for (const secret of secrets.filter(s => s.length >= 8)) {
    for (const form of printedForms(secret)) {
      assert.ok(
        !output.includes(form),
        `a secret value appears in ${where} (${secret.slice(0, 4)}..., as ${form.slice(0, 6)}...)`,
      );
    }
  }
}

/** Asserts every stdout line is one Cloud Logging JSON entry. */
function assertLogLines(stdout: string): void {
  for (const line of stdout.split('\n').filter(line => line !== '')) {
    const entry: unknown = JSON.parse(line);
    assert.ok(
      typeof entry === 'object' && entry !== null && 'severity' in entry && 'message' in entry,
      line,
    );
  }
}

/**
 * Firestore mode: the session documents exist and hold no secret in clear (the tokens are
 * sealed with the cookie key); cookie mode keeps nothing on the server.
 */
function assertStoredSealed(stored: unknown[] | null, mode: SessionMode, secrets: string[]): void {
  if (mode === 'cookie') return assert.equal(stored, null);
  assert.ok(stored !== null && stored.length > 0, `${stored?.length} session documents stored`);
  for (const document of stored) {
    const fields = JSON.stringify(Reflect.get(Object(document), 'fields'));
    assert.match(fields, /"tokens":\{"stringValue":"ey/, 'each document holds sealed tokens');
    assertNoSecret(fields, secrets, 'a stored session document');
  }
}

for (const mode of SESSION_MODES) {
  describe(`logs and stored sessions (${mode} sessions)`, {skip: skipForMode(mode)}, () => {
    it(`logs carry no token, code, verifier, state, client secret or cookie value on any path (${mode} sessions)`, async () => {
      const {stdout, output, secrets, stored} = await runScenario('log-scenarios.js', mode);
      assert.ok(secrets.length > 30, `collected ${secrets.length} secret values`);
      assert.match(output, /"event":"token_exchange_failed"/, 'the failure paths did log');
      assert.match(output, /"event":"gmail_error"/);
      const printedErrors = output.match(/^GaxiosError: /gm)?.length ?? 0;
      assert.ok(printedErrors >= 6, `each library error was printed whole (${printedErrors})`);
      for (const event of [
        'token_refresh_failed',
        'bearer_rejected',
        'sign_out_refused',
        'signed_out',
      ]) {
        assert.match(output, new RegExp(`"event":"${event}"`));
      }
      assertNoSecret(output, secrets);
      assertLogLines(stdout);
      assertStoredSealed(stored, mode, secrets);
    });

    it(`logs carry no secret while Google misbehaves: the whole fault matrix, as a JSON client (${mode} sessions)`, async () => {
      const {stdout, output, secrets, stored} = await runScenario('fault-matrix-logs.js', mode);
      assert.ok(secrets.length > 100, `collected ${secrets.length} secret values`);
      for (const event of ['token_exchange_failed', 'token_refresh_failed', 'gmail_error']) {
        assert.match(output, new RegExp(`"event":"${event}"`));
      }
      assert.doesNotMatch(output, /"event":"internal_error"/, 'no handler threw');
      assertNoSecret(output, secrets);
      assertLogLines(stdout);
      assertStoredSealed(stored, mode, secrets);
    });
  });
}

describe('logs', () => {
  it('printedForms() finds a secret base64-encoded at any offset of a longer value', () => {
    const secret = 'SENTINEL-client-secret-7f3a';
    for (const prefix of ['', 'a', 'ab', 'client-id:']) {
      const encoded = Buffer.from(`${prefix}${secret}!`).toString('base64');
      assert.ok(
        printedForms(secret).some(form => encoded.includes(form)),
        `after ${prefix.length} bytes`,
      );
    }
    assert.ok(printedForms('a/b c+d').includes('a%2Fb%20c%2Bd'));
    assert.ok(printedForms('a/b c+d').includes('a%2Fb+c%2Bd'));
  });

  it('describeError() keeps name, status and frames but never the message', () => {
    const error = Object.assign(new Error('token ya29.secret in message'), {
      status: 401,
      code: 'ECONNRESET',
    });
    const fields = describeError(error);
    assert.equal(fields.errorName, 'Error');
    assert.equal(fields.errorStatus, 401);
    assert.equal(fields.errorCode, 'ECONNRESET');
    assert.match(String(fields.stack), /at /);
    assert.doesNotMatch(JSON.stringify(fields), /ya29/);
  });

  it('logEvent() writes one JSON line in Cloud Logging format', t => {
    const lines: string[] = [];
    t.mock.method(process.stdout, 'write', (chunk: string) => lines.push(chunk));
    logEvent('WARNING', 'example', 'An example', {status: 503});
    t.mock.restoreAll();
    assert.equal(lines.length, 1);
    assert.ok(lines[0]!.endsWith('\n'));
    assert.deepEqual(JSON.parse(lines[0]!), {
      status: 503,
      severity: 'WARNING',
      message: 'An example',
      event: 'example',
    });
  });

  const traces: [string, Record<string, string>, string | undefined][] = [
    [
      'traceparent',
      {traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'},
      '4bf92f3577b34da6a3ce929d0e0e4736',
    ],
    [
      'X-Cloud-Trace-Context',
      {'x-cloud-trace-context': '105445AA7843BC8BF206B12000100000/1;o=1'},
      '105445aa7843bc8bf206b12000100000',
    ],
    [
      'a malformed header',
      {traceparent: '00-xyz-1-01', 'x-cloud-trace-context': '"><script>'},
      undefined,
    ],
    ['no header', {}, undefined],
  ];
  for (const [name, headers, traceId] of traces) {
    it(`logEvent() carries the request's trace from ${name}`, t => {
      const lines: string[] = [];
      t.mock.method(process.stdout, 'write', (chunk: string) => lines.push(chunk));
      setTraceProject('my-project');
      withRequestTrace(headers, () => logEvent('INFO', 'example', 'In a request'));
      setTraceProject(null);
      withRequestTrace(headers, () => logEvent('INFO', 'example', 'Project unknown'));
      t.mock.restoreAll();
      const [withProject, withoutProject] = lines.map(line => JSON.parse(line));
      const expected = traceId === undefined ? undefined : `projects/my-project/traces/${traceId}`;
      assert.equal(withProject['logging.googleapis.com/trace'], expected);
      assert.equal(withoutProject['logging.googleapis.com/trace'], undefined);
    });
  }
});
