import type {Mailbox} from '../../src/gmail-labels.js';
import {arrangeLabels, type LabelNode} from '../../src/label-list.js';

const INDENT = '  ';

/**
 * The labels one per line in the page's order: system labels by Gmail's menu, then user labels
 * as a tree, each nested one indented under its parent (a parent that is only a prefix too).
 */
export function formatLabelLines(mailbox: Mailbox): string[] {
  const {system, user} = arrangeLabels(mailbox.labels);
  const walk = (nodes: readonly LabelNode[], depth: number): string[] =>
    nodes.flatMap(node => [
      INDENT.repeat(depth) + printable(node.text),
      ...walk(node.children, depth + 1),
    ]);
  return [...walk(system, 0), ...walk(user, 0)];
}

// A label name is the user's text: control characters (a newline, an escape sequence) would
// forge lines or drive the terminal.
function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '\uFFFD');
}
