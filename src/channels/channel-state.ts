/**
 * A channel's own settings and access rules (agent channels §7): visibility, topic, the
 * channel admin, the per-user ACL, bans and invite tokens (stored hashed). Plain SQLite,
 * synchronous, so every check-then-write runs without an await in between.
 */
import type { Visibility } from "../agents/names.ts";
import type { ChannelInfo } from "../protocol/channel-frames.ts";
import { first, migrate, rows, type Sql } from "./sql.ts";

/** A channel's own settings. */
export interface ChannelSettings extends ChannelInfo {
  /** The channel admin: the user who created it (null when created by the admin token). */
  admin: string | null;
  created_at: number;
}

/** An invite as admins see it (never its token). */
export interface InviteInfo {
  invite_id: string;
  uses_left: number | null;
  expires_at: number | null;
  created_at: number;
  created_by: string;
}

/** Why a user may not join. */
export type Refusal = "banned" | "not_member";

/** Settings, ACL, bans and invites of one channel, in its object's SQLite. */
export class ChannelState {
  readonly #sql: Sql;

  constructor(sql: Sql) {
    this.#sql = sql;
    migrate(sql, [
      `CREATE TABLE IF NOT EXISTS channel (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        name TEXT NOT NULL,
        visibility TEXT NOT NULL,
        topic TEXT NOT NULL,
        admin TEXT,
        created_at INTEGER NOT NULL
      )`,
      "CREATE TABLE IF NOT EXISTS acl (user TEXT PRIMARY KEY, added_by TEXT, added_at INTEGER NOT NULL)",
      "CREATE TABLE IF NOT EXISTS bans (user TEXT PRIMARY KEY, banned_by TEXT, banned_at INTEGER NOT NULL)",
      `CREATE TABLE IF NOT EXISTS invites (
        invite_id TEXT PRIMARY KEY,
        token_hash TEXT NOT NULL UNIQUE,
        uses_left INTEGER,
        expires_at INTEGER,
        created_at INTEGER NOT NULL,
        created_by TEXT NOT NULL
      )`,
    ]);
  }

  settings(): ChannelSettings | null {
    const row = first<{
      name: string;
      visibility: string;
      topic: string;
      admin: string | null;
      created_at: number;
    }>(this.#sql, "SELECT name, visibility, topic, admin, created_at FROM channel WHERE id = 1");
    if (!row) return null;
    return { ...row, visibility: row.visibility as Visibility };
  }

  /** Creates the channel (its admin becomes a member). `false` when it already exists. */
  create(settings: ChannelSettings): boolean {
    if (this.settings()) return false;
    this.#sql.exec(
      "INSERT INTO channel (id, name, visibility, topic, admin, created_at) VALUES (1, ?, ?, ?, ?, ?)",
      settings.name,
      settings.visibility,
      settings.topic,
      settings.admin,
      settings.created_at,
    );
    if (settings.admin !== null)
      this.addMember(settings.admin, settings.admin, settings.created_at);
    return true;
  }

  update(patch: { topic?: string; visibility?: Visibility }): void {
    if (patch.topic !== undefined)
      this.#sql.exec("UPDATE channel SET topic = ? WHERE id = 1", patch.topic);
    if (patch.visibility !== undefined) {
      this.#sql.exec("UPDATE channel SET visibility = ? WHERE id = 1", patch.visibility);
    }
  }

  /**
   * Whether `user` may join now. Bans win over everything but server admin rights; a
   * private channel needs membership. Invites are redeemed separately (`redeemInvite`).
   */
  refusal(user: string, serverAdmin: boolean): Refusal | null {
    if (serverAdmin) return null;
    if (this.isBanned(user)) return "banned";
    if (this.settings()?.visibility === "private" && !this.isMember(user)) return "not_member";
    return null;
  }

  isMember(user: string): boolean {
    return first(this.#sql, "SELECT 1 AS ok FROM acl WHERE user = ?", user) !== null;
  }

  /** `true` when the user was not a member before. */
  addMember(user: string, by: string | null, now: number): boolean {
    const before = this.isMember(user);
    this.#sql.exec(
      "INSERT OR IGNORE INTO acl (user, added_by, added_at) VALUES (?, ?, ?)",
      user,
      by,
      now,
    );
    return !before;
  }

  /** `true` when the user was a member. */
  removeMember(user: string): boolean {
    const before = this.isMember(user);
    this.#sql.exec("DELETE FROM acl WHERE user = ?", user);
    return before;
  }

  isBanned(user: string): boolean {
    return first(this.#sql, "SELECT 1 AS ok FROM bans WHERE user = ?", user) !== null;
  }

  ban(user: string, by: string | null, now: number): void {
    this.#sql.exec(
      "INSERT OR IGNORE INTO bans (user, banned_by, banned_at) VALUES (?, ?, ?)",
      user,
      by,
      now,
    );
  }

  unban(user: string): boolean {
    const before = this.isBanned(user);
    this.#sql.exec("DELETE FROM bans WHERE user = ?", user);
    return before;
  }

  bans(): Array<{ user: string; banned_by: string | null; banned_at: number }> {
    return rows(this.#sql, "SELECT user, banned_by, banned_at FROM bans ORDER BY user");
  }

  /** A removed user: out of the ACL, and no longer the channel admin. Bans stay. */
  forgetUser(user: string): void {
    this.removeMember(user);
    this.#sql.exec("UPDATE channel SET admin = NULL WHERE id = 1 AND admin = ?", user);
  }

  addInvite(invite: InviteInfo & { token_hash: string }): void {
    this.#sql.exec(
      "INSERT INTO invites (invite_id, token_hash, uses_left, expires_at, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?)",
      invite.invite_id,
      invite.token_hash,
      invite.uses_left,
      invite.expires_at,
      invite.created_at,
      invite.created_by,
    );
  }

  /**
   * Redeems an invite for `user`: consumes one use and adds the user to the ACL. `false`
   * when the token is unknown, used up or expired (an expired or used-up invite is deleted).
   */
  redeemInvite(tokenHash: string, user: string, now: number): boolean {
    const invite = first<{
      invite_id: string;
      uses_left: number | null;
      expires_at: number | null;
    }>(
      this.#sql,
      "SELECT invite_id, uses_left, expires_at FROM invites WHERE token_hash = ?",
      tokenHash,
    );
    if (!invite) return false;
    const expired = invite.expires_at !== null && invite.expires_at <= now;
    if (expired || invite.uses_left === 0) {
      this.#sql.exec("DELETE FROM invites WHERE invite_id = ?", invite.invite_id);
      return false;
    }
    if (invite.uses_left !== null) {
      this.#sql.exec(
        "UPDATE invites SET uses_left = uses_left - 1 WHERE invite_id = ?",
        invite.invite_id,
      );
    }
    this.addMember(user, `invite:${invite.invite_id}`, now);
    return true;
  }

  revokeInvite(inviteId: string): boolean {
    const found = first(this.#sql, "SELECT 1 AS ok FROM invites WHERE invite_id = ?", inviteId);
    this.#sql.exec("DELETE FROM invites WHERE invite_id = ?", inviteId);
    return found !== null;
  }

  /** Invites still usable at `now`, without their hashes. */
  invites(now: number): InviteInfo[] {
    return rows<{
      invite_id: string;
      uses_left: number | null;
      expires_at: number | null;
      created_at: number;
      created_by: string;
    }>(
      this.#sql,
      `SELECT invite_id, uses_left, expires_at, created_at, created_by FROM invites
       WHERE (expires_at IS NULL OR expires_at > ?) AND (uses_left IS NULL OR uses_left > 0)
       ORDER BY created_at, invite_id`,
      now,
    );
  }
}
