// Proves the one-alarm schedule over real SQLite: the earliest deadline wins per kind,
// due kinds are taken exactly once, and next() is what the alarm must be set to — and the
// alarm that follows it calls the storage only when the earliest deadline moved.
import { describe, expect, it } from "vitest";
import { Schedule, ScheduleAlarm } from "../../../src/channels/schedule.ts";
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

describe("ScheduleAlarm", () => {
  /** An alarm over a recording storage, armed once for a `sweep` at 500. */
  const armedAt500 = async () => {
    const calls: Array<number | null> = [];
    const alarm = new ScheduleAlarm({
      setAlarm: async (at: number) => void calls.push(at),
      deleteAlarm: async () => void calls.push(null),
    });
    const schedule = new Schedule(memorySql());
    schedule.atLatest("sweep", 500);
    await alarm.arm(schedule);
    return { calls, alarm, schedule };
  };

  it("sets the earliest deadline once, and again only when it moves or the alarm fired", async () => {
    const { calls, alarm, schedule } = await armedAt500();
    await alarm.arm(schedule); // nothing changed
    schedule.atLatest("presence", 900); // changed, earliest the same
    await alarm.arm(schedule);
    expect(calls).toEqual([500]);
    schedule.atLatest("sweep", 300);
    await alarm.arm(schedule);
    expect(calls).toEqual([500, 300]);
    // Fired and its deadline taken: the next one is set, then none is left.
    alarm.fired();
    schedule.takeDue(300);
    await alarm.arm(schedule);
    expect(calls).toEqual([500, 300, 900]);
    schedule.takeDue(900);
    await alarm.arm(schedule);
    expect(calls).toEqual([500, 300, 900, null]);
  });

  it("arms again after forget, even with an unchanged schedule", async () => {
    const { calls, alarm, schedule } = await armedAt500();
    alarm.forget();
    await alarm.arm(schedule);
    expect(calls).toEqual([500, 500]);
  });
});
