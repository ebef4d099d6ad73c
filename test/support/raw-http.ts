import {once} from 'node:events';
import {
  Agent,
  request,
  type IncomingHttpHeaders,
  type OutgoingHttpHeaders,
  type Server,
} from 'node:http';
import {getTestServer} from '@google-cloud/functions-framework/testing';

/** A request as it goes on the wire: the request-target, method and headers are not normalised. */
export interface RawRequest {
  readonly method: string;
  /** The request-target exactly as sent: origin-form with backslashes, `//host`, or absolute-form. */
  readonly path: string;
  readonly headers: OutgoingHttpHeaders;
  readonly body?: string | Buffer;
}

/** What came back. */
export interface RawResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
}

/** Registered functions listening on 127.0.0.1, each on its own port. */
export interface RawServers {
  send(name: string, req: RawRequest): Promise<RawResponse>;
  close(): Promise<void>;
}

/**
 * Serves each registered function (functions-framework's own server, as in `getTestServer`)
 * and sends requests with node:http, which leaves paths and methods as given (supertest
 * resolves them with the WHATWG URL parser first).
 */
export async function listenRaw(names: readonly string[]): Promise<RawServers> {
  const servers = new Map<string, {server: Server; port: number}>();
  for (const name of names) {
    const server = getTestServer(name);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('not a TCP server');
    servers.set(name, {server, port: address.port});
  }
  const agent = new Agent({keepAlive: true, maxSockets: 4});
  return {
    send(name, req) {
      const entry = servers.get(name);
      if (entry === undefined) throw new Error(`${name} is not served`);
      return sendRaw({host: '127.0.0.1', port: entry.port, agent}, req);
    },
    async close() {
      agent.destroy();
      for (const {server} of servers.values()) {
        server.closeAllConnections();
        server.close();
        await once(server, 'close');
      }
    },
  };
}

/** Sends one request as given to `host:port` (through `agent`) and reads the whole answer. */
export function sendRaw(
  target: {host: string; port: number; agent: Agent | false},
  req: RawRequest,
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    // Node's client sends a GET's body without Content-Length: the server would read it as the next request.
    const length = req.body === undefined ? {} : {'content-length': Buffer.byteLength(req.body)};
    const options = {...req, ...target, headers: {...length, ...req.headers}};
    const outgoing = request(options, response => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          text: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    });
    outgoing.on('error', reject);
    outgoing.end(req.body);
  });
}
