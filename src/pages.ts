import {html, page, type SafeHtml} from './html.js';
import type {Mailbox} from './gmail-labels.js';
import {arrangeLabels, type LabelNode} from './label-list.js';

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

/** The signed-in user's labels in Gmail's order, every name escaped, with a sign-out button. */
export function renderLabelsPage(
  mailbox: Mailbox,
  signOut: {readonly action: string; readonly csrf: string},
): SafeHtml {
  const {system, user} = arrangeLabels(mailbox.labels);
  const count = mailbox.labels.length === 1 ? '1 label' : `${mailbox.labels.length} labels`;
  const account =
    mailbox.email === null ? html`` : html`<p>Signed in as <strong>${mailbox.email}</strong></p>\n`;
  const section = (title: string, nodes: readonly LabelNode[], className: string): SafeHtml =>
    nodes.length === 0 ? html`` : html`<h2>${title}</h2>\n${renderTree(nodes, className)}`;
  return page(
    'Your Gmail labels',
    html`<h1>Your Gmail labels</h1>
${account}<p>${count}</p>
${section('Gmail', system, 'labels columns')}${section('Your labels', user, 'labels')}<form method="post" action="${signOut.action}">
<input type="hidden" name="csrf" value="${signOut.csrf}">
<button type="submit">Sign out</button>
</form>`,
  );
}

// System labels have no children and flow in columns; user labels nest.
function renderTree(nodes: readonly LabelNode[], className = 'labels'): SafeHtml {
  const items = nodes.map(node => {
    // A parent that is only a prefix (`Work` of `Work/Projects`) is shown greyed, as a heading.
    const text =
      node.label === null
        ? html`<span class="note" title="Not a label of its own">${node.text}</span>`
        : html`<span>${node.text}</span>`;
    const children = node.children.length === 0 ? html`` : renderTree(node.children);
    return html`<li>${text}${children}</li>\n`;
  });
  return html`<ul class="${className}">\n${items}</ul>\n`;
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
