/**
 * Fan-out of events to operator sockets: each event goes to every live socket holding its
 * scope (and its topic), each frame with that socket's next `seq`, the attachment written
 * once per socket per fan-out. A socket whose outbound queue is over budget is cut (1008
 * slow consumer) rather than skipped, so a live socket never misses an event silently.
 */
import type { LiveAttachment } from "./connection.ts";
import type { EventReport } from "./hub-types.ts";
import type { MethodRegistry, StateVersion } from "./methods/registry.ts";
import { eventText, type OutgoingEvent, outgoing } from "./outbound.ts";
import type { PresenceDelta } from "./presence-table.ts";
import { holds, type Scope } from "./scopes.ts";

/** Outbound bytes a socket may have queued before it is cut as a slow consumer. */
export const MAX_BUFFERED = 1_048_576;

/** Something to fan out, with who may receive it. */
export interface Fanned {
  out: OutgoingEvent;
  scope: Scope | null;
  topic?: string;
}

export interface FanoutTarget {
  ws: WebSocket;
  attachment: LiveAttachment;
}

export function presenceEvent(delta: PresenceDelta, version: StateVersion): Fanned {
  return { out: outgoing("presence", delta, version), scope: "operator.read" };
}

/** A reported event with its scope from the catalogue; `null` for a name nobody declared. */
export function catalogued(registry: MethodRegistry, event: EventReport): Fanned | null {
  const scope = registry.eventScope(event.event);
  if (scope === undefined) return null;
  return {
    out: outgoing(event.event, event.payload),
    scope,
    ...(event.topic === undefined ? {} : { topic: event.topic }),
  };
}

export function fanout(
  items: readonly Fanned[],
  targets: Iterable<FanoutTarget>,
  io: {
    send(ws: WebSocket, text: string): void;
    write(ws: WebSocket, attachment: LiveAttachment): void;
    slow(ws: WebSocket): void;
  },
): void {
  if (items.length === 0) return;
  for (const { ws, attachment } of targets) {
    let seq = attachment.seq;
    for (const item of items) {
      if (!holds(attachment.caller.scopes, item.scope)) continue;
      if (item.topic !== undefined && !attachment.topics.includes(item.topic)) continue;
      seq += 1;
      io.send(ws, eventText(item.out, seq, attachment.caller.protocol));
    }
    if (seq === attachment.seq) continue;
    io.write(ws, { ...attachment, seq });
    if (ws.bufferedAmount > MAX_BUFFERED) io.slow(ws);
  }
}
