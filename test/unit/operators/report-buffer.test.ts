// Proves the reporter's batching: a burst within one window is one send, reports of the
// same facet collapse to the newest, a full buffer or an urgent report goes at once, and a
// flush whose owner vanished (its timer never fired) is taken over by the next report.
import { describe, expect, it } from "vitest";
import type { HubBatch } from "../../../src/operators/hub-types.ts";
import { ReportBuffer } from "../../../src/operators/report-buffer.ts";

function harness(maxItems = 10_000) {
  let now = 0;
  const timers: Array<{ at: number; fn: () => void }> = [];
  const sent: HubBatch[] = [];
  const buffer = new ReportBuffer({
    windowMs: 250,
    maxItems,
    now: () => now,
    schedule: (fn, ms) => timers.push({ at: now + ms, fn }),
    send: async (batch) => {
      sent.push(batch);
    },
  });
  return {
    buffer,
    sent,
    timers,
    advance(ms: number) {
      now += ms;
      for (const t of timers.splice(0).filter((t) => t.at <= now)) t.fn();
    },
    set now(value: number) {
      now = value;
    },
  };
}

const presence = (i: number, at = 0) => ({ presence: { instanceId: `bot:${i}`, at, entry: {} } });

describe("ReportBuffer", () => {
  it("sends a burst of 1,000 reports as one batch after the window", async () => {
    const h = harness();
    const flushes = Array.from({ length: 1000 }, (_, i) => h.buffer.add(presence(i)));
    expect(flushes.filter((f) => f !== null)).toHaveLength(1);
    expect(h.sent).toHaveLength(0);
    h.advance(250);
    await flushes[0];
    expect(h.sent).toHaveLength(1);
    expect(h.sent[0]?.presence).toHaveLength(1000);
  });

  it("keeps only the newest report of a facet, and every event", async () => {
    const h = harness();
    const first = h.buffer.add({
      presence: { instanceId: "bot:a", at: 5, entry: { text: "new" } },
    });
    h.buffer.add({ presence: { instanceId: "bot:a", at: 3, gone: true } });
    h.buffer.add({ event: { event: "x", payload: 1, at: 1 } });
    h.buffer.add({ event: { event: "x", payload: 2, at: 1 } });
    h.advance(250);
    await first;
    expect(h.sent[0]?.presence).toEqual([{ instanceId: "bot:a", at: 5, entry: { text: "new" } }]);
    expect(h.sent[0]?.events.map((e) => e.payload)).toEqual([1, 2]);
  });

  it("sends at once when the buffer is full", async () => {
    const h = harness(3);
    h.buffer.add(presence(1));
    h.buffer.add(presence(2));
    await h.buffer.add(presence(3));
    expect(h.sent.map((b) => b.presence.length)).toEqual([3]);
  });

  it("sends an urgent report at once, with everything buffered", async () => {
    const h = harness();
    h.buffer.add(presence(1));
    await h.buffer.add({ event: { event: "x", payload: 1, at: 0 } }, true);
    expect(h.sent.map((b) => [b.presence.length, b.events.length])).toEqual([[1, 1]]);
  });

  it("takes over a flush that is long overdue", async () => {
    const h = harness();
    h.buffer.add(presence(1));
    h.timers.length = 0; // the owner's context died: its timer never fires
    h.now = 250 + 2_001;
    const takeover = h.buffer.add(presence(2));
    expect(takeover).not.toBeNull();
    h.advance(250);
    await takeover;
    expect(h.sent[0]?.presence.map((p) => p.instanceId)).toEqual(["bot:1", "bot:2"]);
  });
});
