// When to try again after Google said "not now" (429, 503), for our own Retry-After.

const DEFAULT_RETRY_AFTER_SECONDS = 5;

/** RFC 9110 §10.2.3: Retry-After is delay-seconds or an HTTP-date; in ms, null when absent or unreadable. */
export function parseRetryAfter(value: string | null): number | null {
  if (value === null) return null;
  if (/^\d{1,6}$/.test(value)) return Number(value) * 1000;
  // RFC 9110 §5.6.7: each HTTP-date form starts with the day name (Date.parse takes "-5" too).
  if (!/^[A-Z][a-z]{2}/.test(value)) return null;
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - Date.now());
}

/** The Retry-After we send, in whole seconds from 1 to 3600: Google's own delay when it gave one. */
export function retryAfterSeconds(retryAfterMs: number | null): number {
  const seconds =
    retryAfterMs === null ? DEFAULT_RETRY_AFTER_SECONDS : Math.ceil(retryAfterMs / 1000);
  return Math.min(Math.max(seconds, 1), 3600);
}
