// Proves the bot client's safety rules in isolation: the token never goes to another
// origin or over a downgraded scheme, and lobby backoff is capped, jittered and resets
// only after a connection stayed up.
import { describe, expect, it } from "vitest";
import { Backoff } from "../../../src/client/backoff.ts";
import { GatewayUrlRefused, resolveGatewayUrl } from "../../../src/client/match-session.ts";
import { lobbyUrl } from "../../../src/client/run-bot.ts";

describe("resolveGatewayUrl", () => {
  const lobby = new URL("wss://gate.example/ws/external/bot/b1");

  it("resolves a path against the lobby origin", () => {
    expect(resolveGatewayUrl("/ws/external/match/m1/p_1", lobby).href).toBe(
      "wss://gate.example/ws/external/match/m1/p_1",
    );
  });

  it("accepts an absolute URL on the same origin", () => {
    expect(resolveGatewayUrl("wss://gate.example/ws/external/match/m/p", lobby).host).toBe(
      "gate.example",
    );
  });

  it("refuses another host, another port, and a downgrade from wss to ws", () => {
    for (const url of [
      "wss://evil.example/ws/external/match/m/p",
      "wss://gate.example:8443/ws/external/match/m/p",
      "ws://gate.example/ws/external/match/m/p",
      "http://gate.example/ws/external/match/m/p",
    ]) {
      expect(() => resolveGatewayUrl(url, lobby), url).toThrow(GatewayUrlRefused);
    }
  });

  it("allows ws on a ws lobby (local development)", () => {
    const local = lobbyUrl("http://127.0.0.1:8787", "b1");
    expect(local.href).toBe("ws://127.0.0.1:8787/ws/external/bot/b1");
    expect(resolveGatewayUrl("/ws/external/match/m/p", local).protocol).toBe("ws:");
  });
});

describe("Backoff", () => {
  it("grows exponentially up to the cap, with full jitter", () => {
    const max = new Backoff({ baseMs: 100, capMs: 1_000, stableMs: 10_000 }, () => 0.999_999);
    const delays = Array.from({ length: 6 }, () => max.nextDelay(0));
    expect(delays).toEqual([99, 199, 399, 799, 999, 999]);
    const min = new Backoff({ baseMs: 100, capMs: 1_000, stableMs: 10_000 }, () => 0);
    expect(min.nextDelay(0)).toBe(0);
  });

  it("resets only after a connection stayed up for stableMs", () => {
    const b = new Backoff({ baseMs: 100, capMs: 10_000, stableMs: 5_000 }, () => 0.999_999);
    b.nextDelay(0);
    b.nextDelay(0);
    b.connected(1_000);
    expect(b.nextDelay(2_000)).toBe(399); // up 1 s: no reset
    b.connected(10_000);
    expect(b.nextDelay(15_000)).toBe(99); // up 5 s: reset
  });
});
