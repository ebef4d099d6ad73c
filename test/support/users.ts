import {systemLabels} from '../../emulator/defaults.js';
import type {EmulatorAccount} from '../../emulator/index.js';
import {arrangeLabels, flattenLabels} from '../../src/label-list.js';

const NAMES = ['ana', 'ben', 'chen', 'dara', 'eli'];

/**
 * Five accounts whose mailboxes differ in the number and names of their labels, so that a user
 * shown another user's labels (or a mix) never passes for the right answer.
 */
export function distinctAccounts(): EmulatorAccount[] {
  return NAMES.map((name, i) => ({
    sub: `20000000000000000000${i}`,
    email: `${name}@example.com`,
    labels: [
      ...systemLabels(),
      ...Array.from({length: i + 1}, (_, n) => ({
        id: `Label_${i}_${n}`,
        name: `${name}/${n}`,
        type: 'user' as const,
      })),
    ],
  }));
}

/**
 * What listlabels answers in JSON for this account: the labels in the page's order (pinned by
 * test/label-list.test.ts) and the account's address.
 */
export function expectedLabelsJson(account: EmulatorAccount): {
  count: number;
  email: string;
  labels: {id: string; name: string; type: string}[];
} {
  const labels = flattenLabels(arrangeLabels(account.labels)).map(({id, name, type}) => ({
    id,
    name,
    type,
  }));
  return {count: labels.length, email: account.email, labels};
}
