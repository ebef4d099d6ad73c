import type {Request, Response} from '@google-cloud/functions-framework';
import type {Config} from './config.js';
import {logLabelsOutcome, type Label, type LabelsReader, type Mailbox} from './gmail-labels.js';
import {sendJson} from './http.js';
import {arrangeLabels, flattenLabels} from './label-list.js';
import {logEvent} from './log.js';
import {GMAIL_READONLY_SCOPE, type GoogleClients} from './oauth-client.js';
import {PROBLEMS} from './problems.js';
import {createTokenValidator} from './token-validator.js';

// RFC 6750 §2.1: credentials = "Bearer" 1*SP b64token; the scheme is case-insensitive (RFC 9110 §11.1).
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i;
const MAX_TOKEN_LENGTH = 2048;

/**
 * The bearer token of a request: undefined without Authorization, 'other-scheme' for another
 * scheme (Basic...), null for a malformed Bearer header.
 */
export function readBearerToken(
  req: Pick<Request, 'headers'>,
): string | null | undefined | 'other-scheme' {
  const header = req.headers.authorization;
  if (header === undefined) return undefined;
  if (!/^bearer(?: |$)/i.test(header)) return 'other-scheme';
  const match = BEARER.exec(header);
  const token = match?.[1];
  return token !== undefined && token.length <= MAX_TOKEN_LENGTH ? token : null;
}

/** RFC 6750 §3: the error in WWW-Authenticate and, for people and scripts, as JSON. */
export function sendBearerError(
  res: Response,
  status: 400 | 401 | 403,
  error: 'invalid_request' | 'invalid_token' | 'insufficient_scope' | null,
  message: string,
  scope?: string,
): void {
  const scopeParam = scope === undefined ? '' : `, scope="${scope}"`;
  // §3.1: a request without usable credentials gets the challenge with no error code.
  const errorParam = error === null ? '' : `, error="${error}"`;
  res.set('WWW-Authenticate', `Bearer realm="listlabels"${errorParam}${scopeParam}`);
  sendJson(res, status, {error: error ?? 'unauthorized', message});
}

/**
 * listlabels for API callers (`Authorization: Bearer`): the token is checked with tokeninfo
 * (ours, unexpired, gmail.readonly) before it is used; every answer is JSON.
 */
export function createBearerLabels(
  config: Config,
  google: GoogleClients,
  readLabels: LabelsReader,
): (res: Response, token: string) => Promise<void> {
  const validator = createTokenValidator(config, google);
  return async (res, token) => {
    const check = await validator.check(token);
    if (!check.ok) {
      logEvent('NOTICE', 'bearer_rejected', `Bearer token: ${check.reason}`, {
        reason: check.reason,
      });
      if (check.reason === 'unavailable') {
        res.set('Retry-After', '5');
        return sendJson(res, 503, {
          error: 'temporarily_unavailable',
          message: 'Google did not answer; try again shortly.',
        });
      }
      if (check.reason === 'insufficient_scope') {
        return sendBearerError(
          res,
          403,
          'insufficient_scope',
          'The token lacks gmail.readonly.',
          GMAIL_READONLY_SCOPE,
        );
      }
      return sendBearerError(
        res,
        401,
        'invalid_token',
        'The token is expired, revoked or issued to another app.',
      );
    }
    const outcome = await readLabels({id: '', accessToken: token});
    logLabelsOutcome(outcome);
    switch (outcome.kind) {
      case 'unauthorized':
        return sendBearerError(res, 401, 'invalid_token', 'Gmail refused the token.');
      case 'forbidden':
        return sendBearerError(
          res,
          403,
          'insufficient_scope',
          'Gmail says the token lacks permission.',
          GMAIL_READONLY_SCOPE,
        );
      case 'unavailable':
        res.set('Retry-After', String(outcome.retryAfterSeconds));
        return sendJson(res, 503, {
          error: 'gmail_unavailable',
          message: PROBLEMS.gmailUnavailable.message,
        });
      case 'rejected':
        return sendJson(res, 502, {error: 'gmail_error', message: PROBLEMS.gmailRejected.message});
    }
    sendJson(res, 200, labelsJson(outcome.value));
  };
}

/**
 * listlabels' JSON: `count` and `labels` (id, name, type; in the page's order) as before, and
 * `email`, the signed-in address, null when Gmail did not give it in time.
 */
export function labelsJson(mailbox: Mailbox): {
  count: number;
  email: string | null;
  labels: Label[];
} {
  const labels = flattenLabels(arrangeLabels(mailbox.labels)).map(({id, name, type}) => ({
    id,
    name,
    type,
  }));
  return {count: labels.length, email: mailbox.email, labels};
}
