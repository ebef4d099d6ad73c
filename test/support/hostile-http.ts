import {METHODS} from 'node:http';
import fc from 'fast-check';
import {
  hostileTextArb,
  markupPayloads,
  mutate,
  mutationArb,
  TRICKY_COOKIE_NAMES,
  wellFormed,
  type Mutation,
} from './hostile-input.js';

/** Every method Node's parser knows but CONNECT (a tunnel: Node hands it to no request handler). */
export const HOSTILE_METHODS = METHODS.filter(method => method !== 'CONNECT');

/** Hosts and origins an attacker may claim, each with the canary where it fits. */
export function hostileHosts(canary: string): string[] {
  return [
    'evil.example',
    `${canary}.evil.example`,
    'evil.example:443',
    'localhost:8080@evil.example',
    'evil.example\\@localhost:8080',
    'localhost:8080.evil.example',
    '[::1]:8080',
    '%65vil.example',
    '',
  ];
}

/** Request-targets other than the function's plain path: protocol-relative, backslashes, encoded slashes, absolute-form. */
export function hostilePaths(canary: string): string[] {
  return [
    '//evil.example/',
    `//${canary}.evil.example/oauth2callback`,
    '/\\evil.example',
    '/\\\\evil.example/',
    '/%2F%2Fevil.example',
    '/%5C%5Cevil.example/',
    '/..%2F..%2Fevil.example',
    '/%2e%2e/%2e%2e/evil',
    '/%09/evil.example',
    `/%3Cscript%3E${canary}`,
    'http://evil.example/oauth2callback',
    `https://${canary}.evil.example:443/x`,
  ];
}

/** Header values Node sends: latin-1 without controls (others would be refused before sending). */
export function headerSafe(text: string): string {
  return text.replace(/[^\t\x20-\x7e\x80-\xff]/g, '?');
}

/** Query text Node's parser accepts, keeping the hostile ASCII (`<`, `"`, `&`, `=`, bad `%`) raw. */
export function querySafe(text: string): string {
  return text.replace(/[^\x21-\x7e]|#/g, char => encodeURIComponent(wellFormed(char)));
}

/** The header once, or on two lines (proxies append; Node joins some and keeps the first of others). */
function onceOrTwice(value: fc.Arbitrary<string>): fc.Arbitrary<string | string[]> {
  return fc.oneof({weight: 3, arbitrary: value}, fc.tuple(value, value));
}

/** Spoofed proxy headers, odd Accept values, hostile trace headers: any subset, some repeated. */
export function hostileHeadersArb(canary: string): fc.Arbitrary<Record<string, string | string[]>> {
  const host = fc.constantFrom(...hostileHosts(canary));
  const text = hostileTextArb(canary, 300).map(headerSafe);
  const hostOrText = onceOrTwice(fc.oneof(host, text));
  return fc.record(
    {
      host,
      'x-forwarded-host': hostOrText,
      'x-forwarded-proto': fc.oneof(
        fc.constantFrom('https', 'http', 'javascript', 'https, http', 'gopher'),
        text,
      ),
      'x-forwarded-prefix': fc.constantFrom('/evil', '//evil.example', `/${canary}`),
      'x-forwarded-port': fc.constantFrom('443', '0', '99999', canary),
      'x-forwarded-for': hostOrText,
      forwarded: onceOrTwice(host.map(h => `for=192.0.2.1;host="${h}";proto=https, host=${h}`)),
      'x-original-url': fc.constantFrom('//evil.example/', `/${canary}`),
      'x-rewrite-url': fc.constantFrom('//evil.example/', `/${canary}`),
      'x-http-method-override': fc.constantFrom('POST', 'DELETE', 'PUT'),
      origin: fc.oneof(
        host.map(h => `https://${h}`),
        fc.constant('null'),
      ),
      referer: host.map(h => `https://${h}/${canary}`),
      'sec-fetch-site': fc.constantFrom('same-origin', 'cross-site', 'none', canary),
      accept: onceOrTwice(
        fc.constantFrom(
          'text/html',
          'application/json',
          '*/*',
          'application/json;q=0.1, text/html;q=0.2',
          'application/json, text/html;q=abc',
          `${canary}/<x>`,
        ),
      ),
      'accept-language': text,
      'user-agent': text,
      traceparent: onceOrTwice(
        fc.oneof(fc.constant(`00-${'a'.repeat(32)}-${'b'.repeat(16)}-01`), text),
      ),
      'x-cloud-trace-context': onceOrTwice(text),
    },
    {requiredKeys: []},
  );
}

/** Where a cookie's value comes from: attacker text, or one of ours, possibly changed. */
export type CookieSource =
  | {readonly kind: 'text'; readonly text: string}
  | {readonly kind: 'sealed'; readonly which: SealedKind; readonly mutation: Mutation | null};
export type SealedKind = 'session' | 'signin' | 'other-key-session' | 'other-key-signin';
/** Values sealed by the app (and by another key) for cookies to be built from. */
export type SealedValues = Readonly<Record<SealedKind, string>>;

/** Up to 12 cookies: tricky names, our names, and values from anywhere. */
export function hostileCookiesArb(canary: string): fc.Arbitrary<[string, CookieSource][]> {
  const source: fc.Arbitrary<CookieSource> = fc.oneof(
    hostileTextArb(canary, 4500).map(text => ({kind: 'text' as const, text})),
    fc.record({
      kind: fc.constant('sealed' as const),
      which: fc.constantFrom('session', 'signin', 'other-key-session', 'other-key-signin'),
      mutation: fc.option(mutationArb),
    }),
  );
  const name = fc.oneof(fc.constantFrom(...TRICKY_COOKIE_NAMES), fc.stringMatching(/^[a-z]{1,8}$/));
  return fc.array(fc.tuple(name, source), {maxLength: 12});
}

/** The Cookie header for `cookies`, kept under 6000 bytes so Node's 16 KiB header limit is not what answers. */
export function cookieHeader(
  cookies: readonly [string, CookieSource][],
  sealed: SealedValues,
): string {
  const pairs = cookies.map(([name, source]) => {
    if (source.kind === 'text') return `${name}=${headerSafe(source.text)}`;
    const value = sealed[source.which];
    return `${name}=${headerSafe(source.mutation === null ? value : mutate(value, source.mutation))}`;
  });
  return pairs.join('; ').slice(0, 6000);
}

/** Parameters other apps take a post-login redirect from. */
export const REDIRECT_PARAM_NAMES = [
  'next',
  'redirect_uri',
  'redirect',
  'return_to',
  'returnUrl',
  'continue',
  'url',
  'dest',
] as const;

/** Query parameter names for redirects and the callback, as arrays and objects too. */
export const HOSTILE_PARAM_NAMES = [
  ...REDIRECT_PARAM_NAMES,
  'code',
  'state',
  'error',
  'error_description',
  'iss',
  'state[]',
  'state[a]',
  'code[0]',
  '__proto__',
  'constructor',
] as const;

/** Redirect targets off our origin, spelled the ways URL parsers disagree on. */
export function redirectTargets(canary: string): string[] {
  return [
    '//evil.example',
    'https://evil.example/',
    '/\\evil.example',
    '\\\\evil.example',
    '%2F%2Fevil.example',
    '%5C%5Cevil.example',
    'http:evil.example',
    'https:/\\evil.example',
    '///evil.example',
    '/%09/evil.example',
    '//evil.example%2F@localhost:8080',
    `javascript:alert('${canary}')`,
    `https://${canary}.evil.example`,
  ];
}

/** Extra query parameters: hostile names and values, encoded or raw. */
export function hostileParamsArb(
  canary: string,
  names: readonly string[] = HOSTILE_PARAM_NAMES,
): fc.Arbitrary<string[]> {
  const target = fc.constantFrom(...redirectTargets(canary));
  const value = fc.oneof(
    target,
    hostileTextArb(canary, 2100),
    fc.constantFrom(...markupPayloads(canary)),
  );
  return fc.array(
    fc.tuple(fc.constantFrom(...names), value, fc.boolean()).map(([name, text, encode]) => {
      const spelled = encode ? encodeURIComponent(wellFormed(text)) : querySafe(text);
      return `${name}=${spelled}`;
    }),
    {maxLength: 6},
  );
}
