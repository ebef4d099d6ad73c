import {gmail, type gmail_v1} from '@googleapis/gmail';
import {OAuth2Client} from 'google-auth-library';
import type {Config} from './config.js';
import type {GoogleEndpoints} from './oauth-client.js';
import type {Session} from './token-cookie.js';

// The only importer of Google's client libraries, so that only listlabels loads them.

/** A new OAuth2Client holding one user's credentials; never share it between requests. */
export function createOAuth2Client(
  config: Config,
  endpoints: GoogleEndpoints,
  session: Session,
): OAuth2Client {
  const client = new OAuth2Client({
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    redirectUri: config.redirectUri,
    endpoints: {
      oauth2AuthBaseUrl: endpoints.authorize,
      oauth2TokenUrl: endpoints.token,
      oauth2RevokeUrl: endpoints.revoke,
      tokenInfoUrl: endpoints.tokeninfo,
    },
  });
  // Only the access token: refreshing is ours to do (bounded, re-sealed into the cookie). With a
  // refresh token or an expiry the library would refresh on its own, with its own retries.
  client.setCredentials({access_token: session.accessToken, token_type: 'Bearer'});
  return client;
}

/** A Gmail API client that authenticates with the given per-request OAuth2Client. */
export function createGmailClient(endpoints: GoogleEndpoints, auth: OAuth2Client): gmail_v1.Gmail {
  return gmail({version: 'v1', auth, rootUrl: endpoints.gmailRoot});
}
