import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import fc from 'fast-check';
import {readBearerToken} from '../src/bearer.js';
import {hostileTextArb} from './support/hostile-input.js';

// node:test does not print an error's cause: put the failed assertion in fast-check's report.
fc.configureGlobal({includeErrorInReport: true});

const RUNS = 1500;
// RFC 6750 §2.1: b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
const B64TOKEN_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+/';

function isB64token(text: string): boolean {
  const body = text.replace(/=+$/, '');
  return body.length > 0 && [...body].every(char => B64TOKEN_CHARS.includes(char));
}

const read = (authorization: string): ReturnType<typeof readBearerToken> =>
  readBearerToken({headers: {authorization}});

describe('readBearerToken() under hostile input', () => {
  it('readBearerToken() never throws and returns only a b64token of at most 2048 characters', t => {
    let tried = 0;
    const schemeArb = fc.oneof(
      fc.mixedCase(fc.constant('bearer')),
      fc.constantFrom('Basic', 'Bearer\t', 'Bearer,', 'Bearer:', 'Token', 'BearerBearer', ''),
    );
    const headerArb = fc.oneof(
      fc.string({unit: 'binary'}),
      fc
        .tuple(
          schemeArb,
          fc.constantFrom('', ' ', '  ', '\t', ' \t'),
          hostileTextArb('bearerCanary'),
        )
        .map(([scheme, gap, rest]) => scheme + gap + rest),
    );
    fc.assert(
      fc.property(headerArb, header => {
        tried++;
        const token = read(header);
        assert.notEqual(token, undefined);
        if (!/^bearer(?: |$)/i.test(header)) return assert.equal(token, 'other-scheme');
        if (token === null) return;
        assert.ok(typeof token === 'string' && token !== 'other-scheme');
        assert.ok(isB64token(token) && token.length <= 2048, 'a b64token');
        assert.ok(
          /^bearer +$/i.test(header.slice(0, header.length - token.length)),
          'the whole rest',
        );
      }),
      {numRuns: RUNS * 2},
    );
    t.diagnostic(`${tried} Authorization headers`);
  });

  it('readBearerToken() reads any well-formed token in any scheme case, up to 2048 characters', t => {
    let tried = 0;
    const tokenArb = fc
      .tuple(
        fc.string({unit: fc.constantFrom(...B64TOKEN_CHARS), minLength: 1, maxLength: 2100}),
        fc.integer({min: 0, max: 2}),
      )
      .map(([body, padding]) => body + '='.repeat(padding));
    fc.assert(
      fc.property(
        fc.mixedCase(fc.constant('bearer')),
        fc.integer({min: 1, max: 4}),
        tokenArb,
        (scheme, spaces, token) => {
          tried++;
          const read1 = read(`${scheme}${' '.repeat(spaces)}${token}`);
          assert.equal(read1, token.length <= 2048 ? token : null);
        },
      ),
      {numRuns: RUNS},
    );
    t.diagnostic(`${tried} well-formed Bearer headers`);
  });
});
