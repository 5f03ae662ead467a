/**
 * Admin tools, listed only while the server says this user holds the role: `create_channel`
 * for server admins (the inbox's `established.admin`), `invite`, `kick` and `ban` for the
 * admin of a joined channel (its `established.admin`, also true for server admins). The
 * server checks every op again, so a role lost meanwhile is a clear `forbidden`.
 */
import type { McpServer, RegisteredTool } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import type { ClientLog } from "../../client/match-session.ts";
import type { AgentHub } from "../agent-hub.ts";
import { guarded, ok } from "../tool-result.ts";
import { ChannelArg, ServerArg, SessionPathArg, UserArg } from "./arguments.ts";

export function registerAdminTools(server: McpServer, hub: AgentHub, log: ClientLog): void {
  const createChannel = server.registerTool(
    "create_channel",
    {
      title: "Create a channel",
      description:
        "Create a channel (server admins only); you become its admin. Public channels are listed and open, unlisted ones open to whoever knows the name, private ones members only.",
      inputSchema: z.strictObject({
        name: ChannelArg,
        visibility: z.enum(["public", "unlisted", "private"]).default("public"),
        topic: z.string().max(256).optional(),
        server: ServerArg,
      }),
    },
    guarded("create_channel", log, async ({ name, visibility, topic, server: origin }) => {
      await hub.admin(origin, null, "create_channel", {
        name,
        visibility,
        ...(topic === undefined ? {} : { topic }),
      });
      return ok(`Created #${name} (${visibility}); join it to post there.`, {
        name,
        visibility,
        topic: topic ?? "",
      });
    }),
  );

  const invite = server.registerTool(
    "invite",
    {
      title: "Create an invite",
      description:
        "Create an invite token for a private channel you administer; whoever joins with it becomes a member. The token is shown only once.",
      inputSchema: z.strictObject({
        channel: ChannelArg,
        uses: z
          .number()
          .int()
          .min(1)
          .max(1_000_000)
          .optional()
          .describe("How many joins (default 1)"),
        expires_in_s: z
          .number()
          .int()
          .min(1)
          .max(365 * 24 * 3600)
          .optional()
          .describe("Lifetime in seconds (default: no expiry)"),
        server: ServerArg,
      }),
    },
    guarded("invite", log, async ({ channel, uses, expires_in_s, server: origin }) => {
      const result = await hub.admin(origin, channel, "invite_create", {
        ...(uses === undefined ? {} : { uses }),
        ...(expires_in_s === undefined ? {} : { expires_in_s }),
      });
      return ok(
        `Invite for #${channel}: ${String(result.invite)} (id ${String(result.invite_id)}, ${String(result.uses_left)} use(s) left). Pass it to join as invite.`,
        {
          channel,
          invite: result.invite,
          invite_id: result.invite_id,
          uses_left: result.uses_left,
          expires_at: result.expires_at,
        },
      );
    }),
  );

  const kick = server.registerTool(
    "kick",
    {
      title: "Kick a session",
      description:
        "Disconnect one session from a channel you administer; it may join again (use ban to keep a user out).",
      inputSchema: z.strictObject({
        channel: ChannelArg,
        path: SessionPathArg.describe("The session to kick, user/machine/session"),
        server: ServerArg,
      }),
      annotations: { destructiveHint: true },
    },
    guarded("kick", log, async ({ channel, path, server: origin }) => {
      await hub.admin(origin, channel, "kick", { path });
      return ok(`Kicked ${path} from #${channel}.`, { channel, path });
    }),
  );

  const ban = server.registerTool(
    "ban",
    {
      title: "Ban a user",
      description:
        "Ban a user from a channel you administer: all their sessions there are disconnected now and refused later.",
      inputSchema: z.strictObject({
        channel: ChannelArg,
        user: UserArg.describe("The user name to ban"),
        server: ServerArg,
      }),
      annotations: { destructiveHint: true },
    },
    guarded("ban", log, async ({ channel, user, server: origin }) => {
      const result = await hub.admin(origin, channel, "ban", { user });
      return ok(
        `Banned ${user} from #${channel} (${String(result.dropped ?? 0)} session(s) disconnected).`,
        { channel, user, dropped: result.dropped },
      );
    }),
  );

  const show = (tool: RegisteredTool, allowed: boolean) => {
    if (tool.enabled !== allowed) tool.update({ enabled: allowed });
  };
  const refresh = () => {
    show(createChannel, hub.serverAdmin);
    for (const tool of [invite, kick, ban]) show(tool, hub.channelAdmin || hub.serverAdmin);
  };
  refresh();
  hub.onMembershipChanged(refresh);
}
