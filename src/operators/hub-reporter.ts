/**
 * The one way anything tells operators that something happened: `reportPresence` and
 * `reportEvent`, callable from any Durable Object or the Worker. Reports are buffered per
 * isolate for one window (250 ms) and sent to the hub in one RPC, so a burst of a thousand
 * lobbies coming online costs a handful of hub calls, not a thousand. An urgent event (an
 * approval request someone waits on) is sent at once, with whatever is buffered.
 *
 * Fire and forget by design: the hub is never the source of truth. A lost batch (the
 * isolate dies inside the window, the hub is unreachable) is repaired by the hub's rebuild
 * from D1 and the objects (see `presence-sources.ts`), and events are notifications whose
 * state can always be read back through a method.
 */
import { waitUntil } from "cloudflare:workers";
import { describeError, log } from "../lib/log.ts";
import {
  type EventReport,
  HUB_NAME,
  type PresenceFields,
  type PresenceReport,
} from "./hub-types.ts";
import { ReportBuffer } from "./report-buffer.ts";

/** The bindings the reporter needs (every Worker and object `env` has them). */
export type HubEnv = Pick<Env, "OPERATOR_HUB">;

const WINDOW_MS = 250;
const MAX_ITEMS = 2_000;

let target: HubEnv | null = null;

const buffer = new ReportBuffer({
  windowMs: WINDOW_MS,
  maxItems: MAX_ITEMS,
  now: () => Date.now(),
  schedule: (fn, ms) => {
    setTimeout(fn, ms);
  },
  send: async (batch) => {
    if (!target) return;
    try {
      await target.OPERATOR_HUB.getByName(HUB_NAME).report(batch);
    } catch (err) {
      log("warn", "hub_report_failed", {
        presence: batch.presence.length,
        events: batch.events.length,
        error: describeError(err),
      });
    }
  },
});

function add(
  env: HubEnv,
  item: { presence: PresenceReport } | { event: EventReport },
  urgent = false,
): void {
  target = env;
  const flush = buffer.add(item, urgent);
  // The flush runs in this caller's context: keep it alive until the batch is sent.
  if (flush) waitUntil(flush);
}

/** A live thing came online or changed (`entry`), or went away (`gone`). */
export function reportPresence(
  env: HubEnv,
  change:
    | { instanceId: string; facet?: string; entry: PresenceFields; at?: number }
    | { instanceId: string; facet?: string; gone: true; at?: number },
): void {
  const at = change.at ?? Date.now();
  const presence: PresenceReport =
    "gone" in change
      ? { instanceId: change.instanceId, gone: true, at, ...facetOf(change) }
      : { instanceId: change.instanceId, entry: change.entry, at, ...facetOf(change) };
  add(env, { presence });
}

/**
 * An event for operators (its scope comes from the event catalogue, by name). `urgent` skips
 * the window: someone is waiting on it (an approval request blocks a sled's tool call).
 */
export function reportEvent(
  env: HubEnv,
  event: { event: string; payload: unknown; topic?: string; at?: number; urgent?: boolean },
): void {
  add(
    env,
    {
      event: {
        event: event.event,
        payload: event.payload,
        at: event.at ?? Date.now(),
        ...(event.topic === undefined ? {} : { topic: event.topic }),
      },
    },
    event.urgent,
  );
}

function facetOf(change: { facet?: string }): { facet?: string } {
  return change.facet === undefined ? {} : { facet: change.facet };
}
