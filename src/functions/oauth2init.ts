import type {HttpFunction} from '@google-cloud/functions-framework';
import type {Config} from '../config.js';
import {guard, redirect} from '../http.js';
import {logEvent} from '../log.js';
import {buildAuthorizationUrl, googleEndpoints, isSessionUsable} from '../oauth-client.js';
import {codeChallengeS256, createSignIn} from '../sign-in.js';
import {createTokenCookies} from '../token-cookie.js';

/** Starts a sign-in: a sealed state + PKCE verifier cookie, then Google's consent page. */
export function oauth2init(config: Config): HttpFunction {
  const cookies = createTokenCookies(config.cookieSecrets, config.secureCookies);
  const endpoints = googleEndpoints(config.emulatorUrl);
  return guard('oauth2init', (req, res) => {
    const now = Date.now();
    const session = cookies.openSession(req.headers.cookie, now);
    if (session !== null && isSessionUsable(session, now)) {
      redirect(res, 302, `${config.baseUrl}/listlabels`);
      return;
    }
    const signIn = createSignIn(now);
    res.append('Set-Cookie', cookies.sealSignIn(signIn));
    logEvent('INFO', 'sign_in_started', 'Sign-in started');
    redirect(
      res,
      302,
      buildAuthorizationUrl(config, endpoints, {
        state: signIn.state,
        codeChallenge: codeChallengeS256(signIn.verifier),
      }),
    );
  });
}
