/**
 * Approvals in the sled object's SQLite (sled-uplink.md §2): one row per `perm_request`,
 * pending until the first answer, a timeout (`expired`) or the drop of the connection that
 * asked (`cancelled`). Every transition is one conditional UPDATE on a pending row, so an
 * approval is decided exactly once, whoever races for it. Plain module over `Sql`: the same
 * code runs in workerd and in Node unit tests.
 */
import { first, migrate, rows, type Sql } from "../channels/sql.ts";

export const DECISIONS = ["allow-once", "allow-always", "deny"] as const;
export type Decision = (typeof DECISIONS)[number];

export type ApprovalStatus = "pending" | "allowed" | "denied" | "expired" | "cancelled";
/** Why an approval ended: a human answered, it timed out, or its uplink dropped. */
export type ApprovalReason = "user" | "expired" | "cancelled";
/**
 * Why a cancelled approval's uplink went away: it closed or was replaced or went stale
 * (`disconnected`), or it was gone after a runtime restart (`restart`).
 */
export type CancelCause = "disconnected" | "restart";
/** Who answered: an operator (`device`), a channel member, the HTTP route, or botgate. */
export type ResolverKind = "device" | "channel" | "runtime" | "system";

export interface Resolver {
  kind: ResolverKind;
  /** e.g. `operator:alice`, `channel:bob`, `http:admin`. */
  id: string;
}

export interface ApprovalRecord {
  id: string;
  project: string;
  connId: string;
  reqId: string;
  toolName: string;
  /** The tool input as the sled sent it, JSON text. */
  toolInputJson: string;
  inputSummary: string;
  createdAtMs: number;
  expiresAtMs: number;
  status: ApprovalStatus;
  decision: Decision | null;
  reason: ApprovalReason | null;
  cause: CancelCause | null;
  resolvedBy: Resolver | null;
  resolvedAtMs: number | null;
}

/** What the sled is told for a decided approval. */
export function verdict(record: ApprovalRecord): { approved: boolean; alwaysAllow: boolean } {
  return {
    approved: record.decision === "allow-once" || record.decision === "allow-always",
    alwaysAllow: record.decision === "allow-always",
  };
}

/** At most this many characters of the tool input in summaries and events. */
const SUMMARY_CHARS = 200;

export function summarize(toolInput: unknown): string {
  const text = typeof toolInput === "string" ? toolInput : (JSON.stringify(toolInput) ?? "null");
  return text.length > SUMMARY_CHARS ? `${text.slice(0, SUMMARY_CHARS - 1)}…` : text;
}

interface Row extends Record<string, string | number | null> {
  id: string;
  conn_id: string;
  req_id: string;
  tool_name: string;
  tool_input: string;
  summary: string;
  created_at: number;
  expires_at: number;
  status: string;
  decision: string | null;
  reason: string | null;
  cause: string | null;
  resolver_kind: string | null;
  resolved_by: string | null;
  resolved_at: number | null;
}

export class ApprovalStore {
  readonly #sql: Sql;
  readonly #project: () => string;

  constructor(sql: Sql, project: () => string) {
    this.#sql = sql;
    this.#project = project;
    migrate(sql, [
      `CREATE TABLE IF NOT EXISTS approvals (
        id TEXT PRIMARY KEY, conn_id TEXT NOT NULL, req_id TEXT NOT NULL,
        tool_name TEXT NOT NULL, tool_input TEXT NOT NULL, summary TEXT NOT NULL,
        created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL,
        status TEXT NOT NULL, decision TEXT, reason TEXT, cause TEXT,
        resolver_kind TEXT, resolved_by TEXT, resolved_at INTEGER,
        UNIQUE (conn_id, req_id))`,
      "CREATE INDEX IF NOT EXISTS approvals_pending ON approvals (status, expires_at)",
      "CREATE INDEX IF NOT EXISTS approvals_resolved ON approvals (resolved_at, id)",
    ]);
  }

  /**
   * A new pending approval for `reqId` on `connId`; `duplicate` when that connection already
   * used this `req_id`, `full` when it holds too many pending ones.
   */
  create(input: {
    connId: string;
    reqId: string;
    toolName: string;
    toolInput: unknown;
    now: number;
    timeoutMs: number;
    maxPending: number;
  }): ApprovalRecord | "duplicate" | "full" {
    if (
      first(
        this.#sql,
        "SELECT 1 AS ok FROM approvals WHERE conn_id = ? AND req_id = ?",
        input.connId,
        input.reqId,
      )
    ) {
      return "duplicate";
    }
    const pending =
      first<{ n: number }>(
        this.#sql,
        "SELECT count(*) AS n FROM approvals WHERE conn_id = ? AND status = 'pending'",
        input.connId,
      )?.n ?? 0;
    if (pending >= input.maxPending) return "full";
    const id = `${this.#project()}:${crypto.randomUUID()}`;
    this.#sql.exec(
      `INSERT INTO approvals (id, conn_id, req_id, tool_name, tool_input, summary, created_at, expires_at, status)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending')`,
      id,
      input.connId,
      input.reqId,
      input.toolName,
      JSON.stringify(input.toolInput ?? null),
      summarize(input.toolInput),
      input.now,
      input.now + input.timeoutMs,
    );
    return this.get(id) as ApprovalRecord;
  }

  get(id: string): ApprovalRecord | null {
    const row = first<Row>(this.#sql, "SELECT * FROM approvals WHERE id = ?", id);
    return row ? this.#record(row) : null;
  }

  /**
   * The first answer wins: `applied` says whether this call decided it; either way the
   * recorded approval is returned. `null` for an unknown id.
   */
  resolve(
    id: string,
    decision: Decision,
    resolver: Resolver,
    now: number,
  ): { applied: boolean; record: ApprovalRecord } | null {
    const status: ApprovalStatus = decision === "deny" ? "denied" : "allowed";
    const changed = this.#sql
      .exec(
        `UPDATE approvals SET status = ?, decision = ?, reason = 'user', resolver_kind = ?, resolved_by = ?, resolved_at = ?
       WHERE id = ? AND status = 'pending' RETURNING id`,
        status,
        decision,
        resolver.kind,
        resolver.id,
        now,
        id,
      )
      .toArray();
    const record = this.get(id);
    return record ? { applied: changed.length > 0, record } : null;
  }

  /** Denies (`expired`) every pending approval whose deadline has passed. */
  expireDue(now: number): ApprovalRecord[] {
    return this.#end(
      `UPDATE approvals SET status = 'expired', decision = 'deny', reason = 'expired', resolver_kind = 'system', resolved_by = 'system', resolved_at = ?
       WHERE status = 'pending' AND expires_at <= ? RETURNING id`,
      now,
      now,
    );
  }

  /** Denies (`cancelled`) every pending approval of a connection that dropped. */
  cancelConnection(connId: string, cause: CancelCause, now: number): ApprovalRecord[] {
    return this.#end(
      `UPDATE approvals SET status = 'cancelled', decision = 'deny', reason = 'cancelled', cause = ?, resolver_kind = 'system', resolved_by = 'system', resolved_at = ?
       WHERE status = 'pending' AND conn_id = ? RETURNING id`,
      cause,
      now,
      connId,
    );
  }

  /** Connections that still have pending approvals. */
  pendingConnections(): string[] {
    return rows<{ conn_id: string }>(
      this.#sql,
      "SELECT DISTINCT conn_id FROM approvals WHERE status = 'pending'",
    ).map((r) => r.conn_id);
  }

  pending(): ApprovalRecord[] {
    return rows<Row>(
      this.#sql,
      "SELECT * FROM approvals WHERE status = 'pending' ORDER BY created_at, id",
    ).map((row) => this.#record(row));
  }

  pendingCount(): number {
    return (
      first<{ n: number }>(
        this.#sql,
        "SELECT count(*) AS n FROM approvals WHERE status = 'pending'",
      )?.n ?? 0
    );
  }

  /** Decided approvals, newest first, strictly before the cursor `(resolvedAtMs, id)`. */
  history(limit: number, before: { at: number; id: string } | null): ApprovalRecord[] {
    const found = before
      ? rows<Row>(
          this.#sql,
          `SELECT * FROM approvals WHERE status != 'pending' AND (resolved_at < ? OR (resolved_at = ? AND id < ?))
           ORDER BY resolved_at DESC, id DESC LIMIT ?`,
          before.at,
          before.at,
          before.id,
          limit,
        )
      : rows<Row>(
          this.#sql,
          "SELECT * FROM approvals WHERE status != 'pending' ORDER BY resolved_at DESC, id DESC LIMIT ?",
          limit,
        );
    return found.map((row) => this.#record(row));
  }

  /** The earliest pending deadline, or `null`. */
  nextExpiry(): number | null {
    return (
      first<{ at: number | null }>(
        this.#sql,
        "SELECT MIN(expires_at) AS at FROM approvals WHERE status = 'pending'",
      )?.at ?? null
    );
  }

  /** Forgets decided approvals resolved before `cutoff`. */
  purge(cutoff: number): void {
    this.#sql.exec("DELETE FROM approvals WHERE status != 'pending' AND resolved_at < ?", cutoff);
  }

  #end(query: string, ...bindings: Array<string | number>): ApprovalRecord[] {
    const ids = this.#sql.exec<{ id: string }>(query, ...bindings).toArray();
    return ids.flatMap(({ id }) => this.get(id) ?? []);
  }

  #record(row: Row): ApprovalRecord {
    return {
      id: row.id,
      project: this.#project(),
      connId: row.conn_id,
      reqId: row.req_id,
      toolName: row.tool_name,
      toolInputJson: row.tool_input,
      inputSummary: row.summary,
      createdAtMs: row.created_at,
      expiresAtMs: row.expires_at,
      status: row.status as ApprovalStatus,
      decision: row.decision as Decision | null,
      reason: row.reason as ApprovalReason | null,
      cause: row.cause as CancelCause | null,
      resolvedBy:
        row.resolver_kind && row.resolved_by
          ? { kind: row.resolver_kind as ResolverKind, id: row.resolved_by }
          : null,
      resolvedAtMs: row.resolved_at,
    };
  }
}
