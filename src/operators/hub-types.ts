/**
 * What objects and the Worker tell the operator hub, and what the hub holds: presence
 * entries and events. Shared by the reporter (every object that reports), the hub and
 * the method groups; pure types and one helper, no runtime imports.
 */

/** The name of the one `OperatorHubObject` (one per deployment; shard by tenant later). */
export const HUB_NAME = "main";

/**
 * One live thing as operators see it: the official `PresenceEntry` (protocol.schema.json),
 * with `instanceId` always set to botgate's stable key of the thing (`bot:<id>`,
 * `agent:<user>/<machine>/<session>`, `operator:<connId>`, `sled:<project>`).
 */
export interface PresenceEntry {
  ts: number;
  instanceId: string;
  mode?: string;
  roles?: string[];
  scopes?: string[];
  tags?: string[];
  text?: string;
  deviceId?: string;
  platform?: string;
  version?: string;
  reason?: string;
  onlineSince?: number;
  lastActivityAt?: number;
}

/** The fields a source reports; `ts` and `instanceId` are filled in by the hub. */
export type PresenceFields = Omit<PresenceEntry, "ts" | "instanceId">;

/**
 * A change of one live thing. A thing seen through several sockets (an agent session in
 * two channels) reports one `facet` per socket; its entry is the merge of its facets and
 * it is gone when the last facet is. `at` is the source's clock: the newest report of a
 * facet wins, so a late batch can never undo a newer change.
 */
export type PresenceReport =
  | { instanceId: string; facet?: string; at: number; entry: PresenceFields }
  | { instanceId: string; facet?: string; at: number; gone: true };

/**
 * An event for operators. Its scope (who may receive it) is looked up in the method
 * groups' event catalogue by name, never taken from the reporter. With a `topic`, only
 * sockets subscribed to that topic get it (e.g. `chat:<channel>` after `chat.subscribe`).
 */
export interface EventReport {
  event: string;
  payload: unknown;
  topic?: string;
  at: number;
}

/** One hub RPC: whatever the reporter of one isolate collected in one window. */
export interface HubBatch {
  presence: PresenceReport[];
  events: EventReport[];
}

/** Whether a report removes its facet. */
export function isGone(report: PresenceReport): report is Extract<PresenceReport, { gone: true }> {
  return "gone" in report;
}
