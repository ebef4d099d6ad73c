import {spawn, type ChildProcess} from 'node:child_process';
import {fileURLToPath} from 'node:url';

/** scripts/start.ts as tsc compiled it. */
export const START_SCRIPT = fileURLToPath(new URL('../../scripts/start.js', import.meta.url));

/** A started process and everything it printed so far. */
export interface StartProcess {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves once `text` was printed, or rejects on exit or after `ms`. */
  printed(text: string, ms?: number): Promise<void>;
  /** Resolves with the exit code (or signal), rejecting after `ms`. */
  exited(ms?: number): Promise<number | string>;
}

/**
 * Spawns `command` in `cwd` with only PATH and `env` in its environment (run it in an empty
 * folder, so no ./client_secret.json of the developer's counts as configured). Detached, so a
 * signal can reach npm and everything it started.
 */
export function spawnStart(
  env: Record<string, string>,
  cwd: string,
  command: readonly string[] = [process.execPath, START_SCRIPT],
): StartProcess {
  const [file = '', ...args] = command;
  const child = spawn(file, args, {
    cwd,
    env: {PATH: process.env.PATH ?? '', ...env},
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', chunk => (out += String(chunk)));
  child.stderr?.on('data', chunk => (err += String(chunk)));
  let closed = false;
  // 'close' comes after the output is read to the end, unlike 'exit'.
  const exit = new Promise<number | string>(resolve =>
    child.once('close', (code, signal) => {
      closed = true;
      resolve(code ?? signal ?? '');
    }),
  );
  const seen = (text: string): boolean => out.includes(text) || err.includes(text);
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    printed: (text, ms = 15_000) => {
      const deadline = Date.now() + ms;
      return new Promise((resolve, reject) => {
        const poll = setInterval(() => {
          if (!seen(text) && !closed && Date.now() < deadline) return;
          clearInterval(poll);
          if (seen(text)) resolve();
          else
            reject(
              new Error(
                `"${text}" not printed (${closed ? 'exited' : 'timed out'}):\n${out}${err}`,
              ),
            );
        }, 20);
      });
    },
    exited: (ms = 5_000) => {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`still running after ${ms} ms:\n${out}${err}`)),
          ms,
        );
      });
      return Promise.race([exit, late]).finally(() => clearTimeout(timer));
    },
  };
}

/** Sends `signal` to the process group (npm, its shell and node alike). */
export function signalGroup(started: StartProcess, signal: NodeJS.Signals): void {
  const {pid} = started.child;
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the whole group has exited already.
  }
}
