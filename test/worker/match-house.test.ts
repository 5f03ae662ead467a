// Proves house bots, spectators and records: a remote bot plays a house bot to match_end
// (the house acting from the alarm through the same turn path), two house bots play out
// alone, every strategy plays legally, the spectator stream is public with the deck reveal,
// and the result, per-seat figures and hand history reach D1 and the admin API.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { deckCommitment } from "../../src/poker";
import {
  ADMIN,
  api,
  connectSeat,
  type Frame,
  fireAlarm,
  newBot,
  newMatch,
  playPassively,
  stored,
  TestSocket,
  twoBotMatch,
} from "./match-harness";

const HOUSE = {
  calling_station: "house-calling-station",
  random: "house-random",
  hand_strength: "house-hand-strength",
};

async function waitForStatus(
  matchId: string,
  status: string,
  timeoutMs = 20_000,
): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await api("GET", `/api/matches/${matchId}`);
    if (res.json.status === status) return res.json;
    if (Date.now() > deadline)
      throw new Error(`match ${matchId} still ${String(res.json.status)}, wanted ${status}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("house bots", () => {
  it("plays a remote bot against a house bot to match_end", async () => {
    const remote = await newBot("remote");
    const match = await newMatch([remote.botId, HOUSE.calling_station], {
      jitter_min_ms: 0,
      jitter_max_ms: 0,
      house_think_ms: 0,
      hand_cap: 3,
    });
    expect(match.seats[1]).toMatchObject({ kind: "house", gateway_ws_url: null });
    const socket = await connectSeat(match, 0, remote.token);
    const end = await playPassively(socket, match.match_id);
    expect(end).toMatchObject({
      reason: "complete",
      terminal_status: "completed",
      total_hands_played: 3,
    });
    const results = end.results as { name: string; decision_latency_samples_ms: number[] }[];
    expect(results[1]?.name).toBe("house-calling-station");
    // The house seat acted: its turn_results reached the remote bot.
    expect(socket.frames.some((f) => f.type === "turn_result" && f.seat === 1)).toBe(true);
    const record = await waitForStatus(match.match_id, "completed");
    expect(record.participants).toEqual([
      expect.objectContaining({
        seat: 0,
        bot_id: remote.botId,
        hands_won: expect.any(Number),
        place: expect.any(Number),
      }),
      expect.objectContaining({
        seat: 1,
        name: "house-calling-station",
        final_stack: expect.any(Number),
      }),
    ]);
  });

  it("waits for the house bot's think time on the alarm", async () => {
    const remote = await newBot("remote");
    const match = await newMatch(["house-calling-station", remote.botId], {
      jitter_min_ms: 0,
      jitter_max_ms: 0,
      house_think_ms: 30_000,
      turn_timeout_ms: 60_000,
    });
    const socket = await connectSeat(match, 1, remote.token);
    await socket.nextOf("round_start");
    // Seat 0 (house) deals and acts first; it waits for its think time.
    expect(Object.keys((await stored(match.match_id)).schedule)).toContain("house:0");
    await new Promise((r) => setTimeout(r, 50));
    expect(socket.unread).toEqual([]);
    expect(await fireAlarm(match.match_id)).toBe(true);
    expect(await socket.next("house turn_result")).toMatchObject({
      type: "turn_result",
      seat: 0,
      details: { action: "call", is_timeout: false },
    });
    expect(await socket.next("own turn")).toMatchObject({ type: "turn_request", seat: 1 });
  });

  it("plays every strategy legally in house-vs-house matches with no sockets", async () => {
    for (const [a, b] of [
      [HOUSE.random, HOUSE.hand_strength],
      [HOUSE.hand_strength, HOUSE.calling_station],
    ] as const) {
      const match = await newMatch([a, b], {
        house_think_ms: 0,
        hand_cap: 20,
        starting_stack: 400,
      });
      const record = await waitForStatus(match.match_id, "completed");
      const result = record.result as {
        total_hands_played: number;
        results: { bot_errors: unknown[] }[];
      };
      expect(result.total_hands_played).toBeGreaterThan(0);
      expect(result.results.flatMap((r) => r.bot_errors)).toEqual([]);
      const hands = await api("GET", `/api/matches/${match.match_id}/hands`);
      expect((hands.json.hands as unknown[]).length).toBe(result.total_hands_played);
    }
  });

  it("rejects unknown bots and contradictory configs when dispatching", async () => {
    const unknown = await api("POST", "/api/matches", { bots: ["nobody", HOUSE.random] });
    expect(unknown).toMatchObject({ status: 400, json: { error_code: "BOT_NOT_FOUND" } });
    const blinds = await api("POST", "/api/matches", {
      bots: [HOUSE.random, HOUSE.random],
      config: { small_blind: 50, big_blind: 20 },
    });
    expect(blinds).toMatchObject({ status: 400, json: { error_code: "INVALID_CONFIG" } });
    const extra = await api("POST", "/api/matches", {
      bots: [HOUSE.random, HOUSE.random],
      config: { warp: 1 },
    });
    expect(extra).toMatchObject({ status: 400, json: { error_code: "UNKNOWN_FIELD" } });
    // An array is not a config object (found by the fuzz suite: `[]` passed as the defaults).
    for (const config of [[], [{ hand_cap: 2 }]]) {
      const array = await api("POST", "/api/matches", {
        bots: [HOUSE.random, HOUSE.random],
        config,
      });
      expect(array).toMatchObject({ status: 400, json: { error_code: "INVALID_BODY" } });
    }
    const short = await api("POST", "/api/matches", { bots: [HOUSE.random], config: {} });
    expect(short).toMatchObject({ status: 400, json: { error_code: "INVALID_BODY" } });
    const timer = await api("POST", "/api/matches", {
      bots: [HOUSE.random, HOUSE.random],
      config: { turn_timeout_ms: 999 },
    });
    expect(timer.status).toBe(400);
    const asBot = await api(
      "POST",
      "/api/matches",
      { bots: [HOUSE.random, HOUSE.random] },
      (await newBot()).token,
    );
    expect(asBot.status).toBe(401);
  });
});

describe("records", () => {
  it("writes the result and per-seat figures to D1 and serves the hand history", async () => {
    const { alpha, bravo, match } = await twoBotMatch({ hand_cap: 2 });
    const dispatched = await api("GET", `/api/matches/${match.match_id}`);
    expect(dispatched.json).toMatchObject({
      status: "live",
      source: "admin",
      rated: false,
      result: null,
    });
    const a = await connectSeat(match, 0, alpha.token);
    const b = await connectSeat(match, 1, bravo.token);
    const [end] = await Promise.all([
      playPassively(a, match.match_id),
      playPassively(b, match.match_id),
    ]);
    const record = await waitForStatus(match.match_id, "completed");
    const { seq: _seq, server_ts: _ts, ...payload } = end;
    expect(record.result).toEqual(payload);
    const rows = await env.DB.prepare(
      "SELECT seat, net_chips, hands_won, final_stack, place FROM participants WHERE match_id = ? ORDER BY seat",
    )
      .bind(match.match_id)
      .all();
    const results = end.results as { net_chips: number; hands_won: number; final_stack: number }[];
    expect(rows.results).toEqual(
      results.map((r, seat) => ({
        seat,
        net_chips: r.net_chips,
        hands_won: r.hands_won,
        final_stack: r.final_stack,
        place: (end.finishing_order as { seat: number; place: number }[]).find(
          (f) => f.seat === seat,
        )?.place,
      })),
    );

    const hands = await api("GET", `/api/matches/${match.match_id}/hands`);
    expect(hands.status).toBe(200);
    const list = hands.json.hands as Record<string, unknown>[];
    expect(list).toHaveLength(2);
    const first = list[0] as Record<string, unknown>;
    const roundStart = a.frames.find((f) => f.type === "round_start") as Frame;
    expect(first).toMatchObject({ hand_number: 1, round_id: roundStart.round_id, dealer_seat: 0 });
    const reveal = first.deck_reveal as { seed: string; deck_order: string[] };
    expect(deckCommitment(reveal)).toBe(first.deck_commitment);
    expect((first.hole_cards as string[][])[0]).toEqual(
      (roundStart.state as { your_hole_cards: string[] }).your_hole_cards,
    );
    expect((first.board as string[]).length).toBe(5);
    expect((first.result as { action_history: unknown[] }).action_history.length).toBeGreaterThan(
      2,
    );
    expect(await api("GET", `/api/matches/${crypto.randomUUID()}/hands`)).toMatchObject({
      status: 400,
    });
  });
});

describe("spectators", () => {
  it("streams the public frames with the deck reveal and never a hole card", async () => {
    const { alpha, bravo, match } = await twoBotMatch({ hand_cap: 2 });
    const watcher = await TestSocket.open(`/ws/match/${match.match_id}/spectate`, {
      protocols: ["botgate-admin", ADMIN],
    });
    expect(watcher.protocol).toBe("botgate-admin");
    expect(await watcher.next("spectator_hello")).toMatchObject({
      type: "spectator_hello",
      seq: 1,
      status: "waiting",
    });
    const a = await connectSeat(match, 0, alpha.token);
    const b = await connectSeat(match, 1, bravo.token);
    await Promise.all([playPassively(a, match.match_id), playPassively(b, match.match_id)]);
    expect((await watcher.closed()).code).toBe(1000);
    const types = new Set(watcher.frames.map((f) => f.type));
    expect([...types].sort()).toEqual(
      [
        "match_end",
        "match_start",
        "phase_change",
        "round_result",
        "round_start",
        "spectator_hello",
        "spectator_turn",
        "turn_result",
      ].sort(),
    );
    const seqs = watcher.frames.map((f) => f.seq as number);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    for (const frame of watcher.frames.filter((f) => f.type === "round_start")) {
      expect(frame.state).not.toHaveProperty("your_hole_cards");
    }
    // Every turn_result follows the spectator_turn of its seat (whose clock was running).
    let acting: Record<string, unknown> | null = null;
    for (const frame of watcher.frames) {
      if (frame.type === "spectator_turn") {
        expect(frame).toMatchObject({ seat: expect.any(Number), timeout_ms: 5000 });
        expect(frame.deadline_ts).toBeGreaterThan(Date.parse(String(frame.server_ts)) - 1);
        acting = frame;
      } else if (frame.type === "turn_result") {
        expect(acting?.seat).toBe(frame.seat);
        acting = null;
      }
    }
    for (const frame of watcher.frames.filter((f) => f.type === "round_result")) {
      const result = frame.result as {
        deck_reveal: { seed: string; deck_order: string[] };
        deck_commitment: string;
      };
      expect(result.deck_reveal.deck_order).toHaveLength(52);
      expect(deckCommitment(result.deck_reveal)).toBe(result.deck_commitment);
    }
    // Players never get the reveal.
    for (const frame of a.frames.filter((f) => f.type === "round_result")) {
      expect((frame.result as { deck_reveal: unknown }).deck_reveal).toBeNull();
    }
  });

  it("accepts the admin token in ?token= and refuses a wrong one with 4001", async () => {
    const { match } = await twoBotMatch();
    const ok = await TestSocket.open(`/ws/match/${match.match_id}/spectate?token=${ADMIN}`);
    expect((await ok.next("spectator_hello")).type).toBe("spectator_hello");
    const bad = await TestSocket.open(`/ws/match/${match.match_id}/spectate`, {
      protocols: ["botgate-admin", "nope"],
    });
    expect((await bad.closed()).code).toBe(4001);
  });
});
