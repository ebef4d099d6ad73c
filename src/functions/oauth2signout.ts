import type {HttpFunction, Request} from '@google-cloud/functions-framework';
import type {Config} from '../config.js';
import {createCsrf} from '../csrf.js';
import {guard, sendPage, sendProblem} from '../http.js';
import {logEvent} from '../log.js';
import {createGoogleClients} from '../oauth-client.js';
import {renderSignOutPage} from '../pages.js';
import {PROBLEMS} from '../problems.js';
import {createSessionStore} from '../session-store.js';
import {answerStoreOutage} from '../store-outage.js';
import {revokeToken} from '../token-exchange.js';

/**
 * Signs out: POST (from the labels page's button, with its CSRF token) revokes the grant at
 * Google, deletes the stored session (firestore mode) and clears the session cookie. GET shows the button.
 */
export function oauth2signout(config: Config): HttpFunction {
  const sessions = createSessionStore(config);
  const csrf = createCsrf(config.cookieSecrets);
  const google = createGoogleClients(config);
  const action = `${config.baseUrl}/oauth2signout`;
  const home = {href: `${config.baseUrl}/oauth2init`, text: 'Sign in', jsonField: 'login_url'};

  return guard(
    'oauth2signout',
    answerStoreOutage(async (req, res) => {
      const store = await sessions;
      const session = await store.load(req.headers.cookie);
      if (req.method !== 'POST') {
        if (session === null) return sendProblem(req, res, {...PROBLEMS.notSignedIn, action: home});
        return sendPage(res, 200, renderSignOutPage({action, csrf: csrf.tokenFor(session.id)}));
      }
      // OWASP CSRF cheat sheet: a token bound to the session, plus the browser's own origin headers.
      if (
        !isSameOrigin(req, config.baseUrl) ||
        (session !== null && !csrf.verify(session.id, formField(req, 'csrf')))
      ) {
        logEvent('NOTICE', 'sign_out_refused', 'Sign-out without a valid CSRF token');
        return sendProblem(req, res, {
          ...PROBLEMS.csrfFailed,
          action: {href: `${config.baseUrl}/listlabels`, text: 'Back to your labels'},
        });
      }
      // No session, nothing to clear: a cross-site POST learns nothing and changes nothing.
      if (session === null) return sendProblem(req, res, {...PROBLEMS.notSignedIn, action: home});
      // Deleted before the cookie is cleared: an outage leaves the user signed in, and says so.
      await store.remove(session);
      res.append('Set-Cookie', store.clear());
      // Revoking the refresh token ends the whole grant; without one, the access token does.
      const revoked = await revokeToken(google, session.refreshToken ?? session.accessToken);
      logEvent(revoked ? 'INFO' : 'WARNING', 'signed_out', 'Signed out', {revoked});
      sendProblem(req, res, {
        ...(revoked ? PROBLEMS.signedOut : PROBLEMS.signedOutUnrevoked),
        action: home,
      });
    }),
    ['GET', 'HEAD', 'POST'],
  );
}

/**
 * False when Sec-Fetch-Site or Origin say the request came from another site. With our
 * Referrer-Policy: no-referrer, browsers send `Origin: null` on our own form posts (Fetch
 * §3.2.5 "serializing a request origin"), so "null" proves nothing either way.
 */
function isSameOrigin(req: Request, baseUrl: string): boolean {
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin') return false;
  const origin = req.headers.origin;
  return origin === undefined || origin === 'null' || origin === new URL(baseUrl).origin;
}

/** A string field of a form-encoded body; undefined for anything else. */
function formField(req: Request, name: string): unknown {
  const body: unknown = req.body;
  if (typeof body !== 'object' || body === null || !Object.hasOwn(body, name)) return undefined;
  const value: unknown = Reflect.get(body, name);
  return typeof value === 'string' ? value : undefined;
}
