// Proves the Ed25519 checks against keys and signatures made by node:crypto: the exact
// signed strings verify, anything else (other text, other key, bad encodings) does not.
import { generateKeyPairSync, sign } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  fromBase64Url,
  isValidPublicKey,
  toBase64Url,
  verifyEd25519,
} from "../../../src/agents/ed25519.ts";
import { authSignedString, registerSignedString } from "../../../src/agents/signed-strings.ts";

function keyPair() {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const pubkey = String(publicKey.export({ format: "jwk" }).x);
  return {
    pubkey,
    sign: (text: string) => sign(null, Buffer.from(text), privateKey).toString("base64url"),
  };
}

describe("signed strings", () => {
  it("bind the handshake to the endpoint path and the nonce", () => {
    expect(authSignedString("/ws/channel/ops", "N")).toBe("botgate-auth-v1\n/ws/channel/ops\nN");
    expect(registerSignedString("u", "m", "K")).toBe("botgate-register-v1\nu\nm\nK");
  });
});

describe("verifyEd25519", () => {
  it("accepts a signature over exactly the signed string", async () => {
    const key = keyPair();
    const text = authSignedString("/ws/channel/ops", "nonce");
    expect(await verifyEd25519(key.pubkey, text, key.sign(text))).toBe(true);
  });

  it("refuses other text, another key, and malformed signatures", async () => {
    const key = keyPair();
    const text = authSignedString("/ws/channel/ops", "nonce");
    const signature = key.sign(text);
    expect(await verifyEd25519(key.pubkey, `${text}x`, signature)).toBe(false);
    expect(await verifyEd25519(keyPair().pubkey, text, signature)).toBe(false);
    const flipped = `${signature.slice(0, 10)}${signature[10] === "A" ? "B" : "A"}${signature.slice(11)}`;
    expect(await verifyEd25519(key.pubkey, text, flipped)).toBe(false);
    expect(await verifyEd25519(key.pubkey, text, "short")).toBe(false);
    expect(await verifyEd25519(key.pubkey, text, `${signature}==`)).toBe(false);
  });
});

describe("base64url", () => {
  it("round-trips bytes and refuses padding, foreign characters and non-canonical forms", () => {
    const bytes = new Uint8Array([0, 1, 250, 251, 252, 253, 254, 255]);
    expect(fromBase64Url(toBase64Url(bytes))).toEqual(bytes);
    expect(fromBase64Url("AA==")).toBeNull();
    expect(fromBase64Url("A+/A")).toBeNull();
    expect(fromBase64Url("AB")).toBeNull(); // stray bits: "AA" is the canonical form
    expect(fromBase64Url("AA")).toEqual(new Uint8Array([0]));
  });

  it("accepts only 32-byte Ed25519 public keys", async () => {
    expect(await isValidPublicKey(keyPair().pubkey)).toBe(true);
    expect(await isValidPublicKey(toBase64Url(new Uint8Array(31)))).toBe(false);
    expect(await isValidPublicKey("not a key")).toBe(false);
  });
});
