/**
 * Dispatching a round's tables (docs/tournaments.md "Surviving restarts"): all in one batch,
 * safe against a dispatch that a restart cut short, a failed table retried a few times
 * before it is void.
 */
import { describeError, log } from "../lib/log.ts";
import type { TournamentSpec } from "./config.ts";
import type { DispatchOutcome, TableDispatch, TournamentDeps } from "./deps.ts";
import { scoreReport } from "./scoring.ts";
import { seedMap } from "./seeding.ts";
import type { TableRow, TournamentStore } from "./store.ts";

/** A failed dispatch is retried this often, this many times, before the table is void. */
export const DISPATCH_RETRY_MS = 1000;
const MAX_DISPATCH_ATTEMPTS = 5;

/** The dispatch key of a table, kept as the match's `source` (docs/tournaments.md). */
export function tableKey(tournamentId: string, round: number, table: number): string {
  return `tournament:${tournamentId}:${round}:${table}`;
}

/**
 * Dispatches `tables` (pending or dispatching) of the round: a table still `dispatching`
 * is first looked up in the registry. True on progress.
 */
export async function dispatchTables(
  store: TournamentStore,
  deps: TournamentDeps,
  spec: TournamentSpec,
  tables: readonly TableRow[],
): Promise<boolean> {
  let progressed = false;
  const fresh: { table: TableRow; request: TableDispatch }[] = [];
  for (const table of tables) {
    const key = tableKey(spec.id, table.round, table.table_no);
    if (table.status === "dispatching") {
      // A dispatch was under way when the object was evicted or restarted: adopt its match
      // if it got as far as the registry, else dispatch again (an object created without
      // registry rows was announced to no one and cancels itself at the connection wait).
      const found = await deps.findDispatched(key);
      if (found) {
        store.setPlaying(table, found);
        progressed = true;
        continue;
      }
    }
    const a = store.entry(table.a);
    const b = table.b === null ? null : store.entry(table.b);
    if (!a || !b) continue;
    fresh.push({
      table,
      request: {
        key,
        seats: [
          { bot_id: a.bot_id, token_id: a.token_id },
          { bot_id: b.bot_id, token_id: b.token_id },
        ],
        config: spec.match_config,
      },
    });
  }
  if (fresh.length === 0) return progressed;
  for (const { table } of fresh) store.setDispatching(table);
  let outcomes: DispatchOutcome[];
  try {
    outcomes = await deps.dispatch(fresh.map((f) => f.request));
  } catch (err) {
    outcomes = fresh.map(() => ({ ok: false, error: err }));
  }
  fresh.forEach(({ table, request }, i) => {
    const outcome = outcomes[i] ?? { ok: false, error: new Error("no dispatch answer") };
    if (outcome.ok) {
      store.setPlaying(table, outcome.match_id);
      progressed = true;
      return;
    }
    const attempts = table.attempts + 1;
    log("warn", "tournament_dispatch_failed", {
      tournament_id: spec.id,
      key: request.key,
      attempts,
      error: describeError(outcome.error),
    });
    if (attempts >= MAX_DISPATCH_ATTEMPTS) {
      store.scoreTable(table, scoreReport(spec.format, table, null, seedMap(store.entries())));
      progressed = true;
      return;
    }
    store.setPending(table, attempts);
  });
  return progressed;
}
