import {hkdfSync, webcrypto} from 'node:crypto';
import {CompactEncrypt, compactDecrypt, type CompactJWEHeaderParameters} from 'jose';

// RFC 7516 §7.1 compact JWE with direct encryption (RFC 7518 §4.5: `dir`, no encrypted key) and
// AES-256-GCM content encryption (RFC 7518 §5.3), sealed and opened by jose.
const ALG = 'dir';
const ENC = 'A256GCM';
const KEY_BYTES = 32;
const KEY_ID_BYTES = 6;
type CryptoKey = webcrypto.CryptoKey;
const HKDF_SALT = 'gmail-oauth-functions/cookie/v2';
// Five base64url parts, the second (the encrypted key) empty for `dir`.
const COMPACT_DIR_JWE = /^[A-Za-z0-9_-]+\.\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** One derived key: its id, its bytes, and the same as a WebCrypto key (imported once, lazily). */
export interface SealKey {
  readonly id: string;
  readonly key: Buffer;
  cryptoKey(): Promise<CryptoKey>;
}

/** The keys for one purpose: the first seals, every one opens (key rotation, by `kid`). */
export interface SealKeys {
  readonly purpose: string;
  readonly keys: readonly SealKey[];
}

/**
 * Derives one AES-256 key per secret for this purpose with HKDF (RFC 5869), so a value sealed
 * for one purpose (one cookie) cannot be opened as another. The key id names the secret, not the
 * purpose, and reveals nothing about it.
 */
export function deriveSealKeys(secrets: readonly Buffer[], purpose: string): SealKeys {
  if (secrets.length === 0) throw new Error('at least one cookie secret is needed');
  const keys = secrets.map((secret): SealKey => {
    const key = Buffer.from(hkdfSync('sha256', secret, HKDF_SALT, `key:${purpose}`, KEY_BYTES));
    let imported: Promise<CryptoKey> | null = null;
    return {
      id: Buffer.from(hkdfSync('sha256', secret, HKDF_SALT, 'key-id', KEY_ID_BYTES)).toString(
        'base64url',
      ),
      key,
      // jose imports raw bytes anew at every call; a CryptoKey made once halves a seal's time.
      cryptoKey: () =>
        (imported ??= webcrypto.subtle.importKey('raw', key, 'AES-GCM', false, [
          'encrypt',
          'decrypt',
        ])),
    };
  });
  return Object.freeze({purpose, keys: Object.freeze(keys)});
}

/**
 * Seals a JSON value as a compact JWE with the first key. The protected header (authenticated as
 * the AAD, RFC 7516 §5.1 step 14) carries the key id and the purpose as `typ`. jose draws a fresh
 * 96-bit IV from the platform's CSPRNG for each seal (NIST SP 800-38D §8.2.2).
 */
export async function sealValue(keys: SealKeys, value: unknown): Promise<string> {
  const sealing = keys.keys[0]!;
  const header: CompactJWEHeaderParameters = {
    alg: ALG,
    enc: ENC,
    kid: sealing.id,
    typ: keys.purpose,
  };
  return new CompactEncrypt(Buffer.from(JSON.stringify(value), 'utf8'))
    .setProtectedHeader(header)
    .encrypt(await sealing.cryptoKey());
}

/**
 * Opens a sealed value; null for anything too long, malformed, tampered, of another purpose or
 * sealed with an unknown key. Never throws.
 */
export async function openValue(keys: SealKeys, text: string, maxLength: number): Promise<unknown> {
  // The length cap comes before any parsing; the shape check before any base64 decoding.
  if (text.length > maxLength || !COMPACT_DIR_JWE.test(text) || !isCanonical(text)) return null;
  try {
    const {plaintext, protectedHeader} = await compactDecrypt(
      text,
      header => {
        const match = keys.keys.find(candidate => candidate.id === header.kid);
        if (match === undefined) throw new Error('unknown key id');
        return match.cryptoKey();
      },
      {keyManagementAlgorithms: [ALG], contentEncryptionAlgorithms: [ENC]},
    );
    if (protectedHeader.typ !== keys.purpose) return null;
    const value: unknown = JSON.parse(Buffer.from(plaintext).toString('utf8'));
    return value;
  } catch {
    return null; // jose refused it (bad header, algorithm, key id or tag), or not JSON
  }
}

// Canonical base64url only: the unused low bits of a part's last character would otherwise let
// several spellings open alike (RFC 4648 §3.5).
function isCanonical(text: string): boolean {
  return text
    .split('.')
    .every(part => Buffer.from(part, 'base64url').toString('base64url') === part);
}
