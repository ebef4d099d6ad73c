import {createHash} from 'node:crypto';
import {fakeIdToken} from './id-token.js';
import {splitScopes} from './scopes.js';
import {missingParamReply, oauthErrorReply} from './google-errors.js';
import {authenticateClient} from './client-auth.js';
import {PKCE_VALUE} from './authorize-params.js';
import {jsonReply, param, repeatedParam, type EmulatorRequest, type Reply} from './http.js';
import {
  createGrant,
  findRefreshGrant,
  issueAccessToken,
  type AuthorizationCode,
  type EmulatorContext,
  type Grant,
} from './store.js';
import type {EmulatorClient} from './types.js';

const TOKEN_PARAMS = [
  'grant_type',
  'code',
  'redirect_uri',
  'code_verifier',
  'refresh_token',
  'client_id',
  'client_secret',
];

// RFC 6749 §5.1: token responses must not be cached.
const NO_STORE = {'cache-control': 'no-store', pragma: 'no-cache'};

function tokenReply(ctx: EmulatorContext, grant: Grant, withRefresh: boolean): Reply {
  const ttl = ctx.emulator.accessTokenTtlSeconds;
  const body: Record<string, string | number> = {
    access_token: issueAccessToken(ctx.store, grant, ttl),
    expires_in: ttl,
  };
  if (withRefresh && grant.refreshToken !== null) {
    body.refresh_token = grant.refreshToken;
  }
  body.scope = grant.scope;
  body.token_type = 'Bearer';
  if (splitScopes(grant.scope).includes('openid')) {
    body.id_token = fakeIdToken(ctx, grant);
  }
  return jsonReply(200, body, NO_STORE);
}

// RFC 7636 §4.6, and RFC 9700 §4.8.2: a verifier without a challenge fails.
function verifierMatches(code: AuthorizationCode, verifier: string | null): boolean {
  if (code.codeChallenge === null) return verifier === null;
  if (verifier === null || !PKCE_VALUE.test(verifier)) {
    return false;
  }
  const expected =
    code.codeChallengeMethod === 'S256'
      ? createHash('sha256').update(verifier).digest('base64url')
      : verifier;
  return expected === code.codeChallenge;
}

function badGrant(description = 'Bad Request'): Reply {
  return oauthErrorReply(400, 'invalid_grant', description);
}

function exchangeCode(ctx: EmulatorContext, client: EmulatorClient, form: URLSearchParams): Reply {
  const value = param(form, 'code');
  if (value === null) return missingParamReply('code');
  const redirectUri = param(form, 'redirect_uri');
  if (redirectUri === null) {
    return missingParamReply('redirect_uri');
  }
  const code = ctx.store.codes.get(value);
  if (code === undefined) return badGrant();
  // RFC 6749 §4.1.2: a replayed code fails and revokes what it issued.
  if (code.used) {
    if (code.grant !== null) code.grant.revoked = true;
    return badGrant();
  }
  code.used = true;
  if (
    Date.now() >= code.expiresAt ||
    code.clientId !== client.clientId ||
    // RFC 6749 §4.1.3: the same redirect_uri as the authorization request.
    code.redirectUri !== redirectUri ||
    !verifierMatches(code, param(form, 'code_verifier'))
  ) {
    return badGrant();
  }
  code.grant = createGrant(ctx.store, {
    clientId: client.clientId,
    account: code.account,
    scope: code.scope,
    offline: code.offline,
  });
  return tokenReply(ctx, code.grant, true);
}

function refreshAccessToken(
  ctx: EmulatorContext,
  client: EmulatorClient,
  form: URLSearchParams,
): Reply {
  const token = param(form, 'refresh_token');
  if (token === null) {
    return missingParamReply('refresh_token');
  }
  const grant = findRefreshGrant(ctx.store, token);
  // RFC 6749 §6: the refresh token must have been issued to this client.
  if (grant === null || grant.clientId !== client.clientId) {
    return badGrant('Token has been expired or revoked.');
  }
  return tokenReply(ctx, grant, false);
}

/** POST /token: RFC 6749 §4.1.3 and §6. */
export function handleToken(ctx: EmulatorContext, req: EmulatorRequest): Reply {
  if (req.method !== 'POST') {
    return oauthErrorReply(405, 'invalid_request', 'The token endpoint only accepts POST');
  }
  const repeated = repeatedParam(req.form, TOKEN_PARAMS);
  if (repeated !== null) {
    return oauthErrorReply(
      400,
      'invalid_request',
      `Parameter was sent more than once: ${repeated}`,
    );
  }
  const grantType = param(req.form, 'grant_type');
  if (grantType === null) {
    return missingParamReply('grant_type');
  }
  const client = authenticateClient(ctx, req);
  if (client === null) {
    return oauthErrorReply(401, 'invalid_client', 'Unauthorized');
  }
  if (grantType === 'authorization_code') {
    return exchangeCode(ctx, client, req.form);
  }
  if (grantType === 'refresh_token') {
    return refreshAccessToken(ctx, client, req.form);
  }
  return oauthErrorReply(400, 'unsupported_grant_type', `Invalid grant_type: ${grantType}`);
}
