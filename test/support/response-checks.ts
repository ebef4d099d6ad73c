import assert from 'node:assert/strict';
import type {TestContext} from 'node:test';
import {parseSetCookie} from 'cookie';
import type {Config} from '../../src/config.js';
import {SECURITY_HEADERS} from '../../src/http.js';
import {GMAIL_READONLY_SCOPE, googleEndpoints} from '../../src/oauth-client.js';
import type {RawResponse} from './raw-http.js';

const AUTHORIZE_PARAMS = new Set([
  'client_id',
  'redirect_uri',
  'response_type',
  'scope',
  'state',
  'code_challenge',
  'code_challenge_method',
  'access_type',
  'prompt',
]);

/**
 * Asserts a Location was built from config alone: one of our functions under BASE_URL, or the
 * authorization endpoint with exactly our parameters.
 */
export function assertLocationFromConfig(location: string, config: Config): void {
  if (location === `${config.baseUrl}/oauth2init`) return;
  if (location === `${config.baseUrl}/listlabels`) return;
  const url = URL.canParse(location) ? new URL(location) : null;
  assert.ok(url !== null, `Location ${JSON.stringify(location)} is not one config builds`);
  const authorize = googleEndpoints(config.emulatorUrl).authorize;
  assert.equal(location, `${authorize}?${url.searchParams}`, 'Location is the authorize endpoint');
  const names = [...url.searchParams.keys()];
  assert.equal(new Set(names).size, names.length, 'no parameter twice');
  assert.ok(
    names.every(name => AUTHORIZE_PARAMS.has(name)),
    'only our parameters',
  );
  const get = (name: string): string | null => url.searchParams.get(name);
  assert.equal(get('client_id'), config.clientId);
  assert.equal(get('redirect_uri'), config.redirectUri);
  assert.equal(get('response_type'), 'code');
  assert.equal(get('scope'), GMAIL_READONLY_SCOPE);
  assert.equal(get('code_challenge_method'), 'S256');
  assert.match(get('state') ?? '', /^[A-Za-z0-9_-]{43}$/);
  assert.match(get('code_challenge') ?? '', /^[A-Za-z0-9_-]{43}$/);
  assert.ok([null, 'offline'].includes(get('access_type')), 'access_type');
  if (config.accessType === 'online') assert.equal(get('access_type'), null);
  assert.ok([null, 'consent'].includes(get('prompt')), 'prompt');
}

/**
 * Asserts what any request must get back, however hostile: no 5xx; nothing of the request
 * (marked by `canary`) anywhere in the answer; no markup that could run; every security header;
 * an HTML or JSON body; a Location from config; only our own cookies.
 */
export function assertSafeResponse(
  response: RawResponse,
  config: Config,
  canary: string,
  allow: string,
): void {
  const {status, headers, text} = response;
  assert.ok(status >= 200 && status < 500, `status ${status}`);
  const everything = (JSON.stringify(headers) + text).toLowerCase();
  assert.ok(!everything.includes(canary.toLowerCase()), 'the request is reflected');
  assert.doesNotMatch(text, /<script|<img|<svg|onerror|onload|javascript:/i);
  for (const [name, value] of Object.entries(SECURITY_HEADERS))
    assert.equal(headers[name.toLowerCase()], value, name);
  const type = headers['content-type'];
  if (text !== '' || type !== undefined) {
    assert.ok(
      type === 'text/html; charset=utf-8' || type === 'application/json; charset=utf-8',
      `content-type ${type}`,
    );
  }
  if (type?.startsWith('application/json') && text !== '') JSON.parse(text);
  if (status === 405) assert.equal(headers.allow, allow);
  if (headers.location !== undefined) {
    assert.ok(status === 302 || status === 303, `Location with ${status}`);
    assertLocationFromConfig(headers.location, config);
  }
  const prefix = config.secureCookies ? '__Host-' : '';
  for (const setCookie of headers['set-cookie'] ?? []) {
    const cookie = parseSetCookie(setCookie);
    assert.ok([`${prefix}oauth2_session`, `${prefix}oauth2_signin`].includes(cookie.name));
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.sameSite, 'lax');
    assert.equal(cookie.path, '/');
  }
}

/**
 * Collects the functions' log lines (one JSON object per write) during a test, and checks that
 * each is JSON; any other output passes through.
 */
export function captureLogs(t: TestContext): string[] {
  const lines: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  t.mock.method(process.stdout, 'write', (chunk: string | Uint8Array): boolean => {
    if (typeof chunk === 'string' && chunk.startsWith('{"')) {
      JSON.parse(chunk);
      lines.push(chunk);
      return true;
    }
    return write(chunk);
  });
  return lines;
}

/** Asserts no log line carries anything of the hostile requests (log injection, reflected input). */
export function assertLogsClean(lines: readonly string[], canary: string): void {
  for (const line of lines) assert.ok(!line.toLowerCase().includes(canary.toLowerCase()), line);
}
