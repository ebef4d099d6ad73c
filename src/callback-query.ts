/** The authorization response parameters we read (RFC 6749 §4.1.2, RFC 9207 §2). */
export interface CallbackQuery {
  readonly code?: string;
  readonly state?: string;
  readonly error?: string;
  readonly errorDescription?: string;
  readonly iss?: string;
}

// Each parameter: at most once, and only the characters and length its spec allows.
const RULES = {
  code: /^[\x21-\x7e]{1,2048}$/, // Google's codes are printable ASCII ("4/0A...")
  state: /^[A-Za-z0-9_-]{1,128}$/, // ours are 43 base64url characters
  error: /^[\x20\x21\x23-\x5b\x5d-\x7e]{1,64}$/, // RFC 6749 §4.1.2.1 error charset
  error_description: /^[\x20\x21\x23-\x5b\x5d-\x7e]{0,500}$/,
  iss: /^[\x21-\x7e]{1,256}$/,
} as const;

/**
 * Reads the callback's query strictly: each known parameter at most once and well-formed,
 * else null (the caller answers 400). Parameters Google adds (scope, authuser, prompt, hd) pass.
 */
export function parseCallbackQuery(url: string): CallbackQuery | null {
  const queryStart = url.indexOf('?');
  const params = new URLSearchParams(queryStart === -1 ? '' : url.slice(queryStart + 1));
  const values: Record<string, string> = {};
  for (const [name, rule] of Object.entries(RULES)) {
    const all = params.getAll(name);
    if (all.length > 1) return null;
    const value = all[0];
    if (value === undefined) continue;
    if (!rule.test(value)) return null;
    values[name] = value;
  }
  return {
    code: values.code,
    state: values.state,
    error: values.error,
    errorDescription: values.error_description,
    iss: values.iss,
  };
}
