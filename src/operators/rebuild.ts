/**
 * Presence rebuilt from its sources (the hub is never the source of truth): the hub's own
 * sockets, then each method group's source, which reads D1 and asks the objects. Each source
 * replaces what the table holds under its prefix as of the moment it was read, so reports
 * that arrived meanwhile are kept. A source that fails is skipped, never taken as "nobody".
 */
import { describeError, log } from "../lib/log.ts";
import type { PresenceFields } from "./hub-types.ts";
import type { PresenceSource } from "./methods/registry.ts";
import { PRESENCE_PREFIX } from "./presence-kinds.ts";
import type { PresenceDelta, PresenceTable } from "./presence-table.ts";

export async function rebuildPresence(
  env: Env,
  table: PresenceTable,
  operators: Array<{ instanceId: string; entry: PresenceFields }>,
  sources: readonly PresenceSource[],
): Promise<PresenceDelta[]> {
  const deltas = [table.reconcile(PRESENCE_PREFIX.operator, operators, Date.now())];
  for (const source of sources) {
    const observedAt = Date.now();
    try {
      deltas.push(table.reconcile(source.prefix, await source.list(env), observedAt));
    } catch (err) {
      log("warn", "operator_rebuild_source_failed", {
        prefix: source.prefix,
        error: describeError(err),
      });
    }
  }
  return deltas.filter((delta) => delta !== null);
}
