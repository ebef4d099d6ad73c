import {
  createCipheriv,
  createDecipheriv,
  hkdfSync,
  type CipherGCM,
  type DecipherGCM,
} from 'node:crypto';
import {takeRandomBytes} from './random-pool.js';

const FORMAT_VERSION = 1;
const KEY_ID_BYTES = 4;
const IV_BYTES = 12; // NIST SP 800-38D §8.2: 96-bit random IVs
const TAG_BYTES = 16;
const HEADER_BYTES = 1 + KEY_ID_BYTES + IV_BYTES;
const HKDF_SALT = 'gmail-oauth-functions/cookie/v1';
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** The keys for one purpose: the first seals, every one opens (key rotation). */
export interface SealKeys {
  readonly purpose: string;
  readonly keys: readonly {readonly id: Buffer; readonly key: Buffer}[];
}

/**
 * Derives one AES-256 key per secret for this purpose with HKDF (RFC 5869), so a value sealed
 * for one purpose (one cookie) cannot be opened as another.
 */
export function deriveSealKeys(secrets: readonly Buffer[], purpose: string): SealKeys {
  if (secrets.length === 0) throw new Error('at least one cookie secret is needed');
  const keys = secrets.map(secret => ({
    id: Buffer.from(hkdfSync('sha256', secret, HKDF_SALT, 'key-id', KEY_ID_BYTES)),
    key: Buffer.from(hkdfSync('sha256', secret, HKDF_SALT, `key:${purpose}`, 32)),
  }));
  return Object.freeze({purpose, keys: Object.freeze(keys)});
}

/** Encrypts and authenticates a JSON value with AES-256-GCM; returns base64url text. */
export function sealValue(keys: SealKeys, value: unknown): string {
  const sealing = keys.keys[0]!;
  const iv = takeRandomBytes(IV_BYTES);
  const cipher: CipherGCM = createCipheriv('aes-256-gcm', sealing.key, iv);
  const header = Buffer.concat([Buffer.of(FORMAT_VERSION), sealing.id, iv]);
  cipher.setAAD(Buffer.concat([header, Buffer.from(keys.purpose)]));
  const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
  return Buffer.concat([header, body, cipher.getAuthTag()]).toString('base64url');
}

/** Opens a sealed value; null for anything malformed, tampered or sealed with an unknown key. */
export function openValue(keys: SealKeys, text: string, maxLength: number): unknown {
  if (text.length > maxLength || !BASE64URL.test(text)) return null;
  const raw = Buffer.from(text, 'base64url');
  // Canonical encoding only: unused low bits in the last character would let two texts open alike.
  if (raw.toString('base64url') !== text) return null;
  if (raw.length <= HEADER_BYTES + TAG_BYTES || raw[0] !== FORMAT_VERSION) return null;
  const id = raw.subarray(1, 1 + KEY_ID_BYTES);
  const match = keys.keys.find(candidate => candidate.id.equals(id));
  if (match === undefined) return null;
  const header = raw.subarray(0, HEADER_BYTES);
  const iv = raw.subarray(1 + KEY_ID_BYTES, HEADER_BYTES);
  const body = raw.subarray(HEADER_BYTES, raw.length - TAG_BYTES);
  const decipher: DecipherGCM = createDecipheriv('aes-256-gcm', match.key, iv, {
    authTagLength: TAG_BYTES,
  });
  decipher.setAAD(Buffer.concat([header, Buffer.from(keys.purpose)]));
  decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
  try {
    const plain = Buffer.concat([decipher.update(body), decipher.final()]);
    const value: unknown = JSON.parse(plain.toString('utf8'));
    return value;
  } catch {
    return null; // authentication failed, or (impossible for our own seals) not JSON
  }
}
