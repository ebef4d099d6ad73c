// Injected into the deployed bundle only (package.json "bundle": esbuild --inject), in place of
// the global Headers and FormData that gaxios, google-auth-library and googleapis reference.
// Node's own are undici's: touching either loads the whole fetch stack, about 20 ms and 12 MiB
// of every cold start, for a header map. Nothing else in the process is changed. Our calls go
// through google-fetch.ts over node:http, so nothing here ever reaches fetch.
// test/bundle/web-globals.test.ts checks this Headers against Node's on the same operations.

// RFC 9110 §5.1 field-name = token; §5.5 field values: no CR, LF or NUL.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const INVALID_VALUE = /[\r\n\0]/;

type HeadersInit = Headers | Iterable<readonly [string, string]> | Record<string, string>;

/** The Fetch standard's Headers: case-insensitive names, values joined with ", ", sorted iteration. */
class Headers {
  readonly #map = new Map<string, string[]>();

  constructor(init?: HeadersInit | null) {
    if (init === undefined || init === null) return;
    if (init instanceof Headers) {
      init.#map.forEach((values, name) => this.#map.set(name, [...values]));
    } else if (Symbol.iterator in init) {
      for (const [name, value] of init) this.append(name, value);
    } else {
      for (const [name, value] of Object.entries(init)) this.append(name, String(value));
    }
  }

  append(name: string, value: string): void {
    const key = checkName(name);
    const values = this.#map.get(key);
    const normalized = checkValue(value);
    if (values === undefined) this.#map.set(key, [normalized]);
    else values.push(normalized);
  }

  set(name: string, value: string): void {
    this.#map.set(checkName(name), [checkValue(value)]);
  }

  delete(name: string): void {
    this.#map.delete(checkName(name));
  }

  get(name: string): string | null {
    return this.#map.get(checkName(name))?.join(', ') ?? null;
  }

  has(name: string): boolean {
    return this.#map.has(checkName(name));
  }

  getSetCookie(): string[] {
    return [...(this.#map.get('set-cookie') ?? [])];
  }

  forEach(
    callback: (value: string, name: string, parent: Headers) => void,
    thisArg?: unknown,
  ): void {
    for (const [name, value] of this.entries()) callback.call(thisArg, value, name, this);
  }

  *entries(): IterableIterator<[string, string]> {
    for (const name of [...this.#map.keys()].sort()) {
      const values = this.#map.get(name) ?? [];
      // Fetch §"sort and combine": set-cookie values stay separate.
      if (name === 'set-cookie') for (const value of values) yield [name, value];
      else yield [name, values.join(', ')];
    }
  }

  *keys(): IterableIterator<string> {
    for (const [name] of this.entries()) yield name;
  }

  *values(): IterableIterator<string> {
    for (const [, value] of this.entries()) yield value;
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }

  get [Symbol.toStringTag](): string {
    return 'Headers';
  }
}

function checkName(name: string): string {
  const text = String(name);
  if (!TOKEN.test(text)) throw new TypeError(`Headers: invalid header name "${text}"`);
  return text.toLowerCase();
}

function checkValue(value: string): string {
  // Fetch: a value is normalized by stripping leading and trailing HTTP whitespace.
  const text = String(value).replace(/^[\t\n\r ]+|[\t\n\r ]+$/g, '');
  if (INVALID_VALUE.test(text)) throw new TypeError('Headers: invalid header value');
  return text;
}

/**
 * Only ever the right-hand side of `instanceof` in gaxios (a request body that is FormData is
 * sent as is): we send none, and constructing one is refused rather than half-done.
 */
class FormData {
  constructor() {
    throw new TypeError('FormData is not available in this bundle');
  }
}

export {FormData, Headers};
