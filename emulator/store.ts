import {randomBytes} from 'node:crypto';
import type {Emulator, EmulatorAccount, EmulatorClient} from './types.js';

/** What every handler gets: the public object plus the private state. */
export interface EmulatorContext {
  readonly emulator: Emulator;
  readonly store: Store;
  readonly codeTtlSeconds: number;
}

/** What one consent (or one mint) granted; revoking it kills all its tokens. */
export interface Grant {
  clientId: string;
  account: EmulatorAccount;
  scope: string;
  offline: boolean;
  refreshToken: string | null;
  revoked: boolean;
}

/** An issued access token. */
export interface AccessToken {
  grant: Grant;
  expiresAt: number;
}

/** An authorization request waiting on the consent page. */
export interface PendingAuthorization {
  clientId: string;
  redirectUri: string;
  state: string | null;
  scopes: string[];
  codeChallenge: string | null;
  codeChallengeMethod: 'S256' | 'plain';
  offline: boolean;
  /** `prompt=consent`: Google then issues a refresh token again. */
  promptConsent: boolean;
  loginHint: string | null;
}

/** An issued authorization code. */
export interface AuthorizationCode {
  clientId: string;
  redirectUri: string;
  account: EmulatorAccount;
  scope: string;
  codeChallenge: string | null;
  codeChallengeMethod: 'S256' | 'plain';
  offline: boolean;
  expiresAt: number;
  used: boolean;
  grant: Grant | null;
}

/** Everything the emulator has issued, by secret value. */
export interface Store {
  pending: Map<string, PendingAuthorization>;
  codes: Map<string, AuthorizationCode>;
  accessTokens: Map<string, AccessToken>;
  refreshTokens: Map<string, Grant>;
  /** `clientId account.sub` pairs that already hold an offline grant. */
  offlineConsents: Set<string>;
}

/** An empty store. */
export function createStore(): Store {
  return {
    pending: new Map(),
    codes: new Map(),
    accessTokens: new Map(),
    refreshTokens: new Map(),
    offlineConsents: new Set(),
  };
}

/** A random URL-safe value with Google's prefix for its kind. */
export function randomToken(prefix: string, bytes = 32): string {
  return prefix + randomBytes(bytes).toString('base64url');
}

/** Records a new grant, with a refresh token when it is offline. */
export function createGrant(store: Store, fields: Omit<Grant, 'refreshToken' | 'revoked'>): Grant {
  const refreshToken = fields.offline ? randomToken('1//') : null;
  const grant: Grant = {...fields, refreshToken, revoked: false};
  if (refreshToken !== null) store.refreshTokens.set(refreshToken, grant);
  return grant;
}

/** Issues an access token for `grant` that lives `ttlSeconds`. */
export function issueAccessToken(store: Store, grant: Grant, ttlSeconds: number): string {
  const token = randomToken('ya29.');
  store.accessTokens.set(token, {
    grant,
    expiresAt: Date.now() + ttlSeconds * 1000,
  });
  return token;
}

/** The access token if it is known, unexpired and unrevoked; else null. */
export function findAccessToken(store: Store, token: string): AccessToken | null {
  const found = store.accessTokens.get(token);
  if (found === undefined || found.grant.revoked) return null;
  return Date.now() < found.expiresAt ? found : null;
}

/** The grant of an unrevoked refresh token; else null. */
export function findRefreshGrant(store: Store, token: string): Grant | null {
  const grant = store.refreshTokens.get(token);
  return grant === undefined || grant.revoked ? null : grant;
}

/** The grant of an unexpired access token or unrevoked refresh token; else null. */
export function findGrantForRevoke(store: Store, token: string): Grant | null {
  return findAccessToken(store, token)?.grant ?? findRefreshGrant(store, token);
}

/** The registered client with this id, if any. */
export function findClient(emulator: Emulator, clientId: string): EmulatorClient | null {
  return emulator.clients.find(client => client.clientId === clientId) ?? null;
}

/** The account with this email (case-insensitive) or sub, if any. */
export function findAccount(emulator: Emulator, hint: string): EmulatorAccount | null {
  const email = hint.toLowerCase();
  return (
    emulator.accounts.find(
      account => account.email.toLowerCase() === email || account.sub === hint,
    ) ?? null
  );
}
