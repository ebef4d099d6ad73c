/** A Gmail label as the emulator stores it. */
export interface EmulatorLabel {
  id: string;
  name: string;
  type: 'system' | 'user';
}

/** A fake Google account that can sign in. */
export interface EmulatorAccount {
  sub: string;
  email: string;
  labels: EmulatorLabel[];
}

/** A registered OAuth client (a "Web application" client in Cloud Console). */
export interface EmulatorClient {
  clientId: string;
  /** The app name shown on the consent page (Cloud Console's OAuth consent screen). */
  name?: string;
  clientSecret: string;
  redirectUris: string[];
}

/** Which endpoint a request hit; faults and recordings are keyed by it. */
export type EmulatorRoute =
  'authorize' | 'consent' | 'token' | 'revoke' | 'tokeninfo' | 'labels' | 'profile' | 'other';

/** A failure to inject into the next request(s) on a route. */
export interface EmulatorFault {
  status?: number;
  reason?: string;
  retryAfter?: string;
  delayMs?: number;
  body?: string;
  reset?: boolean;
  times?: number;
}

/**
 * What the fake user answers on the consent screen. `scopes` is taken as
 * granted verbatim (it may hold scopes granted earlier, as Google's
 * include_granted_scopes does); an empty list is a denial.
 */
export interface ConsentChoice {
  decision: 'allow' | 'deny';
  email?: string;
  scopes?: string[];
}

/** One request as the emulator saw and answered it. */
export interface RecordedRequest {
  method: string;
  route: EmulatorRoute;
  path: string;
  status: number;
  /** Query and form parameters together. */
  params: Record<string, string>;
  /** The names of the query's parameters alone (RFC 7009 wants the token in the body). */
  queryNames: string[];
}

/** Options for startEmulator(). */
export interface EmulatorOptions {
  clients?: EmulatorClient[];
  accounts?: EmulatorAccount[];
  accessTokenTtlSeconds?: number;
  codeTtlSeconds?: number;
  port?: number;
}

/** A running emulator. */
export interface Emulator {
  readonly url: string;
  readonly clients: EmulatorClient[];
  readonly accounts: EmulatorAccount[];
  readonly requests: RecordedRequest[];
  accessTokenTtlSeconds: number;
  autoConsent: ConsentChoice | null;
  fault(route: EmulatorRoute, fault: EmulatorFault): void;
  clearFaults(): void;
  mintAccessToken(opts?: {
    clientId?: string;
    email?: string;
    scope?: string;
    ttlSeconds?: number;
  }): string;
  mintRefreshToken(opts?: {clientId?: string; email?: string; scope?: string}): string;
  close(): Promise<void>;
}
