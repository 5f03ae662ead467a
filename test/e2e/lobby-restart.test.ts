// Proves that a restart of the runtime mid-match (every socket dropped, storage kept) costs no
// client its match and gives none a duplicate: however a client comes back, the match is
// played to its end once, and the client ends with exactly one result.
// - A lobby-only client (the raw reference client closes its lobby on `matched`; restarted,
//   it learns of the match only from the lobby) gets the match re-announced with
//   `resume: true` once the settle window has passed, and finishes it.
// - An SDK-like client (test/harness/sdk-like-bot.ts: one task per `matched`, no dedupe,
//   an abandoned task counted as played) re-dials its match socket by itself: the lobby sends
//   it nothing, so it runs one task. Before the settle window it got a second task for the
//   re-announced match, refused `duplicate_participant`, abandoned after 5 re-dials and
//   counted as played: with `max_matches: 1` the session then cancelled the real task.
// - `runBot` comes back the same way, through its own re-dial.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runBot } from "../../src/client/run-bot.ts";
import type { Decision, TurnRequest } from "../../src/client/types.ts";
import {
  api,
  createBotWithToken,
  type Gateway,
  startGateway,
  waitForLog,
} from "../harness/gateway.ts";
import { type Frame, runSdkLikeBot } from "../harness/sdk-like-bot.ts";
import { HANG_MS } from "../harness/until.ts";
import { dialMatch, openLobby, play } from "./lobby-bot.ts";

let gateway: Gateway;
beforeAll(async () => {
  gateway = await startGateway({ vars: { WS_CONNECTS_PER_IP_PER_MINUTE: "1000" } });
});
afterAll(async () => {
  await gateway?.close();
});

/** A short match against the calling station; a generous turn clock, nothing jittered. */
async function dispatchVsHouse(botId: string): Promise<string> {
  const res = await api(gateway, "POST", "/api/matches", {
    body: {
      bots: [botId, "house-calling-station"],
      config: {
        jitter_min_ms: 0,
        jitter_max_ms: 0,
        hand_cap: 8,
        house_think_ms: 0,
        turn_timeout_ms: 60_000,
        max_messages_per_second: 1000,
      },
    },
  });
  expect(res.status).toBe(201);
  return (res.body as { match_id: string }).match_id;
}

/** Same configuration, fresh runtime: in-memory state and every socket are gone. */
const restart = () => gateway.harness.update((options) => options);

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
};

/**
 * Paces a bot's decisions around a restart: the second decision waits until the restart is
 * over (so the restart lands mid-match, with a turn open), and every decision after it waits
 * for `release()` (so the match is still running when the lobby makes up its mind).
 */
function midMatchRestart() {
  const reached = deferred();
  const restarted = deferred();
  const released = deferred();
  let turns = 0;
  let after = false;
  return {
    reached: reached.promise,
    restarted: () => {
      after = true;
      restarted.resolve();
    },
    release: released.resolve,
    async decide(valid: readonly string[]): Promise<Decision> {
      turns += 1;
      if (turns === 2) {
        reached.resolve();
        await restarted.promise;
      } else if (after) {
        await released.promise;
      }
      return { action: valid.includes("check") ? "check" : "call" };
    },
  };
}

/** The lobby's decision at the end of the settle window after this bot's reconnect. */
const resumeSettled = (botId: string) =>
  waitForLog(gateway, "lobby_resume_settled", (fields) => fields.bot_id === botId, 60_000);

async function expectCompleted(matchId: string): Promise<void> {
  const record = await api(gateway, "GET", `/api/matches/${matchId}`);
  expect((record.body as { status: string }).status).toBe("completed");
}

describe("clients across a runtime restart mid-match", () => {
  it("re-attaches a lobby-only client with the delayed resume:true matched, and it finishes", async () => {
    const bot = await createBotWithToken(gateway, "e2e-restart-lobby-only");
    const before = await openLobby(gateway, bot);
    const matchId = await dispatchVsHouse(bot.botId);
    const matched = await before.lobby.nextOfType("matched", HANG_MS);
    before.lobby.close(); // the reference client's lobby ends at `matched`
    const socket = await dialMatch(gateway, bot.token, matched);
    await socket.nextOfType("turn_request", HANG_MS);

    await restart();
    expect((await socket.closed(HANG_MS)).code).toBe(1006);

    // The client is started again: its lobby is the only way back into the match.
    const after = await openLobby(gateway, bot);
    expect(await after.lobby.nextOfType("matched", 30_000)).toEqual({ ...matched, resume: true });
    expect(await resumeSettled(bot.botId)).toMatchObject({ announced: matchId, bound: "" });
    after.lobby.close();
    const again = await dialMatch(gateway, bot.token, matched);
    expect(await play(again)).toMatchObject({ type: "match_end", reason: "complete" });
    await expectCompleted(matchId);
  });

  it("gives an SDK-like client (a task per matched) nothing to duplicate: one task, one result", async () => {
    const bot = await createBotWithToken(gateway, "e2e-restart-sdk-like");
    const pace = midMatchRestart();
    const client = runSdkLikeBot({
      url: gateway.wsUrl(`/ws/external/bot/${bot.botId}`),
      token: bot.token,
      maxMatches: 1,
      decide: (turn: Frame) => pace.decide(turn.valid_actions as string[]),
    });
    await client.waitFor(/^lobby_hello$/);
    const matchId = await dispatchVsHouse(bot.botId);
    await pace.reached;

    await restart();
    pace.restarted();
    // The client's own re-dial binds the seat; the lobby decides at the window's end. (Without
    // the window, the first event to come is the abandoned duplicate task being counted.)
    const decided = await Promise.race([
      resumeSettled(bot.botId),
      client.waitFor(/^task_counted_without_result /, 60_000),
    ]);
    pace.release();
    const results = await client.done;

    expect(decided).toMatchObject({ announced: "", bound: matchId });
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ matchId, end: { type: "match_end", reason: "complete" } });
    expect(client.events.filter((e) => e.startsWith("task_started"))).toHaveLength(1);
    expect(client.events.filter((e) => e.startsWith("task_refused"))).toEqual([]);
    await expectCompleted(matchId);
  });

  it("brings runBot back through its own re-dial, with one outcome", async () => {
    const bot = await createBotWithToken(gateway, "e2e-restart-runbot");
    const pace = midMatchRestart();
    const ready = deferred();
    const matched: boolean[] = [];
    const run = runBot(() => ({ decide: (turn: TurnRequest) => pace.decide(turn.valid_actions) }), {
      url: gateway.url.href,
      botId: bot.botId,
      token: bot.token,
      maxMatches: 1,
      log: (event, data) => {
        if (event === "lobby_ready") ready.resolve();
        if (event === "matched") matched.push(data?.resume === true);
      },
    });
    await ready.promise;
    const matchId = await dispatchVsHouse(bot.botId);
    await pace.reached;

    await restart();
    pace.restarted();
    expect(await resumeSettled(bot.botId)).toMatchObject({ announced: "", bound: matchId });
    pace.release();
    const result = await run;

    expect(result.reason).toBe("max_matches");
    expect(result.matches).toHaveLength(1);
    expect(result.matches[0]).toMatchObject({
      status: "ended",
      matchId,
      end: { reason: "complete" },
    });
    expect(matched).toEqual([false]);
    await expectCompleted(matchId);
  });
});
