import type {Request, Response} from '@google-cloud/functions-framework';
import {sendProblem} from './http.js';
import {logEvent} from './log.js';
import {PROBLEMS} from './problems.js';
import {StoreUnavailableError} from './session-store.js';

/** Seconds a client is asked to wait when the session store is out. */
export const STORE_RETRY_AFTER_SECONDS = 5;

type Handler = (req: Request, res: Response) => Promise<void>;

/**
 * Answers a session-store outage with a 503 and Retry-After (RFC 9110 §15.6.4, §10.2.3), and
 * no session cookie: an outage never signs anyone out. Other errors go on to guard()'s 500.
 */
export function answerStoreOutage(handler: Handler): Handler {
  return async (req, res) => {
    try {
      await handler(req, res);
    } catch (error) {
      if (!(error instanceof StoreUnavailableError) || res.headersSent) throw error;
      logEvent('WARNING', 'session_store_unavailable', 'The session store did not answer', {
        operation: error.operation,
        code: error.code,
      });
      res.set('Retry-After', String(STORE_RETRY_AFTER_SECONDS));
      sendProblem(req, res, PROBLEMS.sessionStoreUnavailable);
    }
  };
}
