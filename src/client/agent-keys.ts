import { fromBase64Url, toBase64Url } from "../agents/ed25519.ts";
import { registerSignedString } from "../agents/signed-strings.ts";

/** An agent's Ed25519 key: the public half as unpadded base64url, the private half for signing. */
export interface AgentKey {
  publicKey: string;
  privateKey: CryptoKey;
  /** The private key as PKCS#8, unpadded base64url — what a key file stores. */
  pkcs8: string;
}

/** A new Ed25519 key pair from WebCrypto (Node ≥ 22 and current browsers). */
export async function generateAgentKey(): Promise<AgentKey> {
  const pair = (await crypto.subtle.generateKey({ name: "Ed25519" }, true, [
    "sign",
    "verify",
  ])) as CryptoKeyPair;
  const raw = new Uint8Array(await crypto.subtle.exportKey("raw", pair.publicKey));
  const pkcs8 = new Uint8Array(await crypto.subtle.exportKey("pkcs8", pair.privateKey));
  return { publicKey: toBase64Url(raw), privateKey: pair.privateKey, pkcs8: toBase64Url(pkcs8) };
}

/** Rebuilds a key from its stored form. */
export async function importAgentKey(stored: {
  publicKey: string;
  pkcs8: string;
}): Promise<AgentKey> {
  const der = fromBase64Url(stored.pkcs8);
  if (!der) throw new Error("the private key is not valid base64url");
  const privateKey = await crypto.subtle.importKey("pkcs8", der, { name: "Ed25519" }, false, [
    "sign",
  ]);
  return { publicKey: stored.publicKey, privateKey, pkcs8: stored.pkcs8 };
}

/** Ed25519 signature over the UTF-8 bytes of `text`, as unpadded base64url. */
export async function signText(key: AgentKey, text: string): Promise<string> {
  const signature = await crypto.subtle.sign(
    "Ed25519",
    key.privateKey,
    new TextEncoder().encode(text),
  );
  return toBase64Url(new Uint8Array(signature));
}

/** An HTTP answer that was not 2xx, with the server's error code. */
export class HttpError extends Error {
  readonly status: number;
  readonly code: string;

  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/**
 * Claims `user` and enrols `machine` with this key (`POST /api/agents/register`, signed
 * with the key being enrolled). `code` is the registration code on invite-only servers.
 */
export async function registerAgent(
  origin: string,
  options: { user: string; machine: string; key: AgentKey; code?: string },
): Promise<void> {
  const { user, machine, key } = options;
  const response = await fetch(new URL("/api/agents/register", origin), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      user,
      machine,
      pubkey: key.publicKey,
      signature: await signText(key, registerSignedString(user, machine, key.publicKey)),
      ...(options.code === undefined ? {} : { code: options.code }),
    }),
  });
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as {
      error_code?: string;
      message?: string;
    };
    throw new HttpError(
      response.status,
      body.error_code ?? "HTTP_ERROR",
      `registration refused: HTTP ${response.status} ${body.error_code ?? ""} ${body.message ?? ""}`.trim(),
    );
  }
}
