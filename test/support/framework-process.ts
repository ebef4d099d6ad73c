import {fileURLToPath} from 'node:url';
import {spawnFunction, type FunctionProcess} from '../../scripts/bench/processes.js';

export {freePort} from '../../scripts/bench/processes.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** One function started the way Cloud Functions starts it: functions-framework loading package.json's main. */
export type FrameworkProcess = Pick<FunctionProcess, 'url' | 'output' | 'stop'>;

/** Spawns `functions-framework --target=NAME` in `source` (the project root) and waits until it answers. */
export async function startFramework(
  target: string,
  env: Record<string, string>,
  source: string = ROOT,
): Promise<FrameworkProcess> {
  const fn = await spawnFunction(source, target, env);
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (fn.child.exitCode !== null) throw new Error(`functions-framework exited: ${fn.output()}`);
    const ready = await fetch(`${fn.url}/`, {redirect: 'manual'}).then(
      () => true,
      () => false,
    );
    if (ready) return fn;
    if (Date.now() > deadline) throw new Error(`functions-framework did not start: ${fn.output()}`);
    await new Promise(resolve => setTimeout(resolve, 100));
  }
}
