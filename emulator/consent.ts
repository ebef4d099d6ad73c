import {param, redirectReply, type EmulatorRequest, type Reply} from './http.js';
import {errorPageReply} from './pages.js';
import {
  findAccount,
  randomToken,
  type EmulatorContext,
  type PendingAuthorization,
} from './store.js';

/** POST /o/oauth2/v2/auth/consent: the user's answer on the consent page. */
export function handleConsent(ctx: EmulatorContext, req: EmulatorRequest): Reply {
  if (req.method !== 'POST') {
    return errorPageReply(405, 'invalid_request', 'Use POST.');
  }
  const requestId = param(req.form, 'request_id');
  const pending = requestId === null ? undefined : ctx.store.pending.get(requestId);
  if (requestId === null || pending === undefined) {
    return errorPageReply(
      400,
      'invalid_request',
      'This sign-in request is unknown or was already used.',
    );
  }
  ctx.store.pending.delete(requestId);
  const decision = param(req.form, 'decision');
  if (decision !== 'allow' && decision !== 'deny') {
    return errorPageReply(400, 'invalid_request', 'Choose Allow or Deny.');
  }
  const ticked = req.form.getAll('scope');
  return answerAuthorization(ctx, pending, {
    decision,
    email: param(req.form, 'account'),
    // Granular consent: only scopes that were asked for can be ticked.
    scopes: pending.scopes.filter(scope => ticked.includes(scope)),
  });
}

/** The user's answer; null email/scopes mean the defaults (first account, all scopes asked for). */
export interface Decision {
  decision: 'allow' | 'deny';
  email: string | null;
  scopes: string[] | null;
}

/** Sends the user back to the client: RFC 6749 §4.1.2, iss per RFC 9207 §2. */
export function answerAuthorization(
  ctx: EmulatorContext,
  pending: PendingAuthorization,
  choice: Decision,
): Reply {
  const {emulator} = ctx;
  const granted = choice.scopes ?? pending.scopes;
  const hint = choice.email ?? pending.loginHint;
  const account =
    (hint === null ? null : findAccount(emulator, hint)) ??
    (choice.email === null ? emulator.accounts[0] : undefined);
  if (account === undefined) {
    return errorPageReply(400, 'invalid_request', `No such account: ${hint ?? ''}`);
  }
  const target = new URL(pending.redirectUri);
  if (choice.decision === 'deny' || granted.length === 0) {
    target.searchParams.set('error', 'access_denied');
  } else {
    // Google issues a refresh token at the first offline consent of a user to a client, and
    // afterwards only with prompt=consent (or after the grant was revoked).
    const consentKey = `${pending.clientId} ${account.sub}`;
    const offline =
      pending.offline && (pending.promptConsent || !ctx.store.offlineConsents.has(consentKey));
    if (offline) ctx.store.offlineConsents.add(consentKey);
    const code = randomToken('4/0A');
    ctx.store.codes.set(code, {
      clientId: pending.clientId,
      redirectUri: pending.redirectUri,
      account,
      scope: granted.join(' '),
      codeChallenge: pending.codeChallenge,
      codeChallengeMethod: pending.codeChallengeMethod,
      offline,
      expiresAt: Date.now() + ctx.codeTtlSeconds * 1000,
      used: false,
      grant: null,
    });
    target.searchParams.set('code', code);
    target.searchParams.set('scope', granted.join(' '));
  }
  if (pending.state !== null) target.searchParams.set('state', pending.state);
  target.searchParams.set('iss', emulator.url);
  return redirectReply(target);
}
