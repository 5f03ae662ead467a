// Proves presence batching over real SQLite: diffs are net changes per flush, a path that
// leaves and returns inside a batch is invisible, a newer socket owns its path, the
// version counts broadcast diffs, and reconcile clears sockets that no longer exist.
import { describe, expect, it } from "vitest";
import { Presence } from "../../../src/channels/presence.ts";
import { memorySql } from "./sqlite.ts";

describe("Presence", () => {
  it("batches many joins into one diff and bumps the version once", () => {
    const presence = new Presence(memorySql());
    for (const [i, path] of ["a/m/1", "a/m/2", "b/m/1"].entries()) presence.join(path, `s${i}`, i);
    expect(presence.flush()).toEqual({ joined: ["a/m/1", "a/m/2", "b/m/1"], left: [], version: 1 });
    expect(presence.flush()).toBeNull();
    expect(presence.version()).toBe(1);
  });

  it("reports nothing for a path that left and came back within a batch", () => {
    const presence = new Presence(memorySql());
    presence.join("a/m/1", "s1", 1);
    presence.flush();
    presence.leave("a/m/1", "s1");
    presence.join("a/m/1", "s2", 2);
    expect(presence.flush()).toBeNull();
    expect(presence.list()).toEqual([{ path: "a/m/1", since: 2 }]);
  });

  it("reports nothing for a path that joined and left within a batch", () => {
    const presence = new Presence(memorySql());
    presence.join("a/m/1", "s1", 1);
    presence.leave("a/m/1", "s1");
    expect(presence.flush()).toBeNull();
  });

  it("lets a newer socket keep the path when the older one leaves", () => {
    const presence = new Presence(memorySql());
    presence.join("a/m/1", "old", 1);
    presence.join("a/m/1", "new", 2);
    presence.flush();
    expect(presence.leave("a/m/1", "old")).toBe(false);
    expect(presence.flush()).toBeNull();
    expect(presence.leave("a/m/1", "new")).toBe(true);
    expect(presence.flush()).toEqual({ joined: [], left: ["a/m/1"], version: 2 });
  });

  it("reconciles against the sockets that actually exist", () => {
    const presence = new Presence(memorySql());
    presence.join("a/m/1", "alive", 1);
    presence.join("a/m/2", "dead", 1);
    presence.flush();
    expect(presence.reconcile(new Set(["alive"]))).toBe(true);
    expect(presence.flush()).toEqual({ joined: [], left: ["a/m/2"], version: 2 });
    expect(presence.reconcile(new Set(["alive"]))).toBe(false);
  });
});
