// Proves how a `connect` is decided: the version range (3 and 4, highest common; no overlap
// is 1002), the role, the credential (missing, wrong, another kind, the password field),
// a required device identity, and the granted scopes.
import { describe, expect, it } from "vitest";
import {
  decideConnect,
  type HandshakeDeps,
  negotiateProtocol,
} from "../../../src/operators/handshake.ts";
import type { ConnectParams } from "../../../src/protocol/operator-frames.ts";

const deps: HandshakeDeps = {
  adminToken: "admin-secret",
  requireDevice: false,
  verifyToken: async (token) =>
    token === "bgop_read" ? { id: "t1", name: "reader", scopes: ["operator.read"] } : null,
  secretEquals: async (a, b) => a === b,
  now: () => 0,
};

const params = (over: Partial<ConnectParams> = {}): ConnectParams => ({
  minProtocol: 4,
  maxProtocol: 4,
  client: { id: "control-center", version: "1", platform: "linux", mode: "operator" },
  auth: { token: "admin-secret" },
  ...over,
});

describe("negotiateProtocol", () => {
  it("picks the highest of 4 and 3 inside the range", () => {
    expect(negotiateProtocol(3, 9)).toBe(4);
    expect(negotiateProtocol(1, 3)).toBe(3);
    expect(negotiateProtocol(5, 9)).toBeNull();
    expect(negotiateProtocol(1, 2)).toBeNull();
  });
});

describe("decideConnect", () => {
  it("grants the admin every scope it asks for, and a token what it allows", async () => {
    const admin = await decideConnect(params(), "n", deps);
    expect(admin).toMatchObject({
      ok: true,
      protocol: 4,
      caller: { tokenId: null, label: "admin" },
    });
    const reader = await decideConnect(
      params({ auth: { token: "bgop_read" }, scopes: ["operator.admin"] }),
      "n",
      deps,
    );
    expect(reader).toMatchObject({
      ok: true,
      caller: { tokenId: "t1", label: "reader", scopes: ["operator.read"] },
    });
  });

  it("accepts the secret in auth.password like the reference gateway", async () => {
    expect(
      await decideConnect(params({ auth: { password: "admin-secret" } }), "n", deps),
    ).toMatchObject({ ok: true });
  });

  it("refuses a version range without 3 or 4 with 1002", async () => {
    expect(await decideConnect(params({ minProtocol: 5, maxProtocol: 6 }), "n", deps)).toEqual({
      ok: false,
      close: 1002,
      authFailure: false,
      error: {
        code: "INVALID_REQUEST",
        message: "protocol mismatch",
        details: { code: "PROTOCOL_MISMATCH", expectedProtocol: 4 },
      },
    });
  });

  it("refuses a missing, a wrong and another kind of credential with 1008", async () => {
    const codes = [];
    for (const auth of [
      undefined,
      { token: "" },
      { token: "nope" },
      { token: `cz_extbot_${"a".repeat(32)}` },
    ]) {
      const decided = await decideConnect(params(auth ? { auth } : { auth: {} }), "n", deps);
      if (decided.ok) throw new Error("accepted");
      expect(decided.close).toBe(1008);
      expect(decided.authFailure).toBe(true);
      codes.push(decided.error.details?.code);
    }
    expect(codes).toEqual([
      "AUTH_TOKEN_MISSING",
      "AUTH_TOKEN_MISSING",
      "AUTH_TOKEN_MISMATCH",
      "AUTH_TOKEN_MISMATCH",
    ]);
  });

  it("refuses another role and, when required, a missing device", async () => {
    expect(await decideConnect(params({ role: "node" }), "n", deps)).toMatchObject({
      ok: false,
      error: { details: { code: "ROLE_NOT_SUPPORTED" } },
    });
    expect(await decideConnect(params(), "n", { ...deps, requireDevice: true })).toMatchObject({
      ok: false,
      close: 1008,
      error: { details: { code: "DEVICE_IDENTITY_REQUIRED" } },
    });
  });
});
