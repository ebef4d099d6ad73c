import assert from 'node:assert/strict';
import {readdirSync, readFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {createRequire} from 'node:module';
import {describe, it} from 'node:test';

const require = createRequire(import.meta.url);
const SRC_BUNDLE = new URL('../../../src/bundle/', import.meta.url);

// What package.json "bundle" swaps, and the proof that the swap removes nothing we use.
describe('bundle aliases', () => {
  it('@googleapis/gmail uses nothing of googleapis-common but createAPIRequest (aliased to apirequest.js)', () => {
    const v1 = readFileSync(require.resolve('@googleapis/gmail/build/v1.js'), 'utf8');
    const used = new Set([...v1.matchAll(/googleapis_common_1\.(\w+)/g)].map(match => match[1]));
    assert.deepEqual([...used], ['createAPIRequest']);
    const apirequest: unknown = require('googleapis-common/build/src/apirequest.js');
    assert.equal(typeof Reflect.get(Object(apirequest), 'createAPIRequest'), 'function');
  });

  it('google-auth-library uses nothing of google-logging-utils but log(), and the stand-in logs nothing', () => {
    const dir = dirname(require.resolve('google-auth-library/build/src/index.js'));
    const uses = readdirSync(dir, {recursive: true, encoding: 'utf8'})
      .filter(path => path.endsWith('.js'))
      .flatMap(path => [
        ...readFileSync(join(dir, path), 'utf8').matchAll(/google_logging_utils_1\.(\w+)/g),
      ])
      .map(match => match[1]);
    assert.deepEqual([...new Set(uses)], ['log']);
    const stub: unknown = require(new URL('no-debug-log.cjs', SRC_BUNDLE).pathname);
    const log: unknown = Reflect.get(Object(stub), 'log');
    assert.ok(typeof log === 'function');
    const logger: unknown = log('auth');
    for (const method of ['debug', 'info', 'warn', 'error']) {
      const fn: unknown = Reflect.get(Object(logger), method);
      assert.ok(typeof fn === 'function');
      assert.equal(fn('%s', 'ya29.token'), undefined);
    }
  });

  for (const [name, used] of [['https', 'Agent']]) {
    it(`lazy-${name}.cjs is node:${name}, property for property, once read`, () => {
      const lazy: unknown = require(new URL(`lazy-${name}.cjs`, SRC_BUNDLE).pathname);
      const real: unknown = require(`node:${name}`);
      assert.ok(
        typeof lazy === 'object' && lazy !== null && typeof real === 'object' && real !== null,
      );
      assert.deepEqual(Reflect.ownKeys(lazy), Reflect.ownKeys(real));
      for (const key of Reflect.ownKeys(real)) {
        assert.equal(Reflect.get(lazy, key), Reflect.get(real, key), String(key));
      }
      assert.ok(used !== undefined && used in lazy);
    });
  }
});
