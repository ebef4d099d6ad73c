import assert from 'node:assert/strict';
import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http';
import type {AddressInfo} from 'node:net';
import {after, before, describe, it} from 'node:test';
import {gzipSync} from 'node:zlib';
import {createGoogleFetch} from '../src/google-fetch.js';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

describe('google-fetch', () => {
  let server: Server;
  let origin: string;
  const routes = new Map<string, Handler>();
  before(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', chunk => (body += String(chunk)));
      req.on('end', () => routes.get(req.url ?? '')?.(req, res, body));
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  const fetch1s = createGoogleFetch(1000);

  it('createGoogleFetch() posts a URLSearchParams body form-encoded, as fetch does, and returns status, headers and body', async () => {
    let seen: {type?: string; length?: string; body: string} | null = null;
    routes.set('/token', (req, res, body) => {
      seen = {type: req.headers['content-type'], length: req.headers['content-length'], body};
      res.writeHead(503, {'content-type': 'application/json', 'retry-after': '120'});
      res.end('{"error":"unavailable"}');
    });
    const form = new URLSearchParams({code: 'a b&c', grant_type: 'x'});
    const response = await fetch1s(`${origin}/token`, {method: 'POST', body: form});
    assert.equal(response.status, 503);
    assert.equal(response.ok, false);
    assert.equal(response.headers.get('Retry-After'), '120');
    assert.equal(response.bodyUsed, false);
    assert.deepEqual(await response.json(), {error: 'unavailable'});
    assert.equal(response.bodyUsed, true);
    assert.deepEqual(seen, {
      type: 'application/x-www-form-urlencoded;charset=UTF-8',
      length: String('code=a+b%26c&grant_type=x'.length),
      body: 'code=a+b%26c&grant_type=x',
    });
  });

  it('createGoogleFetch() sends the given headers and no body on a GET', async () => {
    let seen: {authorization?: string; length?: string} | null = null;
    routes.set('/labels', (req, res) => {
      seen = {authorization: req.headers.authorization, length: req.headers['content-length']};
      res.end('<html>proxy page</html>');
    });
    const headers = new Headers({Authorization: 'Bearer ya29.token'});
    const response = await fetch1s(new URL(`${origin}/labels`), {headers});
    assert.equal(await response.text(), '<html>proxy page</html>');
    assert.deepEqual(seen, {authorization: 'Bearer ya29.token', length: undefined});
  });

  it('createGoogleFetch() decodes a gzip body (googleapis asks for gzip)', async () => {
    routes.set('/gzip', (req, res) => {
      res.writeHead(200, {'content-type': 'application/json', 'content-encoding': 'gzip'});
      res.end(gzipSync('{"labels":[]}'));
    });
    assert.deepEqual(await (await fetch1s(`${origin}/gzip`)).json(), {labels: []});
  });

  it('createGoogleFetch() rejects when the deadline passes, body included, and within it', async () => {
    routes.set('/slow-headers', () => {}); // never answers
    routes.set('/slow-body', (req, res) => {
      res.writeHead(200, {'content-type': 'application/json'});
      res.write('{"labels":'); // and never ends
    });
    for (const path of ['/slow-headers', '/slow-body']) {
      const started = Date.now();
      await assert.rejects(createGoogleFetch(200)(`${origin}${path}`), {code: 'ETIMEDOUT'}, path);
      const took = Date.now() - started;
      assert.ok(took >= 190 && took < 1000, `${path} took ${took} ms`);
    }
  });

  it('createGoogleFetch() rejects a body cut off mid-way, or larger than 2 MiB even when compressed', async () => {
    routes.set('/cut', (req, res) => {
      res.writeHead(200, {'content-length': '100'});
      res.write('{"labels":[', () => res.destroy());
    });
    routes.set('/huge', (req, res) => {
      res.writeHead(200, {'content-type': 'application/json'});
      res.end(`"${'x'.repeat(2 * 1024 * 1024 + 1)}"`);
    });
    routes.set('/bomb', (req, res) => {
      res.writeHead(200, {'content-type': 'application/json', 'content-encoding': 'gzip'});
      res.end(gzipSync(`"${'x'.repeat(3 * 1024 * 1024)}"`));
    });
    await assert.rejects(fetch1s(`${origin}/cut`), {code: 'ECONNRESET'});
    await assert.rejects(fetch1s(`${origin}/huge`), {code: 'ERR_ANSWER_TOO_LARGE'});
    await assert.rejects(fetch1s(`${origin}/bomb`), {code: 'ERR_ANSWER_UNREADABLE'});
  });

  it('createGoogleFetch() rejects a refused connection, and an aborted signal', async () => {
    const closed = createServer();
    await new Promise<void>(resolve => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise(resolve => closed.close(resolve));
    await assert.rejects(fetch1s(`http://127.0.0.1:${port}/`), {code: 'ECONNREFUSED'});
    routes.set('/never', () => {});
    const controller = new AbortController();
    const pending = fetch1s(`${origin}/never`, {signal: controller.signal});
    controller.abort();
    await assert.rejects(pending, {code: 'ABORT_ERR'});
  });
});
