import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import fc from 'fast-check';
import {deriveSealKeys, openValue, sealValue} from '../src/sealed-value.js';
import {hostileTextArb} from './support/hostile-input.js';

// node:test does not print an error's cause: put the failed assertion in fast-check's report.
fc.configureGlobal({includeErrorInReport: true});

const SECRET = Buffer.alloc(32, 3);
const MAX = 1 << 16;
const RUNS = 1000;
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

const session = deriveSealKeys([SECRET], 'session');
const signin = deriveSealKeys([SECRET], 'signin');
const otherKey = deriveSealKeys([Buffer.alloc(32, 4)], 'session');

/** A change to the text of a compact JWE: never the identity. */
const textChangeArb = fc.oneof(
  fc.record({
    kind: fc.constant('replace'),
    at: fc.nat(),
    by: fc.constantFrom(...BASE64URL, '.', '='),
  }),
  fc.record({kind: fc.constant('delete'), at: fc.nat()}),
  fc.record({kind: fc.constant('insert'), at: fc.nat(), by: fc.constantFrom(...BASE64URL, '.')}),
  fc.record({kind: fc.constant('splice'), at: fc.nat()}),
);

describe('sealed values under hostile input', () => {
  it('openValue() returns exactly what sealValue() sealed, for any JSON value', async t => {
    let tried = 0;
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), async value => {
        tried++;
        const expected: unknown = JSON.parse(JSON.stringify(value));
        assert.deepEqual(await openValue(session, await sealValue(session, value), MAX), expected);
      }),
      {numRuns: RUNS},
    );
    t.diagnostic(`${tried} JSON values sealed and opened`);
  });

  it('openValue() returns null for any change to the sealed text', async t => {
    let tried = 0;
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({maxDepth: 2}), textChangeArb, async (value, change) => {
        const sealed = await sealValue(session, value);
        const at = change.at % sealed.length;
        let changed: string;
        switch (change.kind) {
          case 'replace':
            changed = sealed.slice(0, at) + change.by + sealed.slice(at + 1);
            break;
          case 'delete':
            changed = sealed.slice(0, at) + sealed.slice(at + 1);
            break;
          case 'insert':
            changed = sealed.slice(0, at) + change.by + sealed.slice(at);
            break;
          case 'splice': {
            // The start of this seal, the rest of another seal of the same value (other IV).
            const other = await sealValue(session, value);
            changed = sealed.slice(0, at) + other.slice(at);
            if (changed === other) return; // the whole other seal: a genuine value
            break;
          }
        }
        if (changed === sealed) return;
        tried++;
        assert.equal(await openValue(session, changed, MAX), null);
      }),
      {numRuns: RUNS},
    );
    t.diagnostic(`${tried} sealed values with changed text`);
  });

  it('openValue() returns null for a value of another purpose or key', async t => {
    let tried = 0;
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({maxDepth: 2}), async value => {
        tried += 2;
        assert.equal(await openValue(session, await sealValue(signin, value), MAX), null);
        assert.equal(await openValue(session, await sealValue(otherKey, value), MAX), null);
      }),
      {numRuns: RUNS / 2},
    );
    t.diagnostic(`${tried} values sealed for another purpose or key`);
  });

  it('openValue() never throws and opens nothing for arbitrary text', async t => {
    let tried = 0;
    const jweish = fc
      .array(fc.string({unit: fc.constantFrom(...'AQgw09_-+/=%'), maxLength: 60}), {
        minLength: 5,
        maxLength: 5,
      })
      .map(parts => parts.join('.'));
    await fc.assert(
      fc.asyncProperty(fc.oneof(hostileTextArb('sealCanary'), jweish), async text => {
        tried++;
        assert.equal(await openValue(session, text, MAX), null);
      }),
      {numRuns: RUNS * 2},
    );
    t.diagnostic(`${tried} arbitrary texts`);
  });
});
