/**
 * Channel and whisper tools: `channels`, `join`, `leave`, `post`, `read`, `who`,
 * `whisper`, `inbox`. Each is one registration with a title, a description a model can
 * act on, a strict input schema, and a handler over the `AgentHub`.
 */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import type { ClientLog } from "../../client/match-session.ts";
import type { AgentHub, ReadBatch } from "../agent-hub.ts";
import { batchLines, channelLabel, channelsText, clock } from "../format.ts";
import { guarded, ok } from "../tool-result.ts";
import { ChannelArg, LimitArg, ServerArg, SessionPathArg, TextArg } from "./arguments.ts";

const DEFAULT_LIMIT = 100;

/** A batch as structured content: entries with their seq, sender, time and text. */
function batchJson(batch: ReadBatch): Record<string, unknown> {
  return {
    server: batch.server,
    channel: batch.channel,
    messages: batch.entries.map(({ seq, ts, from, text, payload }) => ({
      seq,
      ts,
      from,
      text,
      payload,
    })),
    more: batch.more,
    ...(batch.gapFromSeq === undefined ? {} : { gap_from_seq: batch.gapFromSeq }),
    ...(batch.closed ? { closed: batch.closed } : {}),
    ...(batch.unavailable ? { unavailable: batch.unavailable } : {}),
  };
}

export function registerMessagingTools(server: McpServer, hub: AgentHub, log: ClientLog): void {
  const multi = hub.servers.length > 1;
  const label = (channel: string, origin: string) => channelLabel(channel, origin, multi);

  server.registerTool(
    "channels",
    {
      title: "List channels",
      description:
        "List the channels you can see (public ones plus those you are a member or admin of), with which you have joined and how many unread messages each holds.",
      inputSchema: z.strictObject({ server: ServerArg }),
      annotations: { readOnlyHint: true, openWorldHint: true },
    },
    guarded("channels", log, async ({ server: name }) => {
      const groups = await hub.channels(name);
      return ok(channelsText(groups, multi), { servers: groups });
    }),
  );

  server.registerTool(
    "join",
    {
      title: "Join a channel",
      description:
        "Join a channel to read and post there; messages posted since you last read it are waiting for `read`. Joining a channel you are already in just reports it.",
      inputSchema: z.strictObject({
        channel: ChannelArg,
        invite: z
          .string()
          .min(1)
          .max(64)
          .optional()
          .describe("Invite token, needed once for a private channel you are not a member of"),
        server: ServerArg,
      }),
      annotations: { idempotentHint: true, openWorldHint: true },
    },
    guarded("join", log, async ({ channel, invite, server: name }) => {
      const joined = await hub.join(name, channel, invite);
      const text = [
        `Joined ${label(joined.name, joined.server)} (${joined.visibility}${joined.admin ? ", you are admin" : ""})${joined.topic ? ` — ${joined.topic}` : ""}.`,
        `Latest seq ${joined.seq}; ${joined.unread} unread message${joined.unread === 1 ? "" : "s"} waiting: call read.`,
      ].join("\n");
      return ok(text, { ...joined });
    }),
  );

  server.registerTool(
    "leave",
    {
      title: "Leave a channel",
      description:
        "Leave a joined channel; what you have not read stays on the server and comes back if you join again.",
      inputSchema: z.strictObject({ channel: ChannelArg, server: ServerArg }),
      annotations: { idempotentHint: true },
    },
    guarded("leave", log, async ({ channel, server: name }) => {
      await hub.leave(name, channel);
      return ok(`Left #${channel}.`, { channel, left: true });
    }),
  );

  server.registerTool(
    "post",
    {
      title: "Post to a channel",
      description:
        "Post a text message to a channel you have joined; everyone else in it receives it. Returns the message's seq once the server stored it.",
      inputSchema: z.strictObject({
        channel: ChannelArg,
        text: TextArg.describe("The message (at most about 16 KB)"),
        server: ServerArg,
      }),
      annotations: { openWorldHint: true },
    },
    guarded("post", log, async ({ channel, text, server: name }) => {
      const { seq, ts } = await hub.post(name, channel, text);
      return ok(`Posted to #${channel} as seq ${seq} at ${clock(ts)} UTC.`, { channel, seq, ts });
    }),
  );

  server.registerTool(
    "read",
    {
      title: "Read new messages",
      description:
        "Read the messages posted since your last read, in order, each once (also across restarts of the bridge): one channel, or every joined channel when channel is omitted.",
      inputSchema: z.strictObject({
        channel: ChannelArg.optional().describe("A joined channel; omit to read all of them"),
        limit: LimitArg,
        server: ServerArg,
      }),
    },
    guarded("read", log, async ({ channel, limit, server: name }) => {
      const batches = await hub.read(name, channel, limit ?? DEFAULT_LIMIT);
      const text =
        batches.length === 0
          ? "You have not joined any channel: call channels, then join."
          : batches.flatMap((b) => batchLines(b, label(b.channel ?? "", b.server))).join("\n");
      return ok(text, { channels: batches.map(batchJson) });
    }),
  );

  server.registerTool(
    "who",
    {
      title: "Who is in a channel",
      description: "List the agent sessions connected to a channel you have joined right now.",
      inputSchema: z.strictObject({ channel: ChannelArg, server: ServerArg }),
      annotations: { readOnlyHint: true, openWorldHint: true },
    },
    guarded("who", log, async ({ channel, server: name }) => {
      const sessions = await hub.who(name, channel);
      const lines = sessions.map(
        (s) => `${s.path}${s.path === hub.path ? " (you)" : ""} since ${clock(s.since)} UTC`,
      );
      return ok([`${sessions.length} in #${channel}:`, ...lines.map((l) => `  ${l}`)].join("\n"), {
        channel,
        sessions,
      });
    }),
  );

  server.registerTool(
    "whisper",
    {
      title: "Whisper to a session",
      description:
        "Send a private message to one agent session (user/machine/session); it is delivered now if that session is connected, else queued until it connects.",
      inputSchema: z.strictObject({
        to: SessionPathArg.describe("The session path, e.g. alice/laptop/claude"),
        text: TextArg.describe("The message (at most about 16 KB)"),
        server: ServerArg,
      }),
      annotations: { openWorldHint: true },
    },
    guarded("whisper", log, async ({ to, text, server: name }) => {
      const status = await hub.whisper(name, to, text);
      return ok(
        status === "delivered"
          ? `Whispered to ${to} (delivered: their inbox is connected).`
          : `Whispered to ${to} (queued: they get it when their session connects).`,
        { to, status },
      );
    }),
  );

  server.registerTool(
    "inbox",
    {
      title: "Read whispers",
      description:
        "Read the whispers sent to you since your last inbox call, in order, each once — including those queued while you were offline.",
      inputSchema: z.strictObject({ limit: LimitArg, server: ServerArg }),
    },
    guarded("inbox", log, async ({ limit, server: name }) => {
      const batches = await hub.inbox(name, limit ?? DEFAULT_LIMIT);
      const text = batches
        .flatMap((b) => batchLines(b, multi ? `inbox on ${b.server}` : "inbox"))
        .join("\n");
      return ok(text, { inboxes: batches.map(batchJson) });
    }),
  );
}
