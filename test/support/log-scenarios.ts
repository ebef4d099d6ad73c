// Runs the success and failure paths with sentinel secrets, in its own process so that the
// parent test can read everything it printed. argv[2]: where to write the secrets to look for;
// argv[3]: the session mode (cookie or firestore).
import {inspect} from 'node:util';
import {createGoogleClients} from '../../src/oauth-client.js';
import {newSessionId} from '../../src/sign-in.js';
import {libraryFailures} from './library-failures.js';
import {cookiesFrom, setCookies, signIn, startSignIn} from './harness.js';
import {sessionCookieFor} from './session-modes.js';
import {createSecretCollector, scenarioMode, SENTINEL, startSentinelHarness} from './sentinels.js';

const h = await startSentinelHarness({googleTimeoutMs: 200, gmailBudgetMs: 600}, scenarioMode());
const config = h.config;
const secrets = createSecretCollector(config);
const remember = (headers: string[]): void => secrets.cookies(cookiesFrom(headers));

// A real sign-in and a real label listing.
const session = await signIn(h);
remember([session]);
await h.labels.get('/listlabels').set('Cookie', session);

// Callback failures, with sentinel values in what Google or an attacker sends.
const failures: [string, Parameters<typeof h.emulator.fault>[1] | null][] = [
  ['500', {status: 500}],
  ['invalid_client', {status: 401, reason: 'invalid_client'}],
  [
    'malformed',
    {
      body: `{"access_token":"${SENTINEL.accessToken}","refresh_token":"${SENTINEL.refreshToken}"`,
    },
  ],
  ['no token type', {body: `{"access_token":"${SENTINEL.accessToken}","expires_in":3599}`}],
  ['reset', {reset: true}],
  ['slow', {delayMs: 500}],
  ['ok', null],
];
for (const [, fault] of failures) {
  const {callbackPath, signInCookie} = await startSignIn(h);
  remember([signInCookie]);
  if (fault) h.emulator.fault('token', fault);
  const response = await h.callback.get(callbackPath).set('Cookie', signInCookie);
  remember(setCookies(response));
  await h.callback.get(callbackPath).set('Cookie', signInCookie); // replayed code
  await h.callback
    .get(callbackPath.replace(/state=[^&]+/, `state=${SENTINEL.code}`))
    .set('Cookie', signInCookie);
}
await h.callback.get(`/oauth2callback?code=${SENTINEL.code}&state=x`);
await h.callback.get(
  `/oauth2callback?error=access_denied&error_description=${SENTINEL.accessToken}`,
);

// listlabels with a sentinel session, under every Gmail fault.
const sentinelSession = await sessionCookieFor(config, {
  id: newSessionId(),
  signedInAt: Date.now(),
  accessToken: SENTINEL.accessToken,
  refreshToken: SENTINEL.refreshToken,
  expiresAt: Date.now() + 3600_000,
  scope: 'https://www.googleapis.com/auth/gmail.readonly',
});
remember([sentinelSession]);
for (const fault of [
  {status: 401},
  {status: 403, reason: 'insufficientPermissions'},
  {status: 429, retryAfter: '1'},
  {status: 500},
  {body: `{"labels": "${SENTINEL.accessToken}`},
  {reset: true},
  {delayMs: 400},
]) {
  h.emulator.fault('labels', {...fault, times: 5});
  await h.labels.get('/listlabels').set('Cookie', sentinelSession);
  await h.labels
    .get('/listlabels')
    .set('Cookie', sentinelSession)
    .set('Accept', 'application/json');
  h.emulator.clearFaults();
}
// Express logs the raw body of a request it cannot parse (the sender's own bytes, never ours):
// so this one carries no sentinel, but its answer must still be clean.
await h.labels
  .post('/listlabels')
  .set('Content-Type', 'application/json')
  .set('Cookie', sentinelSession)
  .send('{"a": ');

// Refreshing a sentinel refresh token (unknown to Google: invalid_grant), and under faults.
const expiring = await sessionCookieFor(config, {
  id: newSessionId(),
  signedInAt: Date.now(),
  accessToken: SENTINEL.accessToken,
  refreshToken: SENTINEL.refreshToken,
  expiresAt: Date.now() + 1000,
  scope: 'https://www.googleapis.com/auth/gmail.readonly',
});
remember([expiring]);
for (const fault of [
  null,
  {status: 500},
  {reset: true},
  {body: `{"access_token":"${SENTINEL.accessToken}"`},
]) {
  if (fault) h.emulator.fault('token', fault);
  await h.labels.get('/listlabels').set('Cookie', expiring);
  h.emulator.clearFaults();
}

// Bearer tokens: a sentinel one (refused by tokeninfo) and a real one under faults.
await h.labels.get('/listlabels').set('Authorization', `Bearer ${SENTINEL.accessToken}`);
const bearer = h.emulator.mintAccessToken();
secrets.add(bearer);
h.emulator.fault('tokeninfo', {status: 500});
await h.labels.get('/listlabels').set('Authorization', `Bearer ${bearer}`);
h.emulator.fault('labels', {status: 401});
await h.labels.get('/listlabels').set('Authorization', `Bearer ${bearer}`);
h.emulator.clearFaults();

// Sign-out: the page (its CSRF token is a secret too), a forged post, a real one.
const signOutPage = await h.signout.get('/oauth2signout').set('Cookie', sentinelSession);
const csrf = /name="csrf" value="([^"]+)"/.exec(signOutPage.text)?.[1] ?? '';
secrets.add(csrf);
await h.signout
  .post('/oauth2signout')
  .set('Cookie', sentinelSession)
  .type('form')
  .send({csrf: 'forged'});
h.emulator.fault('revoke', {status: 500});
await h.signout.post('/oauth2signout').set('Cookie', sentinelSession).type('form').send({csrf});

// The errors Google's libraries throw, printed whole as a careless caller would: each one's
// request (code, verifier, refresh token, bearer token, client secret) must be gone.
const google = createGoogleClients(config);
const verifier = 'SENTINEL-verifier-3e9a-0123456789abcdefghijklmnop';
secrets.add(verifier);
const secretsSent = {...SENTINEL, verifier};
for (const [, call, route, fault] of libraryFailures(() => google, secretsSent)) {
  h.emulator.fault(route, fault);
  await call().then(
    () => console.error('expected a failure'),
    (error: unknown) => console.error(inspect(error, {depth: null, showHidden: true})),
  );
  h.emulator.clearFaults();
}

await secrets.write(h.emulator, process.argv[2]!);
await h.emulator.close();
