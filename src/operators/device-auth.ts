/**
 * Device identity of an operator connection (operator gateway §3.6): an Ed25519 key whose
 * SHA-256 is the device id, signing a `|`-joined string bound to this socket's challenge
 * nonce, its credential and its scopes. Plain WebCrypto, so it runs in workerd and in Node
 * (the unit tests sign with `node:crypto`, the e2e tests with the real client's helpers).
 */
import { toHex } from "../lib/crypto.ts";

/** How far `signedAt` may be from the server's clock. */
export const MAX_SKEW_MS = 120_000;

/** Why a device proof was refused: the `details.code` of the `connect` error. */
export type DeviceFailure =
  | "DEVICE_AUTH_PUBLIC_KEY_INVALID"
  | "DEVICE_AUTH_DEVICE_ID_MISMATCH"
  | "DEVICE_AUTH_NONCE_MISMATCH"
  | "DEVICE_AUTH_SIGNATURE_EXPIRED"
  | "DEVICE_AUTH_SIGNATURE_INVALID";

export const DEVICE_FAILURE_MESSAGES: Record<DeviceFailure, string> = {
  DEVICE_AUTH_PUBLIC_KEY_INVALID: "device public key invalid",
  DEVICE_AUTH_DEVICE_ID_MISMATCH: "device identity mismatch",
  DEVICE_AUTH_NONCE_MISMATCH: "device nonce mismatch",
  DEVICE_AUTH_SIGNATURE_EXPIRED: "device signature expired",
  DEVICE_AUTH_SIGNATURE_INVALID: "device signature invalid",
};

/** What the signed string binds, as `connect` carried it. */
export interface SignedFields {
  deviceId: string;
  clientId: string;
  clientMode: string;
  role: string;
  scopes: readonly string[];
  signedAtMs: number;
  token: string;
  nonce: string;
  platform?: string | undefined;
  deviceFamily?: string | undefined;
}

/** Trimmed, ASCII-only lowercased (the reference client's normalisation); empty when absent. */
export function normalizeDeviceMetadata(value: string | undefined): string {
  return (value ?? "").trim().replace(/[A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 32));
}

/** The fields both versions sign, in order, after the version tag. */
function common(f: SignedFields): string[] {
  return [
    f.deviceId,
    f.clientId,
    f.clientMode,
    f.role,
    f.scopes.join(","),
    String(f.signedAtMs),
    f.token,
    f.nonce,
  ];
}

/** `v3|deviceId|clientId|clientMode|role|scopesCSV|signedAtMs|token|nonce|platform|deviceFamily` */
export function signedStringV3(f: SignedFields): string {
  const metadata = [normalizeDeviceMetadata(f.platform), normalizeDeviceMetadata(f.deviceFamily)];
  return ["v3", ...common(f), ...metadata].join("|");
}

/** `v2|deviceId|clientId|clientMode|role|scopesCSV|signedAtMs|token|nonce` */
export function signedStringV2(f: SignedFields): string {
  return ["v2", ...common(f)].join("|");
}

/**
 * Decodes base64url (padding optional) or standard base64, as the reference gateway does,
 * or `null`. Bounded: nothing longer than a key or signature needs is decoded.
 */
export function decodeBase64Loose(text: string, maxChars = 256): Uint8Array<ArrayBuffer> | null {
  if (text.length === 0 || text.length > maxChars || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) {
    return null;
  }
  const plain = text.replace(/-/g, "+").replace(/_/g, "/").replace(/=+$/, "");
  if (plain.length % 4 === 1) return null;
  try {
    const binary = atob(plain + "=".repeat((4 - (plain.length % 4)) % 4));
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
    return bytes;
  } catch {
    return null;
  }
}

/** The device id of a raw 32-byte public key: lowercase hex SHA-256. */
export async function deviceIdOf(publicKey: Uint8Array<ArrayBuffer>): Promise<string> {
  return toHex(new Uint8Array(await crypto.subtle.digest("SHA-256", publicKey)));
}

/**
 * Checks a device proof in the contract's order: the key, the id, the nonce of this socket,
 * the clock, then the signature as v3 or v2. `null` when it holds.
 */
export async function verifyDevice(
  device: { id: string; publicKey: string; signature: string; signedAt: number; nonce: string },
  fields: Omit<SignedFields, "deviceId" | "signedAtMs" | "nonce">,
  expectedNonce: string,
  now: number,
): Promise<DeviceFailure | null> {
  const raw = decodeBase64Loose(device.publicKey);
  if (raw?.byteLength !== 32) return "DEVICE_AUTH_PUBLIC_KEY_INVALID";
  let key: CryptoKey;
  try {
    key = await crypto.subtle.importKey("raw", raw, { name: "Ed25519" }, false, ["verify"]);
  } catch {
    return "DEVICE_AUTH_PUBLIC_KEY_INVALID";
  }
  if ((await deviceIdOf(raw)) !== device.id) return "DEVICE_AUTH_DEVICE_ID_MISMATCH";
  if (device.nonce !== expectedNonce) return "DEVICE_AUTH_NONCE_MISMATCH";
  if (Math.abs(now - device.signedAt) > MAX_SKEW_MS) return "DEVICE_AUTH_SIGNATURE_EXPIRED";
  const signature = decodeBase64Loose(device.signature);
  if (signature?.byteLength !== 64) return "DEVICE_AUTH_SIGNATURE_INVALID";
  const signed = {
    ...fields,
    deviceId: device.id,
    signedAtMs: device.signedAt,
    nonce: device.nonce,
  };
  const encoder = new TextEncoder();
  for (const text of [signedStringV3(signed), signedStringV2(signed)]) {
    if (await crypto.subtle.verify("Ed25519", key, signature, encoder.encode(text))) return null;
  }
  return "DEVICE_AUTH_SIGNATURE_INVALID";
}
