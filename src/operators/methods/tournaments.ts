/**
 * `botgate.tournaments.*`: the tournament directory (from D1, no object woken) and one
 * tournament with its entrants, rounds, tables and standings (from its object); the
 * `botgate.tournament` event. Shapes shared with the event in `../tournament-events.ts`.
 */
import * as v from "valibot";
import { describeError, log } from "../../lib/log.ts";
import { strict } from "../../protocol/operator-frames.ts";
import { listTournaments } from "../../tournaments/directory.ts";
import type { TournamentView } from "../../tournaments/view.ts";
import { summaryOf, tournamentOf } from "../tournament-events.ts";
import { defineMethod, type MethodGroup, notFound, unavailable } from "./registry.ts";

const TOURNAMENT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const ListParams = strict({
  status: v.optional(v.picklist(["scheduled", "running", "completed", "cancelled"])),
  limit: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(100))),
  offset: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(100_000))),
});

const GetParams = strict({
  tournamentId: v.pipe(v.string(), v.regex(TOURNAMENT_ID, "not a tournament id")),
});

export const tournamentsGroup: MethodGroup = {
  name: "tournaments",
  methods: [
    defineMethod({
      name: "botgate.tournaments.list",
      scope: "operator.read",
      params: ListParams,
      async handler(params, ctx) {
        const limit = params.limit ?? 20;
        const offset = params.offset ?? 0;
        const page = await listTournaments(ctx.env.DB, { status: params.status, limit, offset });
        return {
          tournaments: page.map(summaryOf),
          nextOffset: page.length === limit ? offset + limit : null,
        };
      },
    }),
    defineMethod({
      name: "botgate.tournaments.get",
      scope: "operator.read",
      params: GetParams,
      async handler(params, ctx) {
        const row = await ctx.env.DB.prepare("SELECT id FROM tournaments WHERE id = ?")
          .bind(params.tournamentId)
          .first<{ id: string }>();
        if (!row) throw notFound("TOURNAMENT_NOT_FOUND", "no such tournament");
        let view: TournamentView | null;
        try {
          view = await ctx.env.TOURNAMENT.getByName(row.id).view();
        } catch (err) {
          log("warn", "operator_tournament_view_failed", {
            tournament_id: row.id,
            error: describeError(err),
          });
          throw unavailable("the tournament object could not be reached");
        }
        if (!view) throw notFound("TOURNAMENT_NOT_FOUND", "no such tournament");
        return tournamentOf(view);
      },
    }),
  ],
  events: [{ name: "botgate.tournament", scope: "operator.read" }],
};
