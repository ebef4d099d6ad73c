import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import {createHash, randomBytes} from 'node:crypto';
import {once} from 'node:events';
import {fileURLToPath} from 'node:url';
import {after, afterEach, before, test} from 'node:test';
import {
  DEFAULT_ACCOUNT,
  DEFAULT_CLIENT,
  startEmulator,
  type ConsentChoice,
  type Emulator,
  type EmulatorFault,
  type EmulatorLabel,
  type EmulatorRoute,
} from '../emulator/index.js';

const CLIENT_ID = 'emulator-client.apps.googleusercontent.com';
const CLIENT_SECRET = 'emulator-secret';
const REDIRECT_URI = 'http://localhost:8080/oauth2callback';
const READONLY = 'https://www.googleapis.com/auth/gmail.readonly';
const LABELS_SCOPE = 'https://www.googleapis.com/auth/gmail.labels';

let emulator: Emulator;

before(async () => {
  emulator = await startEmulator();
});

after(async () => {
  await emulator.close();
});

afterEach(() => {
  emulator.clearFaults();
  emulator.autoConsent = null;
  emulator.accessTokenTtlSeconds = 3599;
});

type Json = Record<string, unknown>;

async function jsonOf(res: Response): Promise<Json> {
  const value: unknown = await res.json();
  assert.ok(typeof value === 'object' && value !== null && !Array.isArray(value));
  return Object.fromEntries(Object.entries(value));
}

function text(value: unknown): string {
  assert.ok(typeof value === 'string', `expected a string, got ${String(value)}`);
  return value;
}

function url(path: string): string {
  return new URL(path, emulator.url).href;
}

function get(path: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url(path), {redirect: 'manual', headers});
}

function postForm(
  path: string,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(url(path), {
    method: 'POST',
    redirect: 'manual',
    headers,
    body: new URLSearchParams(fields),
  });
}

function authorizePath(overrides: Record<string, string | null> = {}): string {
  const params: Record<string, string | null> = {
    client_id: CLIENT_ID,
    redirect_uri: REDIRECT_URI,
    response_type: 'code',
    scope: `openid email ${READONLY}`,
    state: 'state-123',
    ...overrides,
  };
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== null) query.set(name, value);
  }
  return `/o/oauth2/v2/auth?${query.toString()}`;
}

function pkce(): {verifier: string; challenge: string} {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  return {verifier, challenge};
}

function location(res: Response): URL {
  assert.equal(res.status, 302);
  return new URL(text(res.headers.get('location')));
}

async function autoAuthorize(
  overrides: Record<string, string | null> = {},
  choice: ConsentChoice = {decision: 'allow'},
): Promise<URL> {
  emulator.autoConsent = choice;
  try {
    return location(await get(authorizePath(overrides)));
  } finally {
    emulator.autoConsent = null;
  }
}

/** A fresh S256 code for an offline grant (prompt=consent, so it carries a refresh token). */
async function newCode(
  overrides: Record<string, string | null> = {},
): Promise<{code: string; verifier: string}> {
  const {verifier, challenge} = pkce();
  const redirect = await autoAuthorize({
    code_challenge: challenge,
    code_challenge_method: 'S256',
    access_type: 'offline',
    prompt: 'consent',
    ...overrides,
  });
  return {code: text(redirect.searchParams.get('code')), verifier};
}

function exchange(
  code: string,
  verifier: string | null,
  extra: Record<string, string> = {},
): Promise<Response> {
  const fields: Record<string, string> = {
    grant_type: 'authorization_code',
    code,
    redirect_uri: REDIRECT_URI,
    client_id: CLIENT_ID,
    client_secret: CLIENT_SECRET,
    ...extra,
  };
  if (verifier !== null) fields.code_verifier = verifier;
  return postForm('/token', fields);
}

async function tokensFor(overrides: Record<string, string | null> = {}): Promise<Json> {
  const {code, verifier} = await newCode(overrides);
  const res = await exchange(code, verifier);
  assert.equal(res.status, 200);
  return jsonOf(res);
}

function bearer(token: string): Record<string, string> {
  return {authorization: `Bearer ${token}`};
}

function basic(id: string, secret: string): Record<string, string> {
  // RFC 6749 §2.3.1: each part is form-urlencoded first.
  const pair = `${encodeURIComponent(id)}:${encodeURIComponent(secret)}`;
  return {authorization: `Basic ${Buffer.from(pair).toString('base64')}`};
}

function refresh(
  refreshToken: string,
  clientId = CLIENT_ID,
  secret = CLIENT_SECRET,
): Promise<Response> {
  return postForm('/token', {
    grant_type: 'refresh_token',
    refresh_token: refreshToken,
    client_id: clientId,
    client_secret: secret,
  });
}

async function assertOAuthError(res: Response, status: number, error: string): Promise<Json> {
  assert.equal(res.status, status);
  const body = await jsonOf(res);
  assert.equal(body.error, error);
  return body;
}

// --- authorize ---------------------------------------------------------------

const BAD_AUTHORIZE_REQUESTS: Array<[string, Record<string, string | null>, number, string]> = [
  ['an unknown client_id', {client_id: 'nobody.apps.googleusercontent.com'}, 401, 'invalid_client'],
  ['a missing client_id', {client_id: null}, 401, 'invalid_client'],
  [
    'an unregistered redirect_uri',
    {redirect_uri: 'https://evil.example/cb'},
    400,
    'redirect_uri_mismatch',
  ],
  [
    'a redirect_uri differing by a slash',
    {redirect_uri: `${REDIRECT_URI}/`},
    400,
    'redirect_uri_mismatch',
  ],
  ['a missing redirect_uri', {redirect_uri: null}, 400, 'redirect_uri_mismatch'],
  ['response_type=token', {response_type: 'token'}, 400, 'invalid_request'],
  ['a missing response_type', {response_type: null}, 400, 'invalid_request'],
  ['a missing scope', {scope: null}, 400, 'invalid_request'],
  ['an unknown scope', {scope: 'openid https://evil.example/scope'}, 400, 'invalid_scope'],
  ['a 42-character code_challenge', {code_challenge: 'a'.repeat(42)}, 400, 'invalid_request'],
  [
    'a code_challenge with a bad character',
    {code_challenge: `${'a'.repeat(42)}+`},
    400,
    'invalid_request',
  ],
  [
    'code_challenge_method=S512',
    {code_challenge: 'a'.repeat(43), code_challenge_method: 'S512'},
    400,
    'invalid_request',
  ],
  ['access_type=forever', {access_type: 'forever'}, 400, 'invalid_request'],
];

for (const [name, overrides, status, error] of BAD_AUTHORIZE_REQUESTS) {
  void test(`GET /o/oauth2/v2/auth shows an error page, no redirect, for ${name}`, async () => {
    emulator.autoConsent = {decision: 'allow'};
    const res = await get(authorizePath(overrides));
    assert.equal(res.status, status);
    assert.equal(res.headers.get('location'), null);
    assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
    assert.ok((await res.text()).includes(`Error ${status}: ${error}`));
  });
}

void test('GET /o/oauth2/v2/auth rejects a parameter sent twice', async () => {
  const res = await get(`${authorizePath()}&scope=${encodeURIComponent(READONLY)}`);
  assert.equal(res.status, 400);
  assert.equal(res.headers.get('location'), null);
});

void test('GET /o/oauth2/v2/auth shows a consent page with Allow, Deny and one ticked box per scope', async () => {
  const res = await get(
    authorizePath({
      scope: `openid ${READONLY}`,
      prompt: 'consent',
      include_granted_scopes: 'true',
    }),
  );
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-security-policy') ?? '', /default-src 'none'/);
  const html = await res.text();
  assert.ok(html.includes('Sign in with Google (local emulator)'));
  assert.ok(html.includes('<h1>Gmail Labels wants to access your Google Account</h1>'));
  assert.ok(html.includes('See your Gmail labels and messages'), 'the scope in words');
  assert.ok(html.includes(CLIENT_ID));
  assert.ok(html.includes(DEFAULT_ACCOUNT.email));
  assert.match(html, /<form method="post" action="\/o\/oauth2\/v2\/auth\/consent">/);
  assert.match(html, /<button type="submit" name="decision" value="allow">Allow<\/button>/);
  assert.match(html, /<button type="submit" name="decision" value="deny">Deny<\/button>/);
  assert.equal(html.match(/type="checkbox" name="scope" value="[^"]+" checked/g)?.length, 2);
  assert.match(html, /name="request_id" value="[A-Za-z0-9_-]+"/);
});

void test('GET /o/oauth2/v2/auth lists several accounts as escaped radios and honours login_hint', async () => {
  const extra = {sub: '2', email: 'sam"<b>@example.com', labels: []};
  emulator.accounts.push(extra);
  try {
    const html = await (await get(authorizePath({login_hint: extra.email}))).text();
    assert.ok(!html.includes('<b>'));
    assert.ok(html.includes('value="sam&quot;&lt;b&gt;@example.com" checked'));
    assert.ok(html.includes(`value="${DEFAULT_ACCOUNT.email}">`));
  } finally {
    emulator.accounts.pop();
  }
});

const AUTO_CONSENT_CASES: Array<
  [string, Record<string, string | null>, ConsentChoice, Record<string, string | null>]
> = [
  [
    'allow redirects with code, scope, state and iss',
    {},
    {decision: 'allow'},
    {scope: `openid email ${READONLY}`, state: 'state-123', error: null},
  ],
  [
    'allow omits state when none was sent',
    {state: null},
    {decision: 'allow'},
    {state: null, error: null},
  ],
  [
    'allow with a scope subset grants only that subset',
    {},
    {decision: 'allow', scopes: [READONLY]},
    {scope: READONLY},
  ],
  [
    'deny redirects with access_denied, state and iss',
    {},
    {decision: 'deny'},
    {error: 'access_denied', state: 'state-123', code: null, scope: null},
  ],
  [
    'allow with no scopes is a deny',
    {},
    {decision: 'allow', scopes: []},
    {error: 'access_denied', code: null},
  ],
  [
    'allow grants its scopes verbatim, like include_granted_scopes',
    {scope: READONLY},
    {decision: 'allow', scopes: ['openid']},
    {scope: 'openid', error: null},
  ],
];

for (const [name, overrides, choice, expected] of AUTO_CONSENT_CASES) {
  void test(`autoConsent ${name}`, async () => {
    const redirect = await autoAuthorize(overrides, choice);
    assert.equal(`${redirect.origin}${redirect.pathname}`, REDIRECT_URI);
    assert.equal(redirect.searchParams.get('iss'), emulator.url);
    for (const [param, value] of Object.entries(expected)) {
      assert.equal(redirect.searchParams.get(param), value, param);
    }
    if (expected.code !== null) assert.match(text(redirect.searchParams.get('code')), /^4\//);
  });
}

async function consentRequestId(overrides: Record<string, string | null> = {}): Promise<string> {
  const html = await (await get(authorizePath(overrides))).text();
  const match = /name="request_id" value="([^"]+)"/.exec(html);
  return text(match?.[1]);
}

function submitConsent(body: URLSearchParams): Promise<Response> {
  return fetch(url('/o/oauth2/v2/auth/consent'), {
    method: 'POST',
    redirect: 'manual',
    body,
  });
}

void test('POST /o/oauth2/v2/auth/consent allow redirects with a code for the ticked scopes only', async () => {
  const id = await consentRequestId();
  const redirect = location(
    await submitConsent(
      new URLSearchParams([
        ['request_id', id],
        ['scope', READONLY],
        ['decision', 'allow'],
      ]),
    ),
  );
  assert.equal(redirect.searchParams.get('scope'), READONLY);
  assert.equal(redirect.searchParams.get('state'), 'state-123');
  assert.equal(redirect.searchParams.get('iss'), emulator.url);
  assert.match(text(redirect.searchParams.get('code')), /^4\//);
});

const CONSENT_DENIALS: Array<[string, Array<[string, string]>]> = [
  [
    'Deny',
    [
      ['scope', READONLY],
      ['decision', 'deny'],
    ],
  ],
  ['Allow with no scope ticked', [['decision', 'allow']]],
  [
    'Allow ticking only a scope that was not asked for',
    [
      ['scope', LABELS_SCOPE],
      ['decision', 'allow'],
    ],
  ],
];

for (const [name, fields] of CONSENT_DENIALS) {
  void test(`POST /o/oauth2/v2/auth/consent treats ${name} as access_denied`, async () => {
    const id = await consentRequestId();
    const redirect = location(
      await submitConsent(new URLSearchParams([['request_id', id], ...fields])),
    );
    assert.equal(redirect.searchParams.get('error'), 'access_denied');
    assert.equal(redirect.searchParams.get('code'), null);
    assert.equal(redirect.searchParams.get('state'), 'state-123');
  });
}

void test('POST /o/oauth2/v2/auth/consent refuses a used or unknown request id', async () => {
  const id = await consentRequestId();
  const allow = (): URLSearchParams =>
    new URLSearchParams([
      ['request_id', id],
      ['scope', READONLY],
      ['decision', 'allow'],
    ]);
  assert.equal((await submitConsent(allow())).status, 302);
  const replay = await submitConsent(allow());
  assert.equal(replay.status, 400);
  assert.equal(replay.headers.get('location'), null);
  const unknown = await submitConsent(new URLSearchParams({request_id: 'nope', decision: 'allow'}));
  assert.equal(unknown.status, 400);
});

// --- token -------------------------------------------------------------------

void test('POST /token exchanges a code with S256 PKCE for tokens', async () => {
  const {code, verifier} = await newCode();
  const res = await exchange(code, verifier);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('cache-control'), 'no-store');
  const body = await jsonOf(res);
  assert.match(text(body.access_token), /^ya29\./);
  assert.match(text(body.refresh_token), /^1\/\//);
  assert.equal(body.expires_in, 3599);
  assert.equal(body.token_type, 'Bearer');
  assert.equal(body.scope, `openid email ${READONLY}`);
  const parts = text(body.id_token).split('.');
  assert.equal(parts.length, 3);
  const claims: unknown = JSON.parse(Buffer.from(text(parts[1]), 'base64url').toString());
  assert.deepEqual(
    typeof claims === 'object' && claims !== null && 'email' in claims && 'iss' in claims
      ? [claims.email, claims.iss]
      : null,
    [DEFAULT_ACCOUNT.email, emulator.url],
  );
});

void test('POST /token gives no refresh_token or id_token to an online grant without openid', async () => {
  const body = await tokensFor({access_type: null, scope: READONLY});
  assert.equal(body.refresh_token, undefined);
  assert.equal(body.id_token, undefined);
  assert.equal(body.scope, READONLY);
});

void test('POST /token exchanges a code with plain PKCE, and one without PKCE', async () => {
  const verifier = randomBytes(32).toString('base64url');
  const plain = await newCode({
    code_challenge: verifier,
    code_challenge_method: null,
  });
  assert.equal((await exchange(plain.code, verifier)).status, 200);
  const none = await newCode({
    code_challenge: null,
    code_challenge_method: null,
  });
  assert.equal((await exchange(none.code, null)).status, 200);
});

const BAD_EXCHANGES: Array<[string, (code: string, verifier: string) => Promise<Response>]> = [
  ['a wrong code_verifier', code => exchange(code, pkce().verifier)],
  ['a missing code_verifier', code => exchange(code, null)],
  [
    'a wrong redirect_uri',
    (code, verifier) => exchange(code, verifier, {redirect_uri: 'http://localhost:8080/other'}),
  ],
  ['an unknown code', (_code, verifier) => exchange('4/not-a-code', verifier)],
];

for (const [name, send] of BAD_EXCHANGES) {
  void test(`POST /token rejects ${name} with invalid_grant`, async () => {
    const {code, verifier} = await newCode();
    const body = await assertOAuthError(await send(code, verifier), 400, 'invalid_grant');
    assert.equal(body.error_description, 'Bad Request');
  });
}

void test('POST /token rejects a code_verifier when the request had no code_challenge', async () => {
  const {code} = await newCode({
    code_challenge: null,
    code_challenge_method: null,
  });
  await assertOAuthError(await exchange(code, pkce().verifier), 400, 'invalid_grant');
});

void test('POST /token rejects a code issued to another client', async () => {
  emulator.clients.push({
    clientId: 'other-client',
    clientSecret: 'other-secret',
    redirectUris: [REDIRECT_URI],
  });
  try {
    const {code, verifier} = await newCode();
    const res = await exchange(code, verifier, {
      client_id: 'other-client',
      client_secret: 'other-secret',
    });
    await assertOAuthError(res, 400, 'invalid_grant');
  } finally {
    emulator.clients.pop();
  }
});

void test('POST /token rejects an expired code', async t => {
  const {code, verifier} = await newCode();
  t.mock.timers.enable({apis: ['Date'], now: Date.now()});
  t.mock.timers.tick(601_000);
  await assertOAuthError(await exchange(code, verifier), 400, 'invalid_grant');
});

void test('POST /token rejects a replayed code and revokes the tokens it issued', async () => {
  const {code, verifier} = await newCode();
  const first = await jsonOf(await exchange(code, verifier));
  await assertOAuthError(await exchange(code, verifier), 400, 'invalid_grant');
  const labels = await get('/gmail/v1/users/me/labels', bearer(text(first.access_token)));
  assert.equal(labels.status, 401);
  await assertOAuthError(await refresh(text(first.refresh_token)), 400, 'invalid_grant');
});

void test('POST /token does not burn a code when client authentication fails', async () => {
  const {code, verifier} = await newCode();
  await assertOAuthError(
    await exchange(code, verifier, {client_secret: 'wrong'}),
    401,
    'invalid_client',
  );
  assert.equal((await exchange(code, verifier)).status, 200);
});

const WEIRD_CLIENT = {
  clientId: 'weird client:1',
  clientSecret: 'p@ss:w+rd/%',
  redirectUris: [REDIRECT_URI],
};

const CLIENT_AUTH_CASES: Array<[string, Record<string, string>, Record<string, string>, number]> = [
  [
    'accepts HTTP Basic with form-urlencoded parts',
    basic(WEIRD_CLIENT.clientId, WEIRD_CLIENT.clientSecret),
    {},
    200,
  ],
  [
    'accepts client_id and client_secret in the form',
    {},
    {
      client_id: WEIRD_CLIENT.clientId,
      client_secret: WEIRD_CLIENT.clientSecret,
    },
    200,
  ],
  [
    'accepts Basic plus a matching form client_id',
    basic(WEIRD_CLIENT.clientId, WEIRD_CLIENT.clientSecret),
    {client_id: WEIRD_CLIENT.clientId},
    200,
  ],
  ['rejects Basic with a wrong secret', basic(WEIRD_CLIENT.clientId, 'nope'), {}, 401],
  [
    'rejects Basic naming another client than the form',
    basic(WEIRD_CLIENT.clientId, WEIRD_CLIENT.clientSecret),
    {client_id: CLIENT_ID},
    401,
  ],
  [
    'rejects a wrong form client_secret',
    {},
    {client_id: WEIRD_CLIENT.clientId, client_secret: 'nope'},
    401,
  ],
  ['rejects a missing client_secret', {}, {client_id: WEIRD_CLIENT.clientId}, 401],
  ['rejects no client authentication', {}, {}, 401],
];

for (const [name, headers, fields, status] of CLIENT_AUTH_CASES) {
  void test(`POST /token ${name}`, async () => {
    emulator.clients.push(WEIRD_CLIENT);
    try {
      const {code, verifier} = await newCode({
        client_id: WEIRD_CLIENT.clientId,
      });
      const form = {
        grant_type: 'authorization_code',
        code,
        code_verifier: verifier,
        redirect_uri: REDIRECT_URI,
        ...fields,
      };
      const res = await postForm('/token', form, headers);
      assert.equal(res.status, status);
      if (status === 401) {
        assert.deepEqual(await jsonOf(res), {
          error: 'invalid_client',
          error_description: 'Unauthorized',
        });
      }
    } finally {
      emulator.clients.pop();
    }
  });
}

const BAD_TOKEN_REQUESTS: Array<[string, Record<string, string>, string, RegExp]> = [
  ['a missing grant_type', {}, 'invalid_request', /grant_type/],
  [
    'a missing code',
    {grant_type: 'authorization_code', redirect_uri: REDIRECT_URI},
    'invalid_request',
    /code/,
  ],
  [
    'a missing redirect_uri',
    {grant_type: 'authorization_code', code: '4/x'},
    'invalid_request',
    /redirect_uri/,
  ],
  ['a missing refresh_token', {grant_type: 'refresh_token'}, 'invalid_request', /refresh_token/],
  ['grant_type=password', {grant_type: 'password'}, 'unsupported_grant_type', /password/],
];

for (const [name, fields, error, description] of BAD_TOKEN_REQUESTS) {
  void test(`POST /token answers ${error} for ${name}`, async () => {
    const res = await postForm('/token', {
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      ...fields,
    });
    const body = await assertOAuthError(res, 400, error);
    assert.match(text(body.error_description), description);
  });
}

void test('POST /token refresh_token grant issues a new access token and no new refresh token', async () => {
  const first = await tokensFor();
  const res = await refresh(text(first.refresh_token));
  assert.equal(res.status, 200);
  const body = await jsonOf(res);
  assert.notEqual(body.access_token, first.access_token);
  assert.equal(body.refresh_token, undefined);
  assert.equal(body.scope, first.scope);
  assert.equal(
    (await get('/gmail/v1/users/me/profile', bearer(text(body.access_token)))).status,
    200,
  );
});

void test('POST /token refresh_token grant rejects unknown, foreign and revoked tokens', async () => {
  const refreshToken = emulator.mintRefreshToken();
  emulator.clients.push({
    clientId: 'other-client',
    clientSecret: 'other-secret',
    redirectUris: [],
  });
  try {
    const foreign = await assertOAuthError(
      await refresh(refreshToken, 'other-client', 'other-secret'),
      400,
      'invalid_grant',
    );
    assert.equal(foreign.error_description, 'Token has been expired or revoked.');
  } finally {
    emulator.clients.pop();
  }
  await assertOAuthError(await refresh('1//unknown'), 400, 'invalid_grant');
  assert.equal((await postForm('/revoke', {token: refreshToken})).status, 200);
  await assertOAuthError(await refresh(refreshToken), 400, 'invalid_grant');
});

void test('accessTokenTtlSeconds sets expires_in of new tokens', async () => {
  emulator.accessTokenTtlSeconds = 1;
  const body = await tokensFor();
  assert.equal(body.expires_in, 1);
});

// --- revoke and tokeninfo ----------------------------------------------------

void test('POST /revoke of an access token revokes its refresh token too', async () => {
  const tokens = await tokensFor();
  const res = await postForm('/revoke', {token: text(tokens.access_token)});
  assert.equal(res.status, 200);
  assert.deepEqual(await jsonOf(res), {});
  await assertOAuthError(await refresh(text(tokens.refresh_token)), 400, 'invalid_grant');
});

void test('POST /revoke?token= of a refresh token revokes its access tokens', async () => {
  const tokens = await tokensFor();
  const query = new URLSearchParams({token: text(tokens.refresh_token)});
  const res = await fetch(url(`/revoke?${query.toString()}`), {method: 'POST'});
  assert.equal(res.status, 200);
  assert.equal(
    (await get('/gmail/v1/users/me/labels', bearer(text(tokens.access_token)))).status,
    401,
  );
});

void test('POST /revoke rejects an unknown or already revoked token', async () => {
  const token = emulator.mintAccessToken();
  assert.equal((await postForm('/revoke', {token})).status, 200);
  for (const value of [token, 'ya29.unknown']) {
    const body = await assertOAuthError(
      await postForm('/revoke', {token: value}),
      400,
      'invalid_token',
    );
    assert.equal(body.error_description, 'Token expired or revoked');
  }
});

void test('GET /tokeninfo describes a valid access token', async () => {
  const tokens = await tokensFor();
  const res = await get(`/tokeninfo?access_token=${text(tokens.access_token)}`);
  assert.equal(res.status, 200);
  const info = await jsonOf(res);
  const {exp, expires_in: expiresIn, ...rest} = info;
  assert.deepEqual(rest, {
    azp: CLIENT_ID,
    aud: CLIENT_ID,
    sub: DEFAULT_ACCOUNT.sub,
    scope: `openid email ${READONLY}`,
    email: DEFAULT_ACCOUNT.email,
    email_verified: 'true',
    access_type: 'offline',
  });
  assert.ok(Math.abs(Number(text(exp)) - (Date.now() / 1000 + 3599)) < 5);
  assert.ok(Number(text(expiresIn)) > 3590);
});

void test('POST /tokeninfo accepts the token as a Bearer header, as google-auth-library sends it', async () => {
  const token = emulator.mintAccessToken();
  const res = await fetch(url('/tokeninfo'), {
    method: 'POST',
    headers: bearer(token),
  });
  assert.equal(res.status, 200);
  assert.equal((await jsonOf(res)).access_type, 'online');
});

const INVALID_TOKENINFO: Array<[string, () => string]> = [
  ['an unknown token', () => 'ya29.unknown'],
  ['an expired token', () => emulator.mintAccessToken({ttlSeconds: 0})],
];

for (const [name, tokenOf] of INVALID_TOKENINFO) {
  void test(`GET /tokeninfo rejects ${name}`, async () => {
    const res = await get(`/tokeninfo?access_token=${tokenOf()}`);
    const body = await assertOAuthError(res, 400, 'invalid_token');
    assert.equal(body.error_description, 'Invalid Value');
  });
}

// --- Gmail -------------------------------------------------------------------

void test('GET /gmail/v1/users/me/labels lists the account labels, pushed ones included', async () => {
  const hostile: EmulatorLabel = {
    id: 'Label_9',
    name: '<img src=x onerror=alert(1)>',
    type: 'user',
  };
  const account = emulator.accounts[0];
  assert.ok(account !== undefined);
  account.labels.push(hostile);
  try {
    const res = await get('/gmail/v1/users/me/labels', bearer(emulator.mintAccessToken()));
    assert.equal(res.status, 200);
    const {labels} = await jsonOf(res);
    assert.ok(Array.isArray(labels));
    assert.deepEqual(labels[0], {id: 'CHAT', name: 'CHAT', type: 'system'});
    assert.deepEqual(labels.at(-1), {
      ...hostile,
      messageListVisibility: 'show',
      labelListVisibility: 'labelShow',
    });
    assert.equal(labels.length, DEFAULT_ACCOUNT.labels.length + 1);
  } finally {
    account.labels.pop();
  }
});

void test('GET /gmail/v1/users/{email}/profile returns the profile', async () => {
  const res = await get(
    `/gmail/v1/users/${encodeURIComponent(DEFAULT_ACCOUNT.email)}/profile`,
    bearer(emulator.mintAccessToken()),
  );
  assert.equal(res.status, 200);
  const profile = await jsonOf(res);
  assert.equal(profile.emailAddress, DEFAULT_ACCOUNT.email);
  assert.equal(typeof profile.messagesTotal, 'number');
  assert.equal(typeof profile.threadsTotal, 'number');
  assert.equal(typeof profile.historyId, 'string');
});

const UNAUTHENTICATED: Array<[string, () => Record<string, string>]> = [
  ['no Authorization header', () => ({})],
  ['an unknown token', () => bearer('ya29.unknown')],
  ['a Basic header', () => basic(CLIENT_ID, CLIENT_SECRET)],
  ['an expired token', () => bearer(emulator.mintAccessToken({ttlSeconds: 0}))],
];

for (const [name, headersOf] of UNAUTHENTICATED) {
  for (const method of ['labels', 'profile']) {
    void test(`GET /gmail/v1/users/me/${method} answers 401 authError for ${name}`, async () => {
      const res = await get(`/gmail/v1/users/me/${method}`, headersOf());
      assert.equal(res.status, 401);
      assert.equal(
        res.headers.get('www-authenticate'),
        'Bearer realm="https://accounts.google.com/", error="invalid_token"',
      );
      const {error} = await jsonOf(res);
      assert.deepEqual(error, {
        code: 401,
        message:
          'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
        errors: [
          {
            message: 'Invalid Credentials',
            domain: 'global',
            reason: 'authError',
            location: 'Authorization',
            locationType: 'header',
          },
        ],
        status: 'UNAUTHENTICATED',
      });
    });
  }
}

void test('GET /gmail/v1/users/me/labels answers 401 once the token has expired', async t => {
  const token = emulator.mintAccessToken({ttlSeconds: 60});
  assert.equal((await get('/gmail/v1/users/me/labels', bearer(token))).status, 200);
  t.mock.timers.enable({apis: ['Date'], now: Date.now()});
  t.mock.timers.tick(60_000);
  assert.equal((await get('/gmail/v1/users/me/labels', bearer(token))).status, 401);
});

const SCOPE_CASES: Array<[string, string, number]> = [
  ['labels', 'openid email', 403],
  ['profile', 'openid email', 403],
  ['labels', LABELS_SCOPE, 200],
  ['profile', LABELS_SCOPE, 403],
  ['labels', 'https://mail.google.com/', 200],
  ['profile', 'https://www.googleapis.com/auth/gmail.modify', 200],
];

for (const [method, scope, status] of SCOPE_CASES) {
  void test(`GET /gmail/v1/users/me/${method} with scope "${scope}" answers ${status}`, async () => {
    const res = await get(
      `/gmail/v1/users/me/${method}`,
      bearer(emulator.mintAccessToken({scope})),
    );
    assert.equal(res.status, status);
    if (status !== 403) return;
    assert.deepEqual(await jsonOf(res), {
      error: {
        code: 403,
        message: 'Request had insufficient authentication scopes.',
        errors: [
          {
            message: 'Insufficient Permission',
            domain: 'global',
            reason: 'insufficientPermissions',
          },
        ],
        status: 'PERMISSION_DENIED',
      },
    });
  });
}

void test('GET /gmail/v1/users/{other}/labels answers 403 delegation denied', async () => {
  const res = await get(
    '/gmail/v1/users/someone@example.com/labels',
    bearer(emulator.mintAccessToken()),
  );
  assert.equal(res.status, 403);
  const {error} = await jsonOf(res);
  assert.match(JSON.stringify(error), /Delegation denied/);
});

void test('unknown paths answer 404 JSON', async () => {
  for (const path of ['/gmail/v1/users/me/messages', '/nope']) {
    const res = await get(path, bearer(emulator.mintAccessToken()));
    assert.equal(res.status, 404);
    const {error} = await jsonOf(res);
    assert.match(JSON.stringify(error), /NOT_FOUND/);
  }
});

// --- faults ------------------------------------------------------------------

const GMAIL_FAULTS: Array<[number, string, string]> = [
  [429, 'rateLimitExceeded', 'RESOURCE_EXHAUSTED'],
  [500, 'backendError', 'INTERNAL'],
  [503, 'backendError', 'UNAVAILABLE'],
  [403, 'insufficientPermissions', 'PERMISSION_DENIED'],
  [401, 'authError', 'UNAUTHENTICATED'],
];

for (const [status, reason, rpcStatus] of GMAIL_FAULTS) {
  void test(`fault() on labels with ${status} ${reason} answers Google's error shape`, async () => {
    emulator.fault('labels', {status, reason});
    const token = emulator.mintAccessToken();
    const res = await get('/gmail/v1/users/me/labels', bearer(token));
    assert.equal(res.status, status);
    const {error} = await jsonOf(res);
    assert.ok(
      typeof error === 'object' && error !== null && 'errors' in error && 'status' in error,
    );
    assert.equal(error.status, rpcStatus);
    assert.match(JSON.stringify(error.errors), new RegExp(`"reason":"${reason}"`));
    assert.equal((await get('/gmail/v1/users/me/labels', bearer(token))).status, 200);
  });
}

const OAUTH_FAULTS: Array<[EmulatorRoute, EmulatorFault, number, string]> = [
  ['token', {status: 400, reason: 'invalid_grant'}, 400, 'invalid_grant'],
  ['token', {status: 503}, 503, 'server_error'],
  ['revoke', {status: 500}, 500, 'server_error'],
  ['tokeninfo', {status: 400, reason: 'invalid_token'}, 400, 'invalid_token'],
];

for (const [route, fault, status, error] of OAUTH_FAULTS) {
  void test(`fault() on ${route} with ${status} answers {"error":"${error}"}`, async () => {
    emulator.fault(route, fault);
    const res = await postForm(`/${route}`, {token: 'x', access_token: 'x'});
    const body = await assertOAuthError(res, status, error);
    assert.equal(typeof body.error_description, 'string');
  });
}

void test('fault() on token does not consume the code', async () => {
  const {code, verifier} = await newCode();
  emulator.fault('token', {status: 503});
  assert.equal((await exchange(code, verifier)).status, 503);
  assert.equal((await exchange(code, verifier)).status, 200);
});

void test('fault() on authorize shows an HTML error page', async () => {
  emulator.fault('authorize', {status: 500});
  const res = await get(authorizePath());
  assert.equal(res.status, 500);
  assert.ok((await res.text()).includes('Error 500: server_error'));
});

void test('fault() with retryAfter adds a Retry-After header', async () => {
  emulator.fault('profile', {
    status: 429,
    reason: 'rateLimitExceeded',
    retryAfter: '7',
  });
  const res = await get('/gmail/v1/users/me/profile', bearer(emulator.mintAccessToken()));
  assert.equal(res.status, 429);
  assert.equal(res.headers.get('retry-after'), '7');
});

void test('fault() with body sends it raw, with status 200 by default', async () => {
  const {code, verifier} = await newCode();
  emulator.fault('token', {body: '{"token_type":"Bearer"'});
  const res = await exchange(code, verifier);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'application/json; charset=utf-8');
  assert.equal(await res.text(), '{"token_type":"Bearer"');
});

void test('fault() with only delayMs answers normally after the delay', async () => {
  emulator.fault('labels', {delayMs: 150});
  const started = Date.now();
  const res = await get('/gmail/v1/users/me/labels', bearer(emulator.mintAccessToken()));
  assert.equal(res.status, 200);
  assert.ok(Date.now() - started >= 140);
});

void test('fault() with delayMs and status answers the error after the delay', async () => {
  emulator.fault('tokeninfo', {delayMs: 100, status: 503});
  const started = Date.now();
  assert.equal((await get('/tokeninfo?access_token=x')).status, 503);
  assert.ok(Date.now() - started >= 90);
});

void test('fault() with reset cuts the connection mid-body', async () => {
  emulator.fault('labels', {reset: true});
  const res = await get('/gmail/v1/users/me/labels', bearer(emulator.mintAccessToken()));
  assert.equal(res.status, 200);
  await assert.rejects(res.text());
});

void test('fault() with times applies that many times, Infinity until clearFaults()', async () => {
  const token = emulator.mintAccessToken();
  const status = async (): Promise<number> =>
    (await get('/gmail/v1/users/me/profile', bearer(token))).status;
  emulator.fault('profile', {status: 503, times: 2});
  emulator.fault('profile', {status: 429});
  assert.deepEqual(
    [await status(), await status(), await status(), await status()],
    [503, 503, 429, 200],
  );
  emulator.fault('profile', {status: 500, times: Infinity});
  assert.deepEqual([await status(), await status(), await status()], [500, 500, 500]);
  emulator.clearFaults();
  assert.equal(await status(), 200);
});

void test('fault() refuses times below 1', () => {
  assert.throws(() => emulator.fault('token', {status: 500, times: 0}), RangeError);
});

// --- recording, minting, lifecycle ---------------------------------------------

void test('requests records method, route, path, final status and merged params', async () => {
  const before = emulator.requests.length;
  await postForm('/revoke?token=from-query&extra=1', {token: 'from-form'});
  await get('/gmail/v1/users/me/labels?prettyPrint=false');
  assert.deepEqual(emulator.requests.slice(before), [
    {
      method: 'POST',
      route: 'revoke',
      path: '/revoke',
      status: 400,
      params: {token: 'from-form', extra: '1'},
      queryNames: ['token', 'extra'],
    },
    {
      method: 'GET',
      route: 'labels',
      path: '/gmail/v1/users/me/labels',
      status: 401,
      params: {prettyPrint: 'false'},
      queryNames: ['prettyPrint'],
    },
  ]);
});

void test('mintAccessToken() and mintRefreshToken() refuse an unknown account or client', () => {
  assert.throws(() => emulator.mintAccessToken({email: 'nobody@example.com'}), RangeError);
  assert.throws(() => emulator.mintRefreshToken({clientId: 'nobody'}), RangeError);
});

void test('startEmulator() copies the defaults and close() ends open connections', async () => {
  const other = await startEmulator({accessTokenTtlSeconds: 5});
  other.clients[0]?.redirectUris.push('http://localhost:9999/cb');
  assert.deepEqual(DEFAULT_CLIENT.redirectUris, [REDIRECT_URI]);
  other.fault('labels', {delayMs: 60_000});
  const pending = fetch(`${other.url}/gmail/v1/users/me/labels`);
  while (other.requests.length === 0) await new Promise(resolve => setImmediate(resolve));
  await other.close();
  await assert.rejects(pending);
  await assert.rejects(fetch(`${other.url}/tokeninfo`));
});

void test('emulator/main.js prints the URL and client id, not the secret, and exits on SIGTERM', async () => {
  const main = fileURLToPath(new URL('../emulator/main.js', import.meta.url));
  const child = spawn(process.execPath, [main, '--port', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', chunk => (stderr += String(chunk)));
  const [chunk]: unknown[] = await once(child.stdout, 'data');
  assert.ok(Buffer.isBuffer(chunk));
  const line = chunk.toString();
  assert.match(line, /http:\/\/127\.0\.0\.1:\d+/);
  assert.ok(line.includes(CLIENT_ID));
  assert.ok(!line.includes(CLIENT_SECRET));
  child.kill('SIGTERM');
  const [code] = await once(child, 'exit');
  assert.equal(code, 0, stderr);
  assert.equal(stderr, '');
});
