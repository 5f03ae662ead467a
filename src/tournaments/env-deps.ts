/**
 * The tournament's view of the rest of botgate (the `TournamentDeps` of deps.ts over
 * the Worker's bindings): lobby presence by RPC, tokens, ratings and the match registry in
 * D1, and `dispatchMatches` for a round's tables.
 */
import { describeError, log } from "../lib/log.ts";
import { announceMatch } from "../lobby/match-hooks.ts";
import { dispatchMatches } from "../match/dispatch.ts";
import { gatewayPath } from "../match/dispatch-prepare.ts";
import { reportTournament } from "../operators/tournament-events.ts";
import { displayRating } from "../ratings/model.ts";
import { skillsOf } from "../ratings/store.ts";
import type { TournamentDeps } from "./deps.ts";
import type { MatchReport } from "./scoring.ts";

const inList = (n: number) => Array.from({ length: n }, () => "?").join(", ");

export function tournamentDeps(env: Env, tournamentId: string): TournamentDeps {
  const isOnline = async (botId: string): Promise<boolean> => {
    try {
      return await env.BOT.getByName(botId).isOnline();
    } catch (err) {
      log("warn", "tournament_presence_failed", { bot_id: botId, error: describeError(err) });
      return false;
    }
  };
  return {
    now: () => Date.now(),

    async present(entries) {
      if (entries.length === 0) return new Set();
      // The tokens and the lobbies side by side: both must hold.
      const [{ results: active }, online] = await Promise.all([
        env.DB.prepare(
          `SELECT id FROM tokens WHERE revoked_at IS NULL AND id IN (${inList(entries.length)})`,
        )
          .bind(...entries.map((e) => e.token_id))
          .all<{ id: string }>(),
        Promise.all(entries.map((e) => isOnline(e.bot_id))),
      ]);
      const valid = new Set(active.map((row) => row.id));
      return new Set(
        entries.filter((e, i) => online[i] && valid.has(e.token_id)).map((e) => e.bot_id),
      );
    },

    async ratings(botIds) {
      const skills = await skillsOf(env.DB, botIds);
      return new Map([...skills].map(([id, skill]) => [id, displayRating(skill)]));
    },

    async dispatch(tables) {
      // Tournament seats take no slot of the tokens' concurrent-match caps: the tournament
      // holds at most one match per entrant at a time, and check-in already refused a
      // revoked token. One batch for the round's tables (dispatchMatches).
      const answers = await dispatchMatches(
        env,
        tables.map(({ key, seats, config }) => ({
          seats: seats.map((seat) => ({ bot: seat.bot_id })),
          config,
          source: key,
          decision_clock: true,
        })),
      );
      return answers.map((answer) =>
        answer.ok ? { ok: true, match_id: answer.result.match_id } : answer,
      );
    },

    async findDispatched(key) {
      const match = await env.DB.prepare(
        "SELECT id, status, rated, config FROM matches WHERE source = ? ORDER BY created_at LIMIT 1",
      )
        .bind(key)
        .first<{ id: string; status: string; rated: number; config: string }>();
      if (!match) return null;
      if (match.status === "dispatching" || match.status === "live") {
        // The dispatch may have stopped before its `matched` notices: announce again
        // (idempotent per match on each bot object).
        const { results: seats } = await env.DB.prepare(
          `SELECT p.seat, p.participant_id, p.bot_id, b.name, b.kind FROM participants p
           JOIN bots b ON b.id = p.bot_id WHERE p.match_id = ? ORDER BY p.seat`,
        )
          .bind(match.id)
          .all<{
            seat: number;
            participant_id: string;
            bot_id: string;
            name: string;
            kind: "external_api" | "house";
          }>();
        const config = JSON.parse(match.config) as { turn_timeout_ms: number };
        await announceMatch(
          env,
          {
            match_id: match.id,
            rated: match.rated === 1,
            turn_timeout_ms: config.turn_timeout_ms,
            seats: seats.map((s) => ({
              ...s,
              gateway_ws_url: s.kind === "house" ? null : gatewayPath(match.id, s.participant_id),
            })),
          },
          true,
        );
      }
      return match.id;
    },

    async finished(matchIds) {
      if (matchIds.length === 0) return [];
      const { results } = await env.DB.prepare(
        `SELECT m.id, m.result, (SELECT json_group_array(json_object('seat', p.seat,
             'bot_id', p.bot_id, 'net_chips', p.net_chips)) FROM participants p
             WHERE p.match_id = m.id) AS seats
         FROM matches m WHERE m.result IS NOT NULL
           AND m.status IN ('completed', 'cancelled', 'error') AND m.id IN (${inList(matchIds.length)})`,
      )
        .bind(...matchIds)
        .all<{ id: string; result: string; seats: string }>();
      return results.map(
        (row): MatchReport => ({
          match_id: row.id,
          match_end: JSON.parse(row.result) as MatchReport["match_end"],
          seats: JSON.parse(row.seats) as MatchReport["seats"],
        }),
      );
    },

    announce(event) {
      reportTournament(env, event);
    },

    async mirror(status, endedAt) {
      await env.DB.prepare("UPDATE tournaments SET status = ?, ended_at = ? WHERE id = ?")
        .bind(status, endedAt === null ? null : new Date(endedAt).toISOString(), tournamentId)
        .run();
    },
  };
}
