import type {HttpFunction, Request, Response} from '@google-cloud/functions-framework';
import {replaceFrameworkFinalHandler} from './framework-final-handler.js';
import {CONTENT_SECURITY_POLICY, type SafeHtml} from './html.js';
import {describeError, logEvent, withRequestTrace} from './log.js';
import {renderProblemPage} from './pages.js';
import {PROBLEMS, type StatusProblem} from './problems.js';

/** Headers every response carries, whatever its outcome. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Cache-Control': 'no-store',
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
});

/**
 * Wraps a handler: security headers on every response, 405 for other methods than `methods`,
 * and a plain 500 page instead of functions-framework's default (which sends `err.message`).
 */
export function guard(
  name: string,
  handler: (req: Request, res: Response) => Promise<void> | void,
  methods: readonly string[] = ['GET', 'HEAD'],
): HttpFunction {
  const allow = methods.join(', ');
  return (req: Request, res: Response): Promise<void> | void =>
    withRequestTrace(req.headers, () => answer(req, res));
  // Not async: a synchronous handler (oauth2init) then costs no promise per request.
  function answer(req: Request, res: Response): Promise<void> | void {
    res.set(SECURITY_HEADERS);
    if (!methods.includes(req.method)) {
      res.set('Allow', allow);
      sendProblem(req, res, {
        ...PROBLEMS.methodNotAllowed,
        message: `This address answers ${allow} only.`,
      });
      return;
    }
    try {
      const pending = handler(req, res);
      if (pending !== undefined) return pending.catch(error => fail(req, res, error));
    } catch (error) {
      fail(req, res, error);
    }
  }
  function fail(req: Request, res: Response, error: unknown): void {
    logEvent('ERROR', 'internal_error', `${name} failed`, {
      function: name,
      ...describeError(error),
    });
    if (res.headersSent) {
      res.end();
      return;
    }
    sendProblem(req, res, PROBLEMS.internalError);
  }
}

/** True when the client prefers JSON to HTML (`Accept: application/json`). */
export function wantsJson(req: Request): boolean {
  return req.accepts(['html', 'json']) === 'json';
}

/** Sends a full HTML page. */
export function sendPage(res: Response, status: number, body: SafeHtml): void {
  res.status(status).type('text/html; charset=utf-8').send(body.text);
}

/** Sends a JSON body. */
export function sendJson(res: Response, status: number, body: unknown): void {
  res.status(status).type('application/json; charset=utf-8').send(JSON.stringify(body));
}

/** Redirects with an empty body; `location` is built from config, never from the request. */
export function redirect(res: Response, status: 302 | 303, location: string): void {
  res.status(status).set('Location', location).end();
}

/** Sends a problem as JSON (`{"error", "message", ...}`) or as a page, as the client prefers. */
export function sendProblem(req: Request, res: Response, problem: StatusProblem): void {
  if (wantsJson(req)) {
    const body: Record<string, string> = {
      error: problem.error,
      message: problem.message,
    };
    if (problem.action) body[problem.action.jsonField ?? 'retry_url'] = problem.action.href;
    sendJson(res, problem.status, body);
  } else {
    sendPage(res, problem.status, renderProblemPage(problem));
  }
}

/**
 * Answers, with our headers and words, what functions-framework would otherwise leave to
 * Express: bodies its parsers refuse (400, 413, 415) and paths outside its routes (404). Sets
 * NODE_ENV=production too, so that Express would send no stack trace should its own final
 * handler ever run. Call before the framework builds its app (that is, at module load).
 * `source`: a folder from which functions-framework resolves as it does for the caller (default:
 * the working directory, where the platform and functions-framework's CLI run us).
 */
export function hideFrameworkErrorDetails(source?: string): void {
  process.env.NODE_ENV = 'production';
  replaceFrameworkFinalHandler(answerUnhandled, source);
}

function answerUnhandled(error: unknown, req: Request, res: Response): void {
  withRequestTrace(req.headers, () => {
    if (res.headersSent) {
      req.socket.destroy();
      return;
    }
    const problem = unhandledProblem(error);
    if (problem.status >= 500) {
      logEvent('ERROR', 'internal_error', 'A request failed before any function ran', {
        ...describeError(error),
      });
    } else if (error !== undefined) {
      const reason = bodyParserReason(error);
      logEvent('INFO', 'request_refused', 'A request body could not be read', {
        status: problem.status,
        ...(reason === null ? {} : {reason}),
      });
    }
    res.set(SECURITY_HEADERS);
    sendProblem(req, res, problem);
  });
}

// What may be logged of a refusal: body-parser's fixed `type` ("entity.parse.failed"), never its
// message, which quotes the body, the charset or the Content-Encoding.
function bodyParserReason(error: unknown): string | null {
  const type = typeof error === 'object' && error !== null && 'type' in error ? error.type : null;
  return typeof type === 'string' && /^[a-zA-Z]{1,20}(\.[a-zA-Z]{1,20}){0,3}$/.test(type)
    ? type
    : null;
}

// body-parser's errors (http-errors) carry the status to answer: 400, 413 or 415.
function unhandledProblem(error: unknown): StatusProblem {
  if (error === undefined) return PROBLEMS.notFound;
  const status =
    typeof error === 'object' && error !== null && 'status' in error ? error.status : undefined;
  if (typeof status !== 'number' || status < 400 || status >= 500) return PROBLEMS.internalError;
  if (status === 413) return PROBLEMS.requestTooLarge;
  if (status === 415) return PROBLEMS.requestUnsupported;
  return {...PROBLEMS.requestUnreadable, status};
}
