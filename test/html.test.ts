import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {escapeHtml, html, page, SafeHtml} from '../src/html.js';
import {renderLabelsPage, renderProblemPage} from '../src/pages.js';

const HOSTILE = '<img src=x onerror=alert(1)>"\'&';

describe('html', () => {
  it('escapeHtml() escapes the five characters that matter', () => {
    assert.equal(escapeHtml(HOSTILE), '&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp;');
  });

  it('html`` escapes interpolated strings but not SafeHtml', () => {
    const inner = html`<b>${HOSTILE}</b>`;
    const outer = html`<p title="${HOSTILE}">${inner}</p>`;
    assert.ok(outer instanceof SafeHtml);
    assert.equal(outer.text, `<p title="${escapeHtml(HOSTILE)}"><b>${escapeHtml(HOSTILE)}</b></p>`);
  });

  it('page() escapes the title and has no script', () => {
    const text = page(HOSTILE, html``).text;
    assert.match(text, /<title>&lt;img/);
    assert.doesNotMatch(text, /<script|<img/);
  });

  it('renderLabelsPage() shows each label name as text', () => {
    const text = renderLabelsPage(
      {
        labels: [
          {id: 'INBOX', name: 'INBOX', type: 'system'},
          {id: 'L1', name: HOSTILE, type: 'user'},
        ],
        email: null,
      },
      {action: '/oauth2signout', csrf: 'token'},
    ).text;
    assert.match(text, /2 labels/);
    assert.ok(text.includes(escapeHtml(HOSTILE)));
    assert.doesNotMatch(text, /<img/);
    assert.doesNotMatch(text, /Signed in as/, 'no address, no line');
  });

  it('renderLabelsPage() names the account, escaped', () => {
    const text = renderLabelsPage(
      {labels: [], email: `a${HOSTILE}@example.com`},
      {action: '/oauth2signout', csrf: 'token'},
    ).text;
    assert.ok(text.includes(`Signed in as <strong>a${escapeHtml(HOSTILE)}@example.com</strong>`));
    assert.match(text, /0 labels/);
  });

  it('renderLabelsPage() nests a/b under a and greys a parent that is no label', () => {
    const text = renderLabelsPage(
      {
        labels: [
          {id: 'L1', name: 'Work/Projects', type: 'user'},
          {id: 'SENT', name: 'SENT', type: 'system'},
        ],
        email: null,
      },
      {action: '/oauth2signout', csrf: 'token'},
    ).text;
    assert.ok(
      text.includes(
        '<h2>Gmail</h2>\n<ul class="labels columns">\n<li><span>Sent</span></li>\n</ul>\n' +
          '<h2>Your labels</h2>\n<ul class="labels">\n' +
          '<li><span class="note" title="Not a label of its own">Work</span>' +
          '<ul class="labels">\n<li><span>Projects</span></li>\n</ul>\n</li>\n</ul>\n',
      ),
      text,
    );
    assert.match(text, /2 labels/, 'the parent row is not counted');
  });

  it('renderProblemPage() escapes detail and action', () => {
    const text = renderProblemPage({
      error: 'x',
      title: 'T',
      message: HOSTILE,
      detail: HOSTILE,
      action: {href: '/a?b="c"', text: HOSTILE},
    }).text;
    assert.doesNotMatch(text, /<img|href="\/a\?b="c""/);
    assert.match(text, /href="\/a\?b=&quot;c&quot;"/);
  });
});
