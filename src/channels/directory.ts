/**
 * The channel directory in D1: which channels exist, their visibility and topic, and who
 * belongs to which (a mirror of each channel object's ACL) — what discovery must query
 * across objects. The channel object stays authoritative for access decisions.
 */
import type { Visibility } from "../agents/names";
import type { ChannelInfo } from "../protocol/channel-frames";

/** Who is looking at the directory. */
export type Viewer = { kind: "anonymous" } | { kind: "agent"; user: string } | { kind: "admin" };

/** A channel as the directory stores it. */
export interface DirectoryEntry {
  name: string;
  visibility: Visibility;
  topic: string;
  admin: string | null;
  created_at: string;
}

/** Adds a channel. `false` when the name is taken. */
export async function insertChannel(db: D1Database, entry: DirectoryEntry): Promise<boolean> {
  const result = await db
    .prepare(
      "INSERT INTO agent_channels (name, visibility, topic, admin_user, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
    )
    .bind(entry.name, entry.visibility, entry.topic, entry.admin, entry.created_at)
    .run();
  if (result.meta.changes === 1 && entry.admin !== null) {
    await setMembership(db, entry.name, entry.admin, true);
  }
  return result.meta.changes === 1;
}

/** Removes a channel, its member mirror and its machine records. */
export async function deleteChannelEntry(db: D1Database, name: string): Promise<void> {
  await db.batch([
    db.prepare("DELETE FROM agent_channels WHERE name = ?").bind(name),
    db
      .prepare("DELETE FROM agent_machine_objects WHERE kind = 'channel' AND object_name = ?")
      .bind(name),
  ]);
}

/** Mirrors a topic or visibility change. */
export async function updateChannelEntry(
  db: D1Database,
  name: string,
  patch: { visibility?: Visibility; topic?: string },
): Promise<void> {
  await db
    .prepare(
      "UPDATE agent_channels SET visibility = COALESCE(?, visibility), topic = COALESCE(?, topic) WHERE name = ?",
    )
    .bind(patch.visibility ?? null, patch.topic ?? null, name)
    .run();
}

/** Mirrors an ACL change (added or removed member). */
export async function setMembership(
  db: D1Database,
  channel: string,
  user: string,
  member: boolean,
): Promise<void> {
  const statement = member
    ? "INSERT INTO agent_channel_members (channel, user_name) SELECT name, ? FROM agent_channels WHERE name = ? ON CONFLICT DO NOTHING"
    : "DELETE FROM agent_channel_members WHERE user_name = ? AND channel = ?";
  await db.prepare(statement).bind(user, channel).run();
}

/** Channels where `user` is a member or the channel admin. */
export async function channelsOfUser(db: D1Database, user: string): Promise<string[]> {
  const { results } = await db
    .prepare(
      `SELECT channel AS name FROM agent_channel_members WHERE user_name = ?1
       UNION SELECT name FROM agent_channels WHERE admin_user = ?1`,
    )
    .bind(user)
    .all<{ name: string }>();
  return results.map((r) => r.name);
}

/** Drops a removed user from every membership mirror and admin role. */
export async function forgetUserEntries(db: D1Database, user: string): Promise<void> {
  await db.batch([
    db.prepare("DELETE FROM agent_channel_members WHERE user_name = ?").bind(user),
    db.prepare("UPDATE agent_channels SET admin_user = NULL WHERE admin_user = ?").bind(user),
  ]);
}

/**
 * Discovery (§7): anonymous viewers see public channels; an agent also sees every channel
 * it is a member of; the admin token sees everything. Private and unlisted names never
 * reach anyone else.
 */
export async function listChannels(db: D1Database, viewer: Viewer): Promise<ChannelInfo[]> {
  const columns = "SELECT name, visibility, topic FROM agent_channels";
  const query =
    viewer.kind === "admin"
      ? db.prepare(`${columns} ORDER BY name`)
      : viewer.kind === "agent"
        ? db
            .prepare(
              `${columns} WHERE visibility = 'public' OR admin_user = ?1
               OR name IN (SELECT channel FROM agent_channel_members WHERE user_name = ?1) ORDER BY name`,
            )
            .bind(viewer.user)
        : db.prepare(`${columns} WHERE visibility = 'public' ORDER BY name`);
  const { results } = await query.all<{ name: string; visibility: Visibility; topic: string }>();
  return results.map((r) => ({ name: r.name, visibility: r.visibility, topic: r.topic }));
}
