// Proves that an operator on the real `@openclaw/gateway-client` follows a tournament: four
// SDK bots play a rated knockout (two rounds) while the operator receives `botgate.tournament`
// round_started (the round's tables with their match ids), round_ended (the standings) and
// finished (completed, the final standings), each a valid EventFrame of the official schema
// with seq unbroken; `botgate.tournaments.list|get` answer what the HTTP API shows, and
// `botgate.bots.list` carries each bot's rating once its rated matches moved it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, type Gateway, startGateway } from "../harness/gateway.ts";
import { assertOfficial, connectRealClient } from "../harness/operator.ts";
import type { Frame } from "../harness/ws-client.ts";
import {
  createTournament,
  enterAll,
  getTournament,
  newBots,
  SHORT_MATCH,
  startBot,
  startTournament,
} from "./tournament-bots.ts";

let gateway: Gateway;
beforeAll(async () => {
  gateway = await startGateway({
    vars: { OPERATOR_TICK_INTERVAL_MS: "5000", WS_CONNECTS_PER_IP_PER_MINUTE: "1000" },
  });
});
afterAll(async () => {
  await gateway?.close();
});

interface TournamentPayload {
  phase: string;
  tournamentId: string;
  round: number | null;
  roundsPlanned: number | null;
  status: string;
  tables?: Array<{ seats: (string | null)[]; matchId: string | null; status: string }>;
  standings?: Array<{ rank: number; botId: string; eliminatedIn: number | null }>;
}

const tournamentEvent =
  (id: string, phase: string, round: number | null = null) =>
  (e: Frame) => {
    if (e.event !== "botgate.tournament") return false;
    const payload = e.payload as TournamentPayload;
    return payload.tournamentId === id && payload.phase === phase && payload.round === round;
  };

describe("an operator following a tournament", () => {
  it("receives round_started, round_ended and finished, and reads the tournament and ratings", async () => {
    const op = await connectRealClient(gateway, { token: gateway.adminToken });
    const bots = (await newBots(gateway, 4, "op-ko")).map((bot) => startBot(gateway, bot));
    try {
      await Promise.all(bots.map((bot) => bot.ready));
      const created = await createTournament(gateway, {
        name: "operator knockout",
        format: "knockout",
        rated: true,
        match_config: SHORT_MATCH,
        check_in_seconds: 30,
      });
      await enterAll(gateway, created.id, bots);
      await startTournament(gateway, created.id);

      const started = await op.waitFor(
        tournamentEvent(created.id, "round_started", 1),
        60_000,
        "round 1 started",
      );
      const round1 = started.payload as TournamentPayload;
      expect(round1).toMatchObject({ status: "running", roundsPlanned: 2 });
      expect(round1.tables).toHaveLength(2);
      for (const table of round1.tables ?? []) {
        expect(table.status).toBe("playing");
        expect(table.matchId).toEqual(expect.any(String));
      }
      const ended = await op.waitFor(
        tournamentEvent(created.id, "round_ended", 1),
        90_000,
        "round 1 ended",
      );
      expect((ended.payload as TournamentPayload).standings).toHaveLength(4);
      await op.waitFor(tournamentEvent(created.id, "round_started", 2), 60_000, "round 2 started");
      const finished = await op.waitFor(
        tournamentEvent(created.id, "finished"),
        90_000,
        "the tournament finished",
      );
      const final = finished.payload as TournamentPayload;
      expect(final.status).toBe("completed");

      // The event's standings are the tournament's own.
      const view = await getTournament(gateway, created.id);
      expect(final.standings?.map((s) => s.botId)).toEqual(view.standings.map((s) => s.bot_id));

      const list = await op.request<{
        tournaments: Array<{ tournamentId: string; status: string }>;
      }>("botgate.tournaments.list", { status: "completed" });
      expect(list.tournaments.find((t) => t.tournamentId === created.id)?.status).toBe("completed");
      const got = await op.request<{
        tournamentId: string;
        rounds: Array<{ round: number; tables: Array<{ matchId: string | null }> }>;
        standings: Array<{ botId: string }>;
      }>("botgate.tournaments.get", { tournamentId: created.id });
      expect(got.tournamentId).toBe(created.id);
      expect(got.rounds.map((r) => r.tables.map((t) => t.matchId))).toEqual(
        view.rounds.map((r) => r.tables.map((t) => t.match_id)),
      );
      expect(got.standings.map((s) => s.botId)).toEqual(view.standings.map((s) => s.bot_id));
      await expect(
        op.request("botgate.tournaments.get", { tournamentId: crypto.randomUUID() }),
      ).rejects.toThrow(/no such tournament/);

      // Each bot's rating as the HTTP API has it (a rated knockout moved them), null if never rated.
      const listed = await op.request<{
        bots: Array<{ id: string; rating: { rating: number; matches: number } | null }>;
      }>("botgate.bots.list");
      let rated = 0;
      for (const bot of bots) {
        const res = await api(gateway, "GET", `/api/bots/${bot.botId}/rating`, { token: null });
        const http = res.body as { rating: number; matches: number };
        const rating = listed.bots.find((b) => b.id === bot.botId)?.rating ?? null;
        if (http.matches === 0) expect(rating).toBeNull();
        else expect(rating).toMatchObject({ rating: http.rating, matches: http.matches });
        if (rating) rated += 1;
      }
      expect(rated).toBeGreaterThan(0);

      let last = 0;
      for (const event of op.events) {
        assertOfficial("EventFrame", event, `event ${String(event.event)}`);
        expect(event.seq, `seq after ${last}`).toBe(last + 1);
        last = event.seq as number;
      }
      expect(op.gaps).toEqual([]);
    } finally {
      for (const bot of bots) bot.stop();
      await Promise.allSettled(bots.map((bot) => bot.done));
      await op.stop();
    }
  });
});
