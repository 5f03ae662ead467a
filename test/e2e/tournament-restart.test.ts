// Proves a tournament survives what a match survives: its object evicted in the middle of
// one round and the whole runtime restarted in the middle of another, it still finishes
// with exactly one match per table (none dispatched twice); and a bot whose lobby is down
// when a round starts forfeits that round and plays the next.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, type Gateway, startGateway } from "../harness/gateway.ts";
import {
  createTournament,
  enterAll,
  newBots,
  type RunningBot,
  SHORT_MATCH,
  slowCaller,
  startBot,
  startTournament,
  type TournamentView,
  waitForTournament,
} from "./tournament-bots.ts";

let gateway: Gateway;
const running: RunningBot[] = [];
beforeAll(async () => {
  gateway = await startGateway({ vars: { WS_CONNECTS_PER_IP_PER_MINUTE: "1000" } });
});
afterAll(async () => {
  for (const bot of running) bot.stop();
  await Promise.all(running.map((bot) => bot.done));
  await gateway?.close();
});

const playing = (round: number) => (view: TournamentView) =>
  view.current_round === round &&
  (view.rounds.find((r) => r.round === round)?.tables.some((t) => t.status === "playing") ?? false);

/** Every match any of the bots played for the tournament, with its source, from the registry. */
async function tournamentMatches(bots: readonly RunningBot[], tournamentId: string) {
  const found = new Map<string, string>();
  for (const bot of bots) {
    const res = await api(gateway, "GET", `/api/bots/${bot.botId}/matches?limit=100`);
    const { matches } = res.body as { matches: { match_id: string; source: string }[] };
    for (const m of matches) {
      if (m.source.startsWith(`tournament:${tournamentId}:`)) found.set(m.match_id, m.source);
    }
  }
  return found;
}

describe("tournaments across evictions and restarts", () => {
  it("finishes a round-robin with one match per table after an eviction and a runtime restart", async () => {
    const bots = (await newBots(gateway, 4, "restart")).map((bot) =>
      startBot(gateway, bot, slowCaller(15)),
    );
    running.push(...bots);
    await Promise.all(bots.map((bot) => bot.ready));
    const created = await createTournament(gateway, {
      name: "e2e restart",
      format: "round_robin",
      match_config: { ...SHORT_MATCH, starting_stack: 1000, hand_cap: 25 },
      check_in_seconds: 30,
    });
    await enterAll(gateway, created.id, bots);
    await startTournament(gateway, created.id);

    await waitForTournament(gateway, created.id, "round 1 in play", playing(1));
    await gateway.evict("TOURNAMENT", created.id);

    await waitForTournament(gateway, created.id, "round 2 in play", playing(2));
    // Same configuration, fresh runtime: every socket and every object's memory are gone.
    await gateway.harness.update((options) => options);

    const done = await waitForTournament(
      gateway,
      created.id,
      "the round-robin to finish",
      (v) => ["completed", "cancelled"].includes(v.status),
      120_000,
    );
    expect(done.status).toBe("completed");
    expect(done.rounds.map((r) => r.tables.length)).toEqual([2, 2, 2]);
    const tableMatches = done.rounds.flatMap((r) => r.tables.map((t) => t.match_id));
    expect(tableMatches.every((id) => id !== null)).toBe(true);
    expect(new Set(tableMatches).size).toBe(6);
    // The registry holds exactly those six: no table was dispatched twice.
    const stored = await tournamentMatches(bots, created.id);
    expect([...stored.keys()].sort()).toEqual([...tableMatches].sort());
    expect(new Set(stored.values()).size).toBe(6);
    // Everyone met everyone once.
    const pairs = done.rounds.flatMap((r) => r.tables.map((t) => [...t.seats].sort().join("|")));
    expect(new Set(pairs).size).toBe(6);
  });

  it("forfeits a bot whose lobby is down at round start, then pairs it in the next round", async () => {
    const [late, ...others] = await newBots(gateway, 4, "absent");
    if (!late) throw new Error("no bot");
    const present = others.map((bot) => startBot(gateway, bot));
    running.push(...present);
    await Promise.all(present.map((bot) => bot.ready));
    const created = await createTournament(gateway, {
      name: "e2e absent",
      format: "swiss",
      rounds: 2,
      match_config: SHORT_MATCH,
      check_in_seconds: 1,
    });
    await enterAll(gateway, created.id, [late, ...others]);
    await startTournament(gateway, created.id);

    const paired = await waitForTournament(
      gateway,
      created.id,
      "round 1 paired",
      (v) => (v.rounds[0]?.tables.length ?? 0) > 0,
    );
    const absence = paired.rounds[0]?.tables.find((t) => t.seats[0] === late.botId);
    expect(absence).toMatchObject({
      seats: [late.botId, null],
      kind: "forfeit",
      winner: null,
      points: [0, 0],
    });
    // The other three: one match (in play, or already over: a short match between two
    // instant bots can end before this read) and a bye.
    const tables = paired.rounds[0]?.tables ?? [];
    expect(
      tables
        .map((t) => t.kind)
        .filter((k) => k === "bye" || k === "forfeit")
        .sort(),
    ).toEqual(["bye", "forfeit"]);
    const match = tables.find((t) => t.kind !== "bye" && t.kind !== "forfeit");
    expect(match?.match_id).toEqual(expect.any(String));
    expect([null, "played", "draw"]).toContain(match?.kind);

    const lateBot = startBot(gateway, late);
    running.push(lateBot);
    await lateBot.ready;
    const done = await waitForTournament(gateway, created.id, "the Swiss to finish", (v) =>
      ["completed", "cancelled"].includes(v.status),
    );
    expect(done.status).toBe("completed");
    const second = done.rounds[1]?.tables.find((t) => t.seats.includes(late.botId));
    expect(second?.match_id).not.toBeNull();
    expect(["played", "draw"]).toContain(second?.kind);
    expect(lateBot.matched).toContain(second?.match_id);
    const row = done.standings.find((s) => s.bot_id === late.botId);
    expect(row).toMatchObject({ forfeits: 1, played: 1 });
  });
});
