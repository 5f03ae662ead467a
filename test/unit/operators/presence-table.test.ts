// Proves the hub's presence table over real SQLite: newest report wins by the source's
// clock (a late batch never undoes a newer change), facets merge into one entry and it is
// gone only with its last facet, deltas say exactly what changed, the version only grows,
// and a rebuild replaces a prefix without churning entries that did not change.
import { describe, expect, it } from "vitest";
import { PresenceTable } from "../../../src/operators/presence-table.ts";
import { memorySql } from "../channels/sqlite.ts";

const bot = (id: string, at: number) => ({
  instanceId: `bot:${id}`,
  at,
  entry: { mode: "bot", text: id },
});
const gone = (id: string, at: number) => ({ instanceId: `bot:${id}`, at, gone: true as const });

describe("apply", () => {
  it("adds, then removes, with a delta and a version bump each time", () => {
    const table = new PresenceTable(memorySql());
    expect(table.version()).toBe(0);
    expect(table.apply([bot("a", 10)])).toEqual({
      added: [{ instanceId: "bot:a", ts: 10, mode: "bot", text: "a" }],
      removed: [],
    });
    expect(table.version()).toBe(1);
    expect(table.apply([gone("a", 20)])).toEqual({ added: [], removed: ["bot:a"] });
    expect(table.version()).toBe(2);
    expect(table.entries()).toEqual([]);
  });

  it("keeps the newest report of a facet: a late batch cannot bring a bot back", () => {
    const table = new PresenceTable(memorySql());
    table.apply([bot("a", 10)]);
    table.apply([gone("a", 30)]);
    expect(table.apply([bot("a", 20)])).toBeNull();
    expect(table.has("bot:a")).toBe(false);
    expect(table.version()).toBe(2);
  });

  it("answers null and keeps the version when nothing changed", () => {
    const table = new PresenceTable(memorySql());
    table.apply([bot("a", 10)]);
    expect(table.apply([bot("a", 10)])).toBeNull();
    expect(table.apply([gone("zzz", 10)])).toBeNull();
    expect(table.version()).toBe(1);
  });

  it("merges facets into one entry, gone with its last facet", () => {
    const table = new PresenceTable(memorySql());
    const facet = (channel: string, at: number, since: number) => ({
      instanceId: "agent:u/m/s",
      facet: channel,
      at,
      entry: { mode: "agent", tags: [`channel:${channel}`], onlineSince: since },
    });
    table.apply([facet("b", 10, 5), facet("a", 12, 7)]);
    expect(table.entries()).toEqual([
      {
        instanceId: "agent:u/m/s",
        ts: 12,
        mode: "agent",
        tags: ["channel:a", "channel:b"],
        onlineSince: 5,
      },
    ]);
    expect(table.apply([{ instanceId: "agent:u/m/s", facet: "b", at: 20, gone: true }])).toEqual({
      added: [
        { instanceId: "agent:u/m/s", ts: 12, mode: "agent", tags: ["channel:a"], onlineSince: 7 },
      ],
      removed: [],
    });
    expect(table.apply([{ instanceId: "agent:u/m/s", facet: "a", at: 21, gone: true }])).toEqual({
      added: [],
      removed: ["agent:u/m/s"],
    });
  });

  it("counts live entries per prefix", () => {
    const table = new PresenceTable(memorySql());
    table.apply([
      bot("a", 1),
      bot("b", 1),
      { instanceId: "agent:x", at: 1, entry: {} },
      gone("b", 2),
    ]);
    expect(table.count("bot:")).toBe(1);
    expect(table.count("agent:")).toBe(1);
    expect(table.count("sled:")).toBe(0);
  });
});

describe("reconcile", () => {
  it("adds what the source lists, removes what it no longer does, leaves the rest alone", () => {
    const table = new PresenceTable(memorySql());
    table.apply([bot("stale", 10), bot("kept", 10), { instanceId: "agent:x", at: 10, entry: {} }]);
    const delta = table.reconcile(
      "bot:",
      [
        { instanceId: "bot:kept", entry: { mode: "bot", text: "kept" } },
        { instanceId: "bot:new", entry: { mode: "bot", text: "new" } },
      ],
      100,
    );
    expect(delta).toEqual({
      added: [{ instanceId: "bot:new", ts: 100, mode: "bot", text: "new" }],
      removed: ["bot:stale"],
    });
    expect(table.has("agent:x")).toBe(true);
    // The same read again changes nothing.
    expect(
      table.reconcile(
        "bot:",
        [
          { instanceId: "bot:kept", entry: { mode: "bot", text: "kept" } },
          { instanceId: "bot:new", entry: { mode: "bot", text: "new" } },
        ],
        200,
      ),
    ).toBeNull();
  });

  it("keeps a report that is newer than the read", () => {
    const table = new PresenceTable(memorySql());
    table.apply([bot("late", 150)]);
    expect(table.reconcile("bot:", [], 100)).toBeNull();
    expect(table.has("bot:late")).toBe(true);
  });

  it("purges old tombstones only", () => {
    const table = new PresenceTable(memorySql());
    table.apply([bot("a", 10), gone("a", 20)]);
    table.purge(15);
    expect(table.apply([bot("a", 18)])).toBeNull();
    table.purge(25);
    expect(table.apply([bot("a", 18)])).not.toBeNull();
  });
});
