/**
 * What the hub keeps with each operator socket, in its attachment (which survives
 * hibernation and eviction): the handshake phase and nonce, then the caller with its granted
 * scopes, the per-connection event `seq`, its topic subscriptions and its rate-limit record.
 */

import type { Caller } from "./caller.ts";
import type { PresenceFields } from "./hub-types.ts";

/** Subscriptions one connection may hold (the attachment is limited to 16 KiB). */
export const MAX_TOPICS = 64;

interface Opened {
  connId: string;
  openedAt: number;
  /** The client address (`CF-Connecting-IP`), for the failed-attempt limit. */
  ip: string;
}

export type OperatorAttachment =
  /** The challenge is out; the first frame must be `connect`. */
  | (Opened & { phase: "challenged"; nonce: string })
  /** `connect` is being checked (the input gate is open during the token lookup). */
  | (Opened & { phase: "verifying"; nonce: string })
  | (Opened & {
      phase: "live";
      caller: Caller;
      /** This connection's own presence entry (rebuilt from here after a restart). */
      presence: PresenceFields;
      /** The `seq` of the last event sent on this socket (the next one is `seq + 1`). */
      seq: number;
      topics: string[];
      /** Times of recent rate-limit violations. */
      violations: number[];
    })
  | { phase: "closed"; connId: string };

export type LiveAttachment = Extract<OperatorAttachment, { phase: "live" }>;
