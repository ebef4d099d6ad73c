// Stands in for node:http2 in the deployed bundle (package.json "bundle": esbuild --alias), so
// that Google's libraries, which require it at load time but use it only for what we never do
// (gaxios: mTLS agents and HTTPS_PROXY; googleapis: the http2 option), load it at first use
// instead of in every cold start. Every property read goes to the real module.
'use strict';
/* global process */
const load = () => process.getBuiltinModule('node:http2');
module.exports = new Proxy(
  {},
  {
    get: (_, key) => load()[key],
    has: (_, key) => key in load(),
    ownKeys: () => Reflect.ownKeys(load()),
    getOwnPropertyDescriptor: (_, key) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(load(), key);
      return descriptor && {...descriptor, configurable: true};
    },
  },
);
