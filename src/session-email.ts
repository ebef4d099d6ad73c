import type {Config} from './config.js';
import {logEvent} from './log.js';

/** Keeps the signed-in address beside a stored session; a no-op in cookie mode. */
export type EmailRecorder = (sessionId: string, email: string) => Promise<void>;

const MAX_RECORDED = 10_000;

/**
 * In firestore mode, writes the address Gmail gave for a session into its document, once per
 * session and instance, so that `npm run labels -- --email` can find it. A failure is logged and
 * tried again at the next page: the page itself never waits on more than one attempt.
 */
export function createEmailRecorder(config: Config): EmailRecorder {
  if (config.sessionStore !== 'firestore') return () => Promise.resolve();
  // Firestore's client is loaded in firestore mode only (as session-store.ts does).
  const sessions = import('./stored-sessions.js').then(m => m.createStoredSessions(config));
  sessions.catch(() => {}); // awaited (and its failure logged) at the first page
  const recorded = new Set<string>();
  return async (sessionId, email) => {
    if (recorded.has(sessionId)) return;
    try {
      await (await sessions).recordEmail(sessionId, email);
    } catch (error) {
      // A deleted document (signed out meanwhile) or an outage: the labels are shown regardless.
      const code =
        typeof error === 'object' && error !== null ? String(Reflect.get(error, 'code')) : 'error';
      logEvent('WARNING', 'session_email_not_recorded', 'The address was not stored', {code});
      return;
    }
    if (recorded.size >= MAX_RECORDED) recorded.delete(recorded.values().next().value ?? '');
    recorded.add(sessionId);
  };
}
