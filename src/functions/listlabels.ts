import type {HttpFunction, Request, Response} from '@google-cloud/functions-framework';
import type {Config} from '../config.js';
import {fetchLabels} from '../gmail-labels.js';
import {guard, redirect, sendJson, sendPage, sendProblem, wantsJson} from '../http.js';
import {logEvent} from '../log.js';
import {googleEndpoints, isSessionUsable} from '../oauth-client.js';
import {renderLabelsPage} from '../pages.js';
import {PROBLEMS} from '../problems.js';
import {createTokenCookies} from '../token-cookie.js';

/** Lists the signed-in user's Gmail labels as HTML, or JSON for `Accept: application/json`. */
export function listlabels(config: Config): HttpFunction {
  const cookies = createTokenCookies(config.cookieSecrets, config.secureCookies);
  const endpoints = googleEndpoints(config.emulatorUrl);
  const loginUrl = `${config.baseUrl}/oauth2init`;
  const tryAgain = {href: `${config.baseUrl}/listlabels`, text: 'Try again'};

  const signInAgain = (req: Request, res: Response): void => {
    res.append('Set-Cookie', cookies.clearSession());
    if (!wantsJson(req)) return redirect(res, 302, loginUrl);
    res.set('WWW-Authenticate', 'Cookie realm="listlabels"');
    sendJson(res, 401, {
      error: 'login_required',
      message: 'Sign in first.',
      login_url: loginUrl,
    });
  };

  return guard('listlabels', async (req, res) => {
    const session = cookies.openSession(req.headers.cookie);
    if (session === null || !isSessionUsable(session, Date.now())) return signInAgain(req, res);
    const outcome = await fetchLabels(config, endpoints, session);
    if (outcome.kind !== 'ok') {
      const status = 'status' in outcome ? (outcome.status ?? 0) : 0;
      logEvent('WARNING', 'gmail_error', `Gmail: ${outcome.kind}`, {
        outcome: outcome.kind,
        status,
      });
    }
    switch (outcome.kind) {
      case 'unauthorized':
        return signInAgain(req, res);
      case 'forbidden':
        // Cleared so that oauth2init asks Google for a new grant instead of reusing this token.
        res.append('Set-Cookie', cookies.clearSession());
        return sendProblem(req, res, {
          ...PROBLEMS.scopeNotGranted,
          action: {
            href: loginUrl,
            text: 'Grant access again',
            jsonField: 'login_url',
          },
        });
      case 'unavailable':
        res.set('Retry-After', String(outcome.retryAfterSeconds));
        return sendProblem(req, res, {
          ...PROBLEMS.gmailUnavailable,
          action: tryAgain,
        });
      case 'rejected':
        return sendProblem(req, res, {
          ...PROBLEMS.gmailRejected,
          action: tryAgain,
        });
    }
    const labels = outcome.labels.map(({id, name, type}) => ({id, name, type}));
    if (wantsJson(req)) return sendJson(res, 200, {count: labels.length, labels});
    sendPage(res, 200, renderLabelsPage(labels));
  });
}
