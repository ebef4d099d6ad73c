import {htmlReply, type Reply} from './http.js';
import type {EmulatorAccount} from './types.js';

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, char => HTML_ESCAPES[char] ?? char);
}

// Google's look in miniature: a card on a tinted page, filled Allow, outlined Deny. Nothing has
// a fixed width, so the page reads at 320 px; long ids and scopes wrap.
const STYLE =
  'body{margin:0;padding:1rem;font:16px/1.5 system-ui,sans-serif;color:#1f1f1f;background:#f0f4f9}' +
  'main{max-width:30rem;margin:1rem auto;padding:1.5rem;background:#fff;border-radius:1.75rem;' +
  'overflow-wrap:anywhere}' +
  '.brand{margin:0;font-size:.875rem;color:#444746}' +
  'h1{font-size:1.5rem;font-weight:400;line-height:1.3;margin:.75rem 0}' +
  'h2{font-size:1rem;font-weight:500}.note{color:#444746;font-size:.875rem}' +
  'fieldset{border:0;padding:0;margin:1rem 0}legend{font-weight:500;padding:0;margin-bottom:.25rem}' +
  'label{display:flex;gap:.75rem;align-items:flex-start;padding:.625rem 0;border-top:1px solid #e3e3e3}' +
  'label small{display:block;color:#444746;font-size:.8125rem}input{margin-top:.3rem}' +
  '.actions{display:flex;flex-wrap:wrap;justify-content:flex-end;gap:.75rem;margin-top:1.5rem}' +
  'button{font:inherit;font-weight:500;padding:.5rem 1.5rem;border-radius:1.25rem;cursor:pointer}' +
  'button[value=allow]{background:#0b57d0;color:#fff;border:1px solid #0b57d0}' +
  'button[value=deny]{background:#fff;color:#0b57d0;border:1px solid #747775}';

function page(title: string, content: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${content}
</main>
</body>
</html>
`;
}

/** Google's error page for a bad authorization request: no redirect happens. */
export function errorPageReply(status: number, error: string, description: string): Reply {
  const heading = `Error ${status}: ${error}`;
  return htmlReply(
    status,
    page(
      heading,
      `<h1>Access blocked: this request is invalid</h1>
<h2>${escapeHtml(heading)}</h2>
<p>${escapeHtml(description)}</p>`,
    ),
  );
}

/** What the consent page shows. */
export interface ConsentPage {
  requestId: string;
  clientId: string;
  /** The app's name as its owner registered it; the client id stands in without one. */
  appName: string | null;
  accounts: EmulatorAccount[];
  selectedEmail: string;
  scopes: string[];
}

// What Google's consent screen says for each scope (OAuth 2.0 Scopes for Google APIs); a scope
// without words here is shown as it is.
const GMAIL = 'https://www.googleapis.com/auth/gmail.';
const SCOPE_TEXT = new Map([
  ['openid', 'Associate you with your personal info on Google'],
  ['email', 'See your primary Google Account email address'],
  ['profile', "See your personal info, including any personal info you've made publicly available"],
  [`${GMAIL}readonly`, 'See your Gmail labels and messages, and your email settings'],
  [`${GMAIL}labels`, 'See and edit your email labels'],
  [`${GMAIL}metadata`, 'See your email message metadata, such as labels and headers'],
  [`${GMAIL}modify`, 'Read, compose and send emails from your Gmail account'],
  ['https://mail.google.com/', 'Read, compose, send and permanently delete all your email'],
]);

function renderAccounts(accounts: EmulatorAccount[], selected: string): string {
  if (accounts.length === 1 && accounts[0] !== undefined) {
    return `<p>Signed in as <strong>${escapeHtml(accounts[0].email)}</strong></p>`;
  }
  const radios = accounts.map(account => {
    const email = escapeHtml(account.email);
    const checked = account.email === selected ? ' checked' : '';
    return `<label><input type="radio" name="account" value="${email}"${checked}> ${email}</label>`;
  });
  return `<fieldset><legend>Choose an account</legend>\n${radios.join('\n')}\n</fieldset>`;
}

function renderScope(scope: string): string {
  const value = escapeHtml(scope);
  const text = SCOPE_TEXT.get(scope);
  const words = text === undefined ? value : `${escapeHtml(text)}<small>${value}</small>`;
  return `<label><input type="checkbox" name="scope" value="${value}" checked> <span>${words}</span></label>`;
}

/** The consent page: the app, the account, one ticked checkbox per scope (granular consent). */
export function consentPageReply(input: ConsentPage): Reply {
  const app = escapeHtml(input.appName ?? input.clientId);
  return htmlReply(
    200,
    page(
      'Sign in with Google (local emulator)',
      `<p class="brand">Sign in with Google (local emulator)</p>
<h1>${app} wants to access your Google Account</h1>
<form method="post" action="/o/oauth2/v2/auth/consent">
<input type="hidden" name="request_id" value="${escapeHtml(input.requestId)}">
${renderAccounts(input.accounts, input.selectedEmail)}
<fieldset><legend>This will allow ${app} to:</legend>
${input.scopes.map(renderScope).join('\n')}
</fieldset>
<p class="note">Make sure that you trust ${app} (client <code>${escapeHtml(input.clientId)}</code>).
You can remove its access at any time in your Google Account.</p>
<p class="actions">
<button type="submit" name="decision" value="deny">Deny</button>
<button type="submit" name="decision" value="allow">Allow</button>
</p>
</form>`,
    ),
  );
}
