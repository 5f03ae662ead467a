// Proves the shared WebCrypto helpers: unbiased base62 of the right length and
// alphabet, SHA-256 hex against a known vector, and constant-time equality.
import { describe, expect, it } from "vitest";
import { randomBase62, sha256Hex, timingSafeEqualText } from "../../../src/lib/crypto.ts";

describe("crypto helpers", () => {
  it("draws base62 strings of the asked length over the whole alphabet", () => {
    const sample = Array.from({ length: 400 }, () => randomBase62(32)).join("");
    expect(sample).toMatch(/^[0-9A-Za-z]+$/);
    expect(new Set(sample).size).toBe(62);
    expect(randomBase62(32)).toHaveLength(32);
  });

  it("hashes with SHA-256 to lowercase hex", async () => {
    expect(await sha256Hex("abc")).toBe(
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    );
  });

  it("compares strings for equality regardless of length", async () => {
    expect(await timingSafeEqualText("same", "same")).toBe(true);
    expect(await timingSafeEqualText("same", "Same")).toBe(false);
    expect(await timingSafeEqualText("short", "a much longer string")).toBe(false);
  });
});
