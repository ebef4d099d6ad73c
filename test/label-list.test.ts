import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import type {Label} from '../src/gmail-labels.js';
import {arrangeLabels, flattenLabels, type LabelNode} from '../src/label-list.js';

const system = (id: string): Label => ({id, name: id, type: 'system'});
const user = (name: string): Label => ({id: `Label_${name}`, name, type: 'user'});

/** The rows as "text" with two spaces per level and "(parent)" for prefixes that are no label. */
function outline(nodes: readonly LabelNode[], depth = 0): string[] {
  return nodes.flatMap(node => [
    `${'  '.repeat(depth)}${node.text}${node.label === null ? ' (parent)' : ''}`,
    ...outline(node.children, depth + 1),
  ]);
}

// The ids as users.labels.list returns them for a new account (the emulator's order).
const GMAIL_ANSWER = [
  'CHAT',
  'SENT',
  'INBOX',
  'IMPORTANT',
  'TRASH',
  'DRAFT',
  'SPAM',
  'CATEGORY_FORUMS',
  'CATEGORY_UPDATES',
  'CATEGORY_PERSONAL',
  'CATEGORY_PROMOTIONS',
  'CATEGORY_SOCIAL',
  'STARRED',
  'UNREAD',
  'SNOOZED',
];

describe('label-list', () => {
  it("arrangeLabels() puts system labels in Gmail's menu order, categories next, then the rest by name", () => {
    const list = arrangeLabels([...GMAIL_ANSWER.map(system), system('YELLOW_STAR')]);
    assert.deepEqual(
      list.system.map(node => node.label?.id),
      [
        'INBOX',
        'STARRED',
        'SNOOZED',
        'IMPORTANT',
        'SENT',
        'DRAFT',
        'SPAM',
        'TRASH',
        'CATEGORY_PERSONAL',
        'CATEGORY_SOCIAL',
        'CATEGORY_PROMOTIONS',
        'CATEGORY_UPDATES',
        'CATEGORY_FORUMS',
        'CHAT',
        'UNREAD',
        'YELLOW_STAR',
      ],
    );
    assert.deepEqual(list.user, []);
  });

  it("arrangeLabels() shows system labels by the web interface's names, unknown ones by id", () => {
    const list = arrangeLabels(['DRAFT', 'CATEGORY_SOCIAL', 'CHAT', 'NEW_ONE'].map(system));
    assert.deepEqual(
      list.system.map(node => node.text),
      ['Drafts', 'Social', 'Chats', 'NEW_ONE'],
    );
  });

  const userCases: [string, string[], string[]][] = [
    [
      'sorts case-insensitively, accents and numbers as people read them',
      ['banana', 'Apple', 'éclair', 'Zebra', 'Item 10', 'Item 2', 'apple'],
      ['Apple', 'apple', 'banana', 'éclair', 'Item 2', 'Item 10', 'Zebra'],
    ],
    [
      'nests a/b under a, showing the last segment',
      ['Work/Projects', 'Work', 'Travel', 'Work/Clients/Acme', 'Work/Clients'],
      ['Travel', 'Work', '  Clients', '    Acme', '  Projects'],
    ],
    [
      'puts a child whose parent is no label under a parent row of that name',
      ['Receipts', 'Work/Projects', 'Archive/2024/Taxes'],
      [
        'Archive (parent)',
        '  2024 (parent)',
        '    Taxes',
        'Receipts',
        'Work (parent)',
        '  Projects',
      ],
    ],
    [
      'sorts each level on its own, not by the full path',
      ['B/a', 'a/Z', 'a/b', 'A b'],
      ['a (parent)', '  b', '  Z', 'A b', 'B (parent)', '  a'],
    ],
    [
      'shows a name with an empty segment whole',
      ['/lead', 'trail/', 'a//b', 'x'],
      ['/lead', 'a//b', 'trail/', 'x'],
    ],
    [
      'keeps two labels of one name (which Gmail refuses) as two rows',
      ['Same', 'Same'],
      ['Same', 'Same'],
    ],
  ];
  for (const [name, names, expected] of userCases) {
    it(`arrangeLabels() ${name}`, () => {
      assert.deepEqual(outline(arrangeLabels(names.map(user)).user), expected);
    });
  }

  it('flattenLabels() lists every label once in the shown order, system first, without parent rows', () => {
    const labels = [user('Work/Projects'), system('SENT'), user('Alpha'), system('INBOX')];
    assert.deepEqual(
      flattenLabels(arrangeLabels(labels)).map(label => label.name),
      ['INBOX', 'SENT', 'Alpha', 'Work/Projects'],
    );
  });
});
