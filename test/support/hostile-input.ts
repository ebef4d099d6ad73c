import fc from 'fast-check';

/** Percent escapes that are not UTF-8 (overlong, truncated, surrogate halves) or not escapes at all. */
export const BAD_ESCAPES = [
  '%',
  '%%',
  '%G1',
  '%E0%A4%A',
  '%C3',
  '%FF',
  '%C0%AF',
  '%ED%A0%80',
  '%F4%90%80%80',
  '%u0041',
  '%00',
] as const;

/** Cookie names that collide with Object.prototype, or that look like ours without being ours. */
export const TRICKY_COOKIE_NAMES = [
  '__proto__',
  'constructor',
  'prototype',
  'hasOwnProperty',
  'toString',
  'valueOf',
  '__defineGetter__',
  'oauth2_session',
  'oauth2_signin',
  '__Host-oauth2_session',
  '__Host-oauth2_signin',
  '__Secure-oauth2_session',
  'OAUTH2_SESSION',
  'oauth2_session%00',
  'oauth2_sess',
] as const;

/** Markup and script payloads; `canary` marks each so a reflection is found in any encoding. */
export function markupPayloads(canary: string): string[] {
  return [
    `<script>alert("${canary}")</script>`,
    `"><img src=x onerror=alert('${canary}')>`,
    `'><svg/onload=alert(1)>${canary}`,
    `javascript:alert('${canary}')`,
    `</title><h1>${canary}</h1>`,
    `${canary}<!--`,
    `{{${canary}}}\${${canary}}`,
    `\u202e${canary}\u0000`,
    `${canary}\r\nSet-Cookie: injected=1`,
  ];
}

/** The text with lone surrogates (which have no UTF-8) replaced by '?'. */
export function wellFormed(text: string): string {
  return text.replace(/[\uD800-\uDFFF]/gu, '?');
}

/** A change to a sealed base64url value: `at` and `bit` are taken modulo the value's size. */
export type Mutation =
  | {readonly kind: 'truncate' | 'delete' | 'swap' | 'case-flip'; readonly at: number}
  | {readonly kind: 'flip-bit'; readonly at: number; readonly bit: number}
  | {readonly kind: 'replace' | 'insert'; readonly at: number; readonly text: string}
  | {readonly kind: 'percent-encode'; readonly at: number; readonly lower: boolean}
  | {readonly kind: 'reencode'; readonly as: 'base64' | 'base64-unpadded' | 'base64url-padded'}
  | {readonly kind: 'append'; readonly text: string}
  | {readonly kind: 'quote' | 'double' | 'whitespace'};

const insertText = fc.oneof(
  fc.constantFrom('A', '_', '-', '+', '/', '=', '==', '%', ' ', '"', ',', '\\', '.', '\t'),
  fc.constantFrom(...BAD_ESCAPES),
  fc.string({unit: 'binary', maxLength: 4}),
);

/** Every kind of Mutation, with its position and text. */
export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({kind: fc.constantFrom('truncate', 'delete', 'swap', 'case-flip'), at: fc.nat()}),
  fc.record({kind: fc.constant('flip-bit'), at: fc.nat(), bit: fc.nat(7)}),
  fc.record({kind: fc.constantFrom('replace', 'insert'), at: fc.nat(), text: insertText}),
  fc.record({kind: fc.constant('percent-encode'), at: fc.nat(), lower: fc.boolean()}),
  fc.record({
    kind: fc.constant('reencode'),
    as: fc.constantFrom('base64', 'base64-unpadded', 'base64url-padded'),
  }),
  fc.record({kind: fc.constant('append'), text: insertText}),
  fc.record({kind: fc.constantFrom('quote', 'double', 'whitespace')}),
);

/** Applies a Mutation to a base64url value (the result may equal the value, or mean the same). */
export function mutate(value: string, m: Mutation): string {
  const at = 'at' in m ? m.at % Math.max(1, value.length) : 0;
  const raw = Buffer.from(value, 'base64url');
  switch (m.kind) {
    case 'truncate':
      return value.slice(0, at);
    case 'delete':
      return value.slice(0, at) + value.slice(at + 1);
    case 'swap':
      return (
        value.slice(0, at) +
        value.slice(at + 1, at + 2) +
        value.slice(at, at + 1) +
        value.slice(at + 2)
      );
    case 'case-flip': {
      const char = value.charAt(at);
      const flipped = char === char.toUpperCase() ? char.toLowerCase() : char.toUpperCase();
      return value.slice(0, at) + flipped + value.slice(at + 1);
    }
    case 'flip-bit': {
      const index = m.at % Math.max(1, raw.length);
      raw[index] = (raw[index] ?? 0) ^ (1 << m.bit);
      return raw.toString('base64url');
    }
    case 'replace':
      return value.slice(0, at) + m.text + value.slice(at + 1);
    case 'insert':
      return value.slice(0, at) + m.text + value.slice(at);
    case 'percent-encode': {
      const hex = value.charCodeAt(at).toString(16).padStart(2, '0');
      return value.slice(0, at) + '%' + (m.lower ? hex : hex.toUpperCase()) + value.slice(at + 1);
    }
    case 'reencode': {
      const base64 = raw.toString('base64');
      if (m.as === 'base64') return base64;
      if (m.as === 'base64-unpadded') return base64.replace(/=+$/, '');
      return value + '='.repeat((4 - (value.length % 4)) % 4);
    }
    case 'append':
      return value + m.text;
    case 'quote':
      return `"${value}"`;
    case 'double':
      return value + value;
    case 'whitespace':
      return ` \t${value}\t `;
  }
}

/** Text an attacker controls: any code points, markup, bad escapes, and now and then a lot of it. */
export function hostileTextArb(canary: string, hugeLength = 40_000): fc.Arbitrary<string> {
  return fc.oneof(
    fc.string({unit: 'binary', maxLength: 64}),
    fc.string({unit: 'grapheme-ascii', maxLength: 64}),
    fc.constantFrom(...markupPayloads(canary)),
    fc.constantFrom(...BAD_ESCAPES),
    fc
      .tuple(fc.string({maxLength: 8}), fc.constantFrom(...BAD_ESCAPES))
      .map(([text, escape]) => text + escape),
    fc
      .integer({min: Math.min(4097, hugeLength >> 1), max: hugeLength})
      .map(length => 'A'.repeat(length)),
  );
}
