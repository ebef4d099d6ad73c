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

const session = deriveSealKeys([SECRET], 'session');
const signin = deriveSealKeys([SECRET], 'signin');
const otherKey = deriveSealKeys([Buffer.alloc(32, 4)], 'session');

/** A change to the sealed bytes themselves (not to their spelling): never the identity. */
const byteChangeArb = fc.oneof(
  fc.record({kind: fc.constant('flip'), at: fc.nat(), mask: fc.integer({min: 1, max: 255})}),
  fc.record({kind: fc.constant('truncate'), at: fc.nat()}),
  fc.record({kind: fc.constant('extend'), bytes: fc.uint8Array({minLength: 1, maxLength: 32})}),
  fc.record({kind: fc.constant('splice'), at: fc.nat()}),
);

describe('sealed values under hostile input', () => {
  it('openValue() returns exactly what sealValue() sealed, for any JSON value', t => {
    let tried = 0;
    fc.assert(
      fc.property(fc.jsonValue(), value => {
        tried++;
        const expected: unknown = JSON.parse(JSON.stringify(value));
        assert.deepEqual(openValue(session, sealValue(session, value), MAX), expected);
      }),
      {numRuns: RUNS},
    );
    t.diagnostic(`${tried} JSON values sealed and opened`);
  });

  it('openValue() returns null for any change to the sealed bytes', t => {
    let tried = 0;
    fc.assert(
      fc.property(fc.jsonValue({maxDepth: 2}), byteChangeArb, (value, change) => {
        const raw = Buffer.from(sealValue(session, value), 'base64url');
        let changed: Buffer;
        switch (change.kind) {
          case 'flip':
            changed = Buffer.from(raw);
            changed.writeUInt8(
              raw.readUInt8(change.at % raw.length) ^ change.mask,
              change.at % raw.length,
            );
            break;
          case 'truncate':
            changed = raw.subarray(0, change.at % raw.length);
            break;
          case 'extend':
            changed = Buffer.concat([raw, change.bytes]);
            break;
          case 'splice': {
            // The start of this seal, the rest of another seal of the same value (other IV).
            const other = Buffer.from(sealValue(session, value), 'base64url');
            const at = change.at % raw.length;
            changed = Buffer.concat([raw.subarray(0, at), other.subarray(at)]);
            if (changed.equals(raw) || changed.equals(other)) return; // same version and key id
            break;
          }
        }
        tried++;
        assert.equal(openValue(session, changed.toString('base64url'), MAX), null);
      }),
      {numRuns: RUNS},
    );
    t.diagnostic(`${tried} sealed values with changed bytes`);
  });

  it('openValue() returns null for a value of another purpose or key, however it is spelled', t => {
    let tried = 0;
    fc.assert(
      fc.property(
        fc.jsonValue({maxDepth: 2}),
        fc.constantFrom('base64url', 'base64', 'padded'),
        (value, spelling) => {
          const spell = (sealed: string): string => {
            const raw = Buffer.from(sealed, 'base64url');
            if (spelling === 'base64') return raw.toString('base64');
            return spelling === 'padded'
              ? raw.toString('base64').replace(/\+/g, '-').replace(/\//g, '_')
              : sealed;
          };
          tried += 2;
          assert.equal(openValue(session, spell(sealValue(signin, value)), MAX), null);
          assert.equal(openValue(session, spell(sealValue(otherKey, value)), MAX), null);
        },
      ),
      {numRuns: RUNS / 2},
    );
    t.diagnostic(`${tried} values sealed for another purpose or key`);
  });

  it('openValue() never throws and opens nothing for arbitrary text', t => {
    let tried = 0;
    const base64ish = fc.string({
      unit: fc.constantFrom(...'AQgw09_-+/=%'),
      minLength: 30,
      maxLength: 200,
    });
    fc.assert(
      fc.property(fc.oneof(hostileTextArb('sealCanary'), base64ish), text => {
        tried++;
        assert.equal(openValue(session, text, MAX), null);
      }),
      {numRuns: RUNS * 2},
    );
    t.diagnostic(`${tried} arbitrary texts`);
  });
});
