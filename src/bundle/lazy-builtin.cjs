// The stand-in for a node: builtin that src/bundle/lazy-https.cjs exports:
// every property read goes to the real module, loaded at the first one.
'use strict';
/* global process */
module.exports = function lazyBuiltin(name) {
  const load = () => process.getBuiltinModule(name);
  return new Proxy(
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
};
