import type {HttpFunction, Request, Response} from '@google-cloud/functions-framework';
import {createBearerLabels, labelsJson, readBearerToken, sendBearerError} from '../bearer.js';
import type {Config} from '../config.js';
import {createCsrf} from '../csrf.js';
import {createLabelsReader, logLabelsOutcome} from '../gmail-labels.js';
import {guard, redirect, sendJson, sendPage, sendProblem, wantsJson} from '../http.js';
import {logEvent} from '../log.js';
import {createGoogleClients, isExpiring, isSessionUsable} from '../oauth-client.js';
import {renderLabelsPage} from '../pages.js';
import {PROBLEMS} from '../problems.js';
import {createSessionStore, type SessionStore, type StoreUpdate} from '../session-store.js';
import {createEmailRecorder, type EmailRecorder} from '../session-email.js';
import {answerStoreOutage} from '../store-outage.js';
import type {Session} from '../token-cookie.js';
import {refreshAccessToken} from '../token-exchange.js';

/**
 * Lists the user's Gmail labels: for the session cookie as HTML (JSON for
 * `Accept: application/json`), or for an `Authorization: Bearer` token as JSON.
 */
export function listlabels(config: Config): HttpFunction {
  const sessions = createSessionStore(config);
  const csrf = createCsrf(config.cookieSecrets);
  const google = createGoogleClients(config);
  const readLabels = createLabelsReader(config, google);
  let recordEmail: EmailRecorder | null = null;
  const serveBearer = createBearerLabels(config, google, readLabels);
  const loginUrl = `${config.baseUrl}/oauth2init`;
  const tryAgain = {href: `${config.baseUrl}/listlabels`, text: 'Try again'};

  const signInAgain = (req: Request, res: Response, store: SessionStore): void => {
    res.append('Set-Cookie', store.clear());
    if (!wantsJson(req)) return redirect(res, 302, loginUrl);
    res.set('WWW-Authenticate', 'Cookie realm="listlabels"');
    sendJson(res, 401, {error: 'login_required', message: 'Sign in first.', login_url: loginUrl});
  };
  const unavailable = (req: Request, res: Response, retryAfterSeconds: number): void => {
    res.set('Retry-After', String(retryAfterSeconds));
    sendProblem(req, res, {...PROBLEMS.gmailUnavailable, action: tryAgain});
  };

  const serveSession = async (req: Request, res: Response): Promise<void> => {
    const store = await sessions;
    recordEmail ??= createEmailRecorder(store);
    let session = await store.load(req.headers.cookie);
    if (session === null || !isSessionUsable(session, Date.now())) {
      return signInAgain(req, res, store);
    }
    if (isExpiring(session, Date.now())) {
      const refreshed = await refresh(store, session);
      if (refreshed === 'ended') return signInAgain(req, res, store);
      if ('retryAfterSeconds' in refreshed) {
        return unavailable(req, res, refreshed.retryAfterSeconds);
      }
      session = refreshed.session;
      if (refreshed.setCookie !== null) res.append('Set-Cookie', refreshed.setCookie);
    }
    const outcome = await readLabels(session);
    logLabelsOutcome(outcome);
    switch (outcome.kind) {
      case 'unauthorized':
        return signInAgain(req, res, store);
      case 'forbidden':
        // Cleared so that oauth2init asks Google for a new grant instead of reusing this token.
        res.append('Set-Cookie', store.clear());
        return sendProblem(req, res, {
          ...PROBLEMS.scopeNotGranted,
          action: {href: loginUrl, text: 'Grant access again', jsonField: 'login_url'},
        });
      case 'unavailable':
        return unavailable(req, res, outcome.retryAfterSeconds);
      case 'rejected':
        return sendProblem(req, res, {...PROBLEMS.gmailRejected, action: tryAgain});
    }
    // Firestore mode: what `npm run labels -- --email` looks the session up by.
    if (outcome.value.email !== null) await recordEmail(session.id, outcome.value.email);
    if (wantsJson(req)) return sendJson(res, 200, labelsJson(outcome.value));
    const signOut = {action: `${config.baseUrl}/oauth2signout`, csrf: csrf.tokenFor(session.id)};
    sendPage(res, 200, renderLabelsPage(outcome.value, signOut));
  };

  /** A new access token for an expiring session, kept in the store; or why there is none. */
  const refresh = async (
    store: SessionStore,
    session: Session,
  ): Promise<StoreUpdate | 'ended' | {retryAfterSeconds: number}> => {
    if (session.refreshToken === undefined) return 'ended';
    const result = await refreshAccessToken(google, session);
    if (!result.ok) {
      const fields = {
        reason: result.reason,
        googleStatus: result.status ?? 0,
        googleError: result.error ?? 'none',
      };
      logEvent('WARNING', 'token_refresh_failed', 'Refreshing the access token failed', fields);
      // RFC 6749 §5.2: invalid_grant (revoked, expired) or a refused client end the session.
      if (result.reason !== 'unavailable') return 'ended';
      return {retryAfterSeconds: result.retryAfterSeconds};
    }
    const renewed: Session = {id: session.id, signedInAt: session.signedInAt, ...result.tokens};
    // Firestore mode: a conditional write, so that two instances refreshing at once keep one record.
    const kept = await store.update(session, renewed);
    if (kept !== 'ended') logEvent('INFO', 'token_refreshed', 'Access token refreshed');
    return kept;
  };

  return guard(
    'listlabels',
    answerStoreOutage(async (req, res) => {
      const token = readBearerToken(req);
      if (token === undefined) return serveSession(req, res);
      if (token === 'other-scheme') {
        return sendBearerError(res, 401, null, 'Only "Authorization: Bearer <token>" is accepted.');
      }
      if (token === null) {
        return sendBearerError(
          res,
          400,
          'invalid_request',
          'Expected "Authorization: Bearer <token>".',
        );
      }
      return serveBearer(res, token);
    }),
  );
}
