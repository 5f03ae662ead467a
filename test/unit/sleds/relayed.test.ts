// A relayed MCP call fails closed when the sled's object cannot answer: the RPC's own failure
// (object reset, runtime restart, overload) ends the call as `sled disconnected` (-32002 to the
// MCP client, docs/sleds.md), never as a 500 or a hang; an outcome passes through unchanged.
import { describe, expect, it } from "vitest";
import { relayed } from "../../../src/sleds/mcp-answer.ts";

describe("relayed", () => {
  it("passes the sled's outcome through", async () => {
    const outcome = { ok: true as const, response: '{"jsonrpc":"2.0","id":1,"result":{}}' };
    expect(await relayed("p", async () => outcome)).toBe(outcome);
    const offline = { ok: false as const, error: "sled offline" as const };
    expect(await relayed("p", async () => offline)).toBe(offline);
  });

  it("ends a call whose object failed under it as sled disconnected", async () => {
    const failing = async (): Promise<never> => {
      throw new Error("Durable Object reset because its code was updated.");
    };
    expect(await relayed("p", failing)).toEqual({ ok: false, error: "sled disconnected" });
  });
});
