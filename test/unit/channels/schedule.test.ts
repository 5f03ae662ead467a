// Proves the one-alarm schedule over real SQLite: the earliest deadline wins per kind,
// due kinds are taken exactly once, and next() is what the alarm must be set to.
import { describe, expect, it } from "vitest";
import { Schedule } from "../../../src/channels/schedule.ts";
import { memorySql } from "./sqlite.ts";

describe("Schedule", () => {
  it("keeps the earliest deadline per kind", () => {
    const schedule = new Schedule(memorySql());
    schedule.atLatest("sweep", 500);
    schedule.atLatest("sweep", 900);
    schedule.atLatest("presence", 700);
    expect(schedule.next()).toBe(500);
    schedule.takeDue(500);
    expect(schedule.next()).toBe(700);
  });

  it("takes due kinds once, earliest first, and leaves the rest", () => {
    const schedule = new Schedule(memorySql());
    schedule.atLatest("b", 200);
    schedule.atLatest("a", 100);
    schedule.atLatest("c", 300);
    expect(schedule.takeDue(250)).toEqual(["a", "b"]);
    expect(schedule.takeDue(250)).toEqual([]);
    expect(schedule.has("c")).toBe(true);
    expect(schedule.next()).toBe(300);
    schedule.takeDue(300);
    expect(schedule.next()).toBeNull();
  });
});
