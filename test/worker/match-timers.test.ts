// Proves the turn clock and the jittered outbound queue on the alarm (§5.4.4, §5.8): the
// auto-action at the deadline, the non-actor's delayed turn_result with the next
// turn_request queued behind it and clocked from its real send time, and that queued frames
// survive an eviction and are delivered by the alarm.
import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { MatchDoc } from "../../src/match/state";
import {
  connectSeat,
  type Frame,
  fireAlarm,
  inspect,
  stored,
  storedAnswers,
  stub,
  type TestSocket,
  twoBotMatch,
} from "./match-harness";

async function started(config: Parameters<typeof twoBotMatch>[0] = {}) {
  const { alpha, bravo, match } = await twoBotMatch(config);
  const a = await connectSeat(match, 0, alpha.token);
  const b = await connectSeat(match, 1, bravo.token);
  const turn = await a.nextOf("turn_request");
  await b.nextOf("round_start");
  return { match, a, b, turn };
}

describe("turn deadline", () => {
  it("keeps an alarm armed early: it finds nothing due, arms the next deadline, which then fires", async () => {
    const { match, a, b, turn } = await started({ turn_timeout_ms: 30_000 });
    const act = (socket: TestSocket, request: Frame, action: string) =>
      socket.send({
        type: "turn_action",
        match_id: match.match_id,
        request_id: request.request_id,
        action,
      });
    // Two answers: each turn's deadline is later than the last, and the alarm stays put.
    act(a, turn, "call");
    const second = await b.nextOf("turn_request");
    const armed = (await stored(match.match_id)).meta.armed_at;
    act(b, second, "check");
    // Heads-up, the big blind (seat 1) acts first after the flop.
    const third = await b.nextOf("turn_request");
    expect(third.seat).toBe(1);
    const before = await stored(match.match_id);
    expect(before.meta.armed_at).toBe(armed);
    expect(armed).toBeLessThan(third.deadline_ts as number);
    expect(before.schedule).toEqual({ [`turn:${third.seat}`]: third.deadline_ts });
    // The early alarm: nothing is due by its time, so nothing happens but the next arming.
    expect(await runDurableObjectAlarm(stub(match.match_id))).toBe(true);
    const after = await stored(match.match_id);
    expect(after.meta.armed_at).toBe(third.deadline_ts);
    expect(after.turns.map((t) => t.request_id)).toEqual([third.request_id]);
    // That one is the third turn's deadline: it auto-acts (a check is free on the flop).
    expect(await runDurableObjectAlarm(stub(match.match_id))).toBe(true);
    expect(await b.nextOf("turn_result")).toMatchObject({
      seat: third.seat,
      details: { action: "check", is_timeout: true },
    });
  });

  it("folds for a seat that misses its deadline while facing a bet", async () => {
    const { match, a, b, turn } = await started({ turn_timeout_ms: 5000 });
    const row = (await stored(match.match_id)).turns.find((t) => t.seat === 0);
    expect(row?.deadline).toBe(turn.deadline_ts);
    expect(await fireAlarm(match.match_id)).toBe(true);
    expect(await a.next("auto-action")).toMatchObject({
      type: "turn_result",
      seat: 0,
      details: { action: "fold", amount: 0, is_timeout: true },
    });
    const result = await b.nextOf("round_result");
    const history = (result.result as { action_history: { action: string; is_timeout: boolean }[] })
      .action_history;
    expect(history.at(-1)).toEqual(expect.objectContaining({ action: "fold", is_timeout: true }));
    const errors = await inspect(
      match.match_id,
      "SELECT code, message, hand_number FROM bot_errors WHERE seat = 0",
    );
    expect(errors).toEqual([{ code: "turn_timeout", message: expect.any(String), hand_number: 1 }]);
    // The auto-action is recorded as answered, without a latency sample (§6.12).
    const answers = (await storedAnswers(match.match_id)).filter((x) => x.seat === 0);
    expect(answers).toEqual([
      expect.objectContaining({ request_id: turn.request_id, is_timeout: true, latency_ms: null }),
    ]);
  });

  it("checks for a seat that misses its deadline when checking is free", async () => {
    const { match, a, b, turn } = await started();
    a.send({
      type: "turn_action",
      match_id: match.match_id,
      request_id: turn.request_id,
      action: "call",
    });
    await b.nextOf("turn_request");
    expect(await fireAlarm(match.match_id)).toBe(true);
    expect(await b.nextOf("turn_result")).toMatchObject({
      seat: 1,
      details: { action: "check", is_timeout: true },
    });
    expect((await a.nextOf("phase_change")).state).toMatchObject({ phase: "flop" });
  });

  it("runs stale or repeated deadlines as no-ops (alarms are at-least-once)", async () => {
    const { match, a, b, turn } = await started({ turn_timeout_ms: 30_000 });
    a.send({
      type: "turn_action",
      match_id: match.match_id,
      request_id: turn.request_id,
      action: "call",
    });
    await a.nextOf("turn_result");
    const pending = await b.nextOf("turn_request");
    // Deadlines already served, replayed now: A's turn, B's grace, the start, a new hand.
    // Written into the stored state, then the object is evicted so it reads them back.
    await runInDurableObject(stub(match.match_id), async (_instance, state) => {
      const now = Date.now();
      const [row] = state.storage.sql
        .exec<{ doc: string }>("SELECT doc FROM match_state")
        .toArray();
      const doc = JSON.parse(row?.doc ?? "{}") as MatchDoc;
      for (const key of ["turn:0", "grace:1", "start", "next_hand", "wait"])
        doc.schedule[key] = now;
      doc.meta.armed_at = now;
      state.storage.sql.exec("UPDATE match_state SET doc = ?", JSON.stringify(doc));
      await state.storage.setAlarm(now);
    });
    await evictDurableObject(stub(match.match_id));
    expect(await fireAlarm(match.match_id)).toBe(true);
    const state = await stored(match.match_id);
    expect(state.turns.find((t) => t.seat === 1)?.request_id).toBe(pending.request_id);
    expect(state.meta.status).toBe("playing");
    expect(state.engine?.hands_played).toBe(1);
    expect(a.unread.map((f) => f.type)).toEqual([]);
    b.send({
      type: "turn_action",
      match_id: match.match_id,
      request_id: pending.request_id,
      action: "check",
    });
    expect(await b.next("B's result")).toMatchObject({ type: "turn_result", seat: 1 });
  });
});

describe("turn_result jitter", () => {
  it("delays the non-actor's copy by 100–500 ms by default, in order, and clocks the next turn from its send", async () => {
    const { match, a, b, turn } = await started({
      jitter_min_ms: 100,
      jitter_max_ms: 500,
      turn_timeout_ms: 30_000,
    });
    a.send({
      type: "turn_action",
      match_id: match.match_id,
      request_id: turn.request_id,
      action: "call",
    });
    const mine = await a.next("actor's turn_result");
    const theirs = await b.nextOf("turn_result");
    // Never early. (How late the alarm delivers it depends on the machine: the upper bound of
    // the delay drawn is proven by the jitter unit tests, not by a stopwatch here.)
    const lag = Date.parse(theirs.server_ts as string) - Date.parse(mine.server_ts as string);
    expect(lag).toBeGreaterThanOrEqual(100);
    const next = await b.next("turn_request behind it");
    expect(next).toMatchObject({ type: "turn_request", seq: (theirs.seq as number) + 1 });
    expect(next.deadline_ts).toBe(Date.parse(next.server_ts as string) + 30_000);
    expect(Date.parse(next.server_ts as string)).toBeGreaterThanOrEqual(
      Date.parse(theirs.server_ts as string),
    );
  });

  it("keeps queued frames through an eviction and delivers them from the alarm", async () => {
    const { match, a, b, turn } = await started({
      jitter_min_ms: 4000,
      jitter_max_ms: 4000,
      turn_timeout_ms: 30_000,
    });
    a.send({
      type: "turn_action",
      match_id: match.match_id,
      request_id: turn.request_id,
      action: "call",
    });
    await a.next("actor's turn_result");
    const queued = (await stored(match.match_id)).outbox.map(({ seat, kind }) => ({ seat, kind }));
    expect(queued).toEqual([
      { seat: 1, kind: "frame" },
      { seat: 1, kind: "turn_request" },
    ]);
    // Nothing reached B yet, and B is not awaiting: its early answer would be dropped.
    expect(b.unread).toEqual([]);
    const pending = (await stored(match.match_id)).turns.find((t) => t.seat === 1);
    expect(pending?.sent_at).toBeNull();
    await evictDurableObject(stub(match.match_id));
    expect(await fireAlarm(match.match_id)).toBe(true);
    // Delivered by the alarm, not by waiting out the 4 s delay.
    const delayed = await b.next("delayed turn_result");
    expect(delayed).toMatchObject({ type: "turn_result", seat: 0, seq: 3 });
    const next = await b.next("turn_request");
    expect(next).toMatchObject({ type: "turn_request", seq: 4, seat: 1, timeout_ms: 30_000 });
    b.send({
      type: "turn_action",
      match_id: match.match_id,
      request_id: next.request_id,
      action: "check",
    });
    expect(await b.next("B's own result")).toMatchObject({ type: "turn_result", seat: 1, seq: 5 });
  });
});
