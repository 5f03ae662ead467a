// Proves tournaments end to end against the real Worker: eight SDK bots (runBot, one lobby
// connection each for the whole run) play a rated 3-round Swiss and then a knockout of
// short matches to the end; the standings are exactly what a recomputation from the stored
// match results gives, and each rated match moved both ratings exactly once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, type Gateway, startGateway } from "../harness/gateway.ts";
import {
  createTournament,
  enterAll,
  newBots,
  type RunningBot,
  recomputePoints,
  SHORT_MATCH,
  startBot,
  startTournament,
  storedMatch,
  storedWinner,
  type TournamentView,
  waitForTournament,
} from "./tournament-bots.ts";

let gateway: Gateway;
let bots: RunningBot[] = [];
beforeAll(async () => {
  gateway = await startGateway({ vars: { WS_CONNECTS_PER_IP_PER_MINUTE: "1000" } });
  bots = (await newBots(gateway, 8, "tour")).map((bot) => startBot(gateway, bot));
  await Promise.all(bots.map((bot) => bot.ready));
});
afterAll(async () => {
  for (const bot of bots) bot.stop();
  await Promise.all(bots.map((bot) => bot.done));
  await gateway?.close();
});

const matchIds = (view: TournamentView) =>
  view.rounds.flatMap((r) => r.tables.flatMap((t) => (t.match_id ? [t.match_id] : [])));

describe("a tournament played by SDK bots through their lobbies", () => {
  it("plays a rated 3-round Swiss to the end, standings as recomputed, ratings moved once per match", async () => {
    const created = await createTournament(gateway, {
      name: "e2e swiss",
      format: "swiss",
      rounds: 3,
      rated: true,
      match_config: SHORT_MATCH,
      check_in_seconds: 10,
    });
    expect(created.status).toBe("scheduled");
    await enterAll(gateway, created.id, bots);
    await startTournament(gateway, created.id);
    const done = await waitForTournament(gateway, created.id, "the Swiss to finish", (v) =>
      ["completed", "cancelled"].includes(v.status),
    );
    expect(done.status).toBe("completed");
    expect(done.rounds).toHaveLength(3);
    for (const round of done.rounds) {
      expect(round.tables).toHaveLength(4);
      for (const table of round.tables) expect(table.match_id).not.toBeNull();
    }
    // No rematch in a Swiss of eight over three rounds.
    const pairs = done.rounds.flatMap((r) => r.tables.map((t) => [...t.seats].sort().join("|")));
    expect(new Set(pairs).size).toBe(pairs.length);

    const { points, buchholz } = await recomputePoints(gateway, done);
    for (const row of done.standings) {
      expect(row.points).toBe(points.get(row.bot_id));
      expect(row.buchholz).toBe(buchholz.get(row.bot_id));
    }
    // Ordered by points, then Buchholz (further tie-breaks decide the rest).
    for (let i = 1; i < done.standings.length; i++) {
      const [prev, row] = [done.standings[i - 1], done.standings[i]];
      if (!prev || !row) continue;
      expect(prev.points >= row.points).toBe(true);
      if (prev.points === row.points) expect(prev.buchholz >= row.buchholz).toBe(true);
    }

    // Every decided match is rated exactly once: each bot's history lists exactly its
    // decided matches of this tournament, and its match count equals that number.
    const ids = matchIds(done);
    const decided = new Map<string, string[]>();
    for (const id of ids) {
      const match = await storedMatch(gateway, id);
      expect(match.rated).toBe(true);
      expect(match.source.startsWith(`tournament:${done.id}:`)).toBe(true);
      if (storedWinner(match) === null) continue;
      for (const p of match.participants)
        decided.set(p.bot_id, [...(decided.get(p.bot_id) ?? []), id]);
    }
    for (const bot of bots) {
      const res = await api(gateway, "GET", `/api/bots/${bot.botId}/rating?history=100`, {
        token: null,
      });
      expect(res.status).toBe(200);
      const rating = res.body as { matches: number; history: { match_id: string }[] };
      const mine = decided.get(bot.botId) ?? [];
      expect(rating.matches).toBe(mine.length);
      expect(rating.history.map((h) => h.match_id).sort()).toEqual([...mine].sort());
    }
    const board = await api(gateway, "GET", "/api/leaderboard?limit=100", { token: null });
    expect(board.status).toBe(200);
    const ranked = (board.body as { entries: { bot_id: string }[] }).entries.map((e) => e.bot_id);
    for (const bot of bots) expect(ranked).toContain(bot.botId);
  });

  it("then plays a knockout to a champion, on the same lobby connections", async () => {
    const created = await createTournament(gateway, {
      name: "e2e knockout",
      format: "knockout",
      match_config: SHORT_MATCH,
      check_in_seconds: 10,
    });
    await enterAll(gateway, created.id, bots);
    await startTournament(gateway, created.id);
    const done = await waitForTournament(gateway, created.id, "the knockout to finish", (v) =>
      ["completed", "cancelled"].includes(v.status),
    );
    expect(done.status).toBe("completed");
    expect(done.rounds.map((r) => r.tables.length)).toEqual([4, 2, 1]);
    // Each round's players are exactly the previous round's winners, and each winner is
    // the stored match's winner (or the better seed when it has none).
    const seed = new Map(done.entrants.map((e) => [e.bot_id, e.seed]));
    for (const round of done.rounds) {
      for (const table of round.tables) {
        const match = await storedMatch(gateway, table.match_id as string);
        const winner = storedWinner(match);
        const [a, b] = table.seats as [string, string];
        const expected =
          winner && winner !== "draw" ? winner : (seed.get(a) ?? 0) < (seed.get(b) ?? 0) ? a : b;
        expect(table.winner).toBe(expected);
      }
      const next = done.rounds.find((r) => r.round === round.round + 1);
      if (next) {
        expect(next.tables.flatMap((t) => t.seats)).toEqual(round.tables.map((t) => t.winner));
      }
    }
    const champion = done.rounds[2]?.tables[0]?.winner;
    expect(done.standings[0]?.bot_id).toBe(champion);
    expect(done.standings[0]?.eliminated_in).toBeNull();
    // One lobby connection per bot for both tournaments, and every match came through it.
    for (const bot of bots) expect(bot.lobbyHellos).toBe(1);
    expect(bots.reduce((sum, bot) => sum + bot.matched.length, 0)).toBe(2 * (12 + 7));
  });
});
