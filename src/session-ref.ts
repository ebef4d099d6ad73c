import {deriveSealKeys, openValue, sealValue} from './sealed-value.js';

/** What a firestore-mode session cookie carries: which document, and until when. */
export interface SessionRef {
  /** The session's id: its document's name (128 random bits, newSessionId()). */
  readonly id: string;
  /** The session's absolute end (ms since epoch). */
  readonly until: number;
}

/** Seals and opens session references; build one per instance (keys are derived here). */
export interface SessionRefs {
  seal(ref: SessionRef): Promise<string>;
  /** The reference in a cookie value; null for none, tampered, of another purpose or ended. */
  open(value: string | null, now?: number): Promise<SessionRef | null>;
}

// A sealed {i, x} is about 150 characters; anything much longer is not ours.
const MAX_REF_LENGTH = 512;

/** The session-reference sealer, with its own purpose: a token cookie never opens as one. */
export function createSessionRefs(secrets: readonly Buffer[]): SessionRefs {
  const keys = deriveSealKeys(secrets, 'session-ref');
  return {
    seal: ref => sealValue(keys, {i: ref.id, x: ref.until}),
    async open(value, now = Date.now()) {
      if (value === null) return null;
      const payload = await openValue(keys, value, MAX_REF_LENGTH);
      if (typeof payload !== 'object' || payload === null) return null;
      const i: unknown = Reflect.get(payload, 'i');
      const x: unknown = Reflect.get(payload, 'x');
      if (typeof i !== 'string' || !/^[A-Za-z0-9_-]{22}$/.test(i)) return null;
      if (typeof x !== 'number' || x <= now) return null;
      return {id: i, until: x};
    },
  };
}
