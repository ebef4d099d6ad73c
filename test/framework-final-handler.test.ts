import assert from 'node:assert/strict';
import {once} from 'node:events';
import {createServer, type IncomingMessage, type ServerResponse} from 'node:http';
import {createRequire} from 'node:module';
import {tmpdir} from 'node:os';
import type {AddressInfo} from 'node:net';
import {describe, it} from 'node:test';
import {replaceFrameworkFinalHandler} from '../src/framework-final-handler.js';
import {hideFrameworkErrorDetails} from '../src/http.js';

type App = ((
  req: IncomingMessage,
  res: ServerResponse,
  next?: (error?: unknown) => void,
) => void) & {
  use(fn: (req: unknown, res: unknown, next: (error: unknown) => void) => void): void;
};

// The express functions-framework requires, as src/framework-final-handler.ts finds it.
const fromFramework = createRequire(
  createRequire(import.meta.url).resolve('@google-cloud/functions-framework'),
);
const express = fromFramework('express') as () => App;

/** Serves `app` on 127.0.0.1 (through `serve`), sends one GET, and answers its status and text. */
async function get(
  serve: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<{status: number; text: string}> {
  const server = createServer(serve).listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    const {port} = server.address() as AddressInfo;
    const response = await fetch(`http://127.0.0.1:${port}/`);
    return {status: response.status, text: await response.text()};
  } finally {
    server.close();
  }
}

describe('framework-final-handler', () => {
  it('replaceFrameworkFinalHandler() names the folder where functions-framework is not installed', () => {
    const folder = tmpdir();
    assert.throws(() => replaceFrameworkFinalHandler(() => {}, folder), {
      message: `functions-framework and its express are not installed in ${folder}`,
    });
  });

  it("replaceFrameworkFinalHandler() answers an error no middleware handled, in the framework's express", async t => {
    hideFrameworkErrorDetails();
    const app = express();
    app.use((_req, _res, next) => next(new SyntaxError('Unexpected token in "secret body"')));
    const logged: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    t.mock.method(process.stdout, 'write', (chunk: string | Uint8Array): boolean =>
      typeof chunk === 'string' ? logged.push(chunk) > 0 : write(chunk),
    );
    const {status, text} = await get((req, res) => app(req, res));
    t.mock.restoreAll();
    assert.match(logged.join(''), /"errorName":"SyntaxError".*"event":"internal_error"/);
    assert.ok(!logged.join('').includes('secret body'), 'the message is logged');
    assert.equal(status, 500);
    assert.match(text, /<h1>Something went wrong<\/h1>/);
    assert.ok(!text.includes('secret body'));
  });

  it('replaceFrameworkFinalHandler() leaves the error to a next() the caller gives, as Express does', async () => {
    hideFrameworkErrorDetails();
    const app = express();
    app.use((_req, _res, next) => next(new Error('for the caller')));
    const {status, text} = await get((req, res) =>
      app(req, res, error => {
        res.statusCode = 418;
        res.end(error instanceof Error ? error.message : 'none');
      }),
    );
    assert.equal(status, 418);
    assert.equal(text, 'for the caller');
  });
});
