/** What a Google endpoint answered: status, Retry-After, and the body as JSON (undefined when not JSON). */
export interface GoogleAnswer {
  readonly status: number;
  readonly retryAfter: string | null;
  readonly json: unknown;
}

/**
 * POSTs a form to a Google endpoint once, within `timeoutMs`. Null when no answer came
 * (network error, timeout, reset). Never logs: request bodies hold codes and tokens.
 */
export async function postForm(
  url: string,
  form: Record<string, string>,
  timeoutMs: number,
): Promise<GoogleAnswer | null> {
  let response: Response;
  let text: string;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: {accept: 'application/json'},
      body: new URLSearchParams(form),
      redirect: 'error',
      // At least 1 ms: a zero timeout would abort at once.
      signal: AbortSignal.timeout(Math.max(1, timeoutMs)),
    });
    text = await response.text();
  } catch {
    return null;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return {status: response.status, retryAfter: response.headers.get('retry-after'), json};
}
