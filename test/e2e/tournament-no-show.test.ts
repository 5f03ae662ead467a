// Proves the rule for an entrant that is checked in (its lobby is live at round start, so it
// is paired and its `matched` arrives) but never dials its seat: the match is cancelled at
// its connection wait and the table is void — 0–0 in a round-robin, and in a knockout the
// better seed goes on (docs/tournaments.md, "Scoring" and "Knockout ties"). Not a check-in
// forfeit: the entrant was there when the round started.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Gateway, startGateway } from "../harness/gateway.ts";
import type { TestSocket } from "../harness/ws-client.ts";
import { openLobby } from "./lobby-bot.ts";
import {
  createTournament,
  enterAll,
  newBots,
  type RunningBot,
  SHORT_MATCH,
  startBot,
  startTournament,
  storedMatch,
  waitForTournament,
} from "./tournament-bots.ts";

let gateway: Gateway;
const running: RunningBot[] = [];
const lobbies: TestSocket[] = [];
beforeAll(async () => {
  gateway = await startGateway({ vars: { WS_CONNECTS_PER_IP_PER_MINUTE: "1000" } });
});
afterAll(async () => {
  for (const bot of running) bot.stop();
  await Promise.allSettled(running.map((bot) => bot.done));
  for (const lobby of lobbies) lobby.close();
  await gateway?.close();
});

/** A short wait for the seats to dial, so the no-show's match is cancelled quickly. */
const NO_SHOW_MATCH = { ...SHORT_MATCH, connection_wait_ms: 2000 };

describe("an entrant checked in whose seat never binds", () => {
  it("voids the table: 0–0 in a round-robin, the better seed on in a knockout", async () => {
    const [ghost, player] = await newBots(gateway, 2, "no-show");
    if (!ghost || !player) throw new Error("no bots");
    // The ghost holds a live lobby (it answers every ping) but never dials a match.
    const { lobby } = await openLobby(gateway, ghost);
    lobbies.push(lobby);
    const sdk = startBot(gateway, player);
    running.push(sdk);
    await sdk.ready;

    const rr = await createTournament(gateway, {
      name: "e2e no-show rr",
      format: "round_robin",
      match_config: NO_SHOW_MATCH,
      check_in_seconds: 30,
    });
    // The ghost enters first: seed 1.
    await enterAll(gateway, rr.id, [ghost, player]);
    await startTournament(gateway, rr.id);
    const matched = await lobby.nextOfType("matched", 30_000);
    const done = await waitForTournament(gateway, rr.id, "the round-robin to finish", (v) =>
      ["completed", "cancelled"].includes(v.status),
    );
    expect(done.status).toBe("completed");
    const table = done.rounds[0]?.tables[0];
    // Checked in, so paired and dispatched (not a check-in forfeit), then void.
    expect(table).toMatchObject({ kind: "void", winner: null, points: [0, 0] });
    expect(table?.match_id).toBe(matched.match_id);
    expect(sdk.matched).toContain(table?.match_id);
    const stored = await storedMatch(gateway, String(table?.match_id));
    expect(stored.status).toBe("cancelled");
    expect(done.standings.map((s) => [s.bot_id, s.points])).toEqual([
      [ghost.botId, 0],
      [player.botId, 0],
    ]);

    const ko = await createTournament(gateway, {
      name: "e2e no-show ko",
      format: "knockout",
      match_config: NO_SHOW_MATCH,
      check_in_seconds: 30,
    });
    await enterAll(gateway, ko.id, [ghost, player]);
    await startTournament(gateway, ko.id);
    await lobby.nextOfType("matched", 30_000);
    const final = await waitForTournament(gateway, ko.id, "the knockout to finish", (v) =>
      ["completed", "cancelled"].includes(v.status),
    );
    expect(final.status).toBe("completed");
    expect(final.rounds[0]?.tables[0]).toMatchObject({ kind: "void", winner: ghost.botId });
    expect(final.standings[0]?.bot_id).toBe(ghost.botId);
  });
});
