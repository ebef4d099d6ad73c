import type {EmulatorAccount, EmulatorClient, EmulatorLabel} from './types.js';

/** The client registered when startEmulator() is given none. */
export const DEFAULT_CLIENT: EmulatorClient = {
  clientId: 'emulator-client.apps.googleusercontent.com',
  name: 'Gmail Labels',
  clientSecret: 'emulator-secret',
  redirectUris: ['http://localhost:8080/oauth2callback'],
};

// The system labels every Gmail mailbox has (users.labels.list on a new account).
const SYSTEM_LABEL_IDS = [
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
];

/** Gmail's system labels, as a fresh array each call. */
export function systemLabels(): EmulatorLabel[] {
  return SYSTEM_LABEL_IDS.map(id => ({id, name: id, type: 'system'}));
}

/** The account that signs in when startEmulator() is given none. */
export const DEFAULT_ACCOUNT: EmulatorAccount = {
  sub: '108354102748295837461',
  email: 'alex@example.com',
  labels: [
    ...systemLabels(),
    {id: 'Label_1', name: 'Receipts', type: 'user'},
    {id: 'Label_2', name: 'Travel', type: 'user'},
    {id: 'Label_3', name: 'Work/Projects', type: 'user'},
    {id: 'Label_4', name: 'Family & Friends', type: 'user'},
  ],
};

/** A deep copy, so one emulator's test mutations never leak into another. */
export function copyAccount(account: EmulatorAccount): EmulatorAccount {
  return {...account, labels: account.labels.map(label => ({...label}))};
}

/** A deep copy of a client, for the same reason as copyAccount(). */
export function copyClient(client: EmulatorClient): EmulatorClient {
  return {...client, redirectUris: [...client.redirectUris]};
}
