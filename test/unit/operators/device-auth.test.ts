// Proves the device proof: our v3 and v2 strings equal the reference client's builders
// byte for byte, a signature made by the reference host code verifies (either version),
// and every broken part gets its own documented code: key, id, nonce, clock, signature.
import { buildDeviceAuthPayload, buildDeviceAuthPayloadV3 } from "@openclaw/gateway-client";
import { describe, expect, it } from "vitest";
import {
  decodeBase64Loose,
  MAX_SKEW_MS,
  signedStringV2,
  signedStringV3,
  verifyDevice,
} from "../../../src/operators/device-auth.ts";
import { newDeviceIdentity, signDevicePayload } from "../../harness/operator.ts";

const NOW = 1_800_000_000_000;
const NONCE = "8f3c1b2e-0000-4000-8000-000000000001";
const fields = {
  clientId: "cli",
  clientMode: "cli",
  role: "operator",
  scopes: ["operator.read", "operator.approvals"],
  token: "bgop_secret",
  platform: " Linux ",
  deviceFamily: "Desktop",
};

function proof(signedAt = NOW, nonce = NONCE, build = buildDeviceAuthPayloadV3) {
  const identity = newDeviceIdentity();
  const text = build({
    deviceId: identity.deviceId,
    clientId: fields.clientId,
    clientMode: fields.clientMode,
    role: fields.role,
    scopes: fields.scopes,
    signedAtMs: signedAt,
    token: fields.token,
    nonce,
    platform: fields.platform,
    deviceFamily: fields.deviceFamily,
  });
  return {
    identity,
    device: {
      id: identity.deviceId,
      publicKey: identity.publicKeyRaw,
      signature: signDevicePayload(identity.privateKeyPem, text),
      signedAt,
      nonce,
    },
  };
}

describe("signed strings", () => {
  it("match the reference client's v3 and v2 builders", () => {
    const signed = { ...fields, deviceId: "ab".repeat(32), signedAtMs: NOW, nonce: NONCE };
    expect(signedStringV3(signed)).toBe(
      buildDeviceAuthPayloadV3({ ...signed, token: fields.token }),
    );
    expect(signedStringV2(signed)).toBe(buildDeviceAuthPayload({ ...signed, token: fields.token }));
    expect(signedStringV3(signed)).toBe(
      `v3|${"ab".repeat(32)}|cli|cli|operator|operator.read,operator.approvals|${NOW}|bgop_secret|${NONCE}|linux|desktop`,
    );
  });
});

describe("verifyDevice", () => {
  it("accepts a v3 and a v2 signature over this nonce", async () => {
    for (const build of [buildDeviceAuthPayloadV3, buildDeviceAuthPayload]) {
      const { device } = proof(NOW, NONCE, build);
      expect(await verifyDevice(device, fields, NONCE, NOW)).toBeNull();
    }
  });

  it("accepts the clock at ±120 s and refuses it beyond", async () => {
    expect(await verifyDevice(proof(NOW - MAX_SKEW_MS).device, fields, NONCE, NOW)).toBeNull();
    expect(await verifyDevice(proof(NOW + MAX_SKEW_MS + 1).device, fields, NONCE, NOW)).toBe(
      "DEVICE_AUTH_SIGNATURE_EXPIRED",
    );
  });

  it("names each broken part", async () => {
    const { device } = proof();
    expect(await verifyDevice({ ...device, publicKey: "AAAA" }, fields, NONCE, NOW)).toBe(
      "DEVICE_AUTH_PUBLIC_KEY_INVALID",
    );
    expect(await verifyDevice({ ...device, id: "0".repeat(64) }, fields, NONCE, NOW)).toBe(
      "DEVICE_AUTH_DEVICE_ID_MISMATCH",
    );
    expect(await verifyDevice(device, fields, "another-nonce", NOW)).toBe(
      "DEVICE_AUTH_NONCE_MISMATCH",
    );
    expect(await verifyDevice(device, { ...fields, scopes: ["operator.admin"] }, NONCE, NOW)).toBe(
      "DEVICE_AUTH_SIGNATURE_INVALID",
    );
    expect(await verifyDevice({ ...device, signature: "x".repeat(86) }, fields, NONCE, NOW)).toBe(
      "DEVICE_AUTH_SIGNATURE_INVALID",
    );
  });

  it("reads base64url with or without padding and plain base64, nothing else", () => {
    expect(decodeBase64Loose("_-8")).toEqual(new Uint8Array([255, 239]));
    expect(decodeBase64Loose("/+8=")).toEqual(new Uint8Array([255, 239]));
    expect(decodeBase64Loose("a b")).toBeNull();
    expect(decodeBase64Loose("")).toBeNull();
    expect(decodeBase64Loose("A".repeat(300))).toBeNull();
  });
});
