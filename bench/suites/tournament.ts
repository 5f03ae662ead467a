/**
 * Tournament benchmark: 64 SDK bots (`runBot`, one lobby each, instant shove bots so a match
 * lasts a hand or two) play a round-robin (63 rounds of 32 matches) against the real Worker
 * on a loopback port; the first `TOURNAMENT_BENCH_ROUNDS` rounds are measured, then the
 * tournament is cancelled. Figures: rounds per second, matches per second, and the round
 * turnaround — the last `match_end` of a round received by a bot → every bot's next-round
 * `matched` received — p50/p99 over the rounds. Bounded by a time budget; loopback only.
 */
import { runBot } from "../../src/client/run-bot.ts";
import type { Bot } from "../../src/client/types.ts";
import { api, createBotWithToken, startGateway } from "../../test/harness/gateway.ts";
import { type Figure, percentile, pool, round, type Suite, sleep } from "../lib.ts";

const BOTS = Number(process.env.TOURNAMENT_BENCH_BOTS ?? 64);
const ROUNDS = Number(process.env.TOURNAMENT_BENCH_ROUNDS ?? 10);
const TIME_BUDGET_MS = Number(process.env.TOURNAMENT_BENCH_BUDGET_MS ?? 180_000);

/** Short matches: tiny stacks, no jitter, the contract's message limit lifted for instant bots. */
const MATCH_CONFIG = {
  starting_stack: 100,
  small_blind: 10,
  big_blind: 20,
  jitter_min_ms: 0,
  jitter_max_ms: 0,
  hand_cap: 20,
  max_messages_per_second: 1000,
};

const shove: Bot = {
  decide: (turn) =>
    turn.valid_actions.includes("raise")
      ? { action: "raise", amount: turn.state.max_raise }
      : { action: turn.valid_actions.includes("call") ? "call" : "check" },
};

interface View {
  status: string;
  rounds: { round: number; tables: { status: string; match_id: string | null }[] }[];
}

const METHOD = `${BOTS} bots (botgate/client runBot, one lobby socket each, instant all-in bots, jitter off, 100-chip stacks) enter one round-robin (${BOTS - 1} rounds of ${BOTS / 2} matches); the clock runs from the first matched frame to the last match_end of round ${ROUNDS}, then the tournament is cancelled`;
const TURNAROUND_METHOD = `client-side, per round after the first: the last match_end of the previous round received by either of its bots → the last of the round's ${BOTS} matched frames received on the lobbies; includes the match's registry write and match-end hook, the tournament's pass started by the last report (scoring, the check-in of ${BOTS} lobbies by RPC, pairing) and the round's ${BOTS / 2} matches dispatched in one batch (goal < 250 ms)`;

const TO_FIRST_METHOD =
  "as the turnaround, but to the first of the next round's matched frames: everything but the spread of the round's matched notices";

const tournament: Suite = async () => {
  const deadline = Date.now() + TIME_BUDGET_MS;
  const gateway = await startGateway({ vars: { WS_CONNECTS_PER_IP_PER_MINUTE: "1000000" } });
  const stop = new AbortController();
  const runs: Promise<unknown>[] = [];
  try {
    const bots = await pool(BOTS, 8, (i) => createBotWithToken(gateway, `bench-tour-${i}`));
    const matchedAt = new Map<string, number[]>();
    const endedAt = new Map<string, number>();
    let firstMatched = Number.POSITIVE_INFINITY;
    let ready = 0;
    for (const bot of bots) {
      runs.push(
        runBot(
          () => ({
            ...shove,
            onMatchEnd: (end) => {
              endedAt.set(
                end.match_id,
                Math.max(endedAt.get(end.match_id) ?? 0, performance.now()),
              );
            },
          }),
          {
            url: gateway.url.href,
            botId: bot.botId,
            token: bot.token,
            signal: stop.signal,
            log: (event, data) => {
              if (event === "lobby_ready") ready += 1;
              if (event !== "matched" || data?.resume) return;
              const now = performance.now();
              firstMatched = Math.min(firstMatched, now);
              const id = String(data?.match_id);
              matchedAt.set(id, [...(matchedAt.get(id) ?? []), now]);
            },
          },
        ),
      );
    }
    while (ready < BOTS) {
      if (Date.now() > deadline) throw new Error("bench: lobbies not all up");
      await sleep(50);
    }
    const created = await api(gateway, "POST", "/api/tournaments", {
      body: {
        name: "bench round-robin",
        format: "round_robin",
        max_entrants: BOTS,
        match_config: MATCH_CONFIG,
        starts_at: new Date(Date.now() + 3600_000).toISOString(),
        check_in_seconds: 30,
      },
    });
    if (created.status !== 201) throw new Error(`bench: create ${created.status}`);
    const id = (created.body as { id: string }).id;
    await pool(BOTS, 16, async (i) => {
      const res = await api(gateway, "POST", `/api/external-api/tournaments/${id}/entries`, {
        token: bots[i]?.token ?? "",
      });
      if (res.status !== 201)
        throw new Error(`bench: entry ${res.status} ${JSON.stringify(res.body)}`);
    });
    await api(gateway, "POST", `/api/tournaments/${id}/start`);
    const measured = Math.min(ROUNDS, BOTS - 1);
    let view: View;
    for (;;) {
      view = (await api(gateway, "GET", `/api/tournaments/${id}`, { token: null })).body as View;
      if (view.status !== "running" && view.status !== "scheduled") break;
      if ((view.rounds[measured - 1]?.tables ?? []).every((t) => t.status === "done")) {
        if ((view.rounds[measured - 1]?.tables.length ?? 0) > 0) break;
      }
      if (Date.now() > deadline) {
        throw new Error(`bench: overran its budget in round ${view.rounds.length} of ${measured}`);
      }
      await sleep(100);
    }
    await api(gateway, "POST", `/api/tournaments/${id}/cancel`);
    const rounds = view.rounds.slice(0, measured);
    if (rounds.length < measured)
      throw new Error(`bench: the round-robin stopped (${view.status})`);
    const ids = (r: View["rounds"][number]) =>
      r.tables.flatMap((t) => (t.match_id ? [t.match_id] : []));
    const lastEnd = (r: View["rounds"][number]) =>
      Math.max(...ids(r).map((m) => endedAt.get(m) ?? Number.NaN));
    const turnaround: number[] = [];
    const toFirst: number[] = [];
    for (let i = 1; i < rounds.length; i++) {
      const previous = rounds[i - 1];
      const current = rounds[i];
      if (!previous || !current) continue;
      const lastMatched = Math.max(
        ...ids(current).flatMap((m) => matchedAt.get(m) ?? [Number.NaN]),
      );
      const firstMatchedOfRound = Math.min(
        ...ids(current).flatMap((m) => matchedAt.get(m) ?? [Number.NaN]),
      );
      turnaround.push(lastMatched - lastEnd(previous));
      toFirst.push(firstMatchedOfRound - lastEnd(previous));
    }
    const last = rounds[rounds.length - 1];
    const finished = last ? lastEnd(last) : Number.NaN;
    const matches = rounds.reduce((sum, r) => sum + ids(r).length, 0);
    const seconds = (finished - firstMatched) / 1000;
    const figure = (
      name: string,
      value: number,
      unit: string,
      better: Figure["better"],
      method: string,
    ): Figure => ({
      suite: "tournament",
      figure: name,
      value: round(value, value < 10 ? 2 : 1),
      unit,
      ...(better ? { better } : {}),
      method,
    });
    return [
      figure(
        `rounds per second (${rounds.length} rounds)`,
        rounds.length / seconds,
        "rounds/s",
        "higher",
        METHOD,
      ),
      figure(
        `matches per second (${matches} matches)`,
        matches / seconds,
        "matches/s",
        "higher",
        METHOD,
      ),
      figure("round turnaround p50", percentile(turnaround, 50), "ms", "lower", TURNAROUND_METHOD),
      figure("round turnaround p99", percentile(turnaround, 99), "ms", "lower", TURNAROUND_METHOD),
      figure(
        "last match_end → first next-round matched p50",
        percentile(toFirst, 50),
        "ms",
        "lower",
        TO_FIRST_METHOD,
      ),
    ];
  } finally {
    stop.abort();
    await Promise.allSettled(runs);
    await gateway.close();
  }
};

export default tournament;
