// The web console's pure modules (src/console): reconnect backoff, presence deltas, routes,
// and the built bundle's size budget.
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { buildAssets, CONSOLE_BUNDLE } from "../../scripts/build-assets.ts";
import { BACKOFF_MAX_MS, backoffDelay } from "../../src/console/backoff.ts";
import {
  applyPresence,
  ofKind,
  onlineByChannel,
  presenceFromSnapshot,
} from "../../src/console/presence.ts";
import { parseRoute } from "../../src/console/router.ts";

describe("backoffDelay", () => {
  it("doubles from 1 s to the 30 s cap, spread ±20%", () => {
    expect([0, 1, 2, 3, 4, 5, 6, 20].map((n) => backoffDelay(n, () => 0.5))).toEqual([
      1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000,
    ]);
    expect(backoffDelay(0, () => 0)).toBe(800);
    expect(backoffDelay(40, () => 0.999999)).toBeLessThanOrEqual(BACKOFF_MAX_MS * 1.2);
  });
});

describe("presence", () => {
  const bot = { instanceId: "bot:b1", mode: "bot", ts: 1 };
  const agent = { instanceId: "agent:a/m/s", tags: ["channel:ops", "channel:dev"], ts: 2 };
  it("applies deltas in order and accepts the full-list form", () => {
    const start = presenceFromSnapshot([bot]);
    const added = applyPresence(start, {
      added: [agent, { ...bot, text: "changed" }],
      removed: [],
    });
    expect(start.size).toBe(1);
    expect(ofKind(added, "bot:")).toEqual([{ ...bot, text: "changed" }]);
    expect(onlineByChannel(added)).toEqual(
      new Map([
        ["ops", 1],
        ["dev", 1],
      ]),
    );
    const removed = applyPresence(added, { added: [], removed: ["bot:b1"] });
    expect(ofKind(removed, "bot:")).toEqual([]);
    expect([...applyPresence(removed, { presence: [bot] }).keys()]).toEqual(["bot:b1"]);
  });
});

describe("parseRoute", () => {
  it("maps /, /console/... and refuses the rest", () => {
    expect(parseRoute("/")).toEqual({ page: "overview" });
    expect(parseRoute("/console")).toEqual({ page: "overview" });
    expect(parseRoute("/console/matches/m-1")).toEqual({ page: "match", matchId: "m-1" });
    expect(parseRoute("/console/bots/a%2Fb")).toEqual({ page: "bot", botId: "a/b" });
    expect(parseRoute("/console/channels")).toEqual({ page: "channels", channel: null });
    expect(parseRoute("/console/channels/ops")).toEqual({ page: "channels", channel: "ops" });
    expect(parseRoute("/console/approvals")).toEqual({ page: "approvals" });
    expect(parseRoute("/console/matches/m-1/extra")).toEqual({
      page: "missing",
      path: "/console/matches/m-1/extra",
    });
  });
});

describe("the bundle", () => {
  it("is under 100 KB gzipped", () => {
    buildAssets();
    const bytes = readFileSync(new URL(`../../public/${CONSOLE_BUNDLE}`, import.meta.url));
    const gzipped = gzipSync(bytes, { level: 9 }).length;
    expect(gzipped).toBeGreaterThan(1000);
    expect(gzipped).toBeLessThan(100 * 1024);
  });
});
