/**
 * Operator presence as the console holds it: the `hello-ok` snapshot, then `presence`
 * events applied in `seq` order. botgate sends deltas (`{added, removed}`: added replaces by
 * `instanceId`); the full-list form (`{presence}`) of the official gateway is accepted too.
 */
export interface PresenceEntry {
  instanceId?: string;
  mode?: string;
  roles?: string[];
  tags?: string[];
  text?: string;
  ts: number;
  onlineSince?: number;
  scopes?: string[];
  platform?: string;
  version?: string;
}

export type PresenceMap = ReadonlyMap<string, PresenceEntry>;

export interface PresencePayload {
  added?: PresenceEntry[];
  removed?: string[];
  presence?: PresenceEntry[];
}

function keyed(entries: readonly PresenceEntry[], into: Map<string, PresenceEntry>): void {
  for (const entry of entries) if (entry.instanceId) into.set(entry.instanceId, entry);
}

export function presenceFromSnapshot(entries: readonly PresenceEntry[]): PresenceMap {
  const map = new Map<string, PresenceEntry>();
  keyed(entries, map);
  return map;
}

/** A new map with one `presence` event applied (the old one is left as it was). */
export function applyPresence(current: PresenceMap, payload: PresencePayload): PresenceMap {
  if (Array.isArray(payload.presence)) return presenceFromSnapshot(payload.presence);
  const next = new Map(current);
  for (const id of payload.removed ?? []) next.delete(id);
  keyed(payload.added ?? [], next);
  return next;
}

/** The entries of one kind (`bot:`, `agent:`, `operator:`, `sled:`), by instance id. */
export function ofKind(map: PresenceMap, prefix: string): PresenceEntry[] {
  return [...map.entries()]
    .filter(([id]) => id.startsWith(prefix))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, entry]) => entry);
}

/** How many agent sessions are online in each channel (from their `channel:<name>` tags). */
export function onlineByChannel(map: PresenceMap): Map<string, number> {
  const counts = new Map<string, number>();
  for (const entry of ofKind(map, "agent:")) {
    for (const tag of entry.tags ?? []) {
      if (tag.startsWith("channel:")) {
        const name = tag.slice("channel:".length);
        counts.set(name, (counts.get(name) ?? 0) + 1);
      }
    }
  }
  return counts;
}
