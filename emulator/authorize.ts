import {checkAuthorizeParams} from './authorize-params.js';
import {answerAuthorization} from './consent.js';
import {param, type EmulatorRequest, type Reply} from './http.js';
import {consentPageReply, errorPageReply} from './pages.js';
import {splitScopes} from './scopes.js';
import {
  findAccount,
  findClient,
  randomToken,
  type EmulatorContext,
  type PendingAuthorization,
} from './store.js';

/** GET /o/oauth2/v2/auth: validate, then consent page or autoConsent. */
export function handleAuthorize(ctx: EmulatorContext, req: EmulatorRequest): Reply {
  const {query} = req;
  const clientId = param(query, 'client_id');
  const client = clientId === null ? null : findClient(ctx.emulator, clientId);
  if (client === null) {
    return errorPageReply(401, 'invalid_client', 'The OAuth client was not found.');
  }
  // RFC 6749 §4.1.2.1: never redirect to an unverified redirect_uri.
  const redirectUri = param(query, 'redirect_uri');
  if (redirectUri === null || !client.redirectUris.includes(redirectUri)) {
    return errorPageReply(
      400,
      'redirect_uri_mismatch',
      `Register the redirect URI for this client. Request details: redirect_uri=${redirectUri ?? ''}`,
    );
  }
  const problem = checkAuthorizeParams(query);
  if (problem !== null) {
    return errorPageReply(400, problem.error, problem.description);
  }
  const challenge = param(query, 'code_challenge');
  const pending: PendingAuthorization = {
    clientId: client.clientId,
    redirectUri,
    state: param(query, 'state'),
    scopes: splitScopes(param(query, 'scope') ?? ''),
    codeChallenge: challenge,
    // RFC 7636 §4.3: the method defaults to plain.
    codeChallengeMethod: param(query, 'code_challenge_method') === 'S256' ? 'S256' : 'plain',
    offline: param(query, 'access_type') === 'offline',
    promptConsent: (param(query, 'prompt') ?? '').split(' ').includes('consent'),
    loginHint: param(query, 'login_hint'),
  };
  const auto = ctx.emulator.autoConsent;
  if (auto !== null) {
    return answerAuthorization(ctx, pending, {
      decision: auto.decision,
      email: auto.email ?? null,
      scopes: auto.scopes === undefined ? null : [...new Set(auto.scopes)],
    });
  }
  const requestId = randomToken('', 24);
  ctx.store.pending.set(requestId, pending);
  const hinted = pending.loginHint === null ? null : findAccount(ctx.emulator, pending.loginHint);
  return consentPageReply({
    requestId,
    clientId: client.clientId,
    appName: client.name ?? null,
    accounts: ctx.emulator.accounts,
    selectedEmail: hinted?.email ?? ctx.emulator.accounts[0]?.email ?? '',
    scopes: pending.scopes,
  });
}
