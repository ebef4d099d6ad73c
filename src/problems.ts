import type {Problem} from './pages.js';

/** A problem with the HTTP status it is answered with. */
export interface StatusProblem extends Problem {
  readonly status: number;
}

/** Every failure a user can meet, in one place: status, code, and words for people. */
export const PROBLEMS = {
  callbackMalformed: {
    status: 400,
    error: 'invalid_request',
    title: 'This sign-in link is not valid',
    message:
      'The answer from Google had missing, repeated or malformed parameters. Please start again.',
  },
  accessDenied: {
    status: 403,
    error: 'access_denied',
    title: 'Access was not granted',
    message: 'You chose not to let this app read your Gmail labels. You can try again at any time.',
  },
  authorizationError: {
    status: 400,
    error: 'authorization_error',
    title: 'Google could not complete the sign-in',
    message: 'Google ended the sign-in with an error. Please try again.',
  },
  signInExpired: {
    status: 400,
    error: 'sign_in_expired',
    title: 'This sign-in has expired',
    message:
      'It took longer than 10 minutes, or it was started in another browser. Please start again.',
  },
  stateMismatch: {
    status: 400,
    error: 'state_mismatch',
    title: 'This sign-in does not match',
    message: 'The answer from Google belongs to a different sign-in. Please start again.',
  },
  issuerMismatch: {
    status: 400,
    error: 'issuer_mismatch',
    title: 'This sign-in came from the wrong place',
    message: 'The answer did not come from Google. Please start again.',
  },
  codeRejected: {
    status: 400,
    error: 'invalid_grant',
    title: 'This sign-in has expired',
    message:
      'Google no longer accepts this sign-in (it was already used or has expired). Please start again.',
  },
  googleUnavailable: {
    status: 502,
    error: 'google_unavailable',
    title: 'Google did not complete the sign-in',
    message:
      'Google did not answer in time or sent an answer we could not use. Please try again in a moment.',
  },
  clientRejected: {
    status: 502,
    error: 'google_rejected',
    title: 'Google did not complete the sign-in',
    message:
      'Google refused this app\u2019s credentials. The app\u2019s administrator needs to check its OAuth client.',
  },
  sessionTooLarge: {
    status: 502,
    error: 'session_too_large',
    title: 'Google\u2019s answer was too large',
    message: 'The tokens Google issued do not fit in a cookie. Please try again.',
  },
  scopeNotGranted: {
    status: 403,
    error: 'insufficient_scope',
    title: 'Permission to read Gmail labels is needed',
    message:
      'Google did not give this app permission to view your Gmail labels. Sign in again and allow "View your email messages and settings".',
  },
  gmailUnavailable: {
    status: 503,
    error: 'gmail_unavailable',
    title: 'Gmail is not answering right now',
    message: 'Please try again in a little while. You are still signed in.',
  },
  gmailRejected: {
    status: 502,
    error: 'gmail_error',
    title: 'Gmail refused the request',
    message:
      'Gmail did not accept the request for your labels. You are still signed in; please try again later.',
  },
  signedOut: {
    status: 200,
    error: 'signed_out',
    title: 'You are signed out',
    message: 'This app\u2019s access to your Gmail has been revoked at Google.',
  },
  signedOutUnrevoked: {
    status: 200,
    error: 'signed_out_not_revoked',
    title: 'You are signed out',
    message:
      'You are signed out here, but Google did not confirm that it revoked this app\u2019s access. You can remove it yourself at https://myaccount.google.com/permissions.',
  },
  notSignedIn: {
    status: 200,
    error: 'not_signed_in',
    title: 'You are not signed in',
    message: 'There is no session to end in this browser.',
  },
  csrfFailed: {
    status: 403,
    error: 'csrf_failed',
    title: 'This sign-out form has expired',
    message:
      'It did not come from this app\u2019s own page, or the page is too old. Open your labels again and use its Sign out button.',
  },
  methodNotAllowed: {
    status: 405,
    error: 'method_not_allowed',
    title: 'Method not allowed',
    message: 'This address does not answer this method.',
  },
  internalError: {
    status: 500,
    error: 'internal_error',
    title: 'Something went wrong',
    message: 'The request could not be completed. Nothing was changed; please try again.',
  },
  requestUnreadable: {
    status: 400,
    error: 'invalid_request',
    title: 'This request could not be read',
    message: 'Its body is not valid JSON, form or text data, or its compression is broken.',
  },
  requestTooLarge: {
    status: 413,
    error: 'request_too_large',
    title: 'This request is too large',
    message: 'Its body is larger, or has more form fields, than this service reads.',
  },
  requestUnsupported: {
    status: 415,
    error: 'unsupported_media_type',
    title: 'This request could not be read',
    message: 'Its body uses a character set or a compression that this service does not read.',
  },
  notFound: {
    status: 404,
    error: 'not_found',
    title: 'Nothing here',
    message: 'There is no page at this address.',
  },
  sessionStoreUnavailable: {
    status: 503,
    error: 'session_store_unavailable',
    title: 'Sessions are unavailable right now',
    message:
      'This app cannot reach the place where it keeps sessions. Nothing was changed, and no one was signed out; please try again in a moment.',
  },
  notConfigured: {
    status: 503,
    error: 'not_configured',
    title: 'This service is not configured',
    message: 'Its administrator needs to finish setting it up; the logs say what is missing.',
  },
} as const satisfies Record<string, StatusProblem>;

// RFC 6749 §4.1.2.1 error codes, and Google's own, in words we choose: the request's text is never shown.
const AUTHORIZATION_ERRORS: Readonly<Record<string, string>> = {
  invalid_request: 'The sign-in request was not accepted by Google.',
  unauthorized_client: 'This app is not allowed to ask for this access.',
  unsupported_response_type: 'The sign-in request was not accepted by Google.',
  invalid_scope: 'Google does not allow the access this app asked for.',
  server_error: 'Google had a problem completing the sign-in.',
  temporarily_unavailable: 'Google is busy; please try again in a moment.',
  admin_policy_enforced: 'Your organisation does not allow this app.',
  org_internal: 'This app is limited to users of another organisation.',
};

/** The problem for an authorization error response: fixed words for known codes, a generic one otherwise. */
export function authorizationErrorProblem(error: string): StatusProblem {
  if (error === 'access_denied') return PROBLEMS.accessDenied;
  const detail = Object.hasOwn(AUTHORIZATION_ERRORS, error)
    ? AUTHORIZATION_ERRORS[error]
    : undefined;
  return detail === undefined
    ? PROBLEMS.authorizationError
    : {...PROBLEMS.authorizationError, detail: `${detail} (${error})`};
}
