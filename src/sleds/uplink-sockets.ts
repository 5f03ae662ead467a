/**
 * The sled object's sockets (hibernation API): each socket's attachment (its connection id,
 * token and phase), lookup by connection id (the socket's tag), and flood control.
 */
import { FRAME_BURST, FRAME_RATE_PER_S } from "./config.ts";

export interface UplinkAttachment {
  connId: string;
  tokenId: string;
  openedAt: number;
  /** `awaiting` its identity, `live` (the project's uplink), or `closed` by botgate. */
  phase: "awaiting" | "live" | "closed";
}

export class UplinkSockets {
  /** Token buckets per connection, in memory: an eviction forgives a burst. */
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  readonly #ctx: DurableObjectState;

  constructor(ctx: DurableObjectState) {
    this.#ctx = ctx;
  }

  accept(ws: WebSocket, attachment: UplinkAttachment): void {
    this.#ctx.acceptWebSocket(ws, [attachment.connId]);
    this.write(ws, attachment);
  }

  read(ws: WebSocket): UplinkAttachment | null {
    return (ws.deserializeAttachment() as UplinkAttachment | null) ?? null;
  }

  write(ws: WebSocket, attachment: UplinkAttachment): void {
    ws.serializeAttachment(attachment);
  }

  /** Every socket botgate has not closed, with its attachment. */
  *open(): Generator<{ ws: WebSocket; attachment: UplinkAttachment }> {
    for (const ws of this.#ctx.getWebSockets()) {
      const attachment = this.read(ws);
      if (attachment && attachment.phase !== "closed") yield { ws, attachment };
    }
  }

  /** The live socket of a connection, or `null` when it is gone. */
  live(connId: string): WebSocket | null {
    const ws = this.#ctx.getWebSockets(connId)[0];
    return ws && this.read(ws)?.phase === "live" ? ws : null;
  }

  /** Marks the socket closed (its attachment first) and closes it; returns its attachment. */
  close(ws: WebSocket, code: number, reason: string): UplinkAttachment | null {
    const attachment = this.read(ws);
    if (attachment && attachment.phase !== "closed")
      this.write(ws, { ...attachment, phase: "closed" });
    try {
      ws.close(code, reason);
    } catch {
      // Already closing.
    }
    return attachment;
  }

  /** Takes one frame from the connection's bucket; `false` when it is flooding. */
  withinRate(connId: string, now: number): boolean {
    const bucket = this.#buckets.get(connId) ?? { tokens: FRAME_BURST, at: now };
    bucket.tokens = Math.min(
      FRAME_BURST,
      bucket.tokens + ((now - bucket.at) / 1000) * FRAME_RATE_PER_S,
    );
    bucket.at = now;
    this.#buckets.set(connId, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  forget(connId: string): void {
    this.#buckets.delete(connId);
  }
}
