/**
 * botgate's own methods (`botgate.*`): live and recent matches with their seats, hand
 * counts and spectate paths, the bots with their lobby presence and rating, the channels
 * with their member counts; the `botgate.match` event. Owns the `bot:` presence: rebuilt by
 * asking each external bot's object.
 */
import * as v from "valibot";
import { describeError, log } from "../../lib/log.ts";
import { mapLimit } from "../../lib/pool.ts";
import { strict } from "../../protocol/operator-frames.ts";
import { allRatings, type BotRating } from "../../ratings/store.ts";
import { listBots } from "../../registry/bots.ts";
import { spectatePath } from "../match-events.ts";
import { lobbyPresence, PRESENCE_PREFIX } from "../presence-kinds.ts";
import { REBUILD_CONCURRENCY } from "./agents.ts";
import { defineMethod, type MethodGroup, NoParams, notFound, unavailable } from "./registry.ts";

const MATCH_ID = /^[0-9a-f-]{36}$/;

const ListParams = strict({
  status: v.optional(v.picklist(["live", "recent", "all"])),
  limit: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(200))),
});

const GetParams = strict({
  matchId: v.pipe(v.string(), v.regex(MATCH_ID, "not a match id")),
});

interface MatchRow {
  id: string;
  status: string;
  source: string;
  rated: number;
  created_at: string;
  ended_at: string | null;
  result: string | null;
  seats: string;
}

/** A match as `botgate.matches.*` returns it. */
export interface MatchView {
  matchId: string;
  status: string;
  source: string;
  rated: boolean;
  createdAt: string;
  endedAt: string | null;
  /** Hands played: from the result once ended, from the match object while live (`get`). */
  handsPlayed: number | null;
  seats: Array<{
    seat: number;
    participantId: string;
    botId: string;
    name: string;
    place: number | null;
    netChips: number | null;
  }>;
  spectatePath: string;
}

const SELECT = `SELECT m.id, m.status, m.source, m.rated, m.created_at, m.ended_at, m.result,
  (SELECT json_group_array(json_object('seat', p.seat, 'participantId', p.participant_id,
     'botId', p.bot_id, 'name', b.name, 'place', p.place, 'netChips', p.net_chips))
   FROM participants p JOIN bots b ON b.id = p.bot_id WHERE p.match_id = m.id) AS seats
  FROM matches m`;

function view(row: MatchRow): MatchView {
  let handsPlayed: number | null = null;
  if (row.result) {
    const result = JSON.parse(row.result) as { total_hands_played?: unknown };
    if (typeof result.total_hands_played === "number") handsPlayed = result.total_hands_played;
  }
  const seats = (JSON.parse(row.seats) as MatchView["seats"]).sort((a, b) => a.seat - b.seat);
  return {
    matchId: row.id,
    status: row.status,
    source: row.source,
    rated: row.rated === 1,
    createdAt: row.created_at,
    endedAt: row.ended_at,
    handsPlayed,
    seats,
    spectatePath: spectatePath(row.id),
  };
}

const LIVE = "('dispatching', 'live')";

/** A bot's rating as `botgate.bots.list` shows it; null until its first rated match. */
function ratingOf(rating: BotRating | undefined) {
  if (!rating) return null;
  return {
    rating: rating.rating,
    mu: rating.mu,
    sigma: rating.sigma,
    matches: rating.matches,
    wins: rating.wins,
    losses: rating.losses,
    draws: rating.draws,
    updatedAt: rating.updated_at,
  };
}

export const botgateGroup: MethodGroup = {
  name: "botgate",
  methods: [
    defineMethod({
      name: "botgate.matches.list",
      scope: "operator.read",
      params: ListParams,
      async handler(params, ctx) {
        const where =
          params.status === "live"
            ? ` WHERE m.status IN ${LIVE}`
            : params.status === "recent"
              ? ` WHERE m.status NOT IN ${LIVE}`
              : "";
        const { results } = await ctx.env.DB.prepare(
          `${SELECT}${where} ORDER BY m.created_at DESC, m.id LIMIT ?`,
        )
          .bind(params.limit ?? 50)
          .all<MatchRow>();
        return { matches: results.map(view) };
      },
    }),
    defineMethod({
      name: "botgate.matches.get",
      scope: "operator.read",
      params: GetParams,
      async handler(params, ctx) {
        const row = await ctx.env.DB.prepare(`${SELECT} WHERE m.id = ?`)
          .bind(params.matchId)
          .first<MatchRow>();
        if (!row) throw notFound("MATCH_NOT_FOUND", "no such match");
        const match = view(row);
        if (match.handsPlayed === null && (row.status === "live" || row.status === "dispatching")) {
          try {
            const hands: readonly unknown[] = await ctx.env.MATCH.getByName(row.id).hands();
            match.handsPlayed = hands.length;
          } catch (err) {
            log("warn", "operator_match_hands_failed", {
              match_id: row.id,
              error: describeError(err),
            });
            throw unavailable("the match object could not be reached");
          }
        }
        return match;
      },
    }),
    defineMethod({
      name: "botgate.bots.list",
      scope: "operator.read",
      params: NoParams,
      async handler(_params, ctx) {
        const [bots, ratings] = await Promise.all([listBots(ctx.env.DB), allRatings(ctx.env.DB)]);
        return {
          bots: bots.map((bot) => ({
            id: bot.id,
            name: bot.name,
            owner: bot.owner,
            kind: bot.kind,
            active: bot.active,
            createdAt: bot.created_at,
            online: ctx.hub.isPresent(lobbyPresence(bot.id).instanceId),
            rating: ratingOf(ratings.get(bot.id)),
          })),
        };
      },
    }),
    defineMethod({
      name: "botgate.channels.list",
      scope: "operator.read",
      params: NoParams,
      async handler(_params, ctx) {
        // Members: the channel's ACL mirror in D1 (who may read a private channel; public
        // channels list only the users added to them). Who is online comes from presence.
        const { results } = await ctx.env.DB.prepare(
          `SELECT c.name, c.visibility, c.topic,
             (SELECT count(*) FROM agent_channel_members m WHERE m.channel = c.name) AS members
           FROM agent_channels c ORDER BY c.name`,
        ).all<{ name: string; visibility: string; topic: string; members: number }>();
        return { channels: results };
      },
    }),
  ],
  events: [{ name: "botgate.match", scope: "operator.read" }],
  presence: {
    prefix: PRESENCE_PREFIX.bot,
    async list(env) {
      const { results } = await env.DB.prepare(
        "SELECT id FROM bots WHERE kind = 'external_api' AND active = 1",
      ).all<{ id: string }>();
      const online = await mapLimit(results, REBUILD_CONCURRENCY, async ({ id }) =>
        (await env.BOT.getByName(id).isOnline()) ? lobbyPresence(id) : null,
      );
      return online.filter((entry) => entry !== null);
    },
  },
};
