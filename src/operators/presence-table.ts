/**
 * The hub's presence: one row per facet of a live thing, in the hub's SQLite, applied
 * newest-report-wins by the source's clock, with a tombstone for each gone facet so a late
 * batch cannot bring it back. Entries are the merge of their facets. Every change is
 * returned as a delta (`added`: new or changed entries, `removed`: instance ids) and bumps
 * the monotonic `stateVersion.presence`. Plain module over `Sql`: unit-tested in Node.
 */
import { first, migrate, rows, type Sql } from "../channels/sql.ts";
import {
  isGone,
  type PresenceEntry,
  type PresenceFields,
  type PresenceReport,
} from "./hub-types.ts";

/** One broadcastable change (the `presence` event payload). */
export interface PresenceDelta {
  added: PresenceEntry[];
  removed: string[];
}

/** Tombstones older than this are dropped (no batch is ever that late). */
export const TOMBSTONE_TTL_MS = 10 * 60_000;

interface Row extends Record<string, string | number | null> {
  instance_id: string;
  facet: string;
  at: number;
  /** JSON `PresenceFields`; `null` for a tombstone. */
  entry: string | null;
}

export class PresenceTable {
  readonly #sql: Sql;

  constructor(sql: Sql) {
    this.#sql = sql;
    migrate(sql, [
      `CREATE TABLE IF NOT EXISTS presence_facets (
        instance_id TEXT NOT NULL,
        facet TEXT NOT NULL,
        at INTEGER NOT NULL,
        entry TEXT,
        PRIMARY KEY (instance_id, facet)
      )`,
      "CREATE TABLE IF NOT EXISTS presence_version (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL)",
      "INSERT OR IGNORE INTO presence_version (id, version) VALUES (1, 0)",
    ]);
  }

  /** Applies reports (each kept only if newer than what the facet holds); the net change. */
  apply(reports: readonly PresenceReport[]): PresenceDelta | null {
    const touched = new Set(reports.map((r) => r.instanceId));
    const before = this.#entries(touched);
    for (const report of reports) {
      this.#sql.exec(
        `INSERT INTO presence_facets (instance_id, facet, at, entry) VALUES (?, ?, ?, ?)
         ON CONFLICT (instance_id, facet) DO UPDATE SET at = excluded.at, entry = excluded.entry
         WHERE excluded.at >= presence_facets.at`,
        report.instanceId,
        report.facet ?? "",
        report.at,
        isGone(report) ? null : JSON.stringify(report.entry),
      );
    }
    return this.#delta(before, this.#entries(touched));
  }

  /**
   * Replaces what this table holds under `prefix` with what a source read at `observedAt`:
   * the entries it listed are upserted as of then, and every other live facet under the
   * prefix last reported before then is gone. Reports newer than the read are kept.
   */
  reconcile(
    prefix: string,
    live: ReadonlyArray<{ instanceId: string; facet?: string; entry: PresenceFields }>,
    observedAt: number,
  ): PresenceDelta | null {
    const held = new Map(
      rows<Row>(
        this.#sql,
        "SELECT instance_id, facet, at, entry FROM presence_facets WHERE substr(instance_id, 1, ?) = ?",
        prefix.length,
        prefix,
      ).map((row) => [`${row.instance_id}\u0000${row.facet}`, row]),
    );
    const reports: PresenceReport[] = [];
    const listed = new Set<string>();
    for (const l of live) {
      const key = `${l.instanceId}\u0000${l.facet ?? ""}`;
      listed.add(key);
      // A facet already held with the same fields is left alone (no churn on every rebuild).
      if (held.get(key)?.entry !== JSON.stringify(l.entry)) reports.push({ ...l, at: observedAt });
    }
    for (const [key, row] of held) {
      if (!listed.has(key) && row.entry !== null && row.at < observedAt) {
        reports.push({ instanceId: row.instance_id, facet: row.facet, at: observedAt, gone: true });
      }
    }
    return reports.length === 0 ? null : this.apply(reports);
  }

  /** Every live entry, ordered by instance id. */
  entries(): PresenceEntry[] {
    return [...this.#entries(null).values()];
  }

  /** How many live entries have this prefix (`bot:`, `agent:` …). */
  count(prefix: string): number {
    return (
      first<{ n: number }>(
        this.#sql,
        "SELECT count(DISTINCT instance_id) AS n FROM presence_facets WHERE substr(instance_id, 1, ?) = ? AND entry IS NOT NULL",
        prefix.length,
        prefix,
      )?.n ?? 0
    );
  }

  has(instanceId: string): boolean {
    return this.#entries(new Set([instanceId])).has(instanceId);
  }

  version(): number {
    return (
      first<{ version: number }>(this.#sql, "SELECT version FROM presence_version WHERE id = 1")
        ?.version ?? 0
    );
  }

  /** Forgets tombstones older than `before`. */
  purge(before: number): void {
    this.#sql.exec("DELETE FROM presence_facets WHERE entry IS NULL AND at < ?", before);
  }

  /** Merged entries of `ids` (or of everything), live facets only. */
  #entries(ids: ReadonlySet<string> | null): Map<string, PresenceEntry> {
    const all =
      ids === null
        ? rows<Row>(
            this.#sql,
            "SELECT instance_id, facet, at, entry FROM presence_facets WHERE entry IS NOT NULL ORDER BY instance_id, at",
          )
        : [...ids].flatMap((id) =>
            rows<Row>(
              this.#sql,
              "SELECT instance_id, facet, at, entry FROM presence_facets WHERE instance_id = ? AND entry IS NOT NULL ORDER BY at",
              id,
            ),
          );
    const out = new Map<string, PresenceEntry>();
    for (const row of all) {
      if (row.entry === null) continue;
      const fields = JSON.parse(row.entry) as PresenceFields;
      const held = out.get(row.instance_id);
      out.set(row.instance_id, merge(held, row.instance_id, row.at, fields));
    }
    return out;
  }

  #delta(
    before: Map<string, PresenceEntry>,
    after: Map<string, PresenceEntry>,
  ): PresenceDelta | null {
    const added: PresenceEntry[] = [];
    const removed: string[] = [];
    for (const [id, entry] of after) {
      const was = before.get(id);
      if (!was || JSON.stringify(was) !== JSON.stringify(entry)) added.push(entry);
    }
    for (const id of before.keys()) if (!after.has(id)) removed.push(id);
    if (added.length === 0 && removed.length === 0) return null;
    this.#sql.exec("UPDATE presence_version SET version = version + 1 WHERE id = 1");
    return { added, removed };
  }
}

/**
 * Folds one facet (newer than the ones before it) into an entry: the newest facet's fields
 * win, tags are the union, `onlineSince` the earliest, `ts` and `lastActivityAt` the latest.
 */
function merge(
  held: PresenceEntry | undefined,
  instanceId: string,
  at: number,
  fields: PresenceFields,
): PresenceEntry {
  const entry: PresenceEntry = { ...held, ...fields, instanceId, ts: Math.max(held?.ts ?? 0, at) };
  if (held?.tags || fields.tags) {
    entry.tags = [...new Set([...(held?.tags ?? []), ...(fields.tags ?? [])])].sort();
  }
  if (held?.onlineSince !== undefined && fields.onlineSince !== undefined) {
    entry.onlineSince = Math.min(held.onlineSince, fields.onlineSince);
  }
  if (held?.lastActivityAt !== undefined && fields.lastActivityAt !== undefined) {
    entry.lastActivityAt = Math.max(held.lastActivityAt, fields.lastActivityAt);
  }
  return entry;
}
