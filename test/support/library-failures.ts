// Google's libraries failing on each call we make, with the secrets each request carries:
// test/oauth-client.test.ts and the log scenario print the errors whole and look for them.
import {gmail_v1} from '@googleapis/gmail/build/v1.js';
import type {EmulatorFault, EmulatorRoute} from '../../emulator/index.js';
import type {GoogleClients} from '../../src/oauth-client.js';

/** The secrets a failing call sends. */
export interface CallSecrets {
  readonly code: string;
  readonly verifier: string;
  readonly refreshToken: string;
  readonly accessToken: string;
}

/** One library call that fails: its name, the call, the route it reaches and the fault there. */
export type LibraryFailure = readonly [
  string,
  () => Promise<unknown>,
  EmulatorRoute,
  EmulatorFault,
];

/** Each call through the clients (`clients()`, read when a call is made), made to fail at the emulator. */
export function libraryFailures(clients: () => GoogleClients, s: CallSecrets): LibraryFailure[] {
  const getToken = (): Promise<unknown> =>
    clients().oauth2.getToken({code: s.code, codeVerifier: s.verifier});
  return [
    ['getToken()', getToken, 'token', {status: 400, reason: 'invalid_grant'}],
    ['a reset connection', getToken, 'token', {reset: true}],
    [
      'a refresh',
      () => clients().forUser({refresh_token: s.refreshToken}).getAccessToken(),
      'token',
      {status: 503},
    ],
    [
      'getTokenInfo()',
      () => clients().oauth2.getTokenInfo(s.accessToken),
      'tokeninfo',
      {status: 500},
    ],
    [
      // Not used by us (the token goes in the URL), but the redactor must cover it too.
      'revokeToken()',
      () => clients().oauth2.revokeToken(s.refreshToken),
      'revoke',
      {status: 400, reason: 'invalid_token'},
    ],
    [
      'a Gmail call',
      () =>
        new gmail_v1.Gmail({rootUrl: clients().endpoints.gmailRoot}).users.labels.list({
          userId: 'me',
          auth: clients().forUser({access_token: s.accessToken}),
        }),
      'labels',
      {status: 401},
    ],
  ];
}
