import {createRequire} from 'node:module';
import {join} from 'node:path';
import {finished} from 'node:stream';
import type {Request, Response} from '@google-cloud/functions-framework';

/** Answers a request that no route answered (`error` undefined) or whose error nothing handled. */
export type FinalHandler = (error: unknown, req: Request, res: Response) => void;

type Next = (error?: unknown) => void;
type Handle = (this: unknown, req: Request, res: Response, callback?: Next) => void;

const replaced = new WeakSet<object>();

/**
 * Makes `answer` the final handler of every Express app functions-framework builds from now on.
 *
 * Why: functions-framework 5 puts body parsers in front of every function and registers no
 * error handler, nor lets us register one (build/src/server.js getServer(); GitHub issue
 * GoogleCloudPlatform/functions-framework-nodejs#686 asks for one). A body they refuse goes to
 * Express's default final handler (express/lib/application.js handle()), which answers without
 * our headers and, through logerror(), console.error()s the error: body-parser's error keeps the
 * raw body in `body` and JSON.parse's message quotes it, so anyone could write into the logs.
 * Express uses that default only when handle() is given no callback, so the framework's own
 * express (resolved from the framework's folder, as its server.js requires it) gets one.
 * Call before the framework builds its app: at module load, as functions-framework loads us first.
 * `source` is where the framework is installed: the function's folder, where it runs (the
 * platform's /workspace, `npm start` and the tests alike). Once per process: later calls keep
 * the first `answer`.
 */
export function replaceFrameworkFinalHandler(answer: FinalHandler, source = process.cwd()): void {
  const application = frameworkApplication(source);
  if (replaced.has(application)) return;
  const handle = application.handle;
  application.handle = function (req, res, callback): void {
    handle.call(
      this,
      req,
      res,
      callback ?? (error => whenRead(req, () => answer(error, req, res))),
    );
  };
  replaced.add(application);
}

/** express.application of the express functions-framework requires, resolved from its folder. */
function frameworkApplication(source: string): {handle: Handle} {
  let express: unknown;
  try {
    const fromSource = createRequire(join(source, 'package.json'));
    const framework = fromSource.resolve('@google-cloud/functions-framework');
    express = createRequire(framework)('express');
  } catch {
    throw new Error(`functions-framework and its express are not installed in ${source}`);
  }
  const application =
    typeof express === 'function' && 'application' in express ? express.application : undefined;
  if (
    typeof application !== 'object' ||
    application === null ||
    !('handle' in application) ||
    typeof application.handle !== 'function'
  ) {
    throw new Error("functions-framework's express has no application.handle() to wrap");
  }
  // Narrowed above to an object with a handle() function; its parameters are Express's own.
  return application as {handle: Handle};
}

// As Express's own final handler does (finalhandler's send()): answer once the request is read
// to its end, else the client may see the connection reset before it reads the answer.
function whenRead(req: Request, fn: () => void): void {
  req.unpipe();
  finished(req, () => fn());
  req.resume();
}
