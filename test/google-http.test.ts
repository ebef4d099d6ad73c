import assert from 'node:assert/strict';
import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http';
import type {AddressInfo} from 'node:net';
import {after, before, describe, it} from 'node:test';
import {getJson, postForm} from '../src/google-http.js';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

describe('google-http', () => {
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

  it('postForm() sends the form url-encoded and returns status, Retry-After and JSON', async () => {
    let seen: {type?: string; length?: string; body: string} | null = null;
    routes.set('/token', (req, res, body) => {
      seen = {type: req.headers['content-type'], length: req.headers['content-length'], body};
      res.writeHead(503, {'content-type': 'application/json', 'retry-after': '120'});
      res.end('{"error":"unavailable"}');
    });
    const answer = await postForm(`${origin}/token`, {code: 'a b&c', grant_type: 'x'}, 1000);
    assert.deepEqual(answer, {status: 503, retryAfter: '120', json: {error: 'unavailable'}});
    assert.deepEqual(seen, {
      type: 'application/x-www-form-urlencoded',
      length: String('code=a+b%26c&grant_type=x'.length),
      body: 'code=a+b%26c&grant_type=x',
    });
  });

  it('getJson() sends the bearer token and no body; a non-JSON answer has json undefined', async () => {
    let seen: {authorization?: string; length?: string} | null = null;
    routes.set('/labels', (req, res) => {
      seen = {authorization: req.headers.authorization, length: req.headers['content-length']};
      res.end('<html>proxy page</html>');
    });
    const answer = await getJson(`${origin}/labels`, 'ya29.token', 1000);
    assert.deepEqual(answer, {status: 200, retryAfter: null, json: undefined});
    assert.deepEqual(seen, {authorization: 'Bearer ya29.token', length: undefined});
  });

  it('getJson() gives no answer when the deadline passes, body included, and within it', async () => {
    routes.set('/slow-headers', () => {}); // never answers
    routes.set('/slow-body', (req, res) => {
      res.writeHead(200, {'content-type': 'application/json'});
      res.write('{"labels":'); // and never ends
    });
    for (const path of ['/slow-headers', '/slow-body']) {
      const started = Date.now();
      assert.equal(await getJson(`${origin}${path}`, 't', 200), null, path);
      const took = Date.now() - started;
      assert.ok(took >= 190 && took < 1000, `${path} took ${took} ms`);
    }
  });

  it('getJson() gives no answer for a body cut off mid-way or larger than 2 MiB', async () => {
    routes.set('/cut', (req, res) => {
      res.writeHead(200, {'content-length': '100'});
      res.write('{"labels":[', () => res.destroy());
    });
    routes.set('/huge', (req, res) => {
      res.writeHead(200, {'content-type': 'application/json'});
      res.end(`"${'x'.repeat(2 * 1024 * 1024 + 1)}"`);
    });
    assert.equal(await getJson(`${origin}/cut`, 't', 1000), null);
    assert.equal(await getJson(`${origin}/huge`, 't', 1000), null);
  });

  it('getJson() answers a refused connection with no answer, not an exception', async () => {
    const closed = createServer();
    await new Promise<void>(resolve => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise(resolve => closed.close(resolve));
    assert.equal(await getJson(`http://127.0.0.1:${port}/`, 't', 1000), null);
  });
});
