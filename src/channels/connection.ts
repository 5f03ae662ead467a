/**
 * Per-socket bookkeeping of agent sockets: the attachment each socket carries through
 * hibernation (`serializeAttachment`), the handshake phases and which frames each phase
 * admits, and the deadlines the sweep enforces. Pure: no Workers APIs here.
 */
import type { ErrorFrame } from "../protocol/channel-frames.ts";

/** Where a socket is in its life: handshake steps, established, or closing. */
export type Phase = "greeting" | "challenged" | "verifying" | "live" | "closed";

/** Who a socket authenticated as. */
export interface Identity {
  user: string;
  machine: string;
  /** Registry id of the machine key (a re-enrolled machine gets a new one). */
  machineId: string;
  session: string;
  /** `user/machine/session`, stamped on everything this socket sends. */
  path: string;
  /** May administer the object this socket is on (server admin, or channel admin). */
  admin: boolean;
  serverAdmin: boolean;
}

/** What `hello` asked for, kept until the handshake completes. */
export interface HelloRequest {
  session: string;
  sinceSeq: number | null;
  invite: string | null;
  echo: boolean;
}

/** Survives hibernation with the socket (well under the 16 KiB attachment limit). */
export interface Attachment {
  id: string;
  /** URL path the socket was opened on; part of the signed string. */
  endpoint: string;
  openedAt: number;
  phase: Phase;
  nonce: string | null;
  hello: HelloRequest | null;
  identity: Identity | null;
  liveAt: number | null;
  /** Last ping that reached the object (one not byte-identical to the auto-responded text). */
  pingAt: number | null;
  /** Recent rate-limit violations (timestamps), for the close on the fifth in a minute. */
  violations: number[];
}

/** The attachment of a socket that was just accepted. */
export function newAttachment(id: string, endpoint: string, now: number): Attachment {
  return {
    id,
    endpoint,
    openedAt: now,
    phase: "greeting",
    nonce: null,
    hello: null,
    identity: null,
    liveAt: null,
    pingAt: null,
    violations: [],
  };
}

/**
 * Whether a frame of `type` may be handled in `phase`; otherwise the error to answer (the
 * socket stays open: the handshake deadline closes it if the client never gets it right).
 */
export function admits(phase: Phase, type: string): ErrorFrame | null {
  if (type === "ping") return null;
  const refuse = (code: ErrorFrame["code"], message: string): ErrorFrame => ({
    type: "error",
    code,
    message,
  });
  switch (phase) {
    case "greeting":
      return type === "hello" ? null : refuse("unauthorized", "Send hello first");
    case "challenged":
      if (type === "auth") return null;
      return type === "hello"
        ? refuse("malformed", "hello was already received")
        : refuse("unauthorized", "Authenticate first");
    case "verifying":
      return refuse("unauthorized", "Authentication in progress");
    case "live":
      return type === "hello" || type === "auth"
        ? refuse("malformed", "The handshake is already complete")
        : null;
    case "closed":
      return refuse("unauthorized", "Socket is closing");
  }
}

/** What the sweep must close now, and when it must look again. */
export interface Deadlines {
  /** Sockets that did not finish the handshake in time (close 4007). */
  handshakeExpired: string[];
  /** Live sockets with no ping for too long (close 4000). */
  heartbeatExpired: string[];
  /** When the next socket would expire, or `null` when no socket is open. */
  next: number | null;
}

/**
 * The sweep: which sockets are past their deadline at `now`, and when to look again.
 * `lastPing` is the latest ping seen for a socket (auto-responded or not), if any.
 */
export function deadlines(
  sockets: ReadonlyArray<{ attachment: Attachment; lastPing: number | null }>,
  now: number,
  limits: { handshakeTimeoutMs: number; heartbeatTimeoutMs: number },
): Deadlines {
  const result: Deadlines = { handshakeExpired: [], heartbeatExpired: [], next: null };
  for (const { attachment, lastPing } of sockets) {
    if (attachment.phase === "closed") continue;
    const live = attachment.phase === "live";
    const due = live
      ? Math.max(attachment.liveAt ?? attachment.openedAt, lastPing ?? 0) +
        limits.heartbeatTimeoutMs
      : attachment.openedAt + limits.handshakeTimeoutMs;
    if (due <= now) {
      (live ? result.heartbeatExpired : result.handshakeExpired).push(attachment.id);
    } else if (result.next === null || due < result.next) {
      result.next = due;
    }
  }
  return result;
}
