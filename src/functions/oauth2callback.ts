import type {
  HttpFunction,
  Request,
  Response,
} from '@google-cloud/functions-framework';
import {parseCallbackQuery} from '../callback-query.js';
import type {Config} from '../config.js';
import {guard, redirect, sendProblem} from '../http.js';
import {logEvent} from '../log.js';
import {
  GMAIL_READONLY_SCOPE,
  googleEndpoints,
  hasScope,
} from '../oauth-client.js';
import type {Problem} from '../pages.js';
import {statesMatch} from '../sign-in.js';
import {createTokenCookies} from '../token-cookie.js';
import {exchangeCode} from '../token-exchange.js';

/** Checks Google's answer, redeems the code with the PKCE verifier and seals the session cookie. */
export function oauth2callback(config: Config): HttpFunction {
  const cookies = createTokenCookies(
    config.cookieSecrets,
    config.secureCookies,
  );
  const endpoints = googleEndpoints(config.emulatorUrl);
  const startAgain = {
    href: `${config.baseUrl}/oauth2init`,
    text: 'Sign in again',
  };
  const fail = (
    req: Request,
    res: Response,
    status: number,
    event: string,
    problem: Problem,
  ): void => {
    logEvent(status >= 500 ? 'WARNING' : 'NOTICE', event, problem.title, {
      status,
    });
    sendProblem(req, res, status, {action: startAgain, ...problem});
  };

  return guard('oauth2callback', async (req, res) => {
    // The sign-in cookie is single-use: cleared on every outcome (RFC 9700 §4.7.1).
    res.append('Set-Cookie', cookies.clearSignIn());
    const query = parseCallbackQuery(req.originalUrl);
    if (query === null) {
      return fail(req, res, 400, 'callback_malformed', {
        error: 'invalid_request',
        title: 'This sign-in link is not valid',
        message:
          'The answer from Google had missing, repeated or malformed parameters.',
      });
    }
    if (query.error !== undefined) {
      const denied = query.error === 'access_denied';
      return fail(
        req,
        res,
        denied ? 403 : 400,
        denied ? 'sign_in_denied' : 'sign_in_error',
        {
          error: denied ? 'access_denied' : 'authorization_error',
          title: denied
            ? 'Access was not granted'
            : 'Google could not complete the sign-in',
          message: denied
            ? 'You chose not to let this app read your Gmail labels. You can try again at any time.'
            : `Google answered with the error "${query.error}".`,
          detail: query.errorDescription,
        },
      );
    }
    const signIn = cookies.openSignIn(req.headers.cookie);
    if (signIn === null) {
      return fail(req, res, 400, 'sign_in_expired', {
        error: 'sign_in_expired',
        title: 'This sign-in has expired',
        message:
          'It took longer than 10 minutes, or it was started in another browser. Please start again.',
      });
    }
    // RFC 6749 §10.12: the state must match the one bound to this browser, before any request to Google.
    if (query.state === undefined || !statesMatch(signIn.state, query.state)) {
      return fail(req, res, 400, 'state_mismatch', {
        error: 'state_mismatch',
        title: 'This sign-in does not match',
        message:
          'The answer from Google belongs to a different sign-in. Please start again.',
      });
    }
    // RFC 9207 §2.4: when an issuer is sent, it must be the one we sent the user to.
    if (query.iss !== undefined && query.iss !== endpoints.issuer) {
      return fail(req, res, 400, 'issuer_mismatch', {
        error: 'issuer_mismatch',
        title: 'This sign-in came from the wrong place',
        message: 'The answer did not come from Google. Please start again.',
      });
    }
    if (query.code === undefined) {
      return fail(req, res, 400, 'callback_malformed', {
        error: 'invalid_request',
        title: 'This sign-in link is not valid',
        message: 'The answer from Google had no authorization code.',
      });
    }
    const result = await exchangeCode(
      config,
      endpoints,
      query.code,
      signIn.verifier,
    );
    if (!result.ok) {
      const fields = {
        status: result.status ?? 0,
        googleError: result.error ?? 'none',
      };
      logEvent('WARNING', 'token_exchange_failed', 'Code exchange failed', {
        reason: result.reason,
        ...fields,
      });
      if (result.reason === 'invalid_grant') {
        return fail(req, res, 400, 'sign_in_expired', {
          error: 'invalid_grant',
          title: 'This sign-in has expired',
          message:
            'Google no longer accepts this sign-in (it was already used or has expired). Please start again.',
        });
      }
      return fail(req, res, 502, 'google_unavailable', {
        error:
          result.reason === 'rejected'
            ? 'google_rejected'
            : 'google_unavailable',
        title: 'Google did not complete the sign-in',
        message:
          result.reason === 'rejected'
            ? 'Google refused this app\u2019s credentials. The app\u2019s administrator needs to check its OAuth client.'
            : 'Google did not answer in time or sent an answer we could not use. Please try again in a moment.',
      });
    }
    if (!hasScope(result.tokens.scope, GMAIL_READONLY_SCOPE)) {
      return fail(req, res, 403, 'scope_not_granted', {
        error: 'insufficient_scope',
        title: 'Permission to read Gmail labels is needed',
        message:
          'You signed in but did not tick "View your email messages and settings". Sign in again and allow it to see your labels.',
        action: {href: startAgain.href, text: 'Grant access again'},
      });
    }
    const {accessToken, expiresAt, scope, refreshToken} = result.tokens;
    const sessionCookie = cookies.sealSession({
      accessToken,
      expiresAt,
      scope,
      refreshToken,
    });
    if (sessionCookie === null) {
      return fail(req, res, 502, 'session_too_large', {
        error: 'session_too_large',
        title: 'Google\u2019s answer was too large',
        message:
          'The tokens Google issued do not fit in a cookie. Please try again.',
      });
    }
    res.append('Set-Cookie', sessionCookie);
    logEvent('INFO', 'sign_in_completed', 'Sign-in completed');
    redirect(res, 303, `${config.baseUrl}/listlabels`);
  });
}
