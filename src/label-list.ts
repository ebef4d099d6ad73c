import type {Label} from './gmail-labels.js';

// Gmail's system labels in the order of Gmail's web interface's left menu (Inbox, Starred,
// Snoozed, Important, Sent, Drafts, Spam, Trash), then the inbox categories in the order of the
// system-label table of "Manage labels" (Personal, Social, Promotions, Updates, Forums):
// https://developers.google.com/workspace/gmail/api/guides/labels#label_types
// Any other system label (CHAT, UNREAD, ids Gmail adds later) follows, by name.
// The names are the web interface's; the API's `name` of a system label is its id.
const SYSTEM_LABELS: readonly (readonly [id: string, text: string])[] = [
  ['INBOX', 'Inbox'],
  ['STARRED', 'Starred'],
  ['SNOOZED', 'Snoozed'],
  ['IMPORTANT', 'Important'],
  ['SENT', 'Sent'],
  ['DRAFT', 'Drafts'],
  ['SPAM', 'Spam'],
  ['TRASH', 'Trash'],
  ['CATEGORY_PERSONAL', 'Personal'],
  ['CATEGORY_SOCIAL', 'Social'],
  ['CATEGORY_PROMOTIONS', 'Promotions'],
  ['CATEGORY_UPDATES', 'Updates'],
  ['CATEGORY_FORUMS', 'Forums'],
  ['CHAT', 'Chats'],
  ['UNREAD', 'Unread'],
];
const SYSTEM_RANK = new Map(SYSTEM_LABELS.map(([id], index) => [id, index]));
const SYSTEM_TEXT = new Map(SYSTEM_LABELS);
// CHAT and UNREAD have no place in the menu: they sort with the unknown ones, by name.
const FIRST_UNLISTED = SYSTEM_LABELS.findIndex(([id]) => id === 'CHAT');

// Case-insensitive, accent- and number-aware ("Item 2" before "Item 10"). A fixed locale keeps
// the order the same on every instance.
// Made at first use: creating one costs 6-8 ms, and every function loads this module.
let collator: Intl.Collator | null = null;

/** A row of the labels list: a label, or a parent that only exists as a prefix of its children. */
export interface LabelNode {
  /** What the row shows: the web interface's name of a system label, else the last path segment. */
  readonly text: string;
  /** The label, or null for a parent that is not a label (`a/b` exists, `a` does not). */
  readonly label: Label | null;
  readonly children: readonly LabelNode[];
}

/** The labels as the page lists them: system labels in Gmail's order, user labels as a tree. */
export interface LabelList {
  readonly system: readonly LabelNode[];
  readonly user: readonly LabelNode[];
}

/** Orders a users.labels.list answer for people; see SYSTEM_LABELS for the system order. */
export function arrangeLabels(labels: readonly Label[]): LabelList {
  const system = labels
    .filter(label => label.type === 'system')
    .sort((a, b) => systemRank(a) - systemRank(b) || compareText(a.name, b.name))
    .map(label => ({text: SYSTEM_TEXT.get(label.id) ?? label.name, label, children: []}));
  return {system, user: userTree(labels.filter(label => label.type !== 'system'))};
}

/** Every label of the list, in the order shown (depth first); parents that are not labels are skipped. */
export function flattenLabels(list: LabelList): Label[] {
  const walk = (nodes: readonly LabelNode[]): Label[] =>
    nodes.flatMap(node => [...(node.label ? [node.label] : []), ...walk(node.children)]);
  return [...walk(list.system), ...walk(list.user)];
}

function systemRank(label: Label): number {
  const rank = SYSTEM_RANK.get(label.id) ?? FIRST_UNLISTED;
  return Math.min(rank, FIRST_UNLISTED);
}

function compareText(a: string, b: string): number {
  // The plain comparison only breaks ties ("Work" and "work"), so the order is total.
  collator ??= new Intl.Collator('en', {sensitivity: 'base', numeric: true});
  return collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}

interface MutableNode {
  text: string;
  label: Label | null;
  children: Map<string, MutableNode>;
}

// Gmail nests `a/b` under `a` (the web interface's "Nest label under"). A name with an empty
// segment ("/a", "a//b", "a/") is shown whole, as one label.
function userTree(labels: readonly Label[]): LabelNode[] {
  const root = new Map<string, MutableNode>();
  for (const label of labels) {
    const segments = label.name.split('/');
    const path = segments.includes('') ? [label.name] : segments;
    let level = root;
    let node: MutableNode = {text: '', label: null, children: root};
    for (const [index, segment] of path.entries()) {
      // Gmail refuses a second label of the same name; should one come, it gets its own row.
      const key =
        index === path.length - 1 && level.get(segment)?.label ? `\0${label.id}` : segment;
      node = level.get(key) ?? {text: segment, label: null, children: new Map()};
      level.set(key, node);
      level = node.children;
    }
    node.label = label;
  }
  return freeze(root);
}

function freeze(level: Map<string, MutableNode>): LabelNode[] {
  return [...level.values()]
    .sort((a, b) => compareText(a.text, b.text))
    .map(node => ({text: node.text, label: node.label, children: freeze(node.children)}));
}
