/**
 * Helpers of the tournament e2e tests: SDK bots (`runBot`) that shove every hand so short
 * matches end in a few hands, counted lobby connections, a waiting loop on a tournament's
 * state, and an independent recomputation of standings from the stored match results.
 */

import type { Bot, RunBotResult } from "../../src/client/index.ts";
import { runBot } from "../../src/client/run-bot.ts";
import { api, createBotWithToken, type Gateway } from "../harness/gateway.ts";

/** Short matches with instant bots: small stacks, no jitter, the rate limit lifted. */
export const SHORT_MATCH = {
  starting_stack: 200,
  small_blind: 10,
  big_blind: 20,
  jitter_min_ms: 0,
  jitter_max_ms: 0,
  hand_cap: 40,
  max_messages_per_second: 1000,
};

/** Raises all in whenever it may, otherwise calls or checks. */
export const shover: Bot = {
  decide: (turn) => {
    if (turn.valid_actions.includes("raise")) return { action: "raise", amount: 1_000_000 };
    return { action: turn.valid_actions.includes("call") ? "call" : "check" };
  },
};

export interface RunningBot {
  botId: string;
  token: string;
  name: string;
  /** How many times the lobby said hello (1 = one connection for the whole run). */
  lobbyHellos: number;
  matched: string[];
  ready: Promise<void>;
  done: Promise<RunBotResult>;
  stop(): void;
}

/** Checks or calls after `delayMs`, so a match lasts until its hand cap (long enough to interrupt). */
export function slowCaller(delayMs: number): Bot {
  return {
    decide: async (turn) => {
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      return { action: turn.valid_actions.includes("check") ? "check" : "call" };
    },
  };
}

/** Starts one SDK bot on its own lobby; resolves `ready` at its first hello. */
export function startBot(
  gateway: Gateway,
  bot: { botId: string; token: string; name: string },
  play: Bot = shover,
): RunningBot {
  const stop = new AbortController();
  let markReady!: () => void;
  const running: RunningBot = {
    ...bot,
    lobbyHellos: 0,
    matched: [],
    ready: new Promise<void>((resolve) => {
      markReady = resolve;
    }),
    done: Promise.resolve({ reason: "aborted", matches: [] }),
    stop: () => stop.abort(),
  };
  running.done = runBot(() => play, {
    url: gateway.url.href,
    botId: bot.botId,
    token: bot.token,
    signal: stop.signal,
    log: (event, data) => {
      if (event === "lobby_ready") {
        running.lobbyHellos += 1;
        markReady();
      } else if (event === "matched") {
        running.matched.push(String(data?.match_id));
      }
    },
  });
  return running;
}

let counter = 0;
/** `n` new external bots with tokens (not started). */
export async function newBots(gateway: Gateway, n: number, prefix: string) {
  return Promise.all(
    Array.from({ length: n }, async () => {
      const name = `${prefix}-${++counter}-${Date.now()}`;
      return { ...(await createBotWithToken(gateway, name)), name };
    }),
  );
}

export interface TableView {
  table: number;
  seats: (string | null)[];
  status: string;
  match_id: string | null;
  kind: string | null;
  winner: string | null;
  points: number[] | null;
}

export interface TournamentView {
  id: string;
  status: string;
  format: string;
  rounds_planned: number | null;
  current_round: number | null;
  cancel_reason: string | null;
  rounds: { round: number; status: string; tables: TableView[] }[];
  standings: {
    rank: number;
    bot_id: string;
    points: number;
    buchholz: number;
    sonneborn_berger: number;
    wins: number;
    net_chips: number;
    seed: number;
    eliminated_in: number | null;
  }[];
  entrants: { bot_id: string; seed: number }[];
}

/** Creates a tournament as the admin, starting in an hour unless said; throws unless 201. */
export async function createTournament(gateway: Gateway, body: Record<string, unknown>) {
  const res = await api(gateway, "POST", "/api/tournaments", {
    body: { starts_at: new Date(Date.now() + 3600_000).toISOString(), ...body },
  });
  if (res.status !== 201) throw new Error(`create: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as TournamentView;
}

/** Enters each bot with its own token; throws unless 201. */
export async function enterAll(gateway: Gateway, id: string, bots: readonly { token: string }[]) {
  for (const bot of bots) {
    const res = await api(gateway, "POST", `/api/external-api/tournaments/${id}/entries`, {
      token: bot.token,
    });
    if (res.status !== 201) throw new Error(`entry: ${res.status} ${JSON.stringify(res.body)}`);
  }
}

/** The admin starts the tournament now (entries close); throws unless 200. */
export async function startTournament(gateway: Gateway, id: string) {
  const res = await api(gateway, "POST", `/api/tournaments/${id}/start`);
  if (res.status !== 200) throw new Error(`start: ${res.status} ${JSON.stringify(res.body)}`);
}

export async function getTournament(gateway: Gateway, id: string): Promise<TournamentView> {
  const res = await api(gateway, "GET", `/api/tournaments/${id}`, { token: null });
  if (res.status !== 200) throw new Error(`get: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as TournamentView;
}

/** Polls the tournament until `done` holds, failing after `timeoutMs` with what was last seen. */
export async function waitForTournament(
  gateway: Gateway,
  id: string,
  what: string,
  done: (view: TournamentView) => boolean,
  timeoutMs = 90_000,
): Promise<TournamentView> {
  const deadline = Date.now() + timeoutMs;
  let last: TournamentView | null = null;
  while (Date.now() < deadline) {
    last = await getTournament(gateway, id);
    if (done(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}; last seen ${JSON.stringify(last)}`);
}

interface StoredMatch {
  status: string;
  source: string;
  rated: boolean;
  result: {
    reason: string;
    terminal_status?: string;
    forfeit_winner_seat?: number;
    results?: { seat: number; final_stack: number }[];
  } | null;
  participants: { seat: number; bot_id: string; net_chips: number | null }[];
}

/** A match's stored record (`GET /api/matches/{id}`). */
export async function storedMatch(gateway: Gateway, matchId: string): Promise<StoredMatch> {
  const res = await api(gateway, "GET", `/api/matches/${matchId}`);
  if (res.status !== 200) throw new Error(`match ${matchId}: ${res.status}`);
  return res.body as StoredMatch;
}

/**
 * The winner of a stored match, recomputed here from the raw record (not with the server's
 * code): the forfeit's awarded seat, else the bigger final stack; equal stacks = draw;
 * anything not completed = nobody.
 */
export function storedWinner(match: StoredMatch): string | "draw" | null {
  const result = match.result;
  if (result?.reason !== "complete" || result.terminal_status !== "completed") return null;
  const botAt = (seat: number) => match.participants.find((p) => p.seat === seat)?.bot_id ?? null;
  if (result.forfeit_winner_seat !== undefined) return botAt(result.forfeit_winner_seat);
  const [s0, s1] = [0, 1].map(
    (seat) => result.results?.find((r) => r.seat === seat)?.final_stack ?? 0,
  );
  if (s0 === s1) return "draw";
  return botAt((s0 ?? 0) > (s1 ?? 0) ? 0 : 1);
}

/**
 * Swiss/round-robin standings recomputed from the tournament's tables and the stored match
 * of every played table: 1 per win (match, bye or opponent's absence), 0.5 per draw;
 * Buchholz over opponents met in played matches.
 */
export async function recomputePoints(gateway: Gateway, view: TournamentView) {
  const points = new Map(view.entrants.map((e) => [e.bot_id, 0]));
  const opponents = new Map<string, string[]>(view.entrants.map((e) => [e.bot_id, []]));
  for (const round of view.rounds) {
    for (const table of round.tables) {
      const [a, b] = table.seats as [string, string | null];
      if (table.match_id === null) {
        // Settled at check-in: a bye is a point, an absence none, the present side's point.
        if (table.kind === "bye") points.set(a, (points.get(a) ?? 0) + 1);
        if (table.kind === "forfeit" && table.winner) {
          points.set(table.winner, (points.get(table.winner) ?? 0) + 1);
        }
        continue;
      }
      const winner = storedWinner(await storedMatch(gateway, table.match_id));
      if (winner === "draw") {
        points.set(a, (points.get(a) ?? 0) + 0.5);
        if (b) points.set(b, (points.get(b) ?? 0) + 0.5);
      } else if (winner) {
        points.set(winner, (points.get(winner) ?? 0) + 1);
      }
      if (b) {
        opponents.get(a)?.push(b);
        opponents.get(b)?.push(a);
      }
    }
  }
  const buchholz = new Map(
    [...opponents].map(([id, list]) => [
      id,
      list.reduce((sum, o) => sum + (points.get(o) ?? 0), 0),
    ]),
  );
  return { points, buchholz };
}
