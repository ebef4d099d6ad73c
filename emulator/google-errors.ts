import {STATUS_CODES} from 'node:http';
import {jsonReply, type Reply} from './http.js';

// google.rpc.Code names Google APIs put in error.status, by HTTP status.
const RPC_STATUS: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  405: 'UNIMPLEMENTED',
  409: 'ABORTED',
  429: 'RESOURCE_EXHAUSTED',
  499: 'CANCELLED',
  500: 'INTERNAL',
  501: 'UNIMPLEMENTED',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

// The `reason` Gmail sends for a status when the caller names none.
const DEFAULT_REASON: Record<number, string> = {
  400: 'badRequest',
  401: 'authError',
  403: 'forbidden',
  404: 'notFound',
  429: 'rateLimitExceeded',
};

// [error.message, errors[0].message] as Gmail words them.
const MESSAGES: Record<string, [string, string]> = {
  authError: [
    'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
    'Invalid Credentials',
  ],
  insufficientPermissions: [
    'Request had insufficient authentication scopes.',
    'Insufficient Permission',
  ],
  rateLimitExceeded: [
    'Too many concurrent requests for user',
    'Too many concurrent requests for user',
  ],
  userRateLimitExceeded: ['User-rate limit exceeded.', 'User-rate limit exceeded.'],
  backendError: ['Internal error encountered.', 'Backend Error'],
  notFound: ['Requested entity was not found.', 'Requested entity was not found.'],
};

/** Google's name for an HTTP status in error.status. */
export function rpcStatus(status: number): string {
  return RPC_STATUS[status] ?? (status >= 500 ? 'INTERNAL' : 'UNKNOWN');
}

/** A Gmail API error in Google's JSON shape, with WWW-Authenticate on 401. */
export function gmailErrorReply(status: number, reason?: string, message?: string): Reply {
  const why = reason ?? DEFAULT_REASON[status] ?? 'backendError';
  const known = MESSAGES[why];
  const text = STATUS_CODES[status] ?? 'Error';
  const item: Record<string, string> = {
    message: message ?? known?.[1] ?? text,
    domain: 'global',
    reason: why,
  };
  if (why === 'authError') {
    item.location = 'Authorization';
    item.locationType = 'header';
  }
  const error = {
    code: status,
    message: message ?? known?.[0] ?? text,
    errors: [item],
    status: rpcStatus(status),
  };
  // RFC 6750 §3: a 401 names the scheme and the error.
  const headers: Record<string, string> =
    status === 401
      ? {
          'www-authenticate': 'Bearer realm="https://accounts.google.com/", error="invalid_token"',
        }
      : {};
  return jsonReply(status, {error}, headers);
}

/** An OAuth endpoint error, RFC 6749 §5.2; never cached (§5.1). */
export function oauthErrorReply(status: number, error: string, description?: string): Reply {
  return jsonReply(
    status,
    {error, error_description: description ?? STATUS_CODES[status] ?? 'Error'},
    {'cache-control': 'no-store', pragma: 'no-cache'},
  );
}

/** RFC 6749 §5.2 invalid_request for a parameter that is missing. */
export function missingParamReply(name: string): Reply {
  return oauthErrorReply(400, 'invalid_request', `Missing required parameter: ${name}`);
}
