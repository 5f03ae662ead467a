// Proves the match-leg frame reading of §5.5/§5.11 and §9: strict turn_action with
// unknown_field, malformed_message for schema failures and unknown types, not_json for
// non-objects, the lenient authenticate/hello, the UTF-8 size limit and version intersection.

import * as v from "valibot";
import { describe, expect, it } from "vitest";
import {
  commonVersions,
  exceedsInboundLimit,
  HelloFrameSchema,
  parseClientFrame,
} from "../../../src/protocol/bot-frames.ts";

const M = "5f0c2e7a-9b1d-4c3e-8a6f-2d4b7e9c1a03";

describe("parseClientFrame", () => {
  it("accepts a turn_action with or without params, whatever its match_id", () => {
    for (const frame of [
      { type: "turn_action", match_id: M, request_id: "req_1", action: "call" },
      {
        type: "turn_action",
        match_id: "other",
        request_id: "req_1",
        action: "raise",
        params: { amount: 90.5 },
      },
    ]) {
      expect(parseClientFrame(JSON.stringify(frame))).toEqual({ ok: true, frame });
    }
  });

  it("names the disallowed field of a turn_action", () => {
    const parsed = parseClientFrame(
      JSON.stringify({
        type: "turn_action",
        match_id: M,
        request_id: "r",
        action: "call",
        seat: 0,
      }),
    );
    expect(parsed).toEqual({ ok: false, error: "unknown_field", message: "Unknown field: seat" });
  });

  it("reports schema failures and unknown types as malformed_message", () => {
    for (const frame of [
      { type: "turn_action", match_id: M, action: "call" },
      { type: "turn_action", match_id: M, request_id: 5, action: "call" },
      { type: "turn_action", match_id: M, request_id: "r", action: "raise", params: [1] },
      { type: "reconnect", match_id: M },
      { match_id: M },
    ]) {
      expect(parseClientFrame(JSON.stringify(frame))).toMatchObject({
        ok: false,
        error: "malformed_message",
      });
    }
  });

  it("treats non-JSON and JSON that is not an object alike", () => {
    for (const text of ["", "nope", "[1]", "42", "null", '"s"']) {
      expect(parseClientFrame(text)).toEqual({ ok: false, error: "not_json" });
    }
  });

  it("accepts any authenticate shape and a pong without match_id (§9 items 2 and 5)", () => {
    for (const frame of [
      { type: "authenticate" },
      {
        type: "authenticate",
        match_id: "unknown",
        token: "",
        client_name: "x",
        client_version: "1",
      },
      { type: "authenticate", token: 5, ticket: "t" },
      { type: "pong" },
    ]) {
      expect(parseClientFrame(JSON.stringify(frame))).toMatchObject({ ok: true });
    }
  });
});

describe("limits and versions", () => {
  it("measures the 4096-byte limit in UTF-8 bytes", () => {
    expect(exceedsInboundLimit("x".repeat(4096))).toBe(false);
    expect(exceedsInboundLimit("x".repeat(4097))).toBe(true);
    expect(exceedsInboundLimit("€".repeat(1365))).toBe(false);
    expect(exceedsInboundLimit("€".repeat(1366))).toBe(true);
    expect(exceedsInboundLimit(new ArrayBuffer(4097))).toBe(true);
    expect(exceedsInboundLimit(new ArrayBuffer(10))).toBe(false);
  });

  it("intersects the client's versions with ours; unusable lists give none", () => {
    const hello = (supported_versions: unknown) =>
      v.parse(HelloFrameSchema, { type: "hello", supported_versions });
    expect(commonVersions(hello(["2.0", "1.0"]))).toEqual(["1.0"]);
    expect(commonVersions(hello(["2.0"]))).toEqual([]);
    expect(commonVersions(hello("1.0"))).toEqual([]);
    expect(commonVersions(hello(undefined))).toEqual([]);
  });
});
