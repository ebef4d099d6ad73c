import {splitScopes} from './scopes.js';
import {gmailErrorReply} from './google-errors.js';
import {bearerToken, jsonReply, type EmulatorRequest, type Reply} from './http.js';
import {findAccessToken, type EmulatorContext} from './store.js';
import type {EmulatorAccount, EmulatorLabel} from './types.js';

const FULL_ACCESS = 'https://mail.google.com/';
const GMAIL = 'https://www.googleapis.com/auth/gmail.';

// "Authorization scopes" of users.labels.list and users.getProfile in
// Gmail's API reference: any one of them is enough.
const ACCEPTED_SCOPES = {
  labels: [FULL_ACCESS, `${GMAIL}modify`, `${GMAIL}readonly`, `${GMAIL}labels`, `${GMAIL}metadata`],
  profile: [
    FULL_ACCESS,
    `${GMAIL}modify`,
    `${GMAIL}compose`,
    `${GMAIL}readonly`,
    `${GMAIL}metadata`,
  ],
};

const GMAIL_PATH = /^\/gmail\/v1\/users\/([^/]+)\/(labels|profile)$/;

/** The Gmail method a path names, or null. */
export function gmailRoute(path: string): 'labels' | 'profile' | null {
  const method = GMAIL_PATH.exec(path)?.[2];
  return method === 'labels' || method === 'profile' ? method : null;
}

function userIdOf(path: string): string | null {
  try {
    return decodeURIComponent(GMAIL_PATH.exec(path)?.[1] ?? '');
  } catch {
    return null;
  }
}

// users.labels.list only returns these fields (Gmail API reference).
function toListedLabel(label: EmulatorLabel): Record<string, string> {
  if (label.type === 'system') return {...label};
  return {
    id: label.id,
    name: label.name,
    messageListVisibility: 'show',
    labelListVisibility: 'labelShow',
    type: label.type,
  };
}

function profileOf(account: EmulatorAccount): Record<string, string | number> {
  return {
    emailAddress: account.email,
    messagesTotal: 1289,
    threadsTotal: 1024,
    historyId: '452631',
  };
}

/** GET /gmail/v1/users/{userId}/labels and /profile. */
export function handleGmail(
  ctx: EmulatorContext,
  req: EmulatorRequest,
  route: 'labels' | 'profile',
): Reply {
  const token = bearerToken(req.headers);
  const found = token === null ? null : findAccessToken(ctx.store, token);
  if (found === null) return gmailErrorReply(401, 'authError');
  const accepted = ACCEPTED_SCOPES[route];
  if (!splitScopes(found.grant.scope).some(scope => accepted.includes(scope))) {
    const reply = gmailErrorReply(403, 'insufficientPermissions');
    // RFC 6750 §3.1: say which scope would have worked.
    reply.headers['www-authenticate'] =
      `Bearer realm="https://accounts.google.com/", error="insufficient_scope", scope="${accepted.join(' ')}"`;
    return reply;
  }
  const {account} = found.grant;
  const userId = userIdOf(req.path);
  if (userId !== 'me' && userId?.toLowerCase() !== account.email.toLowerCase()) {
    return gmailErrorReply(403, 'forbidden', `Delegation denied for ${account.email}`);
  }
  if (req.method !== 'GET') {
    return gmailErrorReply(405, 'badRequest', `The emulator only implements GET ${req.path}`);
  }
  if (route === 'labels') {
    return jsonReply(200, {labels: account.labels.map(toListedLabel)});
  }
  return jsonReply(200, profileOf(account));
}
