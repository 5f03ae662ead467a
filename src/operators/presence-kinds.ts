/**
 * How each kind of live thing appears in operator presence: its `instanceId` and entry
 * fields. Shared by the objects that report changes and the sources that rebuild presence,
 * so a report and a rebuild of the same thing produce the same entry.
 */
import type { PresenceFields } from "./hub-types.ts";

export const PRESENCE_PREFIX = {
  bot: "bot:",
  agent: "agent:",
  operator: "operator:",
  sled: "sled:",
} as const;

/** A bot's lobby socket (one per bot: newest wins). */
export function lobbyPresence(botId: string): { instanceId: string; entry: PresenceFields } {
  return {
    instanceId: `${PRESENCE_PREFIX.bot}${botId}`,
    entry: { mode: "bot", roles: ["bot"], tags: ["lobby"], text: botId },
  };
}

/**
 * An agent session in one channel: the session is the thing, each channel it is in is a
 * facet (its tags list every channel).
 */
export function channelSessionPresence(
  path: string,
  channel: string,
  since: number,
): { instanceId: string; facet: string; entry: PresenceFields } {
  return {
    instanceId: `${PRESENCE_PREFIX.agent}${path}`,
    facet: channel,
    entry: {
      mode: "agent",
      roles: ["agent"],
      tags: [`channel:${channel}`],
      text: path,
      onlineSince: since,
    },
  };
}

/** An operator connection (the hub's own sockets), from what its `connect` said. */
export function operatorPresence(
  connId: string,
  connect: {
    label: string;
    clientId: string;
    clientMode: string;
    scopes: readonly string[];
    deviceId: string | null;
    platform: string;
    version: string;
    since: number;
  },
): { instanceId: string; entry: PresenceFields } {
  return {
    instanceId: `${PRESENCE_PREFIX.operator}${connId}`,
    entry: {
      mode: connect.clientMode,
      roles: ["operator"],
      scopes: [...connect.scopes],
      text: `${connect.label} (${connect.clientId})`,
      platform: connect.platform,
      version: connect.version,
      onlineSince: connect.since,
      ...(connect.deviceId ? { deviceId: connect.deviceId } : {}),
    },
  };
}

/** A sled's uplink (one per project: newest wins). */
export function sledPresence(
  project: string,
  since: number,
): { instanceId: string; entry: PresenceFields } {
  return {
    instanceId: `${PRESENCE_PREFIX.sled}${project}`,
    entry: { mode: "node", roles: ["node"], tags: ["sled"], text: project, onlineSince: since },
  };
}

/** The bot's lobby is gone (no online socket is left). */
export function lobbyGone(botId: string): { instanceId: string; gone: true } {
  return { instanceId: lobbyPresence(botId).instanceId, gone: true };
}
