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

const STYLE =
  'body{font-family:sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem}' +
  'fieldset{margin:1rem 0}label{display:block;margin:.25rem 0}' +
  'button{margin-right:.5rem;padding:.5rem 1.5rem}';

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
${content}
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
  accounts: EmulatorAccount[];
  selectedEmail: string;
  scopes: string[];
}

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

/** The consent page: one checkbox per scope, all ticked (granular consent). */
export function consentPageReply(input: ConsentPage): Reply {
  const scopes = input.scopes.map(scope => {
    const value = escapeHtml(scope);
    return `<label><input type="checkbox" name="scope" value="${value}" checked> ${value}</label>`;
  });
  return htmlReply(
    200,
    page(
      'Sign in with Google (local emulator)',
      `<h1>Sign in with Google (local emulator)</h1>
<p>The app <code>${escapeHtml(input.clientId)}</code> wants to access your Google Account.</p>
<form method="post" action="/o/oauth2/v2/auth/consent">
<input type="hidden" name="request_id" value="${escapeHtml(input.requestId)}">
${renderAccounts(input.accounts, input.selectedEmail)}
<fieldset><legend>Select what the app can access</legend>
${scopes.join('\n')}
</fieldset>
<button type="submit" name="decision" value="deny">Deny</button>
<button type="submit" name="decision" value="allow">Allow</button>
</form>`,
    ),
  );
}
