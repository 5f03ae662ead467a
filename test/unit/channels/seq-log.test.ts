// Proves the durable log behind channel messages and inbox whispers over real SQLite: dense
// seq, idempotent appends per sender, replay with the gap flag and batch cut, history
// pages in both directions, retention by age and count that is exact for readers and
// never renumbers, a latest seq that survives pruning and restarts, and acknowledgement.
import { describe, expect, it } from "vitest";
import { MAX_BATCH, type Retention, SeqLog, TRIM_BATCH } from "../../../src/channels/seq-log.ts";
import type { Sql } from "../../../src/channels/sql.ts";
import { memorySql } from "./sqlite.ts";

const KEEP_ALL: Retention = { maxAgeMs: 1e12, maxCount: 1e9 };
const NOW = 10_000;

function filled(count: number, retention: Retention = KEEP_ALL, sql: Sql = memorySql()): SeqLog {
  const log = new SeqLog(sql, "messages", retention);
  for (let i = 1; i <= count; i += 1) log.append("a/b/c", `id-${i}`, JSON.stringify(i), 1_000 + i);
  return log;
}

const seqs = (log: SeqLog, since = 0, now = NOW) =>
  log.replay(since, now).entries.map((e) => e.seq);

describe("append", () => {
  it("assigns dense seqs starting at 1", () => {
    const log = new SeqLog(memorySql(), "messages", KEEP_ALL);
    expect(log.latest()).toBe(0);
    expect(log.append("a/b/c", "x", '"one"', 10)).toEqual({ seq: 1, ts: 10, duplicate: false });
    expect(log.append("a/b/d", "x", '"two"', 11)).toEqual({ seq: 2, ts: 11, duplicate: false });
    expect(log.latest()).toBe(2);
  });

  it("returns the original seq and ts for a sender's repeated client id", () => {
    const log = new SeqLog(memorySql(), "messages", KEEP_ALL);
    log.append("a/b/c", "x", "1", 10);
    expect(log.append("a/b/c", "x", "2", 99)).toEqual({ seq: 1, ts: 10, duplicate: true });
    expect(log.append("a/b/c", "y", "3", 99)).toMatchObject({ seq: 2, duplicate: false });
    expect(log.size()).toBe(2);
  });

  it("keeps two logs in one database apart", () => {
    const sql = memorySql();
    const messages = new SeqLog(sql, "messages", KEEP_ALL);
    const whispers = new SeqLog(sql, "whispers", KEEP_ALL);
    messages.append("a/b/c", "1", "1", 1);
    expect(whispers.latest()).toBe(0);
    expect(whispers.append("a/b/c", "1", "1", 1).seq).toBe(1);
  });

  it("recovers the latest seq after a restart, even when every row was pruned", () => {
    const sql = memorySql();
    filled(5, KEEP_ALL, sql);
    expect(new SeqLog(sql, "messages", KEEP_ALL).latest()).toBe(5);
    new SeqLog(sql, "messages", { maxAgeMs: 1, maxCount: 100 }).trim(NOW);
    const reopened = new SeqLog(sql, "messages", KEEP_ALL);
    expect(reopened.size()).toBe(0);
    expect(reopened.append("a/b/c", "new", "0", NOW).seq).toBe(6);
  });
});

describe("replay", () => {
  it("returns everything after since, without a gap", () => {
    const replay = filled(5).replay(2, NOW);
    expect(replay.entries.map((e) => e.seq)).toEqual([3, 4, 5]);
    expect(replay.entries[0]).toEqual({ seq: 3, ts: 1_003, from: "a/b/c", payload: 3 });
    expect(replay).toMatchObject({ latest: 5, gap: false, fromSeq: null, more: false });
  });

  it("flags a gap with the first available seq when entries after since are past the count limit", () => {
    const log = filled(10, { maxAgeMs: 1e12, maxCount: 4 });
    expect(log.replay(3, NOW)).toMatchObject({ gap: true, fromSeq: 7, latest: 10 });
    expect(seqs(log, 3)).toEqual([7, 8, 9, 10]);
    expect(log.replay(6, NOW)).toMatchObject({ gap: false, fromSeq: null });
  });

  it("treats entries older than the age limit as gone, deleted or not", () => {
    const log = filled(5, { maxAgeMs: 1_000, maxCount: 100 });
    const replay = log.replay(0, 2_004);
    expect(replay.entries.map((e) => e.seq)).toEqual([4, 5]);
    expect(replay).toMatchObject({ gap: true, fromSeq: 4 });
  });

  it("flags a gap past the end when nothing after since is left", () => {
    const log = filled(3, { maxAgeMs: 1, maxCount: 100 });
    expect(log.replay(1, NOW)).toMatchObject({ entries: [], gap: true, fromSeq: 4, latest: 3 });
    expect(log.replay(3, NOW)).toMatchObject({ gap: false });
  });

  it("cuts a batch at MAX_BATCH and says there is more", () => {
    const replay = filled(MAX_BATCH + 3).replay(0, NOW);
    expect(replay.entries).toHaveLength(MAX_BATCH);
    expect(replay.more).toBe(true);
  });
});

describe("page", () => {
  const log = filled(10);
  const page = (request: Parameters<SeqLog["page"]>[0]) => {
    const result = log.page(request, NOW);
    return [result.entries.map((e) => e.seq), result.more];
  };

  it("reads the newest entries by default, oldest first", () => {
    expect(page({ limit: 3 })).toEqual([[8, 9, 10], true]);
    expect(page({})).toEqual([[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], false]);
  });

  it("pages backwards with before_seq and forwards with after_seq", () => {
    expect(page({ before_seq: 8, limit: 3 })).toEqual([[5, 6, 7], true]);
    expect(page({ before_seq: 3, limit: 3 })).toEqual([[1, 2], false]);
    expect(page({ after_seq: 8, limit: 3 })).toEqual([[9, 10], false]);
    expect(page({ after_seq: 2, before_seq: 6, limit: 2 })).toEqual([[3, 4], true]);
  });

  it("never shows entries past the count limit", () => {
    const capped = filled(10, { maxAgeMs: 1e12, maxCount: 3 });
    expect(capped.page({}, NOW).entries.map((e) => e.seq)).toEqual([8, 9, 10]);
    expect(capped.page({ after_seq: 0, limit: 2 }, NOW).entries.map((e) => e.seq)).toEqual([8, 9]);
  });
});

describe("deletion", () => {
  it("trim deletes by count and by age without renumbering", () => {
    const sql = memorySql();
    filled(10, KEEP_ALL, sql);
    const log = new SeqLog(sql, "messages", { maxAgeMs: 1_000, maxCount: 6 });
    log.trim(1_000 + 1_008);
    expect(log.size()).toBe(3);
    expect(seqs(log, 0, 2_008)).toEqual([8, 9, 10]);
    expect(log.append("a/b/c", "new", "0", 2_008).seq).toBe(11);
  });

  it("trimCount deletes past the count limit in batches on the append path", () => {
    const log = new SeqLog(memorySql(), "messages", { maxAgeMs: 1e12, maxCount: 5 });
    for (let i = 1; i < TRIM_BATCH; i += 1) {
      log.append("a/b/c", `${i}`, "0", i);
      log.trimCount();
    }
    expect(log.size()).toBe(TRIM_BATCH - 1);
    log.append("a/b/c", "last", "0", TRIM_BATCH);
    log.trimCount();
    expect(log.size()).toBe(5);
  });

  it("forgets a client id once its entry is deleted", () => {
    const log = filled(3, { maxAgeMs: 1e12, maxCount: 1 });
    log.trim(NOW);
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
