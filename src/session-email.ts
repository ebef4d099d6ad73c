import {logEvent} from './log.js';
import {StoreUnavailableError, type SessionStore} from './session-store.js';

/** Keeps the signed-in address beside a stored session; a no-op in cookie mode. */
export type EmailRecorder = (sessionId: string, email: string) => Promise<void>;

const MAX_RECORDED = 10_000;

/**
 * Writes the address Gmail gave for a session into the store, once per session and instance, so
 * that `npm run labels -- --email` can find it. A failure is logged and tried again at the next
 * page: the page itself never waits on more than one attempt.
 */
export function createEmailRecorder(store: SessionStore): EmailRecorder {
  if (store.kind === 'cookie') return () => Promise.resolve();
  const recorded = new Set<string>();
  return async (sessionId, email) => {
    if (recorded.has(sessionId)) return;
    try {
      await store.recordEmail(sessionId, email);
    } catch (error) {
      // A deleted document (signed out meanwhile) or an outage: the labels are shown regardless.
      const code = error instanceof StoreUnavailableError ? error.code : 'error';
      logEvent('WARNING', 'session_email_not_recorded', 'The address was not stored', {code});
      return;
    }
    if (recorded.size >= MAX_RECORDED) recorded.delete(recorded.values().next().value ?? '');
    recorded.add(sessionId);
  };
}
