import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import fc from 'fast-check';
import {parseCallbackQuery, type CallbackQuery} from '../src/callback-query.js';
import {BAD_ESCAPES, hostileTextArb, wellFormed} from './support/hostile-input.js';

// node:test does not print an error's cause: put the failed assertion in fast-check's report.
fc.configureGlobal({includeErrorInReport: true});

const RUNS = 1500;
const CANARY = 'queryCanary';
const KNOWN = ['code', 'state', 'error', 'error_description', 'iss'] as const;
type Known = (typeof KNOWN)[number];
const FIELD = {
  code: 'code',
  state: 'state',
  error: 'error',
  error_description: 'errorDescription',
  iss: 'iss',
} as const satisfies Record<Known, keyof CallbackQuery>;

/** Each parameter's rule, spelled out character by character (not with the module's regexes). */
const allChars = (text: string, ok: (code: number) => boolean): boolean =>
  [...text].every(char => ok(char.codePointAt(0) ?? -1));
const printable = (code: number): boolean => code >= 0x21 && code <= 0x7e;
const errorChar = (code: number): boolean =>
  code >= 0x20 && code <= 0x7e && code !== 0x22 && code !== 0x5c; // RFC 6749 §4.1.2.1
const base64urlChar = (code: number): boolean =>
  (code >= 0x30 && code <= 0x39) ||
  (code >= 0x41 && code <= 0x5a) ||
  (code >= 0x61 && code <= 0x7a) ||
  code === 0x2d ||
  code === 0x5f;
const VALID: Record<Known, (text: string) => boolean> = {
  code: text => text.length >= 1 && text.length <= 2048 && allChars(text, printable),
  state: text => text.length >= 1 && text.length <= 128 && allChars(text, base64urlChar),
  error: text => text.length >= 1 && text.length <= 64 && allChars(text, errorChar),
  error_description: text => text.length <= 500 && allChars(text, errorChar),
  iss: text => text.length >= 1 && text.length <= 256 && allChars(text, printable),
};

// Each rule's length limit, and one either side.
const LENGTH_LIMITS = [64, 128, 256, 500, 2048].flatMap(limit => [limit - 1, limit, limit + 1]);

/** Plausible values (what Google sends) and hostile ones, for any parameter. */
const valueArb = fc.oneof(
  fc.stringMatching(/^4\/0A[A-Za-z0-9_-]{20,80}$/),
  fc.stringMatching(/^[A-Za-z0-9_-]{43}$/),
  fc.constantFrom(
    'access_denied',
    'server_error',
    'https://accounts.google.com',
    'The user said no',
  ),
  fc
    .oneof(fc.integer({min: 0, max: 3000}), fc.constantFrom(...LENGTH_LIMITS))
    .map(length => 'a'.repeat(length)),
  hostileTextArb(CANARY, 8000).map(wellFormed),
);

/** Ways to spell a value in a query: what browsers send, and what they do not. */
const spellingArb = fc.constantFrom('component', 'every-byte', 'lower-hex', 'plus-for-space');
function spell(value: string, spelling: string): string {
  if (spelling === 'component') return encodeURIComponent(value);
  if (spelling === 'plus-for-space') return encodeURIComponent(value).replace(/%20/g, '+');
  const hex = [...Buffer.from(value, 'utf8')].map(byte => '%' + byte.toString(16).padStart(2, '0'));
  return (spelling === 'lower-hex' ? hex : hex.map(escape => escape.toUpperCase())).join('');
}

const paramsArb = fc.record(
  {
    code: valueArb,
    state: valueArb,
    error: valueArb,
    error_description: valueArb,
    iss: valueArb,
  },
  {requiredKeys: []},
);
const extrasArb = fc.array(
  fc.tuple(
    fc.constantFrom(
      'scope',
      'authuser',
      'prompt',
      'hd',
      'state[]',
      'state[a]',
      'code[0]',
      'Code',
      'STATE',
      '__proto__',
      'constructor',
      'toString',
    ),
    valueArb,
  ),
  {maxLength: 6},
);

/** A callback URL from name/value pairs in the given order and spelling. */
function urlOf(pairs: [string, string][], spelling: string): string {
  return `/oauth2callback?${pairs.map(([name, value]) => `${spell(name, spelling)}=${spell(value, spelling)}`).join('&')}`;
}

describe('parseCallbackQuery() under hostile input', () => {
  it('parseCallbackQuery() never throws and returns only values that keep their rules', t => {
    let tried = 0;
    const rawQueryArb = fc
      .array(
        fc.tuple(
          fc.oneof(fc.constantFrom(...KNOWN), fc.string({maxLength: 6})),
          fc.oneof(valueArb, fc.constantFrom(...BAD_ESCAPES), fc.string({unit: 'binary'})),
        ),
        {maxLength: 12},
      )
      .map(pairs => '/cb?' + pairs.map(([name, value]) => `${name}=${value}`).join('&'));
    fc.assert(
      fc.property(fc.oneof(rawQueryArb, fc.string({unit: 'binary'})), url => {
        tried++;
        const query = parseCallbackQuery(url);
        if (query === null) return;
        for (const name of KNOWN) {
          const value = query[FIELD[name]];
          if (value !== undefined) assert.ok(VALID[name](value), `${name} breaks its rule`);
        }
      }),
      {numRuns: RUNS * 2},
    );
    t.diagnostic(`${tried} raw query strings`);
  });

  it('parseCallbackQuery() reads each parameter as sent, however spelled, or refuses a bad one', t => {
    let tried = 0;
    // Google's order is not assumed: the pairs come shuffled.
    const callbackArb = fc.tuple(paramsArb, extrasArb).chain(([params, extras]) => {
      const pairs: [string, string][] = [...Object.entries(params), ...extras];
      const all = {minLength: pairs.length, maxLength: pairs.length};
      return fc.tuple(fc.constant(params), fc.shuffledSubarray(pairs, all));
    });
    fc.assert(
      fc.property(callbackArb, spellingArb, ([params, pairs], spelling) => {
        const query = parseCallbackQuery(urlOf(pairs, spelling));
        tried++;
        const valid = KNOWN.every(name => {
          const value = params[name];
          return value === undefined || VALID[name](value);
        });
        if (!valid) return assert.equal(query, null);
        assert.deepEqual(query, {
          code: params.code,
          state: params.state,
          error: params.error,
          errorDescription: params.error_description,
          iss: params.iss,
        });
      }),
      {numRuns: RUNS},
    );
    t.diagnostic(`${tried} structured callbacks in 4 spellings`);
  });

  it('parseCallbackQuery() refuses any known parameter sent twice, even with the same value', t => {
    let tried = 0;
    fc.assert(
      fc.property(
        paramsArb,
        fc.constantFrom(...KNOWN),
        fc.option(valueArb),
        spellingArb,
        (params, twice, second, spelling) => {
          const first = params[twice] ?? 'x';
          const pairs: [string, string][] = [
            ...Object.entries({...params, [twice]: first}),
            [twice, second ?? first],
          ];
          tried++;
          assert.equal(parseCallbackQuery(urlOf(pairs, spelling)), null);
        },
      ),
      {numRuns: RUNS / 2},
    );
    t.diagnostic(`${tried} callbacks with a repeated parameter`);
  });
});
