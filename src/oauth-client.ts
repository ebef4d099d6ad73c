import {
  OAuth2Client,
  type OAuth2ClientOptions,
} from 'google-auth-library/build/src/auth/oauth2client.js';
import type {Credentials} from 'google-auth-library/build/src/auth/credentials.js';
import type {Config} from './config.js';
import {gaxiosFetch} from './google-fetch.js';
import type {Session} from './token-cookie.js';

/** The one scope we ask for. */
export const GMAIL_READONLY_SCOPE = 'https://www.googleapis.com/auth/gmail.readonly';
/** Google's issuer identifier, sent as `iss` on the authorization response (RFC 9207). */
export const GOOGLE_ISSUER = 'https://accounts.google.com';
/**
 * A session's access token counts as expiring this long before it does (google-auth-library's
 * eagerRefreshThresholdMillis, 5 minutes): it is then refreshed, or without a refresh token the
 * user signs in again, so no request reaches Gmail with a token about to lapse.
 */
export const EAGER_REFRESH_MS = 5 * 60_000;

/** Where each Google endpoint is, for real Google or the emulator (same paths). */
export interface GoogleEndpoints {
  readonly authorize: string;
  readonly token: string;
  readonly revoke: string;
  readonly tokeninfo: string;
  readonly gmailRoot: string;
  readonly issuer: string;
}

/** Google's endpoints, or the same paths at the emulator's origin. */
export function googleEndpoints(emulatorUrl: string | null): GoogleEndpoints {
  if (emulatorUrl !== null) {
    return Object.freeze({
      authorize: `${emulatorUrl}/o/oauth2/v2/auth`,
      token: `${emulatorUrl}/token`,
      revoke: `${emulatorUrl}/revoke`,
      tokeninfo: `${emulatorUrl}/tokeninfo`,
      gmailRoot: `${emulatorUrl}/`,
      issuer: emulatorUrl,
    });
  }
  // https://accounts.google.com/.well-known/openid-configuration
  return Object.freeze({
    authorize: 'https://accounts.google.com/o/oauth2/v2/auth',
    token: 'https://oauth2.googleapis.com/token',
    revoke: 'https://oauth2.googleapis.com/revoke',
    tokeninfo: 'https://oauth2.googleapis.com/tokeninfo',
    gmailRoot: 'https://gmail.googleapis.com/',
    issuer: GOOGLE_ISSUER,
  });
}

/** gaxios' options, as google-auth-library takes them for its transporter. */
type TransporterOptions = NonNullable<OAuth2ClientOptions['transporterOptions']>;

/** The instance's Google clients, made once per function instance from the config. */
export interface GoogleClients {
  readonly endpoints: GoogleEndpoints;
  /** Our client id and secret, and never a user's token: consent URLs, code exchange, tokeninfo. */
  readonly oauth2: OAuth2Client;
  /**
   * A new client that carries one user's credentials, for one request: it is never stored, so
   * no other request can reach the token (an OAuth2Client holds whatever setCredentials gave it).
   */
  forUser(credentials: Credentials): OAuth2Client;
}

/**
 * The gaxios settings every call to Google is made with; test/oauth-client.test.ts pins each.
 * - No retries: OAuth2Client adds `retry: true` and POST to `httpMethodsToRetry` on its token
 *   calls (authclient.js RETRY_CONFIG), and gaxios deep-merges that over `retry: false`, so an
 *   authorization code could be posted twice (RFC 6749 §4.1.2: single use; Google may revoke
 *   the grant). `retryConfig.retry: 0` survives the merge; `shouldRetry` says the same plainly.
 *   googleapis sets `retry: true` on API calls too; Gmail's retries are ours (gmail-call.ts).
 * - Our fetch over node:http, with the deadline as a plain timer (google-fetch.ts), rather than
 *   gaxios' `timeout`, whose AbortSignal per request grew memory.
 * - An error redactor that drops the request from errors: gaxios keeps it in `err.config`, and
 *   its default redactor leaves `code`, `code_verifier`, `refresh_token` and the token in a
 *   revoke URL in place, to be printed by `console.error(err)` or util.inspect.
 */
export function safeTransportOptions(timeoutMs: number): TransporterOptions {
  return {
    retry: false,
    retryConfig: {retry: 0, noResponseRetries: 0, shouldRetry: () => false},
    fetchImplementation: gaxiosFetch(timeoutMs),
    errorRedactor: redactRequest,
  };
}

/**
 * Drops what an error knows of its request: body, headers, query. Keeps the method and the URL's
 * origin and path, and the response (status, headers, Google's error body).
 */
export const redactRequest: NonNullable<
  Exclude<TransporterOptions['errorRedactor'], false>
> = data => {
  for (const config of [data.config, data.response?.config]) {
    if (config === undefined) continue;
    delete config.data;
    delete config.body;
    delete config.params;
    config.headers = new Headers();
    const url = new URL(config.url);
    config.url = new URL(url.origin + url.pathname);
  }
  return data;
};

/**
 * Builds the instance's clients: our OAuth client from the config (client-secret file or
 * GOOGLE_CLIENT_ID/SECRET, redirect URI BASE_URL/oauth2callback), Google's endpoints or the
 * emulator's through the library's `endpoints` option, and safeTransportOptions for every call.
 */
export function createGoogleClients(config: Config): GoogleClients {
  const endpoints = googleEndpoints(config.emulatorUrl);
  const options: OAuth2ClientOptions = {
    clientId: config.clientId,
    // Null for oauth2init and oauth2signout, which never authenticate to the token endpoint.
    clientSecret: config.clientSecret ?? undefined,
    redirectUri: config.redirectUri,
    endpoints: {
      oauth2AuthBaseUrl: endpoints.authorize,
      oauth2TokenUrl: endpoints.token,
      oauth2RevokeUrl: endpoints.revoke,
      tokenInfoUrl: endpoints.tokeninfo,
    },
    transporterOptions: safeTransportOptions(config.googleTimeoutMs),
    // Keeps the library's logging interceptors off: with GOOGLE_SDK_NODE_LOGGING set they print
    // each request's headers (a bearer token) and each token response (authclient.js).
    useAuthRequestParameters: false,
  };
  return Object.freeze({
    endpoints,
    oauth2: new OAuth2Client(options),
    forUser(credentials: Credentials): OAuth2Client {
      const client = new OAuth2Client(options);
      client.setCredentials(credentials);
      return client;
    },
  });
}

/** True when a space-separated scope string (RFC 6749 §3.3) contains `scope`. */
export function hasScope(granted: string, scope: string): boolean {
  return granted.split(' ').includes(scope);
}

/** True when the access token expires within EAGER_REFRESH_MS (refresh it, or sign in again). */
export function isExpiring(session: Pick<Session, 'expiresAt'>, now: number): boolean {
  return session.expiresAt - EAGER_REFRESH_MS <= now;
}

/** True when the session has the scope and either a fresh access token or a refresh token. */
export function isSessionUsable(
  session: Pick<Session, 'expiresAt' | 'scope' | 'refreshToken'>,
  now: number,
): boolean {
  if (!hasScope(session.scope, GMAIL_READONLY_SCOPE)) return false;
  return session.refreshToken !== undefined || !isExpiring(session, now);
}
