// Proves the lobby end to end over real sockets against the real Worker: a bot in the lobby
// challenges a house bot, gets `matched`, dials the match, plays to `match_end` and stays in
// the lobby for the next one; two bots are paired through the matchmaking queue and play each
// other; and a bot whose process dies mid-match is re-attached by a fresh client with no
// memory through `matched` with `resume: true`, and finishes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, createBotWithToken, type Gateway, startGateway } from "../harness/gateway.ts";
import { HANG_MS } from "../harness/until.ts";
import { dialMatch, openLobby, play } from "./lobby-bot.ts";

let gateway: Gateway;
beforeAll(async () => {
  // A settle window of 1 ms: a re-announcement, were there one, would come at once.
  gateway = await startGateway({
    vars: { WS_CONNECTS_PER_IP_PER_MINUTE: "1000", LOBBY_RESUME_SETTLE_MS: "1" },
  });
});
afterAll(async () => {
  await gateway?.close();
});

async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

let names = 0;
function newBot() {
  names += 1;
  return createBotWithToken(gateway, `e2e-play-${names}-${Date.now()}`);
}

describe("playing through the lobby", () => {
  it("challenges a house bot, plays to match_end, and stays in the lobby for the next", async () => {
    const bot = await newBot();
    const { lobby } = await openLobby(gateway, bot);
    let decisions = 0;
    for (let round = 1; round <= 2; round += 1) {
      const challenge = await api(gateway, "POST", "/api/external-api/challenges/house-bot", {
        body: {},
        token: bot.token,
      });
      expect(challenge.status).toBe(200);
      const answer = challenge.body as { match_id: string; participant_id: string };
      const matched = await lobby.nextOfType("matched", HANG_MS);
      expect(matched).toEqual({
        type: "matched",
        match_id: answer.match_id,
        participant_id: answer.participant_id,
        gateway_ws_url: `/ws/external/match/${answer.match_id}/${answer.participant_id}`,
        rated: false,
        decision_timeout_ms: 30_000,
      });
      const socket = await dialMatch(gateway, bot.token, matched);
      const end = await play(socket, {
        onTurn: () => {
          decisions += 1;
        },
      });
      expect(end).toMatchObject({ type: "match_end", reason: "complete" });
      expect(lobby.isClosed).toBe(false);
    }
    // The match object records the end from its alarm, just after the last frames: the lobby
    // notices are retired, then the latency samples (one per decision) are stored.
    await eventually(async () => {
      const stats = await api(gateway, "GET", `/api/external-api/bots/${bot.botId}/latency-stats`);
      return (stats.body as { sample_count: number }).sample_count === decisions;
    }, "one latency sample per decision of both matches");
    const list = await api(gateway, "GET", `/api/bots/${bot.botId}/matches`);
    const matches = (list.body as { matches: Array<{ status: string }> }).matches;
    expect(matches.map((m) => m.status)).toEqual(["completed", "completed"]);
    // Finished matches are no longer announced: after a reconnect the only `matched` is the
    // one for a new challenge, made after the (1 ms) settle window has opened.
    lobby.close();
    const again = await openLobby(gateway, bot);
    const next = await api(gateway, "POST", "/api/external-api/challenges/house-bot", {
      body: {},
      token: bot.token,
    });
    const nextId = (next.body as { match_id: string }).match_id;
    await again.lobby.nextOfType("matched", HANG_MS);
    expect(again.lobby.frames.filter((f) => f.type === "matched")).toEqual([
      expect.objectContaining({ match_id: nextId }),
    ]);
    expect(again.lobby.frames.some((f) => "resume" in f)).toBe(false);
    again.lobby.close();
  });

  it("pairs two bots through the matchmaking queue into a rated match they play out", async () => {
    const alpha = await newBot();
    const bravo = await newBot();
    const a = await openLobby(gateway, alpha);
    const b = await openLobby(gateway, bravo);
    const first = await api(gateway, "POST", "/api/external-api/matchmaking/join", {
      token: alpha.token,
    });
    expect(first.body).toMatchObject({ status: "queued", position: 1, rated: true });
    const second = await api(gateway, "POST", "/api/external-api/matchmaking/join", {
      body: {},
      token: bravo.token,
    });
    expect(second.body).toMatchObject({ status: "matched", position: null });
    const ma = await a.lobby.nextOfType("matched", HANG_MS);
    const mb = await b.lobby.nextOfType("matched", HANG_MS);
    expect(ma).toMatchObject({ rated: true, decision_timeout_ms: 30_000, match_id: mb.match_id });
    const [sa, sb] = await Promise.all([
      dialMatch(gateway, alpha.token, ma),
      dialMatch(gateway, bravo.token, mb),
    ]);
    const [ea, eb] = await Promise.all([play(sa), play(sb)]);
    expect(ea?.type).toBe("match_end");
    expect(eb?.type).toBe("match_end");
    for (const bot of [alpha, bravo]) {
      const status = await api(gateway, "GET", "/api/external-api/matchmaking/status", {
        token: bot.token,
      });
      expect((status.body as { status: string }).status).toBe("idle");
    }
    a.lobby.close();
    b.lobby.close();
  });

  it("re-attaches a killed bot through resume:true with a fresh client, and finishes", async () => {
    const bot = await newBot();
    const crashed = await openLobby(gateway, bot);
    const challenge = await api(gateway, "POST", "/api/external-api/challenges/house-bot", {
      token: bot.token,
    });
    expect(challenge.status).toBe(200);
    const matched = await crashed.lobby.nextOfType("matched", HANG_MS);
    const socket = await dialMatch(gateway, bot.token, matched);
    const pending = await socket.nextOfType("turn_request", HANG_MS);
    // The process dies mid-turn: both sockets drop without a close handshake, memory is lost.
    socket.cut();
    crashed.lobby.cut();

    const fresh = await openLobby(gateway, bot);
    const resumed = await fresh.lobby.nextOfType("matched", HANG_MS);
    expect(resumed).toEqual({ ...matched, resume: true });
    const again = await dialMatch(gateway, bot.token, resumed);
    const requestIds: unknown[] = [];
    const end = await play(again, { onTurn: (request) => requestIds.push(request.request_id) });
    expect(requestIds[0]).toBe(pending.request_id);
    expect(end).toMatchObject({ type: "match_end", reason: "complete" });
    fresh.lobby.close();
  });
});
