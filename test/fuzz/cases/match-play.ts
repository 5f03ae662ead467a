/**
 * Hostile input inside a running match (bot protocol §5.4.8–§5.11, §9; docs/match.md "Turns,
 * timeouts and bad input", "Reconnection"): frames out of order, answers for the other
 * seat, illegal actions and amounts, non-JSON and binary frames, schema failures, a
 * duplicate dial, an oversized frame, seeded mutations while idle and while awaiting, and
 * (in its own match, at the default limit) floods past the message rate. Each input gets
 * its documented answer; afterwards the same match plays to `match_end` with chips
 * conserved, every action credited to the seat that sent it, and exactly the documented
 * auto-actions.
 */
import assert from "node:assert/strict";
import { api } from "../../harness/gateway.ts";
import { defineGroup, type FixedCase } from "../case.ts";
import { assertClosed, eventually } from "../checks.ts";
import { Invalid, mutate, type Outcome, type Shape } from "../mutate.ts";
import { Opcode } from "../raw-socket.ts";
import { type Dispatched, QUICK_MATCH, type World } from "../world.ts";
import { Autoplay, type Json, Seat } from "./seat.ts";

interface PlayState {
  match: Dispatched;
  hostile: Seat;
  legit: Seat;
  opponent: Autoplay;
  /** Auto-actions (`is_timeout`) the cases provoked on the hostile seat. */
  autoActs: number;
  /** Hand numbers in which the hostile seat already had an action rejected. */
  rejectedIn: Set<number>;
  /** Pause before each legitimate answer (0 unless the match keeps the default rate limit). */
  paceMs: number;
}

const MAX_FRAME = 4096;

/** Dispatches a two-seat match and connects both seats; the legitimate one autoplays. */
async function startMatch(
  world: World,
  config: Record<string, unknown>,
  paceMs = 0,
): Promise<PlayState> {
  const match = await world.dispatch([world.victim.botId, world.bystander.botId], config);
  const path = (seat: number) => match.seats[seat]?.gateway_ws_url ?? "";
  const hostile = new Seat(world, 0, path(0), world.victim.token);
  const legit = new Seat(world, 1, path(1), world.bystander.token);
  await hostile.connect("header");
  await legit.connect("header");
  return {
    match,
    hostile,
    legit,
    opponent: new Autoplay(legit, paceMs),
    autoActs: 0,
    rejectedIn: new Set(),
    paceMs,
  };
}

/** Reads the hostile seat's frames until its next turn (the opponent keeps playing). */
async function myTurn(state: PlayState, avoidHands: Set<number> = new Set()): Promise<Json> {
  for (;;) {
    const turn = await state.hostile.until("turn_request", 20_000);
    const hand = (turn.state as { hand_number: number }).hand_number;
    if (!avoidHands.has(hand)) return turn;
    state.hostile.answer(turn);
  }
}

/** A turn of the hostile seat where `raise` is offered. */
async function raiseTurn(state: PlayState): Promise<Json> {
  for (;;) {
    const turn = await myTurn(state, state.rejectedIn);
    if ((turn.valid_actions as string[]).includes("raise")) return turn;
    state.hostile.answer(turn);
  }
}

/**
 * Holds the opponent on its turn (answering the hostile seat's own turns until then) and
 * returns that turn; the caller must `release()` the opponent afterwards.
 */
async function opponentTurn(state: PlayState): Promise<Json> {
  const held = state.opponent.hold();
  let done = false;
  void held.then(() => {
    done = true;
  });
  for (;;) {
    if (done) return held;
    const ready = await Promise.race([
      held.then(() => "held" as const),
      state.hostile.waitUnread(20_000),
    ]);
    if (ready === "held") return held;
    while (state.hostile.unread.length > 0) {
      const frame = await state.hostile.next();
      if (frame.type === "turn_request") state.hostile.answer(frame);
    }
  }
}

/** The hostile seat's own `turn_result` for its pending turn. */
async function ownResult(state: PlayState): Promise<Json> {
  for (;;) {
    const frame = await state.hostile.until("turn_result");
    if (frame.seat === 0) return frame;
  }
}

let markers = 0;

/**
 * Sends a marker frame with a unique unknown field (it always earns its own `unknown_field`
 * error) and reads every frame before that error; a `turn_request` met on the way is
 * answered, so the game goes on.
 */
async function drain(state: PlayState): Promise<Json[]> {
  markers += 1;
  const marker = `zz_marker_${markers}`;
  state.hostile.socket?.sendJson({ type: "pong", [marker]: true });
  const frames: Json[] = [];
  for (;;) {
    const frame = await state.hostile.next(10_000, "the marker's error");
    if (frame.type === "error" && String(frame.message).includes(marker)) return frames;
    if (frame.type === "turn_request") state.hostile.answer(frame);
    frames.push(frame);
  }
}

const errorCodes = (frames: Json[]) =>
  frames.filter((f) => f.type === "error").map((f) => String(f.code));
/**
 * Frames as `code` for errors and `<type>` for anything else, leaving out the game's own
 * progress that may still arrive from before the hold (the other seat's `turn_result`, a
 * board or a hand): a `turn_result` of this seat or an `action_rejected` always counts.
 */
const summary = (frames: Json[]) =>
  frames
    .filter(
      (f) =>
        !["phase_change", "round_result", "round_start"].includes(String(f.type)) &&
        !(f.type === "turn_result" && f.seat !== 0),
    )
    .map((f) => (f.type === "error" ? String(f.code) : `<${String(f.type)}>`));

/** The documented answer to a mutated frame on a live seat that is not awaiting (§5.11). */
function idleAnswer(outcome: Outcome): string | null {
  switch (outcome) {
    case "too_large":
      return "message_too_large";
    case "unknown_field":
      return "unknown_field";
    case "valid":
      return null;
    default:
      return "malformed_message";
  }
}

function turnActionShape(): Shape {
  return {
    type: "turn_action",
    knownTypes: ["authenticate", "hello", "turn_action", "pong"],
    fields: {
      match_id: { required: true, invalid: Invalid.notString },
      request_id: { required: true, invalid: Invalid.notString },
      action: { required: true, invalid: Invalid.notString },
      params: { invalid: ["1", '"x"', "[]", "null", "true"] },
    },
    strict: true,
    maxBytes: MAX_FRAME,
  };
}

const SHAPES: Array<() => { base: Json; shape: Shape }> = [
  () => ({
    base: {
      type: "turn_action",
      match_id: "",
      request_id: "req_000000000000",
      action: "fold",
      params: {},
    },
    shape: turnActionShape(),
  }),
  () => ({
    base: { type: "pong", match_id: "" },
    shape: {
      type: "pong",
      knownTypes: ["authenticate", "hello", "turn_action", "pong"],
      fields: { match_id: { invalid: Invalid.notString } },
      strict: true,
      maxBytes: MAX_FRAME,
    },
  }),
  // authenticate and hello are loose (§9 items 2 and 4): after the handshake both are ignored.
  () => ({
    base: { type: "authenticate", token: "" },
    shape: {
      type: "authenticate",
      knownTypes: ["authenticate", "hello", "turn_action", "pong"],
      fields: { token: { opaque: true }, match_id: { opaque: true } },
      strict: false,
      maxBytes: MAX_FRAME,
    },
  }),
];

/** Reconnects the hostile seat after the server closed it (the seat's budget allows it). */
async function redial(state: PlayState): Promise<void> {
  await state.hostile.connect("header");
}

const cases: FixedCase<PlayState>[] = [
  {
    id: "out-of-order",
    input:
      "while the other seat's turn is open: `authenticate`, `hello`, `pong`, a `turn_action` with the other seat's pending `request_id`, one with a made-up `request_id`; then a text frame of invalid UTF-8",
    expected:
      "all dropped silently (no frame), the other seat's turn answered only by that seat; `malformed_message` for the invalid bytes (text that is not JSON)",
    async run(ctx) {
      const { state } = ctx;
      const held = await opponentTurn(state);
      const socket = state.hostile.socket;
      assert.ok(socket);
      socket.sendJson({ type: "authenticate", token: ctx.world.attacker.token });
      socket.sendJson({ type: "hello", supported_versions: ["1.0"] });
      socket.sendJson({ type: "pong" });
      for (const action of ["fold", "call", "check"]) {
        socket.sendJson({ type: "turn_action", match_id: "", request_id: held.request_id, action });
      }
      socket.sendJson({
        type: "turn_action",
        match_id: "",
        request_id: "req_123456789abc",
        action: "fold",
      });
      const frames = await drain(state);
      assert.deepEqual(
        summary(frames),
        [],
        `no frame for ignored input: ${JSON.stringify(frames).slice(0, 300)}`,
      );
      // Invalid UTF-8 arrives as text that is not JSON: malformed while not awaiting (§5.11).
      socket.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]));
      assert.deepEqual(summary(await drain(state)), ["malformed_message"]);
      state.opponent.release();
    },
  },
  {
    id: "rejections",
    input:
      'on its own turn: actions `all_in`, `bet`, `""`, a valid action with a wrong `request_id`, then `CHECK`',
    expected:
      "`action_rejected` for the first four, each with the pending `request_id`, `submitted_action`, `remaining_ms` and `valid_actions` (also in `details`), the turn staying open; the 5th rejection of the hand ends the turn with the auto-action (`is_timeout: true`) instead",
    async run(ctx) {
      const { state } = ctx;
      const turn = await myTurn(state, state.rejectedIn);
      state.rejectedIn.add((turn.state as { hand_number: number }).hand_number);
      const socket = state.hostile.socket;
      assert.ok(socket);
      const reject = async (action: string, requestId: unknown) => {
        socket.sendJson({ type: "turn_action", match_id: "", request_id: requestId, action });
        const rejected = await state.hostile.until("action_rejected");
        assert.equal(rejected.request_id, turn.request_id);
        assert.equal(rejected.submitted_action, action);
        assert.deepEqual(rejected.valid_actions, turn.valid_actions);
        assert.deepEqual((rejected.details as Json).valid_actions, turn.valid_actions);
        assert.ok(typeof rejected.remaining_ms === "number" && rejected.remaining_ms >= 0);
      };
      for (const action of ["all_in", "bet", ""]) await reject(action, turn.request_id);
      await reject("fold", "req_ffffffffffff");
      // The 5th rejection of the hand ends the turn with the auto-action, no action_rejected.
      socket.sendJson({
        type: "turn_action",
        match_id: "",
        request_id: turn.request_id,
        action: "CHECK",
      });
      const result = await ownResult(state);
      assert.equal((result.details as Json).is_timeout, true);
      assert.ok(
        !state.hostile.frames
          .slice(-3)
          .some((f) => f.type === "action_rejected" && f.submitted_action === "CHECK"),
      );
      state.autoActs += 1;
    },
  },
  {
    id: "raise-amounts",
    input:
      'raises with `amount` 45.7, -50, 1e308 (one turn each), and raises with `amount` 1e400 (Infinity), `"NaN"` and no `amount`',
    expected:
      "fractions floored, then clamped into [`min_raise`, `max_raise`] and accepted; a non-finite or missing amount is `action_rejected`",
    async run(ctx) {
      const { state } = ctx;
      for (const amount of [45.7, -50, 1e308]) {
        const turn = await raiseTurn(state);
        const view = turn.state as { min_raise: number; max_raise: number };
        const expected = Math.min(view.max_raise, Math.max(view.min_raise, Math.floor(amount)));
        state.hostile.act(turn, "raise", { amount }, expected);
        const result = await ownResult(state);
        assert.deepEqual(
          { action: (result.details as Json).action, amount: (result.details as Json).amount },
          { action: "raise", amount: expected },
        );
      }
      const turn = await raiseTurn(state);
      state.rejectedIn.add((turn.state as { hand_number: number }).hand_number);
      const socket = state.hostile.socket;
      assert.ok(socket);
      for (const params of ['{"amount":1e400}', '{"amount":"NaN"}', "{}"]) {
        socket.send(
          `{"type":"turn_action","match_id":"","request_id":"${String(turn.request_id)}","action":"raise","params":${params}}`,
        );
        const rejected = await state.hostile.until("action_rejected");
        assert.equal(rejected.submitted_action, "raise");
      }
      state.hostile.answer(turn);
      assert.equal((await ownResult(state)).seat, 0);
    },
  },
  {
    id: "not-json-in-turn",
    input:
      "on its own turn: a non-JSON text frame, then (next turn) a binary frame; each time the correct answer is sent afterwards",
    expected:
      "the auto-action at once (`turn_result` with `is_timeout: true`, no error frame); the late answer is a duplicate and is dropped, never applied twice",
    async run(ctx) {
      const { state } = ctx;
      for (const binary of [false, true]) {
        const turn = await myTurn(state);
        const socket = state.hostile.socket;
        assert.ok(socket);
        if (binary) socket.send(Buffer.from('{"type":"turn_action"}'), Opcode.binary);
        else socket.send("fold please");
        const result = await ownResult(state);
        assert.equal((result.details as Json).is_timeout, true, JSON.stringify(result));
        state.autoActs += 1;
        socket.sendJson({
          type: "turn_action",
          match_id: "",
          request_id: turn.request_id,
          action: "fold",
        });
      }
      // The dropped duplicates produced nothing: the next frames are the game's own.
      const frames = await drain(state);
      assert.deepEqual(errorCodes(frames), []);
    },
  },
  {
    id: "schema-in-turn",
    input: "on its own turn: a `turn_action` with an extra field, then one with `params: []`",
    expected:
      "`error` `unknown_field`, then `error` `malformed_message`; the turn stays pending and the correct answer is accepted",
    async run(ctx) {
      const { state } = ctx;
      const turn = await myTurn(state);
      const socket = state.hostile.socket;
      assert.ok(socket);
      socket.sendJson({
        type: "turn_action",
        match_id: "",
        request_id: turn.request_id,
        action: "fold",
        evil: 1,
      });
      socket.sendJson({
        type: "turn_action",
        match_id: "",
        request_id: turn.request_id,
        action: "fold",
        params: [],
      });
      assert.equal((await state.hostile.until("error")).code, "unknown_field");
      assert.equal((await state.hostile.until("error")).code, "malformed_message");
      state.hostile.answer(turn);
      const result = await ownResult(state);
      assert.equal((result.details as Json).is_timeout, false);
    },
  },
  {
    id: "duplicate-answer",
    input: "on its own turn: the correct answer twice in a row",
    expected: "applied once; the second is dropped silently",
    async run(ctx) {
      const { state } = ctx;
      const turn = await myTurn(state);
      state.hostile.answer(turn);
      state.hostile.socket?.sendJson({
        type: "turn_action",
        match_id: "",
        request_id: turn.request_id,
        action: "fold",
      });
      await ownResult(state);
      assert.deepEqual(errorCodes(await drain(state)), []);
    },
  },
  {
    id: "duplicate-dial",
    input: "a second socket for the live seat, with the seat's own token",
    expected: "`error` `duplicate_participant` (`seq: 1`), close 4011; the live socket plays on",
    async run(ctx) {
      const { state } = ctx;
      const socket = await state.hostile.open("header");
      socket.sendJson({ type: "authenticate" });
      const [error] = await assertClosed(
        socket,
        { code: 4011, errors: ["duplicate_participant"] },
        ctx.world.secrets,
      );
      assert.equal(error?.seq, 1);
      const turn = await myTurn(state);
      state.hostile.answer(turn);
      await ownResult(state);
    },
  },
  {
    id: "other-seat-tokens",
    input:
      "the other seat's path dialled with the attacker's token, and with this seat's (the victim's) token",
    expected: "4001 both times; the other seat plays on",
    async run(ctx) {
      const path = ctx.state.legit.path;
      for (const token of [ctx.world.attacker.token, ctx.world.victim.token]) {
        const answer = await ctx.world.upgrade(path, [
          ["Sec-WebSocket-Protocol", `chipzen-bot-token, ${token}`],
        ]);
        assert.ok(answer.socket);
        await assertClosed(answer.socket, { code: 4001, errors: [] }, ctx.world.secrets);
      }
    },
  },
  {
    id: "oversize-in-turn",
    input: "on its own turn: a 5,000-byte frame; then the seat dials again",
    expected:
      "`error` `message_too_large` (on the seat's counter), close 4008; after the reconnect the same `turn_request` (same `request_id`, `valid_actions`, `state`, a new `seq`) and the answer is accepted",
    async run(ctx) {
      const { state } = ctx;
      const turn = await myTurn(state);
      state.hostile.socket?.send(JSON.stringify({ type: "pong", pad: "x".repeat(5000) }));
      const error = await state.hostile.until("error");
      assert.equal(error.code, "message_too_large");
      assert.equal((await state.hostile.socket?.closed(15_000))?.code, 4008);
      await redial(state);
      const again = await state.hostile.until("turn_request");
      assert.deepEqual(
        { id: again.request_id, valid: again.valid_actions, state: again.state },
        { id: turn.request_id, valid: turn.valid_actions, state: turn.state },
      );
      state.hostile.answer(again);
      await ownResult(state);
    },
  },
];

export const matchPlayGroup = defineGroup<PlayState>({
  id: "match-play",
  entry: "/ws/external/match/{m}/{p} (in play)",
  ref: "bot protocol §5.4.8–§5.11, §6.6, §9 items 8, 12, 13; docs/match.md, docs/compatibility.md",
  target:
    "the MatchObject of a running match (the victim's seat hostile, the bystander's seat legitimate)",
  legitFlow:
    "both seats play the same match to `match_end`: identical results, chips conserved, the bystander credited exactly its own answers with no auto-action, the hostile seat credited exactly its accepted actions (raise amounts as clamped) plus exactly the provoked auto-actions, `seq` strictly increasing across its reconnects, and the record completed in D1",
  async setup(world) {
    return startMatch(world, {
      ...QUICK_MATCH,
      hand_cap: 60,
      starting_stack: 100_000,
      max_messages_per_second: 1000,
      reconnect_budget: 100,
      connection_wait_ms: 60_000,
    });
  },
  objects: (state) => [{ binding: "MATCH", name: state.match.match_id }],
  cases,
  families: [
    {
      id: "idle.mutations",
      input:
        "seeded mutations of `turn_action`, `pong` and `authenticate` while the other seat's turn is open",
      outcomes: {
        valid: "dropped silently (ignored, or a `turn_action` while not awaiting)",
        unknown_field: "`error` `unknown_field`",
        too_large: "`error` `message_too_large`, close 4008 (the seat dials again)",
        "anything else": "`error` `malformed_message`; nothing is applied",
      },
      async run(ctx, count, record) {
        const { state } = ctx;
        let sent = 0;
        while (sent < count) {
          const held = await opponentTurn(state);
          const expected: string[] = [];
          const labels: string[] = [];
          let closed = false;
          for (let i = 0; i < 8 && sent < count && !closed; i += 1, sent += 1) {
            const { base, shape } = ctx.rng.pick(SHAPES)();
            if (base.type === "turn_action") base.request_id = held.request_id;
            const mutation = mutate(base, shape, ctx.rng);
            labels.push(`${mutation.ops.join(" + ")} → ${mutation.outcome}`);
            const answer = idleAnswer(mutation.outcome);
            if (answer) expected.push(answer);
            state.hostile.socket?.send(mutation.text);
            closed = mutation.outcome === "too_large";
          }
          try {
            if (closed) {
              const frames: Json[] = [];
              while (summary(frames).length < expected.length) {
                frames.push(await state.hostile.next(10_000, "an error"));
              }
              assert.deepEqual(summary(frames), expected);
              assert.equal((await state.hostile.socket?.closed(15_000))?.code, 4008);
              await redial(state);
            } else {
              assert.deepEqual(summary(await drain(state)), expected);
            }
          } catch (err) {
            record(labels.join(" | "), err);
            if (state.hostile.socket?.isClosed) await redial(state);
          }
          state.opponent.release();
        }
        return count;
      },
    },
    {
      id: "in-turn.mutations",
      input: "one seeded mutation of the correct `turn_action` on each of its own turns",
      outcomes: {
        valid: "accepted as the answer",
        "not JSON / not an object": "the auto-action at once (`is_timeout: true`)",
        unknown_field: "`error` `unknown_field`, the turn stays open (then answered)",
        too_large:
          "`error` `message_too_large`, close 4008; the turn is re-sent after the reconnect",
        "anything else": "`error` `malformed_message`, the turn stays open (then answered)",
      },
      async run(ctx, count, record) {
        const { state } = ctx;
        for (let i = 0; i < count; i += 1) {
          const turn = await myTurn(state);
          const valid = turn.valid_actions as string[];
          const action = valid.includes("check") ? "check" : "call";
          const mutation = mutate(
            { type: "turn_action", match_id: "", request_id: turn.request_id, action, params: {} },
            turnActionShape(),
            ctx.rng,
          );
          const label = `${mutation.ops.join(" + ")} → ${mutation.outcome}`;
          try {
            state.hostile.socket?.send(mutation.text);
            await inTurnAnswer(state, turn, action, mutation.outcome);
          } catch (err) {
            record(label, err);
            if (state.hostile.socket?.isClosed) await redial(state);
          }
        }
        return count;
      },
    },
  ],
  explain: (diff) => diff.filter((line) => !line.startsWith("MATCH:")),
  legit: (world, state) => finish(world, state),
  async teardown(state) {
    state.opponent.release();
  },
});

/** Checks the documented answer to one mutated `turn_action` sent on the seat's own turn. */
async function inTurnAnswer(state: PlayState, turn: Json, action: string, outcome: Outcome) {
  if (outcome === "valid") {
    state.hostile.sent.push({ action });
    const result = await ownResult(state);
    assert.equal((result.details as Json).action, action);
    return;
  }
  if (outcome === "not_json" || outcome === "not_object") {
    const result = await ownResult(state);
    assert.equal((result.details as Json).is_timeout, true);
    state.autoActs += 1;
    return;
  }
  const error = await state.hostile.until("error");
  assert.equal(error.code, idleAnswer(outcome));
  if (outcome === "too_large") {
    assert.equal((await state.hostile.socket?.closed(15_000))?.code, 4008);
    await redial(state);
    const again = await state.hostile.until("turn_request");
    assert.equal(again.request_id, turn.request_id);
  }
  state.hostile.answer(turn);
  await ownResult(state);
}

/** Plays the match out from both seats and checks every invariant of the end. */
async function finish(world: World, state: PlayState): Promise<void> {
  state.opponent.release();
  const mine = new Autoplay(state.hostile, state.paceMs);
  const [endA, endB] = await Promise.all([mine.done, state.opponent.done]);
  assert.equal(endA.reason, "complete", JSON.stringify(endA).slice(0, 300));
  assert.deepEqual(endA.results, endB.results);
  const results = endA.results as Array<{ final_stack: number; net_chips: number }>;
  const config = (await api(world.gateway, "GET", `/api/matches/${state.match.match_id}`)).body as {
    config: { starting_stack: number };
  };
  assert.equal(
    results.reduce((sum, r) => sum + r.final_stack, 0),
    config.config.starting_stack * 2,
    "chips are conserved",
  );
  for (const seat of [state.hostile, state.legit]) {
    const own = seat.frames.filter((f) => f.type === "turn_result" && f.seat === seat.seat);
    const auto = own.filter((f) => (f.details as Json).is_timeout === true);
    const credited = own
      .filter((f) => (f.details as Json).is_timeout !== true)
      .map((f) => ({ action: (f.details as Json).action, amount: (f.details as Json).amount }));
    const expectedAuto = seat === state.hostile ? state.autoActs : 0;
    assert.equal(auto.length, expectedAuto, `auto-actions credited to seat ${seat.seat}`);
    assert.deepEqual(
      credited.map((c) => c.action),
      seat.sent.map((s) => s.action),
      `actions credited to seat ${seat.seat}`,
    );
    seat.sent.forEach((s, i) => {
      if (s.amount !== undefined)
        assert.equal(credited[i]?.amount, s.amount, "raise amount as clamped");
    });
  }
  await eventually(async () => {
    const record = await api(world.gateway, "GET", `/api/matches/${state.match.match_id}`);
    const body = record.body as { status: string; result: { results?: unknown } | null };
    return (
      body.status === "completed" &&
      JSON.stringify(body.result?.results) === JSON.stringify(endA.results)
    );
  }, "the match record to complete with the same results");
}

// ---- floods, at the contract's default rate limit (10 messages a second) ----

const burst = (state: PlayState, n: number) => {
  for (let i = 0; i < n; i += 1) state.hostile.socket?.sendJson({ type: "pong" });
};

export const matchFloodGroup = defineGroup<PlayState>({
  id: "match-flood",
  entry: "/ws/external/match/{m}/{p} (message rate)",
  ref: "bot protocol §5.10; docs/match.md (rate: the executor's behaviour)",
  target: "the MatchObject of a running match at the default 10 messages a second",
  legitFlow:
    "the flooding seat dials again after its 4009 and both seats play the match to `match_end` with the same invariants as match-play",
  async setup(world) {
    // Both bots answer at most ~9 times a second: the flood is the only excess.
    return startMatch(
      world,
      {
        ...QUICK_MATCH,
        hand_cap: 3,
        starting_stack: 100_000,
        connection_wait_ms: 60_000,
        max_messages_per_second: 10,
      },
      110,
    );
  },
  objects: (state) => [{ binding: "MATCH", name: state.match.match_id }],
  cases: [
    {
      id: "burst",
      input: "30 pongs in one burst while the other seat's turn is open",
      expected: "the messages past 10 in the rolling second are dropped without a frame; no close",
      async run(ctx) {
        await opponentTurn(ctx.state);
        burst(ctx.state, 30);
        await new Promise((resolve) => setTimeout(resolve, 300));
        assert.deepEqual(ctx.state.hostile.unread, []);
        assert.equal(ctx.state.hostile.socket?.isClosed, false);
        ctx.state.opponent.release();
        await new Promise((resolve) => setTimeout(resolve, 1100));
      },
    },
    {
      id: "over-limit-answer",
      input: "on its own turn: 40 pongs, then the correct answer in the same second",
      expected:
        "the over-limit answer is dropped and the turn gets the auto-action (`is_timeout: true`)",
      async run(ctx) {
        const { state } = ctx;
        const turn = await myTurn(state);
        // Far past the limit, so the answer is over it even if a loaded machine spreads the
        // burst over more than a second.
        burst(state, 40);
        state.hostile.socket?.sendJson({
          type: "turn_action",
          match_id: "",
          request_id: turn.request_id,
          action: "fold",
        });
        const result = await ownResult(state);
        assert.equal((result.details as Json).is_timeout, true);
        state.autoActs += 1;
        await new Promise((resolve) => setTimeout(resolve, 1100));
      },
    },
    {
      id: "sustained",
      input: "bursts of 40 pongs, 1.1 s apart, until the server closes",
      expected:
        "close 4009 `rate_limit_exceeded` at the 5th counted violation (at most one per second), no error frame",
      async run(ctx) {
        const { state } = ctx;
        const socket = state.hostile.socket;
        assert.ok(socket);
        for (let i = 0; i < 10 && !socket.isClosed; i += 1) {
          burst(state, 40);
          await new Promise((resolve) => setTimeout(resolve, 1100));
        }
        const closed = await socket.closed(15_000);
        assert.deepEqual(closed, { code: 4009, reason: "rate_limit_exceeded" });
        assert.deepEqual(errorCodes(state.hostile.unread), []);
        // The window must empty before the handshake, or it is dropped too.
        await new Promise((resolve) => setTimeout(resolve, 1100));
        await redial(state);
      },
    },
  ],
  families: [],
  explain: (diff) => diff.filter((line) => !line.startsWith("MATCH:")),
  legit: (world, state) => finish(world, state),
  async teardown(state) {
    state.opponent.release();
  },
});
