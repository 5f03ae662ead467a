/**
 * The gateway itself: `health`, `status` and `system-presence`, and the events every
 * connection can use (`tick`, `shutdown`) or that need read (`presence`, `health`).
 */
import { probeHealth } from "../health.ts";
import { defineMethod, type MethodContext, type MethodGroup, NoParams } from "./registry.ts";

/** botgate's version as `status` and `hello-ok.server.version` report it. */
export const SERVER_VERSION = "0.1.0";

/**
 * Counters every group may add to; `status` sums them. The ones botgate has today come
 * from the hub's presence and the registry.
 */
async function coreStatus(ctx: MethodContext): Promise<Record<string, number>> {
  const [matches, channels] = await ctx.env.DB.batch<{ n: number }>([
    ctx.env.DB.prepare("SELECT count(*) AS n FROM matches WHERE status IN ('dispatching', 'live')"),
    ctx.env.DB.prepare("SELECT count(*) AS n FROM agent_channels"),
  ]);
  return {
    botsOnline: ctx.hub.presenceCount("bot:"),
    liveMatches: matches?.results[0]?.n ?? 0,
    channels: channels?.results[0]?.n ?? 0,
    agentSessions: ctx.hub.presenceCount("agent:"),
    sledsOnline: ctx.hub.presenceCount("sled:"),
    operators: ctx.hub.presenceCount("operator:"),
  };
}

export const systemGroup: MethodGroup = {
  name: "system",
  methods: [
    defineMethod({
      name: "health",
      scope: "operator.read",
      params: NoParams,
      handler: (_params, ctx) => probeHealth(ctx.env),
    }),
    defineMethod({
      name: "status",
      scope: "operator.read",
      params: NoParams,
      async handler(_params, ctx) {
        const counts: Record<string, number> = {};
        for (const group of ctx.registry.groups) {
          if (!group.status) continue;
          for (const [key, n] of Object.entries(await group.status(ctx))) {
            counts[key] = (counts[key] ?? 0) + n;
          }
        }
        const stats = ctx.hub.stats();
        return {
          version: SERVER_VERSION,
          uptimeMs: ctx.hub.uptimeMs(),
          stateVersion: ctx.hub.stateVersion(),
          ...counts,
          hub: { reportCalls: stats.reportCalls, reportedChanges: stats.reportedChanges },
        };
      },
    }),
    defineMethod({
      name: "system-presence",
      scope: "operator.read",
      params: NoParams,
      handler: (_params, ctx) => ctx.hub.presence(),
    }),
  ],
  events: [
    { name: "tick", scope: null },
    { name: "shutdown", scope: null },
    { name: "presence", scope: "operator.read" },
    { name: "health", scope: "operator.read" },
  ],
  status: coreStatus,
};
