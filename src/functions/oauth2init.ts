import type {HttpFunction} from '@google-cloud/functions-framework';
import type {Config} from '../config.js';
import {guard, redirect} from '../http.js';
import {createGoogleClients} from '../oauth-client.js';
import {cookiesFor, createSignedInCheck} from '../session-store.js';
import {startSignIn} from '../sign-in.js';

/** Starts a sign-in: a sealed state + PKCE verifier cookie, then Google's consent page. */
export function oauth2init(config: Config): HttpFunction {
  const cookies = cookiesFor(config);
  const google = createGoogleClients(config);
  const isSignedIn = createSignedInCheck(config, cookies);
  return guard('oauth2init', async (req, res) => {
    if (await isSignedIn(req.headers.cookie)) {
      return redirect(res, 302, `${config.baseUrl}/listlabels`);
    }
    const {setCookie, location} = await startSignIn(config, google, cookies);
    res.append('Set-Cookie', setCookie);
    // No log line: the platform's request log counts these, and a line per redirect cost a
    // tenth of the warm throughput. The callback logs how each sign-in ends.
    redirect(res, 302, location);
  });
}
