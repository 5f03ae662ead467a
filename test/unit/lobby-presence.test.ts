// Proves the presence rule of the lobby: online only for an authenticated, open socket whose
// owed pong is not late and that was heard from within a heartbeat cycle — so a bot is never
// reported online on stale evidence, even if a heartbeat alarm were lost.
import { describe, expect, it } from "vitest";
import { isPresent, type LobbySocketState } from "../../src/lobby/presence.ts";

const TIMINGS = { pingIntervalMs: 15_000, pongTimeoutMs: 5000 };
const NOW = 1_000_000;

function online(overrides: Partial<Extract<LobbySocketState, { phase: "online" }>> = {}) {
  return {
    phase: "online" as const,
    connId: "c",
    botId: "b",
    tokenId: "t",
    lastSeenAt: NOW - 1000,
    pingSentAt: null,
    ...overrides,
  };
}

describe("lobby presence", () => {
  it("is true for an authenticated open socket that answers", () => {
    expect(isPresent(online(), true, NOW, TIMINGS)).toBe(true);
    expect(isPresent(online({ pingSentAt: NOW - 4000 }), true, NOW, TIMINGS)).toBe(true);
  });

  it("is false before authentication and for a closed socket", () => {
    const pending = { phase: "authenticating" as const, connId: "c", botId: "b", openedAt: NOW };
    expect(isPresent(pending, true, NOW, TIMINGS)).toBe(false);
    expect(isPresent(null, true, NOW, TIMINGS)).toBe(false);
    expect(isPresent(online(), false, NOW, TIMINGS)).toBe(false);
  });

  it("is false as soon as an owed pong is late, before any alarm closes the socket", () => {
    expect(isPresent(online({ pingSentAt: NOW - 5001 }), true, NOW, TIMINGS)).toBe(false);
  });

  it("is false when the bot has not been heard from for longer than a heartbeat cycle", () => {
    expect(isPresent(online({ lastSeenAt: NOW - 25_000 }), true, NOW, TIMINGS)).toBe(true);
    expect(isPresent(online({ lastSeenAt: NOW - 25_001 }), true, NOW, TIMINGS)).toBe(false);
  });
});
