// Proves the TournamentObject inside workerd: a Swiss run through check-in, dispatch (the
// `matched` frames on the lobbies), scoring and the next round, with the object evicted
// mid-round and match-end notifications delivered twice; an absent entrant forfeiting
// after the check-in window; a dispatch cut short by a restart adopted instead of
// repeated; a restart of every object mid-round; a lost notification made up for by the
// safety poll; and a start with one entrant cancelled. The last report of a round moves
// the tournament on itself (no timer), and racing reports and alarms dispatch each table once.
import {
  abortAllDurableObjects,
  evictDurableObject,
  runDurableObjectAlarm,
  runInDurableObject,
} from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { tableKey } from "../../src/tournaments/round-dispatch";
import type { TournamentView } from "../../src/tournaments/tournament";
import { connectLobby, newBot, type TestSocket } from "./lobby-helpers";
import {
  closeCheckIn,
  createTournament,
  enter,
  IDLE_MATCH,
  settle,
  startNow,
  tournamentStub,
  wonReport,
} from "./tournament-helpers";

type Bot = Awaited<ReturnType<typeof newBot>>;

async function field(n: number, online = n): Promise<{ bots: Bot[]; lobbies: TestSocket[] }> {
  const bots: Bot[] = [];
  const lobbies: TestSocket[] = [];
  for (let i = 0; i < n; i++) {
    const bot = await newBot();
    bots.push(bot);
    if (i < online) lobbies.push((await connectLobby(bot)).client);
  }
  return { bots, lobbies };
}

const tables = (view: TournamentView, round: number) =>
  view.rounds.find((r) => r.round === round)?.tables ?? [];
const inPlay = (round: number) => (view: TournamentView) =>
  tables(view, round).length > 0 && tables(view, round).every((t) => t.status === "playing");

/** Reports every playing table of `round` as won by seat 0, each delivered twice. */
async function finishRound(id: string, view: TournamentView, round: number): Promise<void> {
  for (const table of tables(view, round)) {
    if (table.status !== "playing" || !table.match_id) continue;
    const report = wonReport(table.match_id, table.seats as [string, string], 0);
    await tournamentStub(id).matchEnded(report);
    await tournamentStub(id).matchEnded(report);
  }
}

async function sourceCount(key: string): Promise<number> {
  const row = await env.DB.prepare("SELECT count(*) AS n FROM matches WHERE source = ?")
    .bind(key)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

describe("TournamentObject", () => {
  it("runs a Swiss through check-in, dispatch and scoring, evicted mid-round, reports counted once", async () => {
    const { bots, lobbies } = await field(4);
    const t = await createTournament({
      name: "w swiss",
      format: "swiss",
      rounds: 2,
      match_config: IDLE_MATCH,
    });
    for (const bot of bots) expect((await enter(t.id, bot.token)).status).toBe(201);
    await startNow(t.id);
    const round1 = await settle(t.id, "round 1 dispatched", inPlay(1));
    expect(round1.status).toBe("running");
    expect(tables(round1, 1)).toHaveLength(2);
    // Each entrant got its seat on its lobby.
    const matchIds = tables(round1, 1).map((t) => t.match_id);
    for (const lobby of lobbies) {
      const matched = await lobby.next("the matched notice");
      expect(matched.type).toBe("matched");
      expect(matchIds).toContain(matched.match_id);
      expect(matched.decision_timeout_ms).toBe(5000);
    }

    await evictDurableObject(tournamentStub(t.id));
    await finishRound(t.id, round1, 1);
    const round2 = await settle(t.id, "round 2 dispatched", inPlay(2));
    // Round-1 winners (seat 0 of each table) meet each other, losers too; nobody twice.
    const winners = tables(round1, 1).map((t) => t.seats[0]);
    const top = tables(round2, 2).find((t) => winners.includes(t.seats[0] ?? ""));
    expect([...(top?.seats ?? [])].sort()).toEqual([...winners].sort());
    expect(round2.standings.filter((s) => s.points === 1)).toHaveLength(2);

    await finishRound(t.id, round2, 2);
    const done = await settle(t.id, "the tournament to finish", (v) => v.status === "completed");
    expect(done.standings.map((s) => s.points)).toEqual([2, 1, 1, 0]);
    const row = await env.DB.prepare("SELECT status, ended_at FROM tournaments WHERE id = ?")
      .bind(t.id)
      .first<{ status: string; ended_at: string | null }>();
    expect(row?.status).toBe("completed");
    expect(row?.ended_at).not.toBeNull();
    for (const lobby of lobbies) lobby.close();
  });

  it("dispatches the next round from the last report itself, once, with reports and alarms racing", async () => {
    const { bots, lobbies } = await field(6);
    const t = await createTournament({
      name: "w race",
      format: "round_robin",
      match_config: IDLE_MATCH,
    });
    for (const bot of bots) await enter(t.id, bot.token);
    await startNow(t.id);
    const round1 = await settle(t.id, "round 1 dispatched", inPlay(1));
    for (const lobby of lobbies) expect((await lobby.next("round 1 matched")).type).toBe("matched");
    // Every report twice and alarms at the same time: the passes run one at a time, so no
    // table of round 2 is dispatched twice.
    const stub = tournamentStub(t.id);
    const reports = tables(round1, 1).map((table) =>
      wonReport(table.match_id ?? "", table.seats as [string, string], 0),
    );
    const last = reports.pop();
    if (!last) throw new Error("no tables");
    await Promise.all([
      ...reports.flatMap((report) => [stub.matchEnded(report), stub.matchEnded(report)]),
      runDurableObjectAlarm(stub),
      runDurableObjectAlarm(stub),
    ]);
    // The last report, then its backstop alarm taken away before any other event can run:
    // the pass that the report started dispatches round 2 by itself, with no timer.
    await runInDurableObject(stub, async (instance, state) => {
      await Promise.all([instance.matchEnded(last), instance.matchEnded(last)]);
      await state.storage.deleteAlarm();
    });
    const deadline = Date.now() + 10_000;
    let view = await stub.view();
    while (!(view && inPlay(2)(view))) {
      if (Date.now() > deadline) throw new Error(`round 2 not dispatched: ${JSON.stringify(view)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
      view = await stub.view();
    }
    for (const table of tables(view, 2)) {
      expect(await sourceCount(tableKey(t.id, 2, table.table))).toBe(1);
    }
    const round2 = new Set(tables(view, 2).map((table) => table.match_id));
    for (const lobby of lobbies) {
      const matched = await lobby.next("round 2 matched");
      expect(round2.has(matched.match_id as string)).toBe(true);
    }
    for (const lobby of lobbies) lobby.close();
  });

  it("waits out the check-in window for an absent entrant, then scores its forfeit", async () => {
    const { bots, lobbies } = await field(4, 3);
    const t = await createTournament({
      name: "w rr",
      format: "round_robin",
      match_config: IDLE_MATCH,
    });
    for (const bot of bots) await enter(t.id, bot.token);
    await startNow(t.id);
    const waiting = await tournamentStub(t.id).view();
    expect(waiting?.rounds[0]?.status).toBe("check_in");
    expect(waiting?.rounds[0]?.tables).toEqual([]);

    await closeCheckIn(t.id);
    const round1 = await settle(t.id, "round 1 paired", (v) => tables(v, 1).length === 2);
    const absent = bots[3]?.botId;
    const forfeit = tables(round1, 1).find((t) => t.seats.includes(absent ?? ""));
    expect(forfeit).toMatchObject({ status: "done", kind: "forfeit", match_id: null });
    expect(forfeit?.winner).not.toBe(absent);
    expect(tables(round1, 1).filter((t) => t.status === "playing")).toHaveLength(1);
    for (const lobby of lobbies) lobby.close();
  });

  it("adopts the match of a dispatch cut short instead of dispatching the table again", async () => {
    const { bots, lobbies } = await field(2);
    const t = await createTournament({
      name: "w ko",
      format: "knockout",
      match_config: IDLE_MATCH,
    });
    for (const bot of bots) await enter(t.id, bot.token);
    // A dispatch for the table went through, but the object stopped before storing its answer.
    const key = tableKey(t.id, 1, 1);
    await runInDurableObject(tournamentStub(t.id), (_i, state) => {
      state.storage.sql.exec("UPDATE state SET spec = json_set(spec, '$.starts_at', 0)");
    });
    await settle(t.id, "round 1 to be dispatched", inPlay(1));
    const first = (await tournamentStub(t.id).view())?.rounds[0]?.tables[0]?.match_id;
    await runInDurableObject(tournamentStub(t.id), (_i, state) => {
      state.storage.sql.exec("UPDATE tables SET status = 'dispatching', match_id = NULL");
    });
    await evictDurableObject(tournamentStub(t.id));
    const adopted = await settle(t.id, "the table adopted", inPlay(1));
    expect(tables(adopted, 1)[0]?.match_id).toBe(first);
    expect(await sourceCount(key)).toBe(1);

    // A dispatch that never reached the registry (its object created, no rows) is made again, once.
    await runInDurableObject(tournamentStub(t.id), (_i, state) => {
      state.storage.sql.exec("UPDATE tables SET status = 'dispatching', match_id = NULL");
    });
    await env.DB.batch([
      env.DB.prepare("DELETE FROM participants WHERE match_id = ?").bind(first ?? ""),
      env.DB.prepare("DELETE FROM matches WHERE id = ?").bind(first ?? ""),
    ]);
    await evictDurableObject(tournamentStub(t.id));
    const again = await settle(t.id, "the table dispatched again", inPlay(1));
    expect(tables(again, 1)[0]?.match_id).not.toBe(first);
    expect(await sourceCount(key)).toBe(1);
    for (const lobby of lobbies) lobby.close();
  });

  it("resumes the round from storage after every object restarted", async () => {
    const { bots, lobbies } = await field(2);
    const t = await createTournament({
      name: "w restart",
      format: "knockout",
      match_config: IDLE_MATCH,
    });
    for (const bot of bots) await enter(t.id, bot.token);
    await startNow(t.id);
    const round1 = await settle(t.id, "round 1 dispatched", inPlay(1));
    await abortAllDurableObjects();
    await finishRound(t.id, round1, 1);
    const done = await settle(t.id, "the final scored", (v) => v.status === "completed");
    expect(done.standings[0]?.bot_id).toBe(tables(round1, 1)[0]?.seats[0]);
    expect(await sourceCount(tableKey(t.id, 1, 1))).toBe(1);
    for (const lobby of lobbies) lobby.close();
  });

  it("scores a match whose end notification never came, from the registry (the safety poll)", async () => {
    const { bots, lobbies } = await field(2);
    const t = await createTournament({
      name: "w poll",
      format: "knockout",
      match_config: IDLE_MATCH,
    });
    for (const bot of bots) await enter(t.id, bot.token);
    await startNow(t.id);
    const round1 = await settle(t.id, "round 1 dispatched", inPlay(1));
    const table = tables(round1, 1)[0];
    const matchId = table?.match_id ?? "";
    // The match ended and was recorded, but the tournament was never told.
    const report = wonReport(matchId, table?.seats as [string, string], 1);
    await env.DB.batch([
      env.DB.prepare(
        "UPDATE matches SET status = 'completed', ended_at = ?, result = ? WHERE id = ?",
      ).bind(new Date().toISOString(), JSON.stringify(report.match_end), matchId),
      ...report.seats.map((seat) =>
        env.DB.prepare(
          "UPDATE participants SET net_chips = ? WHERE match_id = ? AND seat = ?",
        ).bind(seat.net_chips, matchId, seat.seat),
      ),
    ]);
    await runInDurableObject(tournamentStub(t.id), (_i, state) => {
      state.storage.sql.exec("UPDATE state SET last_poll_at = 0");
    });
    const done = await settle(
      t.id,
      "the final scored from the registry",
      (v) => v.status === "completed",
    );
    expect(tables(done, 1)[0]).toMatchObject({ kind: "played", winner: table?.seats[1] });
    for (const lobby of lobbies) lobby.close();
  });

  it("cancels a tournament with fewer than two entrants at its start", async () => {
    const bot = await newBot();
    const t = await createTournament({ name: "w lonely", format: "swiss", rounds: 3 });
    await enter(t.id, bot.token);
    await startNow(t.id);
    const view = await settle(t.id, "the cancel", (v) => v.status === "cancelled");
    expect(view.cancel_reason).toBe("not_enough_entrants");
    expect(view.rounds).toEqual([]);
    const row = await env.DB.prepare("SELECT status FROM tournaments WHERE id = ?")
      .bind(t.id)
      .first<{ status: string }>();
    expect(row?.status).toBe("cancelled");
  });
});
