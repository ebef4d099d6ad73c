import assert from 'node:assert/strict';
import {createServer} from 'node:http';
import {describe, it} from 'node:test';
import {describeListenError, listen, ListenError} from '../../scripts/start/listen.js';

describe('describeListenError()', () => {
  // Each failure a user can cause with PORT or HOST, and the line that tells them what to do.
  const cases: [code: string, port: number, host: string, line: string][] = [
    [
      'EADDRINUSE',
      8080,
      '127.0.0.1',
      'Port 8080 is in use; stop the other server or choose another port: PORT=8081 npm start',
    ],
    [
      'EADDRINUSE',
      65535,
      '127.0.0.1',
      'Port 65535 is in use; stop the other server or choose another port: PORT=65534 npm start',
    ],
    [
      'EACCES',
      80,
      '127.0.0.1',
      'Port 80 needs privileges this user does not have; choose a port above 1023: PORT=8080 npm start',
    ],
    [
      'EADDRNOTAVAIL',
      8080,
      '192.0.2.1',
      'HOST 192.0.2.1 is not an address of this machine; leave HOST unset (127.0.0.1) or use HOST=0.0.0.0 for every interface',
    ],
    [
      'ENOTFOUND',
      8080,
      'nas.local',
      'HOST nas.local does not resolve to an address; leave HOST unset (127.0.0.1) or use HOST=0.0.0.0 for every interface',
    ],
    ['EPERM', 8080, '::1', 'Cannot listen on ::1 port 8080 (EPERM); check HOST and PORT'],
  ];
  for (const [code, port, host, line] of cases) {
    it(`describeListenError() explains ${code} on ${host}:${port} in one line`, () => {
      const text = describeListenError(code, port, host);
      assert.equal(text, line);
      assert.doesNotMatch(text, /\n/);
    });
  }
});

describe('listen()', () => {
  it('listen() rejects a port in use with a ListenError naming the port', async () => {
    const taken = createServer();
    await listen(taken, 0, '127.0.0.1');
    const address = taken.address();
    assert.ok(address !== null && typeof address === 'object');
    const second = createServer();
    try {
      await assert.rejects(listen(second, address.port, '127.0.0.1'), (error: unknown) => {
        assert.ok(error instanceof ListenError);
        assert.equal(error.code, 'EADDRINUSE');
        assert.match(error.message, new RegExp(`^Port ${address.port} is in use`));
        return true;
      });
      assert.equal(second.listening, false);
    } finally {
      taken.close();
    }
  });
});
