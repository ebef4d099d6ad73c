import {spawnSync} from 'node:child_process';
import {DeployError} from './options.js';
import {formatCommand} from './shell-quote.js';

/** The environment gcloud runs with (PATH finds it). */
export type Env = Readonly<Record<string, string | undefined>>;

/** What a read-only gcloud command printed. */
export interface LookupResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** A gcloud command that changes something in the project. */
export interface Change {
  readonly args: readonly string[];
  /** Produces what gcloud reads on stdin (a secret value): never an argument, never printed. */
  readonly stdin?: () => string;
  /** Says what the command reads on stdin; printed as a shell comment after the command. */
  readonly note?: string;
  /** A failure whose error output matches is tried again, after RETRY_DELAYS_MS. */
  readonly retryIf?: RegExp;
}

/**
 * Waits between tries of a change that may fail only for now: a service account just created
 * can take about a minute to be accepted in IAM policies
 * (https://cloud.google.com/iam/docs/access-change-propagation).
 */
export const RETRY_DELAYS_MS: readonly number[] = [2_000, 5_000, 10_000, 20_000, 30_000];

/** Runs a read-only gcloud command (allowed in a dry run) and returns what it printed. */
export function lookup(args: readonly string[], env: Env): LookupResult {
  const result = spawnSync('gcloud', args, {
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (result.error) throw gcloudError(result.error);
  return {status: result.status ?? 1, stdout: result.stdout, stderr: result.stderr};
}

/** Runs one change with gcloud's output shown; throws a DeployError if it fails. */
export function runChange(change: Change, env: Env): void {
  const input = change.stdin?.();
  for (let attempt = 0; ; attempt++) {
    const result = spawnSync('gcloud', change.args, {
      env,
      input,
      encoding: 'utf8',
      // Without a terminal on stdin gcloud never waits for an answer to a prompt. Its progress
      // (minutes of it for a function) is on stderr: shown live, unless a retry must read it.
      stdio: [
        input === undefined ? 'ignore' : 'pipe',
        'inherit',
        change.retryIf === undefined ? 'inherit' : 'pipe',
      ],
    });
    if (result.error) throw gcloudError(result.error);
    if (change.retryIf === undefined) {
      if (result.status === 0) return;
      throw failed(change, result.status);
    }
    process.stderr.write(result.stderr);
    if (result.status === 0) return;
    const delay = RETRY_DELAYS_MS[attempt];
    if (change.retryIf?.test(result.stderr) && delay !== undefined) {
      process.stderr.write(`Trying again in ${delay / 1000} s\n`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, delay);
      continue;
    }
    throw failed(change, result.status);
  }
}

function failed(change: Change, status: number | null): DeployError {
  const what = formatCommand('gcloud', change.args.slice(0, 3));
  return new DeployError(`${what} failed (exit ${status ?? 'by signal'}); stopped there`);
}

/** The one shell line that shows a change: the quoted command and, as a comment, its note. */
export function describeChange(change: Change): string {
  const line = formatCommand('gcloud', change.args);
  return change.note === undefined ? line : `${line}  # ${change.note}`;
}

/** gcloud's error line ("ERROR: (gcloud.x) ..."), or else its last line, for an error message. */
export function errorLine(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map(line => line.trim())
    .filter(line => line !== '');
  return lines.find(line => line.startsWith('ERROR:')) ?? lines.at(-1) ?? 'no error message';
}

function gcloudError(error: Error): Error {
  if ('code' in error && error.code === 'ENOENT') {
    return new DeployError(
      'gcloud is not on PATH: install the Google Cloud CLI (https://cloud.google.com/sdk/docs/install) and run `gcloud auth login`',
    );
  }
  return error;
}
