/**
 * Channel moderation (agent-channels.md §8), for the channel's admin and server admins:
 * topic and visibility, the ACL, invites, kicks, bans and deleting the channel. Rights are
 * read at each op, not at connect. Every change is committed in the channel object first,
 * then mirrored to the D1 directory (a failed mirror is logged, never undone).
 */
import { toBase64Url } from "../agents/ed25519";
import { userExists } from "../agents/registry";
import { randomBase62, sha256Hex } from "../lib/crypto";
import { describeError, log } from "../lib/log";
import { type ChannelAdminOp, type ChannelInfo, CloseCode } from "../protocol/channel-frames";
import type { AgentSockets, LiveSocket } from "./agent-sockets";
import type { ChannelSettings, ChannelState } from "./channel-state";
import { deleteChannelEntry, setMembership, updateChannelEntry } from "./directory";

/** What moderation needs of its channel object. */
export interface ModerationHost {
  env: Env;
  name(): string;
  state(): ChannelState;
  info(settings: ChannelSettings): ChannelInfo;
  sockets: AgentSockets;
  destroy(): Promise<boolean>;
}

export async function moderate(
  host: ModerationHost,
  socket: LiveSocket,
  frame: ChannelAdminOp,
): Promise<void> {
  const { identity } = socket.attachment;
  const send = (fields: Record<string, unknown> = {}) =>
    host.sockets.send(socket.ws, {
      type: "admin_result",
      id: frame.id,
      ok: true,
      op: frame.op,
      ...fields,
    });
  const fail = (code: "forbidden" | "not_found", message: string) =>
    host.sockets.send(socket.ws, { type: "error", code, message, id: frame.id });
  const settings = host.state().settings();
  if (!settings) return fail("not_found", "Channel deleted");
  // Rights are read now, not at connect: a removed channel admin loses them at once.
  if (!identity.serverAdmin && settings.admin !== identity.user) {
    return fail("forbidden", "Channel admins only");
  }
  const now = Date.now();
  switch (frame.op) {
    case "set_topic":
    case "set_visibility": {
      const patch =
        frame.op === "set_topic" ? { topic: frame.topic } : { visibility: frame.visibility };
      host.state().update(patch);
      const updated = host.state().settings() ?? settings;
      if (updated.visibility === "private") {
        host.sockets.dropWhere(
          (who) =>
            !who.serverAdmin && who.user !== updated.admin && !host.state().isMember(who.user),
          CloseCode.revoked,
          { code: "forbidden", message: "The channel became private" },
        );
      }
      send({ channel: host.info(updated) });
      host.sockets.broadcast({ type: "channel_updated", channel: host.info(updated) });
      return mirrorToDirectory(host.name(), () =>
        updateChannelEntry(host.env.DB, host.name(), patch),
      );
    }
    case "acl_add": {
      if (!(await userExists(host.env.DB, frame.user))) return fail("not_found", "No such user");
      host.state().addMember(frame.user, identity.user, Date.now());
      send({ user: frame.user });
      return mirrorToDirectory(host.name(), () =>
        setMembership(host.env.DB, host.name(), frame.user, true),
      );
    }
    case "acl_remove": {
      host.state().removeMember(frame.user);
      const dropped = dropUser(host, frame.user, "Removed from the channel");
      send({ user: frame.user, dropped });
      return mirrorToDirectory(host.name(), () =>
        setMembership(host.env.DB, host.name(), frame.user, false),
      );
    }
    case "invite_create": {
      const token = toBase64Url(crypto.getRandomValues(new Uint8Array(24)));
      const invite = {
        invite_id: `inv_${randomBase62(12)}`,
        uses_left: frame.uses ?? null,
        expires_at: frame.expires_in_s === undefined ? null : now + frame.expires_in_s * 1000,
        created_at: now,
        created_by: identity.user,
      };
      host.state().addInvite({ ...invite, token_hash: await sha256Hex(token) });
      return send({ ...invite, invite: token });
    }
    case "invite_revoke":
      return host.state().revokeInvite(frame.invite_id)
        ? send({ invite_id: frame.invite_id })
        : fail("not_found", "No such invite");
    case "invite_list":
      return send({ invites: host.state().invites(now) });
    case "kick": {
      const dropped = host.sockets.dropWhere((who) => who.path === frame.path, CloseCode.revoked, {
        code: "forbidden",
        message: "Kicked by a channel admin",
      });
      return dropped > 0 ? send({ path: frame.path }) : fail("not_found", "No such session here");
    }
    case "ban": {
      host.state().ban(frame.user, identity.user, now);
      const dropped = dropUser(host, frame.user, "Banned from this channel");
      return send({ user: frame.user, dropped });
    }
    case "unban":
      return host.state().unban(frame.user)
        ? send({ user: frame.user })
        : fail("not_found", "That user is not banned");
    case "ban_list":
      return send({ bans: host.state().bans() });
    case "delete_channel": {
      send();
      await host.destroy();
      return mirrorToDirectory(host.name(), () => deleteChannelEntry(host.env.DB, host.name()));
    }
  }
}

function dropUser(host: ModerationHost, user: string, message: string): number {
  return host.sockets.dropWhere((who) => who.user === user, CloseCode.revoked, {
    code: "forbidden",
    message,
  });
}

/**
 * Mirrors a change to the D1 directory. The object's own state is already committed; a
 * failed mirror is logged (discovery is briefly stale) and never undoes the change.
 */
export async function mirrorToDirectory(
  channel: string,
  write: () => Promise<void>,
): Promise<void> {
  try {
    await write();
  } catch (err) {
    log("error", "channel_directory_mirror_failed", { channel, error: describeError(err) });
  }
}
