// Proves the bridge's read bookkeeping: the durable resume point of a link is the agent's
// read point (so what was delivered but not read is replayed after a restart), it never
// moves backwards, and unread entries come out once each, in seq order, with gap and
// close notices reported once.
import { describe, expect, it } from "vitest";
import { MemorySeqStore } from "../../../src/client/agent-link.ts";
import { Mailbox, payloadText, ReadCursorStore } from "../../../src/mcp/mailbox.ts";

const entry = (seq: number, text = `m${seq}`) => ({ seq, ts: 1, from: "a/b/c", payload: { text } });

describe("ReadCursorStore", () => {
  it("resumes links from the committed read point, not from what was delivered", async () => {
    const durable = new MemorySeqStore();
    const store = new ReadCursorStore(durable, "http://x ");
    store.set("channel:ops", 9);
    expect([store.get("channel:ops"), store.delivered("channel:ops")]).toEqual([undefined, 9]);
    await store.commit("channel:ops", 5);
    expect(store.get("channel:ops")).toBe(5);
    expect(durable.get("http://x channel:ops")).toBe(5);
    await store.commit("channel:ops", 3);
    expect(store.get("channel:ops")).toBe(5);
  });

  it("keeps the cursors of two servers apart in one file", async () => {
    const durable = new MemorySeqStore();
    await new ReadCursorStore(durable, "http://a ").commit("inbox", 2);
    expect(new ReadCursorStore(durable, "http://b ").get("inbox")).toBeUndefined();
  });
});

describe("Mailbox", () => {
  it("hands out entries once, in order, in batches", () => {
    const box = new Mailbox();
    for (const seq of [1, 2, 3]) box.deliver("channel:ops", entry(seq));
    box.deliver("channel:ops", entry(2));
    expect(box.unread("channel:ops")).toBe(3);
    expect(box.peek("channel:ops").map((e) => e.seq)).toEqual([1, 2, 3]);
    const first = box.take("channel:ops", 2);
    expect([first.entries.map((e) => e.seq), first.more]).toEqual([[1, 2], 1]);
    expect(box.take("channel:ops", 10).entries.map((e) => e.text)).toEqual(["m3"]);
    expect(box.take("channel:ops", 10).entries).toEqual([]);
  });

  it("reports a gap and a close once, and lists channels with news", () => {
    const box = new Mailbox();
    box.gap("channel:ops", 40);
    box.closed("channel:dev", 4010, "kicked");
    expect(box.channelsWithNews().sort()).toEqual(["dev", "ops"]);
    expect(box.take("channel:ops", 5)).toEqual({ entries: [], more: 0, gapFromSeq: 40 });
    expect(box.take("channel:ops", 5)).toEqual({ entries: [], more: 0 });
    expect(box.take("channel:dev", 5).closed).toEqual({ code: 4010, reason: "kicked" });
    expect(box.hasNews("channel:dev")).toBe(false);
  });

  it("shows a payload's text, or its JSON", () => {
    expect(payloadText({ text: "hi", extra: 1 })).toBe("hi");
    expect(payloadText({ kind: "x" })).toBe('{"kind":"x"}');
    expect(payloadText(7)).toBe("7");
    expect(payloadText(null)).toBe("null");
  });
});
