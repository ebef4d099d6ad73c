import {errorLine, lookup, type Env, type LookupResult} from './gcloud.js';
import {DeployError} from './options.js';

/** How lookups run: in a dry run, one that fails for want of a signed-in account is not fatal. */
export interface LookupContext {
  readonly env: Env;
  readonly dryRun: boolean;
}

/** A lookup's answer, or, in a dry run, why there is none. */
export type Answer<T> = {readonly value: T} | {readonly unknown: string};

/** The words a dry run prints beside what it could not look up. */
export const NOT_SIGNED_IN = 'could not look up: not signed in';

/**
 * Runs a read-only gcloud command and reads its result with `read`, which returns undefined for
 * a failure it does not understand (then the deploy stops, naming `what`). Without a signed-in
 * account a dry run gets `{unknown}` instead, so it can still print the whole plan.
 */
export function ask<T>(
  context: LookupContext,
  args: readonly string[],
  what: string,
  read: (result: LookupResult) => T | undefined,
): Answer<T> {
  const result = lookup(args, context.env);
  if (result.status !== 0 && isNotSignedIn(result.stderr)) {
    if (context.dryRun) return {unknown: NOT_SIGNED_IN};
    throw new DeployError(`cannot look up ${what}: not signed in; run \`gcloud auth login\``);
  }
  const value = read(result);
  if (value === undefined) {
    throw new DeployError(`cannot look up ${what}: ${errorLine(result.stderr)}`);
  }
  return {value};
}

/** True when gcloud failed because it has no usable account (never signed in, or expired). */
function isNotSignedIn(stderr: string): boolean {
  return /do not currently have an active account|gcloud auth login|Reauthentication/.test(stderr);
}

/** True when gcloud failed because the API it called is not enabled in the project yet. */
export function isServiceDisabled(stderr: string): boolean {
  return /SERVICE_DISABLED|has not been used in project|it is disabled/.test(stderr);
}
