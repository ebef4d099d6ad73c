import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {
  FormData as BundleFormData,
  Headers as BundleHeaders,
} from '../../src/bundle/web-globals.js';

type AnyHeaders = Headers | BundleHeaders;
type Step = (h: AnyHeaders) => unknown;

// The same operations on Node's Headers and on the bundle's: every observable result must match.
const scripts: [string, ConstructorParameters<typeof Headers>[0], Step[]][] = [
  [
    'names in any case',
    {'Content-Type': 'a'},
    [h => h.get('content-type'), h => h.has('CONTENT-TYPE')],
  ],
  [
    'append joins values with ", "',
    undefined,
    [h => h.append('Accept', 'a'), h => h.append('accept', 'b'), h => h.get('Accept')],
  ],
  [
    'set replaces, delete removes',
    [
      ['x-a', '1'],
      ['x-a', '2'],
    ],
    [
      h => h.get('x-a'),
      h => h.set('X-A', '3'),
      h => h.get('x-a'),
      h => h.delete('x-A'),
      h => h.has('x-a'),
      h => h.get('x-a'),
    ],
  ],
  [
    'iteration is sorted and lower-case',
    {b: '2', A: '1', c: '3'},
    [h => [...h], h => [...h.keys()], h => [...h.values()]],
  ],
  [
    'set-cookie values stay apart',
    undefined,
    [
      h => h.append('Set-Cookie', 'a=1'),
      h => h.append('Set-Cookie', 'b=2'),
      h => h.getSetCookie(),
      h => [...h.entries()],
      h => h.get('set-cookie'),
    ],
  ],
  ['values are trimmed', {a: '  x \t'}, [h => h.get('a')]],
  [
    'forEach gives value, name',
    {b: '2', a: '1'},
    [
      h => {
        const seen: string[] = [];
        h.forEach((value, name) => seen.push(`${name}=${value}`));
        return seen;
      },
    ],
  ],
  ['a missing name is null', {}, [h => h.get('nope'), h => h.has('nope')]],
];

function run(
  make: (init?: ConstructorParameters<typeof Headers>[0]) => AnyHeaders,
  init: ConstructorParameters<typeof Headers>[0],
  steps: Step[],
): unknown[] {
  const h = make(init);
  return steps.map(step => step(h));
}

describe('bundle/web-globals', () => {
  for (const [name, init, steps] of scripts) {
    it(`Headers matches Node's Headers: ${name}`, () => {
      assert.deepEqual(
        run(i => new BundleHeaders(i as never), init, steps),
        run(i => new Headers(i), init, steps),
      );
    });
  }

  it('Headers copies another Headers, and the copy is independent', () => {
    const a = new BundleHeaders({x: '1'});
    const b = new BundleHeaders(a);
    b.set('x', '2');
    assert.equal(a.get('x'), '1');
    assert.equal(b.get('x'), '2');
  });

  const invalid: [string, () => unknown][] = [
    ['a name with a space', () => new BundleHeaders({'bad name': 'x'})],
    [
      'a value with CR LF (header injection)',
      () => new BundleHeaders().set('x', 'a\r\nInjected: 1'),
    ],
    ['a value with NUL', () => new BundleHeaders().append('x', 'a\0b')],
    ['an empty name', () => new BundleHeaders().get('')],
  ];
  for (const [name, call] of invalid) {
    it(`Headers refuses ${name}, as Node's does`, () => {
      assert.throws(call, TypeError);
    });
  }

  it('FormData cannot be made, and nothing is an instance of it', () => {
    assert.throws(() => new BundleFormData(), TypeError);
    assert.equal(new URLSearchParams() instanceof BundleFormData, false);
  });
});
