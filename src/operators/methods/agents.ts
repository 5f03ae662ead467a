/**
 * Agents and their sessions: `agents.list` (every registered agent machine, plus what other
 * groups contribute, e.g. sleds) and `sessions.list` (live agent sessions in channels and
 * bot seats in live matches), both in the official result shapes. Owns the `agent:`
 * presence: rebuilt from the channel directory and each channel's live sessions.
 */
import * as v from "valibot";
import { listUsers } from "../../agents/registry.ts";
import { describeError, log } from "../../lib/log.ts";
import { mapLimit } from "../../lib/pool.ts";
import { strict } from "../../protocol/operator-frames.ts";
import { channelSessionPresence, PRESENCE_PREFIX } from "../presence-kinds.ts";
import { defineMethod, type MethodGroup, NoParams } from "./registry.ts";

/** Objects asked at once while presence is rebuilt. */
export const REBUILD_CONCURRENCY = 20;

/** The official `AgentSummary` fields botgate fills. */
export interface AgentSummary {
  id: string;
  name?: string;
  kind?: "agent";
  createdAt?: number;
}

/** Ignored keys of the official `SessionsListParams` (accepted so real clients work). */
const IGNORED_LIST_KEYS = [
  "activeMinutes",
  "requireLastInteraction",
  "sortBy",
  "includeGlobal",
  "includeUnknown",
  "configuredAgentsOnly",
  "includeDerivedTitles",
  "includeLastMessage",
  "label",
  "boardFace",
  "creatorId",
  "ownerId",
  "ownerFirst",
  "involvingMe",
  "involvingProfileId",
  "includePeople",
  "spawnedBy",
  "agentId",
  "archived",
] as const;

const SessionsListParams = strict({
  limit: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(1000))),
  offset: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
  search: v.optional(v.pipe(v.string(), v.maxLength(256))),
  ...Object.fromEntries(IGNORED_LIST_KEYS.map((key) => [key, v.optional(v.unknown())])),
});

/** One row of `sessions.list` (valid against the official `SessionRow`). */
export interface SessionRow {
  key: string;
  kind: "group" | "direct";
  displayName: string;
  channel: string;
  chatType: "channel" | "direct";
  updatedAt: number;
  status?: "running";
  /** (ours) every channel an agent session is in. */
  channels?: string[];
}

function toMs(iso: string): number | undefined {
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? ms : undefined;
}

async function liveSeats(db: D1Database): Promise<SessionRow[]> {
  const { results } = await db
    .prepare(
      `SELECT m.id AS match_id, m.created_at, p.participant_id, b.name
       FROM matches m JOIN participants p ON p.match_id = m.id JOIN bots b ON b.id = p.bot_id
       WHERE m.status IN ('dispatching', 'live') ORDER BY m.created_at DESC, p.seat LIMIT 1000`,
    )
    .all<{ match_id: string; created_at: string; participant_id: string; name: string }>();
  return results.map((row) => ({
    key: `match:${row.match_id}:${row.participant_id}`,
    kind: "direct",
    displayName: `${row.name} in match ${row.match_id.slice(0, 8)}`,
    channel: "match",
    chatType: "direct",
    updatedAt: toMs(row.created_at) ?? 0,
    status: "running",
  }));
}

export const agentsGroup: MethodGroup = {
  name: "agents",
  methods: [
    defineMethod({
      name: "agents.list",
      scope: "operator.read",
      params: NoParams,
      async handler(_params, ctx) {
        const users = await listUsers(ctx.env.DB);
        const agents: AgentSummary[] = users.flatMap((user) =>
          user.machines.map((machine) => {
            const createdAt = toMs(machine.created_at);
            return {
              id: `${user.user}/${machine.name}`,
              name: `${user.user}/${machine.name}`,
              kind: "agent" as const,
              ...(createdAt === undefined ? {} : { createdAt }),
            };
          }),
        );
        for (const group of ctx.registry.groups) {
          if (group.agents) agents.push(...(await group.agents(ctx)));
        }
        return {
          defaultId: agents[0]?.id ?? "botgate",
          mainKey: "main",
          scope: "per-sender",
          agents,
        };
      },
    }),
    defineMethod({
      name: "sessions.list",
      scope: "operator.read",
      params: SessionsListParams,
      async handler(params, ctx) {
        const agentRows: SessionRow[] = ctx.hub
          .presence()
          .filter((entry) => entry.instanceId.startsWith(PRESENCE_PREFIX.agent))
          .map((entry) => {
            const channels = (entry.tags ?? [])
              .filter((tag) => tag.startsWith("channel:"))
              .map((tag) => tag.slice("channel:".length));
            return {
              key: entry.instanceId.slice(PRESENCE_PREFIX.agent.length),
              kind: "group",
              displayName: entry.text ?? entry.instanceId,
              channel: channels[0] ?? "",
              chatType: "channel",
              updatedAt: entry.ts,
              channels,
            };
          });
        const search = params.search?.toLowerCase();
        const all = [...agentRows, ...(await liveSeats(ctx.env.DB))].filter(
          (row) => !search || row.key.toLowerCase().includes(search),
        );
        const offset = params.offset ?? 0;
        const limit = params.limit ?? 100;
        const sessions = all.slice(offset, offset + limit);
        const hasMore = offset + sessions.length < all.length;
        return {
          sessions,
          count: sessions.length,
          totalCount: all.length,
          offset,
          hasMore,
          ...(hasMore ? { nextOffset: offset + sessions.length } : {}),
        };
      },
    }),
  ],
  presence: {
    prefix: PRESENCE_PREFIX.agent,
    async list(env) {
      const { results } = await env.DB.prepare("SELECT name FROM agent_channels").all<{
        name: string;
      }>();
      // A channel that cannot be read fails the whole source: its sessions are then kept
      // as they are rather than wrongly removed.
      const perChannel = await mapLimit(results, REBUILD_CONCURRENCY, async ({ name }) => {
        try {
          const sessions = await env.CHANNEL.getByName(name).presenceList();
          return sessions.map((s) => channelSessionPresence(s.path, name, s.since));
        } catch (err) {
          log("warn", "operator_rebuild_channel_failed", {
            channel: name,
            error: describeError(err),
          });
          throw err;
        }
      });
      return perChannel.flat();
    },
  },
};
