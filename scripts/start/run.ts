import {spawn} from 'node:child_process';
import {resolve} from 'node:path';
import {pathToFileURL} from 'node:url';
import {build, context, stop, type BuildOptions} from 'esbuild';

/** Where the bundle goes; paths are relative to the package root, where npm runs scripts. */
const OUTFILE = 'build/start/start.js';

/**
 * `npm start` without a type check (that is `npm run build`'s and `npm test`'s job): esbuild
 * bundles scripts/start.ts and what it imports in about 0.1 s, leaving packages to node_modules.
 */
const START_BUNDLE: BuildOptions = {
  entryPoints: ['scripts/start.ts'],
  outfile: OUTFILE,
  bundle: true,
  packages: 'external',
  platform: 'node',
  format: 'esm',
  target: 'node22',
  logLevel: 'warning',
};

/** Bundles, then runs the local server in this process. */
async function runOnce(): Promise<void> {
  const built = await build(START_BUNDLE).then(
    () => true,
    () => false, // esbuild has printed the errors
  );
  // esbuild's service process would otherwise idle beside the server (about 18 MB).
  await stop();
  if (!built) {
    process.exitCode = 1;
    return;
  }
  await import(pathToFileURL(resolve(OUTFILE)).href);
}

/** `npm run dev`: esbuild rebuilds on every change, and node --watch restarts on each new bundle. */
async function runWatching(): Promise<void> {
  const ctx = await context(START_BUNDLE);
  const built = await ctx.rebuild().then(
    () => true,
    () => false, // esbuild has printed the errors
  );
  if (!built) {
    process.exitCode = 1;
    await ctx.dispose();
    return;
  }
  await ctx.watch();
  const server = spawn(process.execPath, ['--watch', OUTFILE], {stdio: 'inherit'});
  const stop = (signal: NodeJS.Signals): void => {
    server.kill(signal);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  server.once('exit', code => {
    process.exitCode = code ?? 0;
    void ctx.dispose();
  });
}

await (process.argv.includes('--watch') ? runWatching() : runOnce());
