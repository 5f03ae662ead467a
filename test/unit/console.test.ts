// The web console's pure modules (src/console): reconnect backoff, presence deltas, routes,
// and the built bundle's size budget.
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { buildAssets, CONSOLE_BUNDLE } from "../../scripts/build-assets.ts";
import { BACKOFF_MAX_MS, backoffDelay } from "../../src/console/backoff.ts";
import { checkDeck } from "../../src/console/deck.ts";
import {
  applyPresence,
  ofKind,
  onlineByChannel,
  presenceFromSnapshot,
} from "../../src/console/presence.ts";
import { parseRoute } from "../../src/console/router.ts";
import { EMPTY_TABLE, tableReduce } from "../../src/console/table.ts";
import {
  actingSeat,
  applyAction,
  createMatch,
  deckCommitment,
  handInProgress,
  newDeck,
  startHand,
} from "../../src/poker/index.ts";

describe("backoffDelay", () => {
  it("doubles from 1 s to the 30 s cap, spread ±20%", () => {
    expect([0, 1, 2, 3, 4, 5, 6, 20].map((n) => backoffDelay(n, () => 0.5))).toEqual([
      1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000,
    ]);
    expect(backoffDelay(0, () => 0)).toBe(800);
    expect(backoffDelay(40, () => 0.999999)).toBeLessThanOrEqual(BACKOFF_MAX_MS * 1.2);
  });
});

describe("presence", () => {
  const bot = { instanceId: "bot:b1", mode: "bot", ts: 1 };
  const agent = { instanceId: "agent:a/m/s", tags: ["channel:ops", "channel:dev"], ts: 2 };
  it("applies deltas in order and accepts the full-list form", () => {
    const start = presenceFromSnapshot([bot]);
    const added = applyPresence(start, {
      added: [agent, { ...bot, text: "changed" }],
      removed: [],
    });
    expect(start.size).toBe(1);
    expect(ofKind(added, "bot:")).toEqual([{ ...bot, text: "changed" }]);
    expect(onlineByChannel(added)).toEqual(
      new Map([
        ["ops", 1],
        ["dev", 1],
      ]),
    );
    const removed = applyPresence(added, { added: [], removed: ["bot:b1"] });
    expect(ofKind(removed, "bot:")).toEqual([]);
    expect([...applyPresence(removed, { presence: [bot] }).keys()]).toEqual(["bot:b1"]);
  });
});

describe("parseRoute", () => {
  it("maps /, /console/... and refuses the rest", () => {
    expect(parseRoute("/")).toEqual({ page: "overview" });
    expect(parseRoute("/console")).toEqual({ page: "overview" });
    expect(parseRoute("/console/matches/m-1")).toEqual({ page: "match", matchId: "m-1" });
    expect(parseRoute("/console/bots/a%2Fb")).toEqual({ page: "bot", botId: "a/b" });
    expect(parseRoute("/console/channels")).toEqual({ page: "channels", channel: null });
    expect(parseRoute("/console/channels/ops")).toEqual({ page: "channels", channel: "ops" });
    expect(parseRoute("/console/approvals")).toEqual({ page: "approvals" });
    expect(parseRoute("/console/matches/m-1/extra")).toEqual({
      page: "missing",
      path: "/console/matches/m-1/extra",
    });
  });
});

/** A hand dealt and played (check/call) by the server's own engine, as the history has it. */
async function engineHand(seats: number) {
  const config = {
    variant: "nlhe" as const,
    starting_stack: 1000,
    small_blind: 5,
    big_blind: 10,
    ante: 0,
    num_players: seats,
  };
  const state = createMatch(config, { handCap: 10 });
  const deck = newDeck();
  startHand(state, deck, deckCommitment(deck));
  while (handInProgress(state)) {
    const seat = actingSeat(state);
    if (seat === null) break;
    if (!applyAction(state, seat, "check", {}, false).ok)
      applyAction(state, seat, "call", {}, false);
  }
  const hand = state.hand;
  if (!hand) throw new Error("no hand");
  return {
    dealer_seat: hand.dealer_seat,
    hole_cards: hand.hole_cards,
    board: hand.board,
    deck_commitment: hand.deck_commitment,
    deck_reveal: hand.deck,
  };
}

describe("checkDeck (the browser's deck check)", () => {
  it("accepts what the engine dealt, heads-up and 3-handed", async () => {
    for (const seats of [2, 3, 2, 3]) {
      const hand = await engineHand(seats);
      expect(hand.board).toHaveLength(5);
      expect(await checkDeck(hand)).toEqual({ ok: true });
    }
  });

  it("refuses a changed seed, a swapped card, a board or hole card not from the deck", async () => {
    const hand = await engineHand(2);
    const reveal = hand.deck_reveal;
    const seed = `${reveal.seed[0] === "0" ? "1" : "0"}${reveal.seed.slice(1)}`;
    expect(await checkDeck({ ...hand, deck_reveal: { ...reveal, seed } })).toEqual({
      ok: false,
      why: "SHA-256 of the reveal is not the commitment",
    });
    const swapped = [...reveal.deck_order];
    [swapped[0], swapped[51]] = [swapped[51] ?? "", swapped[0] ?? ""];
    expect((await checkDeck({ ...hand, deck_reveal: { ...reveal, deck_order: swapped } })).ok).toBe(
      false,
    );
    const board = [...hand.board];
    board[0] = reveal.deck_order[51] ?? "";
    expect(await checkDeck({ ...hand, board })).toEqual({
      ok: false,
      why: "the board is not the deck's",
    });
    const holes = hand.hole_cards.map((cards) => [...cards].reverse());
    expect((await checkDeck({ ...hand, hole_cards: holes })).ok).toBe(false);
    expect(await checkDeck({ ...hand, deck_reveal: null })).toEqual({
      ok: false,
      why: "no deck reveal",
    });
    const short = { ...reveal, deck_order: reveal.deck_order.slice(1) };
    expect(await checkDeck({ ...hand, deck_reveal: short })).toEqual({
      ok: false,
      why: "the deck is not the 52 distinct cards",
    });
  });
});

describe("tableReduce", () => {
  it("folds the spectator stream into seats, stacks, board, log, turn and result", () => {
    const frames = [
      {
        type: "spectator_hello",
        status: "waiting",
        seats: [
          { seat: 0, display_name: "a" },
          { seat: 1, display_name: "b" },
        ],
        game_config: { small_blind: 10, big_blind: 20, ante: 0, starting_stack: 2000 },
      },
      {
        type: "round_start",
        state: { hand_number: 1, dealer_seat: 0, pot: 30, stacks: [1990, 1980] },
      },
      { type: "spectator_turn", seat: 0, deadline_ts: 5000, timeout_ms: 5000 },
      {
        type: "turn_result",
        seat: 0,
        details: { action: "call", amount: 10, pot: 40, stacks: [1980, 1980], is_timeout: false },
      },
      { type: "phase_change", state: { phase: "flop", board: ["Ah", "Kd", "2c"] } },
      {
        type: "round_result",
        result: {
          winner_seats: [1],
          pot: 40,
          stacks: [1980, 2020],
          payouts: [{ seat: 1, amount: 40 }],
          showdown: [
            { seat: 0, hole_cards: ["3c", "4d"], hand_rank: "High Card" },
            { seat: 1, hole_cards: ["As", "Ad"], hand_rank: "Three of a Kind" },
          ],
        },
      },
    ];
    const states: (typeof EMPTY_TABLE)[] = [];
    for (const frame of frames) states.push(tableReduce(states.at(-1) ?? EMPTY_TABLE, frame));
    expect(states[0]).toMatchObject({ status: "waiting", blinds: "10/20", stacks: [2000, 2000] });
    expect(states[2]?.hand?.acting).toEqual({ seat: 0, deadline: 5000, timeoutMs: 5000 });
    expect(states[3]?.hand).toMatchObject({ acting: null, pot: 40 });
    const last = states.at(-1);
    expect(last).toMatchObject({ handsSeen: 1, stacks: [1980, 2020] });
    expect(last?.hand?.holes).toEqual([
      ["3c", "4d"],
      ["As", "Ad"],
    ]);
    expect(last?.hand?.board).toEqual(["Ah", "Kd", "2c"]);
    expect(last?.hand?.log.map((line) => line.text)).toEqual([
      "Hand 1: blinds posted, pot 30",
      "calls 10",
      "flop: Ah Kd 2c",
      "shows 3c 4d (High Card)",
      "shows As Ad (Three of a Kind)",
      "wins 40",
    ]);
    const ended = tableReduce(last ?? EMPTY_TABLE, {
      type: "match_end",
      reason: "complete",
      results: [{ seat: 1, name: "b", net_chips: 20 }],
      finishing_order: [{ place: 1, seat: 1 }],
    });
    expect(ended).toMatchObject({
      status: "ended",
      final: [{ seat: 1, name: "b", net: 20, place: 1 }],
    });
  });
});

describe("the bundle", () => {
  it("is under 100 KB gzipped", () => {
    buildAssets();
    const bytes = readFileSync(new URL(`../../public/${CONSOLE_BUNDLE}`, import.meta.url));
    const gzipped = gzipSync(bytes, { level: 9 }).length;
    expect(gzipped).toBeGreaterThan(1000);
    expect(gzipped).toBeLessThan(100 * 1024);
  });
});
