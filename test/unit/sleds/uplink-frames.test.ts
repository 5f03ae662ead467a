// The uplink's wire format: every huskies frame parses, anything else is ignored (never thrown).
import { describe, expect, it } from "vitest";
import { classify, relayAnswer } from "../../../src/sleds/mcp-answer.ts";
import { parseUplinkFrame, permResponseText, tooLarge } from "../../../src/sleds/uplink-frames.ts";

describe("uplink frames", () => {
  it("parses the huskies frames", () => {
    expect(
      parseUplinkFrame('{"type":"identity","req_id":"identity","payload":{"project":"p"}}'),
    ).toEqual({ kind: "identity", project: "p" });
    expect(parseUplinkFrame('{"type":"heartbeat","req_id":"","payload":null}')).toEqual({
      kind: "heartbeat",
    });
    expect(
      parseUplinkFrame(
        '{"type":"perm_request","req_id":"r","payload":{"tool_name":"Bash","tool_input":{"a":1}}}',
      ),
    ).toEqual({ kind: "perm_request", reqId: "r", toolName: "Bash", toolInput: { a: 1 } });
    expect(
      parseUplinkFrame(
        '{"type":"mcp_response","req_id":"m","payload":{"jsonrpc":"2.0","id":1,"result":{}}}',
      ),
    ).toMatchObject({ kind: "mcp_response", reqId: "m" });
  });

  it("ignores garbage, unknown types and gateway-to-sled types; denies unusable requests", () => {
    for (const text of [
      "",
      "{",
      "[]",
      "null",
      '{"type":5}',
      '{"type":"perm_response","req_id":"x","payload":{}}',
      '{"type":"mcp_request","req_id":"x"}',
      '{"type":"nope"}',
      '{"type":"identity","payload":{}}',
    ]) {
      expect(parseUplinkFrame(text).kind, text).toBe("ignored");
    }
    expect(parseUplinkFrame(new ArrayBuffer(4)).kind).toBe("ignored");
    expect(
      parseUplinkFrame('{"type":"perm_request","req_id":"r","payload":{"tool_name":""}}'),
    ).toEqual({ kind: "bad_perm_request", reqId: "r" });
    expect(
      parseUplinkFrame('{"type":"perm_request","req_id":"","payload":{"tool_name":"x"}}').kind,
    ).toBe("ignored");
  });

  it("measures frame size in UTF-8 bytes", () => {
    expect(tooLarge("a".repeat(1_048_576))).toBe(false);
    expect(tooLarge("a".repeat(1_048_577))).toBe(true);
    expect(tooLarge("é".repeat(600_000))).toBe(true);
  });

  it("builds perm_response and relay errors", () => {
    expect(JSON.parse(permResponseText("r", true, false))).toEqual({
      type: "perm_response",
      req_id: "r",
      payload: { approved: true, always_allow: false },
    });
    expect(classify({ method: "notifications/initialized" })).toMatchObject({
      notification: true,
    });
    expect(classify({ id: 3, method: "tools/list" })).toEqual({
      id: 3,
      method: "tools/list",
      notification: false,
    });
    expect(JSON.parse(relayAnswer({ ok: false, error: "sled offline" }, 3))).toEqual({
      jsonrpc: "2.0",
      id: 3,
      error: { code: -32001, message: "sled offline" },
    });
  });
});
