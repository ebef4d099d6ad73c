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
      [
        {id: 'INBOX', name: 'INBOX', type: 'system'},
        {id: 'L1', name: HOSTILE, type: 'user'},
      ],
      {action: '/oauth2signout', csrf: 'token'},
    ).text;
    assert.match(text, /2 labels/);
    assert.ok(text.includes(escapeHtml(HOSTILE)));
    assert.doesNotMatch(text, /<img/);
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
