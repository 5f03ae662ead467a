// Proves the durable log behind channel messages and inbox whispers over real SQLite: dense
// seq, idempotent appends per sender, replay with the gap flag and batch cut, history
// pages in both directions, pruning that never renumbers, and acknowledgement.
import { describe, expect, it } from "vitest";
import { MAX_BATCH, SeqLog } from "../../../src/channels/seq-log.ts";
import { memorySql } from "./sqlite.ts";

function filled(count: number, ts = 1_000): SeqLog {
  const log = new SeqLog(memorySql(), "messages");
  for (let i = 1; i <= count; i += 1) log.append("a/b/c", `id-${i}`, JSON.stringify(i), ts + i);
  return log;
}

describe("append", () => {
  it("assigns dense seqs starting at 1", () => {
    const log = new SeqLog(memorySql(), "messages");
    expect(log.latest()).toBe(0);
    expect(log.append("a/b/c", "x", '"one"', 10)).toEqual({ seq: 1, ts: 10, duplicate: false });
    expect(log.append("a/b/d", "x", '"two"', 11)).toEqual({ seq: 2, ts: 11, duplicate: false });
    expect(log.latest()).toBe(2);
  });

  it("returns the original seq and ts for a sender's repeated client id", () => {
    const log = new SeqLog(memorySql(), "messages");
    log.append("a/b/c", "x", "1", 10);
    expect(log.append("a/b/c", "x", "2", 99)).toEqual({ seq: 1, ts: 10, duplicate: true });
    expect(log.latest()).toBe(1);
    expect(log.size()).toBe(1);
  });

  it("keeps two logs in one database apart", () => {
    const sql = memorySql();
    const messages = new SeqLog(sql, "messages");
    const whispers = new SeqLog(sql, "whispers");
    messages.append("a/b/c", "1", "1", 1);
    expect(whispers.latest()).toBe(0);
    expect(whispers.append("a/b/c", "1", "1", 1).seq).toBe(1);
  });
});

describe("replay", () => {
  it("returns everything after since, without a gap", () => {
    const replay = filled(5).replay(2, 0);
    expect(replay.entries.map((e) => e.seq)).toEqual([3, 4, 5]);
    expect(replay.entries[0]).toEqual({ seq: 3, ts: 1_003, from: "a/b/c", payload: 3 });
    expect(replay).toMatchObject({ latest: 5, gap: false, fromSeq: null, more: false });
  });

  it("flags a gap with the first available seq when entries after since were pruned", () => {
    const log = filled(10);
    log.trim(0, 4);
    expect(log.replay(3, 0)).toMatchObject({ gap: true, fromSeq: 7, latest: 10 });
    expect(log.replay(6, 0)).toMatchObject({ gap: false, fromSeq: null });
  });

  it("flags a gap past the end when nothing after since is left", () => {
    const log = filled(3);
    log.trim(10_000, 100);
    expect(log.replay(1, 0)).toMatchObject({ entries: [], gap: true, fromSeq: 4, latest: 3 });
    expect(log.replay(3, 0)).toMatchObject({ gap: false });
  });

  it("treats entries older than the cutoff as gone", () => {
    const replay = filled(5).replay(0, 1_004);
    expect(replay.entries.map((e) => e.seq)).toEqual([4, 5]);
    expect(replay).toMatchObject({ gap: true, fromSeq: 4 });
  });

  it("cuts a batch at MAX_BATCH and says there is more", () => {
    const replay = filled(MAX_BATCH + 3).replay(0, 0);
    expect(replay.entries).toHaveLength(MAX_BATCH);
    expect(replay.more).toBe(true);
  });
});

describe("page", () => {
  const log = filled(10);
  const seqs = (request: Parameters<SeqLog["page"]>[0]) => {
    const page = log.page(request, 0);
    return [page.entries.map((e) => e.seq), page.more];
  };

  it("reads the newest entries by default, oldest first", () => {
    expect(seqs({ limit: 3 })).toEqual([[8, 9, 10], true]);
    expect(seqs({})).toEqual([[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], false]);
  });

  it("pages backwards with before_seq and forwards with after_seq", () => {
    expect(seqs({ before_seq: 8, limit: 3 })).toEqual([[5, 6, 7], true]);
    expect(seqs({ before_seq: 3, limit: 3 })).toEqual([[1, 2], false]);
    expect(seqs({ after_seq: 8, limit: 3 })).toEqual([[9, 10], false]);
    expect(seqs({ after_seq: 2, before_seq: 6, limit: 2 })).toEqual([[3, 4], true]);
  });
});

describe("trim and acknowledge", () => {
  it("prunes by count and by age without renumbering", () => {
    const log = filled(10);
    log.trim(0, 6);
    expect(log.page({}, 0).entries.map((e) => e.seq)).toEqual([5, 6, 7, 8, 9, 10]);
    log.trim(1_008, 100);
    expect(log.page({}, 0).entries.map((e) => e.seq)).toEqual([8, 9, 10]);
    expect(log.append("a/b/c", "new", "0", 2_000).seq).toBe(11);
  });

  it("forgets a client id once its entry is pruned", () => {
    const log = filled(3);
    log.trim(0, 1);
    expect(log.append("a/b/c", "id-1", "1", 5_000)).toMatchObject({ seq: 4, duplicate: false });
  });

  it("deletes acknowledged entries and remembers the highest acknowledgement", () => {
    const log = filled(5);
    log.acknowledge(3);
    expect(log.size()).toBe(2);
    expect(log.acked()).toBe(3);
    log.acknowledge(1);
    expect(log.acked()).toBe(3);
    log.acknowledge(99);
    expect(log.acked()).toBe(5);
    expect(log.size()).toBe(0);
  });
});
