/**
 * What a sled object keeps besides its approvals (plain module over `Sql`): its project, the
 * live uplink (connection id, token, when it connected, its last frame), when it was last
 * seen and why it went away, the tools its last relayed `tools/list` returned, and the
 * results of `node.invoke` by idempotency key.
 */
import { first, migrate, type Sql } from "../channels/sql.ts";
import type { RelayOutcome } from "./mcp-relay.ts";

export interface LiveUplink {
  connId: string;
  tokenId: string;
  connectedAt: number;
  lastFrameAt: number;
}

export interface SledStatus {
  project: string;
  connected: boolean;
  connectedAt: number | null;
  lastSeenAtMs: number | null;
  lastSeenReason: string | null;
  /** The tools of the last relayed `tools/list` answer, JSON text. */
  toolsJson: string | null;
  pendingApprovals: number;
}

/** How long a `node.invoke` result is kept for its idempotency key. */
export const INVOKE_KEEP_MS = 10 * 60_000;

export class SledState {
  readonly #sql: Sql;
  /** The last `touch` written (in memory: after an eviction the first frame writes again). */
  #touched: { connId: string; at: number } | null = null;

  constructor(sql: Sql) {
    this.#sql = sql;
    migrate(sql, [
      "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
      `CREATE TABLE IF NOT EXISTS uplink (
        one INTEGER PRIMARY KEY CHECK (one = 1), conn_id TEXT NOT NULL, token_id TEXT NOT NULL,
        connected_at INTEGER NOT NULL, last_frame_at INTEGER NOT NULL)`,
      "CREATE TABLE IF NOT EXISTS invokes (key TEXT PRIMARY KEY, result TEXT NOT NULL, at INTEGER NOT NULL)",
    ]);
  }

  meta(key: string): string | null {
    return (
      first<{ value: string }>(this.#sql, "SELECT value FROM meta WHERE key = ?", key)?.value ??
      null
    );
  }

  setMeta(key: string, value: string): void {
    this.#sql.exec(
      "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      key,
      value,
    );
  }

  project(): string {
    return this.meta("project") ?? "";
  }

  live(): LiveUplink | null {
    const row = first<{
      conn_id: string;
      token_id: string;
      connected_at: number;
      last_frame_at: number;
    }>(
      this.#sql,
      "SELECT conn_id, token_id, connected_at, last_frame_at FROM uplink WHERE one = 1",
    );
    return row
      ? {
          connId: row.conn_id,
          tokenId: row.token_id,
          connectedAt: row.connected_at,
          lastFrameAt: row.last_frame_at,
        }
      : null;
  }

  /** This connection is the project's uplink from now on. */
  goLive(uplink: Omit<LiveUplink, "lastFrameAt">): void {
    this.#sql.exec(
      `INSERT INTO uplink (one, conn_id, token_id, connected_at, last_frame_at) VALUES (1, ?, ?, ?, ?)
       ON CONFLICT (one) DO UPDATE SET conn_id = excluded.conn_id, token_id = excluded.token_id,
         connected_at = excluded.connected_at, last_frame_at = excluded.last_frame_at`,
      uplink.connId,
      uplink.tokenId,
      uplink.connectedAt,
      uplink.connectedAt,
    );
    this.seen(uplink.connectedAt, "connected");
  }

  /**
   * A frame arrived on the live connection. Written at most once per `everyMs` (the caller's
   * fraction of the staleness window): the staleness check needs no finer time, and a frame
   * that needs no write of its own (an `mcp_response`, a heartbeat) then mostly commits
   * nothing, so nothing it releases waits for a commit.
   */
  touch(connId: string, now: number, everyMs: number): void {
    const last = this.#touched;
    if (last && last.connId === connId && now - last.at < everyMs) return;
    this.#sql.exec(
      "UPDATE uplink SET last_frame_at = ? WHERE one = 1 AND conn_id = ?",
      now,
      connId,
    );
    this.#touched = { connId, at: now };
  }

  /** The live connection went away; `false` when `connId` was not (or no longer) live. */
  goOffline(connId: string, now: number, reason: string): boolean {
    const gone = this.#sql
      .exec("DELETE FROM uplink WHERE one = 1 AND conn_id = ? RETURNING conn_id", connId)
      .toArray();
    if (gone.length === 0) return false;
    this.seen(now, reason);
    return true;
  }

  seen(at: number, reason: string): void {
    this.setMeta("last_seen_at", String(at));
    this.setMeta("last_seen_reason", reason);
  }

  /** Keeps the tools of a relayed `tools/list` response (JSON text), when it has them. */
  noteTools(responseJson: string): void {
    try {
      const tools = (JSON.parse(responseJson) as { result?: { tools?: unknown } } | null)?.result
        ?.tools;
      if (Array.isArray(tools)) this.setMeta("tools", JSON.stringify(tools));
    } catch {
      // Not JSON: nothing to keep.
    }
  }

  status(pendingApprovals: number): SledStatus {
    const live = this.live();
    const seenAt = this.meta("last_seen_at");
    const tools = this.meta("tools");
    return {
      project: this.project(),
      connected: live !== null,
      connectedAt: live?.connectedAt ?? null,
      lastSeenAtMs: live ? live.lastFrameAt : seenAt === null ? null : Number(seenAt),
      lastSeenReason: live ? "heartbeat" : this.meta("last_seen_reason"),
      toolsJson: tools,
      pendingApprovals,
    };
  }

  invokeResult(key: string, now: number): RelayOutcome | undefined {
    this.#sql.exec("DELETE FROM invokes WHERE at < ?", now - INVOKE_KEEP_MS);
    const row = first<{ result: string }>(
      this.#sql,
      "SELECT result FROM invokes WHERE key = ?",
      key,
    );
    return row ? (JSON.parse(row.result) as RelayOutcome) : undefined;
  }

  keepInvokeResult(key: string, result: RelayOutcome, now: number): void {
    this.#sql.exec(
      "INSERT INTO invokes (key, result, at) VALUES (?, ?, ?) ON CONFLICT (key) DO NOTHING",
      key,
      JSON.stringify(result),
      now,
    );
  }
}
