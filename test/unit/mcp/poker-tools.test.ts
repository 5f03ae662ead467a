// Proves the poker tools of `botgate mcp` against a scripted runBot: the challenge asks for
// the LLM clock, poker_wait_turn shows a turn compactly (cards, money, the hand so far,
// legal actions, turn_id, time left) or the match end, poker_act checks the action against
// valid_actions and the raise bounds before it decides, a timed-out or stale turn is a
// clear error, and the tools are only there with a bot identity.
import { afterEach, describe, expect, it } from "vitest";
import { HttpError } from "../../../src/client/agent-keys.ts";
import { type UnitBridge, unitBridge, until } from "./fakes.ts";

let b: UnitBridge;
afterEach(async () => {
  await b?.close();
});

async function started(): Promise<UnitBridge> {
  b = await unitBridge({ poker: true, agent: false });
  b.lobby.ready();
  return b;
}

describe("poker tools", () => {
  it("are registered only with a bot identity, and alone in a poker-only bridge", async () => {
    b = await unitBridge();
    expect((await b.client.listTools()).tools.map((t) => t.name)).not.toContain("poker_act");
    await b.close();
    await started();
    expect((await b.client.listTools()).tools.map((t) => t.name).sort()).toEqual([
      "poker_act",
      "poker_challenge",
      "poker_status",
      "poker_wait_turn",
    ]);
  });

  it("challenges with the bridge's clock unless told otherwise, and maps refusals", async () => {
    await started();
    const first = await b.call("poker_challenge", {});
    expect(first.text).toBe(
      "Match m1 against house-calling-station is starting (120 s per decision). Call poker_wait_turn.",
    );
    await b.call("poker_challenge", { opponent: "house-random", turn_timeout_ms: 45_000 });
    expect(b.lobby.challenges).toEqual([
      { turn_timeout_ms: 120_000 },
      { opponent: "house-random", turn_timeout_ms: 45_000 },
    ]);
    for (const [args, message] of [
      [{ turn_timeout_ms: 999 }, /turn_timeout_ms/],
      [{ turn_timeout_ms: 600_001 }, /turn_timeout_ms/],
      [{ opponent: "" }, /opponent/],
      [{ rated: true }, /Unrecognized key/i],
    ] as const) {
      expect((await b.call("poker_challenge", args)).text).toMatch(message);
    }
  });

  it("says what is wrong when the challenge is refused or the lobby is not up", async () => {
    b = await unitBridge({ poker: true, agent: false, waitMs: 100 });
    expect((await b.call("poker_challenge")).text).toBe(
      "the bot is not connected to the lobby of http://127.0.0.1:8787 yet (the server may be down); try again shortly",
    );
    b.lobby.ready();
    b.lobby.refuse = new HttpError(
      429,
      "TOKEN_AT_CONCURRENT_MATCH_CAP",
      "HTTP 429 TOKEN_AT_CONCURRENT_MATCH_CAP: This token is at its concurrent-match cap",
    );
    expect(await b.call("poker_challenge")).toMatchObject({
      isError: true,
      text: "HTTP 429 TOKEN_AT_CONCURRENT_MATCH_CAP: This token is at its concurrent-match cap",
    });
    b.lobby.stop("revoked");
    await until(() => b.bridge.poker?.status().lobby.startsWith("stopped") === true, "the stop");
    expect((await b.call("poker_challenge")).text).toBe(
      "the poker bot is stopped: the bot token was revoked (4002): issue a new one",
    );
  });

  it("after a (re)start, waits for the lobby to re-announce a match before saying there is none", async () => {
    b = await unitBridge({ poker: true, agent: false, resumeSettleMs: 60_000 });
    expect((await b.call("poker_wait_turn", { wait_s: 1 })).text).toBe(
      "No turn yet: the bot is (re)connecting to the lobby, where a match in progress would come back. Call poker_wait_turn again.",
    );
    b.lobby.ready();
    const waiting = b.call("poker_wait_turn", { wait_s: 5 });
    // The lobby re-announces the match of the bridge's earlier run, and its turn comes again.
    b.lobby.matched("m-old");
    void b.lobby.turn("m-old", { request_id: "r_again" });
    expect((await waiting).structured).toMatchObject({ status: "turn", turn_id: "r_again" });
  });

  it("says there is no match as soon as the settle window after the lobby's start is over", async () => {
    b = await unitBridge({ poker: true, agent: false, resumeSettleMs: 300 });
    b.lobby.ready();
    // Within wait_s: at the window's end it is the error; only past wait_s would it be "waiting".
    const answer = await b.call("poker_wait_turn", { wait_s: 30 });
    expect(answer).toMatchObject({
      isError: true,
      text: "no match in progress: call poker_challenge first",
    });
  });

  it("waits for a turn and shows it compactly with a turn_id", async () => {
    await started();
    expect((await b.call("poker_wait_turn", { wait_s: 1 })).text).toBe(
      "no match in progress: call poker_challenge first",
    );
    await b.call("poker_challenge");
    const waiting = await b.call("poker_wait_turn", { wait_s: 1 });
    expect(waiting.text).toBe(
      "No turn yet (match m1 is in progress: the opponent is acting or the match is starting). Call poker_wait_turn again.",
    );
    b.lobby.matched("m1");
    b.lobby.frame("m1", {
      type: "round_start",
      state: {
        hand_number: 1,
        dealer_seat: 0,
        your_hole_cards: ["As", "Kd"],
        stacks: [2000, 2000],
      },
    });
    const pending = b.call("poker_wait_turn", { wait_s: 5 });
    void b.lobby.turn("m1", { deadline_ts: Date.now() + 29_400 });
    const turn = await pending;
    expect(turn.text).toMatch(
      new RegExp(
        [
          "^Since you last looked:",
          "  Match started: me \\(you\\) vs house-calling-station — stacks 2000, blinds 10/20",
          "  Hand 1 — button me \\(you\\) — your cards As Kd",
          "Your turn — match m1, hand 1, preflop\\.",
          "Your cards: As Kd   Board: \\(none\\)",
          "Pot 30 · to call 10 · your stack 1990 · house-calling-station stack 1980",
          "This hand: preflop: you post small blind 10, house-calling-station post big blind 20",
          "Legal: fold \\| call 10 \\| raise amount 40–2000 \\(raise-to total; 2000 is all-in\\)",
          'Answer with poker_act turn_id "r_1" within 29 s \\(at \\d\\d:\\d\\d:\\d\\d UTC\\), or the server checks/folds for you\\.$',
        ].join("\n"),
      ),
    );
    expect(turn.structured).toMatchObject({
      status: "turn",
      match_id: "m1",
      turn_id: "r_1",
      valid_actions: ["fold", "call", "raise"],
    });
  });

  it("validates the action against the turn before deciding, then reports the server's result", async () => {
    await started();
    await b.call("poker_challenge");
    b.lobby.matched("m1");
    const decision = b.lobby.turn("m1");
    await b.call("poker_wait_turn", { wait_s: 5 });
    for (const [args, message] of [
      [
        { turn_id: "r_1", action: "check" },
        "check is not legal now; legal actions: fold, call, raise",
      ],
      [
        { turn_id: "r_1", action: "raise" },
        "raise needs amount: the street total to raise to, 40–2000",
      ],
      [
        { turn_id: "r_1", action: "raise", amount: 39 },
        "raise amount must be a whole number from 40 to 2000 (the street total; 2000 is all-in)",
      ],
      [
        { turn_id: "r_1", action: "raise", amount: 2001 },
        "raise amount must be a whole number from 40 to 2000 (the street total; 2000 is all-in)",
      ],
      [
        { turn_id: "r_9", action: "call" },
        "no open turn with that turn_id; call poker_wait_turn for the current one",
      ],
    ] as const) {
      expect(await b.call("poker_act", args)).toMatchObject({ isError: true, text: message });
    }
    expect((await b.call("poker_act", { turn_id: "r_1", action: "all_in" })).text).toMatch(
      /action/,
    );
    const acting = b.call("poker_act", { turn_id: "r_1", action: "raise", amount: 120 });
    expect(await decision).toEqual({ action: "raise", amount: 120 });
    b.lobby.frame("m1", {
      type: "turn_result",
      seat: 0,
      details: { action: "raise", amount: 120, pot: 140, stacks: [1880, 1980], is_timeout: false },
    });
    expect((await acting).text).toBe(
      "You raise to 120. Pot is now 140. Call poker_wait_turn for the next turn.",
    );
    expect(await b.call("poker_act", { turn_id: "r_1", action: "fold" })).toMatchObject({
      isError: true,
      text: "that turn was already answered; call poker_wait_turn",
    });
  });

  it("says a turn timed out, and reports an action the server rejected", async () => {
    await started();
    await b.call("poker_challenge");
    b.lobby.matched("m1");
    void b.lobby.turn("m1", { request_id: "r_late" });
    await b.call("poker_wait_turn", { wait_s: 5 });
    b.lobby.frame("m1", {
      type: "turn_result",
      seat: 0,
      details: { action: "fold", amount: 0, pot: 30, stacks: [1990, 2010], is_timeout: true },
    });
    expect((await b.call("poker_act", { turn_id: "r_late", action: "call" })).text).toBe(
      "that turn is over: its clock ran out and the server checked or folded for you; call poker_wait_turn",
    );
    const decided = b.lobby.turn("m1", { request_id: "r_2" });
    await b.call("poker_wait_turn", { wait_s: 5 });
    const acting = b.call("poker_act", { turn_id: "r_2", action: "call" });
    await decided;
    b.lobby.frame("m1", {
      type: "action_rejected",
      request_id: "r_2",
      reason: "Unknown request_id",
    });
    expect((await acting).text).toBe("Not applied: Unknown request_id.");
  });

  it("reports the match end once, with the result from this seat's side, and the status", async () => {
    await started();
    await b.call("poker_challenge");
    const bot = b.lobby.matched("m1");
    bot.onMatchEnd?.({
      match_id: "m1",
      reason: "complete",
      total_hands_played: 7,
      results: [
        {
          seat: 0,
          name: "me",
          net_chips: 2000,
          hands_won: 5,
          final_stack: 4000,
          bot_errors: [],
          decision_latency_samples_ms: [],
        },
        {
          seat: 1,
          name: "house",
          net_chips: -2000,
          hands_won: 2,
          final_stack: 0,
          bot_errors: [],
          decision_latency_samples_ms: [],
        },
      ],
    });
    const ended = await b.call("poker_wait_turn", { wait_s: 1 });
    expect(ended.text).toBe(
      "Match started: me (you) vs house-calling-station — stacks 2000, blinds 10/20\nYou won: net +2000 chips, 5 hands won of 7, final stack 4000 (match m1, complete).\nCall poker_challenge to play again.",
    );
    expect(ended.structured).toMatchObject({
      status: "ended",
      match_id: "m1",
      end: { reason: "complete" },
    });
    expect((await b.call("poker_wait_turn", { wait_s: 1 })).text).toBe(
      "no match in progress: call poker_challenge first",
    );
    expect((await b.call("poker_status")).text).toBe(
      "Bot bot-1: lobby ready.\n  match m1 vs house-calling-station: ended",
    );
  });
});
