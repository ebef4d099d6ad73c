import {html, page, type SafeHtml} from './html.js';
import type {Label} from './gmail-labels.js';

/** A failure the user can understand: a code for machines, words and a way on for people. */
export interface Problem {
  /** snake_case code, also the `error` of the JSON form. */
  readonly error: string;
  readonly title: string;
  readonly message: string;
  /** Extra text, shown escaped (for example what Google said). */
  readonly detail?: string;
  readonly action?: {
    readonly href: string;
    readonly text: string;
    readonly jsonField?: string;
  };
}

/** The page for any failure. */
export function renderProblemPage(problem: Problem): SafeHtml {
  const detail = problem.detail ? html`<p class="note">${problem.detail}</p>` : html``;
  const action = problem.action
    ? html`<p><a class="button" href="${problem.action.href}">${problem.action.text}</a></p>`
    : html``;
  return page(
    problem.title,
    html`<h1>${problem.title}</h1>
<p>${problem.message}</p>
${detail}
${action}`,
  );
}

/** The signed-in user's labels, every name escaped, with a sign-out button. */
export function renderLabelsPage(
  labels: readonly Label[],
  signOut: {readonly action: string; readonly csrf: string},
): SafeHtml {
  const items = labels.map(
    label => html`<li><span>${label.name}</span> <small>${label.type}</small></li>\n`,
  );
  const count = labels.length === 1 ? '1 label' : `${labels.length} labels`;
  return page(
    'Your Gmail labels',
    html`<h1>Your Gmail labels</h1>
<p>${count}</p>
<ul>
${items}</ul>
<form method="post" action="${signOut.action}">
<input type="hidden" name="csrf" value="${signOut.csrf}">
<button type="submit">Sign out</button>
</form>`,
  );
}

/** A page with only the sign-out button (for a GET of oauth2signout). */
export function renderSignOutPage(signOut: {
  readonly action: string;
  readonly csrf: string;
}): SafeHtml {
  return page(
    'Sign out',
    html`<h1>Sign out</h1>
<p>Signing out also revokes this app's access to your Gmail at Google.</p>
<form method="post" action="${signOut.action}">
<input type="hidden" name="csrf" value="${signOut.csrf}">
<button type="submit">Sign out</button>
</form>`,
  );
}
