import {chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';

const FAKE_GCLOUD = fileURLToPath(new URL('./fake-gcloud.js', import.meta.url));

/** One call the fake gcloud received. */
export interface GcloudCall {
  readonly args: readonly string[];
  /** What it read on stdin ('' when nothing was sent). */
  readonly stdin: string;
}

/**
 * Puts an executable `gcloud` that runs fake-gcloud.js into `dir/bin`; returns that folder. Use it
 * as the whole PATH so that no real gcloud can ever be reached.
 */
export function installFakeGcloud(dir: string): string {
  const bin = join(dir, 'bin');
  mkdirSync(bin, {recursive: true});
  const script = join(bin, 'gcloud');
  writeFileSync(script, `#!/bin/sh\nexec '${process.execPath}' '${FAKE_GCLOUD}' "$@"\n`);
  chmodSync(script, 0o755);
  return bin;
}

/** The calls the fake gcloud logged to `logFile`, in order. */
export function readCalls(logFile: string): GcloudCall[] {
  if (!existsSync(logFile)) return [];
  return readFileSync(logFile, 'utf8')
    .split('\n')
    .filter(line => line !== '')
    .map(line => parseCall(JSON.parse(line)));
}

function parseCall(json: unknown): GcloudCall {
  if (typeof json !== 'object' || json === null || !('args' in json) || !('stdin' in json)) {
    throw new Error('fake gcloud log line without args and stdin');
  }
  const {args, stdin} = json;
  if (!Array.isArray(args) || typeof stdin !== 'string') throw new Error('bad fake gcloud log');
  return {args: args.map(String), stdin};
}
