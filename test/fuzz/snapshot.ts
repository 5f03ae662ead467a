/**
 * Snapshots of stored data, taken before and after hostile traffic and compared: every D1
 * table of the registry, and the SQLite tables of the Durable Objects under attack (read
 * through the harness's storage handle, the way an operator would look). Timer bookkeeping
 * is left out by name (see `BOOKKEEPING`): it moves whenever a socket opens, which is not
 * a change of data. A match's state document (`match_state.doc`) is split into the tables
 * it stands for (meta, seats, turns, schedule, outbox), so the same rules apply to it.
 */
import type { Gateway } from "../harness/gateway.ts";

type Row = Record<string, unknown>;
/** Table name → rows, in a stable order. */
export type Tables = Record<string, Row[]>;

/** One object to snapshot: its binding and its name. */
export interface ObjectRef {
  binding:
    | "BOT"
    | "MATCH"
    | "MATCHMAKER"
    | "CHANNEL"
    | "INBOX"
    | "OPERATOR_HUB"
    | "TOURNAMENT"
    | "SLED";
  name: string;
}

export interface Snapshot {
  d1: Tables;
  objects: Record<string, Tables>;
}

/**
 * Columns and tables that are bookkeeping, not data: a token's `last_used_at` (a usage
 * stamp any authenticated request may refresh), the schedule tables behind each object's
 * one alarm, the match's memo of the time its alarm is armed for, a seat's rolling window
 * of message receive times (every frame of the seat's own verified socket moves it; the
 * violations counted from it are compared), a sled uplink's last frame time (its heartbeats
 * move it), and a channel's presence batching (the paths
 * changed since the last broadcast and the count of broadcasts; who is present is
 * compared).
 */
export const BOOKKEEPING = {
  d1Columns: { tokens: ["last_used_at"] } as Record<string, string[]>,
  objectTables: ["schedule", "presence_dirty", "presence_version"],
  objectColumns: {
    meta: ["armed_at"],
    uplink: ["last_frame_at"],
  } as Record<string, string[]>,
};

/** The part of the D1 binding the snapshot uses (the harness hands it over untyped). */
interface D1Reader {
  prepare(sql: string): { all<T>(): Promise<{ results: T[] }> };
}

const SKIP_TABLE = /^(_cf_|sqlite_|d1_migrations$)/;

function stable(rows: Row[], drop: string[] = []): Row[] {
  return rows
    .map((row) => Object.fromEntries(Object.entries(row).filter(([k]) => !drop.includes(k))))
    .sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
}

/** Every registry table, bookkeeping columns left out. */
async function snapshotD1(gateway: Gateway): Promise<Tables> {
  const env = (await gateway.harness.getWorker().getEnv()) as { DB: D1Reader };
  const { results: tables } = await env.DB.prepare(
    "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name",
  ).all<{ name: string }>();
  const out: Tables = {};
  for (const { name } of tables) {
    if (SKIP_TABLE.test(name)) continue;
    const { results } = await env.DB.prepare(`SELECT * FROM "${name}"`).all<Row>();
    out[name] = stable(results, BOOKKEEPING.d1Columns[name]);
  }
  return out;
}

/** Every data table of one Durable Object. */
async function snapshotObject(gateway: Gateway, ref: ObjectRef): Promise<Tables> {
  const sql = await gateway.harness
    .getWorker()
    .getDurableObjectStorage(ref.binding, { name: ref.name });
  const tables = await sql.exec<{ name: string }>(
    "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name",
  );
  const out: Tables = {};
  const put = (name: string, rows: Row[]) => {
    if (BOOKKEEPING.objectTables.includes(name)) return;
    out[name] = stable(rows, BOOKKEEPING.objectColumns[name]);
  };
  for (const { name } of tables) {
    if (SKIP_TABLE.test(name)) continue;
    const rows: Row[] = await sql.exec(`SELECT * FROM "${name}"`);
    if (name === "match_state") {
      // The match keeps its state as one document: compared part by part, as tables.
      for (const row of rows) {
        const { doc, ...columns } = row;
        const parts = JSON.parse(String(doc)) as Record<string, unknown>;
        put(name, [columns]);
        put("meta", [{ ...(parts.meta as Row), outbox_id: parts.outbox_id }]);
        put(
          "schedule",
          Object.entries(parts.schedule as Row).map(([key, due]) => ({ key, due })),
        );
        for (const part of ["seats", "turns", "outbox"]) put(part, parts[part] as Row[]);
      }
      continue;
    }
    put(name, rows);
  }
  return out;
}

export async function snapshot(gateway: Gateway, objects: ObjectRef[]): Promise<Snapshot> {
  const snap: Snapshot = { d1: await snapshotD1(gateway), objects: {} };
  for (const ref of objects) {
    snap.objects[`${ref.binding}:${ref.name}`] = await snapshotObject(gateway, ref);
  }
  return snap;
}

/** Differences between two table sets, one line each (empty when equal). */
export function diffTables(where: string, before: Tables, after: Tables): string[] {
  const out: string[] = [];
  for (const table of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const a = (before[table] ?? []).map((r) => JSON.stringify(r));
    const b = (after[table] ?? []).map((r) => JSON.stringify(r));
    const removed = a.filter((r) => !b.includes(r));
    const added = b.filter((r) => !a.includes(r));
    for (const r of removed) out.push(`${where}.${table} lost ${r}`);
    for (const r of added) out.push(`${where}.${table} gained ${r}`);
  }
  return out;
}

/** Every difference between two snapshots. */
export function diffSnapshots(before: Snapshot, after: Snapshot): string[] {
  const out = diffTables("d1", before.d1, after.d1);
  for (const key of Object.keys(before.objects)) {
    out.push(...diffTables(key, before.objects[key] ?? {}, after.objects[key] ?? {}));
  }
  return out;
}

/**
 * Removes from `diff` the lost/gained pairs of `table` rows that are equal once `columns`
 * are left out (a documented counter moved, nothing else).
 */
export function ignoringColumns(diff: string[], table: string, columns: string[]): string[] {
  const strip = (line: string) => {
    const json = line.replace(/^.*? (lost|gained) /, "");
    try {
      const row = JSON.parse(json) as Record<string, unknown>;
      for (const column of columns) delete row[column];
      return JSON.stringify(row);
    } catch {
      return json;
    }
  };
  const lost = diff.filter((l) => l.includes(`.${table} lost `));
  const gained = diff.filter((l) => l.includes(`.${table} gained `));
  const cancelled = new Set<string>();
  for (const l of lost) {
    const match = gained.find((g) => !cancelled.has(g) && strip(g) === strip(l));
    if (match) {
      cancelled.add(l);
      cancelled.add(match);
    }
  }
  return diff.filter((line) => !cancelled.has(line));
}
