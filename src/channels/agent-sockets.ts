/**
 * The sockets of one agent socket object (channel or inbox): their attachments (cached; the
 * attachment itself survives hibernation), the live ones by socket id (rebuilt from the
 * runtime's list after hibernation), sending, broadcasting and dropping. Releasing a socket
 * — dropped by us or closed by the peer — happens once, and is reported to the object.
 */
import { AttachmentCache } from "../lib/attachment-cache";
import type { ErrorFrame, ServerFrame } from "../protocol/channel-frames";
import type { Attachment, Identity } from "./connection";
import type { Replay } from "./seq-log";

/** A socket that completed the handshake. */
export interface LiveSocket {
  ws: WebSocket;
  attachment: Attachment & { identity: Identity };
}

export class AgentSockets {
  readonly #ctx: DurableObjectState;
  /** Live sockets by socket id. */
  readonly #live = new Map<string, WebSocket>();
  readonly #attachments = new AttachmentCache<Attachment>();
  readonly #released: (attachment: Attachment, wasLive: boolean) => void;

  /** `released` hears of every socket once, as it stops counting (dropped or closed). */
  constructor(
    ctx: DurableObjectState,
    released: (attachment: Attachment, wasLive: boolean) => void,
  ) {
    this.#ctx = ctx;
    this.#released = released;
    for (const ws of ctx.getWebSockets()) {
      const attachment = this.attachment(ws);
      if (attachment?.phase === "live") this.#live.set(attachment.id, ws);
    }
  }

  /** A socket's attachment. */
  attachment(ws: WebSocket): Attachment | null {
    return this.#attachments.read(ws);
  }

  write(ws: WebSocket, attachment: Attachment): void {
    this.#attachments.write(ws, attachment);
  }

  /** The socket completed its handshake: broadcasts reach it from now on. */
  goLive(ws: WebSocket, attachment: LiveSocket["attachment"]): void {
    this.write(ws, attachment);
    this.#live.set(attachment.id, ws);
  }

  /** The socket as a `LiveSocket`, when it is one. */
  asLive(ws: WebSocket, attachment: Attachment): LiveSocket | null {
    if (attachment.phase !== "live" || attachment.identity === null) return null;
    return { ws, attachment: attachment as LiveSocket["attachment"] };
  }

  /** Every live socket (established, not closing). */
  *live(): Generator<LiveSocket> {
    for (const ws of this.#live.values()) {
      const attachment = this.attachment(ws);
      if (attachment?.phase === "live" && attachment.identity) {
        yield { ws, attachment: attachment as LiveSocket["attachment"] };
      }
    }
  }

  /** Sends a frame; a socket that is already gone is skipped (its close event cleans up). */
  send(ws: WebSocket, frame: ServerFrame): void {
    this.sendText(ws, JSON.stringify(frame));
  }

  sendText(ws: WebSocket, text: string): void {
    try {
      ws.send(text);
    } catch {
      // Closed between our check and the send: the close handler releases it.
    }
  }

  /** Replays logged entries as `type` frames, then `caught_up` with the gap flag (§5). */
  sendReplay(ws: WebSocket, replay: Replay, type: "message" | "whisper"): void {
    for (const entry of replay.entries) this.send(ws, { type, ...entry });
    this.send(ws, {
      type: "caught_up",
      seq: replay.latest,
      gap: replay.gap,
      ...(replay.fromSeq === null ? {} : { from_seq: replay.fromSeq }),
      ...(replay.more ? { more: true as const } : {}),
    });
  }

  /** Sends one serialized frame to every live socket except `exceptId`. */
  broadcast(frame: ServerFrame, exceptId: string | null = null): void {
    const text = JSON.stringify(frame);
    for (const [id, ws] of this.#live) {
      if (id !== exceptId) this.sendText(ws, text);
    }
  }

  /**
   * Closes a socket now: an optional error frame, then the close code. Its presence (or
   * inbox slot) is released immediately, without waiting for the peer's Close.
   */
  drop(
    ws: WebSocket,
    code: number,
    error: Omit<ErrorFrame, "type"> | null,
    reason = error?.message ?? "",
  ): void {
    const attachment = this.attachment(ws);
    if (!attachment || attachment.phase === "closed") return;
    if (error) this.send(ws, { type: "error", ...error });
    this.release(ws);
    try {
      ws.close(code, reason.slice(0, 120));
    } catch {
      // Already closed by the peer.
    }
  }

  /** Drops every live socket whose identity matches. Returns how many. */
  dropWhere(
    match: (identity: Identity) => boolean,
    code: number,
    error: Omit<ErrorFrame, "type">,
  ): number {
    let dropped = 0;
    for (const socket of [...this.live()]) {
      if (match(socket.attachment.identity)) {
        this.drop(socket.ws, code, error);
        dropped += 1;
      }
    }
    return dropped;
  }

  /** Closes every socket (live or mid-handshake) with `code`. */
  dropAll(code: number, error: Omit<ErrorFrame, "type">): void {
    for (const ws of this.#ctx.getWebSockets()) this.drop(ws, code, error);
  }

  /** The socket stops counting (the peer closed it, or it failed); once per socket. */
  release(ws: WebSocket): void {
    const attachment = this.attachment(ws);
    if (!attachment || attachment.phase === "closed") return;
    const wasLive = attachment.phase === "live" && attachment.identity !== null;
    this.write(ws, { ...attachment, phase: "closed" });
    this.#live.delete(attachment.id);
    this.#released(attachment, wasLive);
  }

  /** Forgets the live set (after the object's storage was deleted). */
  clear(): void {
    this.#live.clear();
  }
}
