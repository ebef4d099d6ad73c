import type {HttpFunction} from '@google-cloud/functions-framework';
import {parseCallbackQuery} from '../callback-query.js';
import type {Config} from '../config.js';
import {guard, redirect, sendProblem} from '../http.js';
import {logEvent, type LogFields} from '../log.js';
import {createGoogleClients, GMAIL_READONLY_SCOPE, hasScope} from '../oauth-client.js';
import {authorizationErrorProblem, PROBLEMS, type StatusProblem} from '../problems.js';
import {cookiesFor, createSessionStore} from '../session-store.js';
import {newSessionId, startSignIn, statesMatch} from '../sign-in.js';
import {answerStoreOutage} from '../store-outage.js';
import {exchangeCode, type ExchangeResult} from '../token-exchange.js';

/** Checks Google's answer, redeems the code with the PKCE verifier and seals the session cookie. */
export function oauth2callback(config: Config): HttpFunction {
  const cookies = cookiesFor(config);
  const google = createGoogleClients(config);
  const sessions = createSessionStore(config, cookies);
  const startAgain = {href: `${config.baseUrl}/oauth2init`, text: 'Sign in again'};

  return guard(
    'oauth2callback',
    answerStoreOutage(async (req, res) => {
      const fail = (event: string, problem: StatusProblem, fields: LogFields = {}): void => {
        const severity = problem.status >= 500 ? 'WARNING' : 'NOTICE';
        logEvent(severity, event, problem.title, {...fields, status: problem.status});
        sendProblem(req, res, {action: startAgain, ...problem});
      };
      // The sign-in cookie is single-use: cleared on every outcome (RFC 9700 §4.7.1).
      res.append('Set-Cookie', cookies.clearSignIn());
      const query = parseCallbackQuery(req.originalUrl);
      if (query === null) return fail('callback_malformed', PROBLEMS.callbackMalformed);
      // RFC 9207 §2.4: when an issuer is sent (errors included), it must be the one we used.
      if (query.iss !== undefined && query.iss !== google.endpoints.issuer) {
        return fail('issuer_mismatch', PROBLEMS.issuerMismatch);
      }
      // RFC 6749 §4.1.2.1. Only known codes get words; error_description is never shown.
      if (query.error !== undefined) {
        const problem = authorizationErrorProblem(query.error);
        return fail(
          problem.error === 'access_denied' ? 'sign_in_denied' : 'sign_in_error',
          problem,
        );
      }
      const signIn = await cookies.openSignIn(req.headers.cookie);
      if (signIn === null) return fail('sign_in_expired', PROBLEMS.signInExpired);
      // RFC 6749 §10.12: the state must match the one bound to this browser, before any call to Google.
      if (query.state === undefined || !statesMatch(signIn.state, query.state)) {
        return fail('state_mismatch', PROBLEMS.stateMismatch);
      }
      if (query.code === undefined) return fail('callback_malformed', PROBLEMS.callbackMalformed);

      const result = await exchangeCode(google, query.code, signIn.verifier);
      if (!result.ok) {
        const {reason, status, error} = result;
        const fields = {reason, googleStatus: status ?? 0, googleError: error ?? 'none'};
        return fail('token_exchange_failed', exchangeProblem(result), fields);
      }
      if (!hasScope(result.tokens.scope, GMAIL_READONLY_SCOPE)) {
        const action = {href: startAgain.href, text: 'Grant access again'};
        return fail('scope_not_granted', {...PROBLEMS.scopeNotGranted, action});
      }
      if (config.accessType === 'offline' && result.tokens.refreshToken === undefined) {
        // Google sends a refresh token only at first consent: ask once more with prompt=consent.
        if (!signIn.consentForced) {
          const again = await startSignIn(config, google, cookies, true);
          res.append('Set-Cookie', again.setCookie);
          logEvent('NOTICE', 'consent_prompted', 'No refresh token: asking for consent again');
          return redirect(res, 302, again.location);
        }
        logEvent('WARNING', 'refresh_token_missing', 'Still no refresh token: short session');
      }
      const now = Date.now();
      const session = {id: newSessionId(), signedInAt: now, ...result.tokens};
      const sessionCookie = await (await sessions).create(session, now);
      if (sessionCookie === null) return fail('session_too_large', PROBLEMS.sessionTooLarge);
      res.append('Set-Cookie', sessionCookie);
      logEvent('INFO', 'sign_in_completed', 'Sign-in completed');
      redirect(res, 303, `${config.baseUrl}/listlabels`);
    }),
    // GET only: a HEAD (a link checker, `curl -I`) must not redeem the code (RFC 9110 §9.2.1).
    ['GET'],
  );
}

function exchangeProblem(result: ExchangeResult & {ok: false}): StatusProblem {
  if (result.reason === 'invalid_grant') return PROBLEMS.codeRejected;
  return result.reason === 'rejected' ? PROBLEMS.clientRejected : PROBLEMS.googleUnavailable;
}
