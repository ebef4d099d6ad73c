import {systemLabels} from '../../emulator/defaults.js';
import type {EmulatorAccount} from '../../emulator/index.js';

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

/** What listlabels answers in JSON for this account. */
export function expectedLabelsJson(account: EmulatorAccount): {
  count: number;
  labels: {id: string; name: string; type: string}[];
} {
  const labels = account.labels.map(({id, name, type}) => ({id, name, type}));
  return {count: labels.length, labels};
}
