/** Ed25519 with WebCrypto, keys and signatures as unpadded base64url (agent channels §1). */

const BASE64URL = /^[A-Za-z0-9_-]*$/;
/** Unpadded base64url lengths of a 32-byte key and a 64-byte signature. */
const PUBKEY_CHARS = 43;
const SIGNATURE_CHARS = 86;

/** Bytes as base64url without padding. */
export function toBase64Url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/**
 * Decodes canonical unpadded base64url, or `null`. Non-canonical spellings (stray bits in
 * the last character) are refused so one key has exactly one text form, which keeps the
 * server-wide uniqueness of public keys meaningful.
 */
export function fromBase64Url(text: string): Uint8Array<ArrayBuffer> | null {
  if (!BASE64URL.test(text) || text.length % 4 === 1) return null;
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return toBase64Url(bytes) === text ? bytes : null;
}

/** Whether `text` is a canonical base64url 32-byte Ed25519 public key that WebCrypto accepts. */
export async function isValidPublicKey(text: string): Promise<boolean> {
  return (await importPublicKey(text)) !== null;
}

async function importPublicKey(text: string): Promise<CryptoKey | null> {
  if (text.length !== PUBKEY_CHARS) return null;
  const raw = fromBase64Url(text);
  if (raw?.byteLength !== 32) return null;
  try {
    return await crypto.subtle.importKey("raw", raw, { name: "Ed25519" }, false, ["verify"]);
  } catch {
    // Not a point on the curve: WebCrypto refuses it, which is the answer we want.
    return null;
  }
}

/**
 * Verifies an Ed25519 signature over the UTF-8 bytes of `message`. Every malformed input
 * (bad encoding, wrong length, invalid key) is simply `false`: callers answer one opaque
 * authentication failure whatever the cause.
 */
export async function verifyEd25519(
  pubkey: string,
  message: string,
  signature: string,
): Promise<boolean> {
  if (signature.length !== SIGNATURE_CHARS) return false;
  const sig = fromBase64Url(signature);
  const key = await importPublicKey(pubkey);
  if (sig?.byteLength !== 64 || !key) return false;
  return crypto.subtle.verify("Ed25519", key, sig, new TextEncoder().encode(message));
}
