/**
 * The hub's operator sockets: their attachments, sending (`res` errors in the connection's
 * protocol), closing, releasing, the per-connection request rate, and fan-out to the live
 * ones. Socket bookkeeping in one place, so the Durable Object class stays a translator.
 */
import { recordViolation, TokenBucket } from "../channels/rate-limit.ts";
import { AttachmentCache } from "../lib/attachment-cache.ts";
import { type ErrorShape, OperatorClose } from "../protocol/operator-frames.ts";
import type { LiveAttachment, OperatorAttachment } from "./connection.ts";
import { type Fanned, fanout } from "./fanout.ts";
import { responseText } from "./outbound.ts";

/** Requests per connection: refill per second, burst; 3 violations in 10 s close it. */
const RATE = { perSecond: 50, burst: 100, maxViolations: 3, windowMs: 10_000 };

export class HubSockets {
  readonly #ctx: DurableObjectState;
  readonly #attachments = new AttachmentCache<OperatorAttachment>();
  /** Rate buckets live in memory: an idle hub that hibernates has full buckets anyway. */
  readonly #buckets = new Map<string, TokenBucket>();
  readonly #onLeave: (attachment: LiveAttachment) => void;

  /** `onLeave` runs when a live socket is released (closed by either side). */
  constructor(ctx: DurableObjectState, onLeave: (attachment: LiveAttachment) => void) {
    this.#ctx = ctx;
    this.#onLeave = onLeave;
  }

  read(ws: WebSocket): OperatorAttachment | null {
    return this.#attachments.read(ws);
  }

  write(ws: WebSocket, attachment: OperatorAttachment): void {
    this.#attachments.write(ws, attachment);
  }

  all(): WebSocket[] {
    return this.#ctx.getWebSockets();
  }

  /** Every socket past `connect` that is still open. */
  *live(): Generator<{ ws: WebSocket; attachment: LiveAttachment }> {
    for (const ws of this.#ctx.getWebSockets()) {
      const attachment = this.#attachments.read(ws);
      if (attachment?.phase === "live" && ws.readyState === WebSocket.OPEN)
        yield { ws, attachment };
    }
  }

  send(ws: WebSocket, text: string): void {
    try {
      ws.send(text);
    } catch {
      // Closed between the check and the send: its close event releases it.
    }
  }

  sendError(
    ws: WebSocket,
    id: string,
    message: string,
    protocol: number,
    extra: Partial<ErrorShape> = {},
  ): void {
    const error: ErrorShape = { code: "INVALID_REQUEST", message, ...extra };
    this.send(ws, responseText({ type: "res", id, ok: false, error }, protocol));
  }

  /** Closes a socket now and releases it. */
  close(ws: WebSocket, code: number, reason: string): void {
    this.release(ws);
    try {
      ws.close(code, reason.slice(0, 120));
    } catch {
      // Already closed by the peer.
    }
  }

  /** Forgets a socket (idempotent); a live one is handed to `onLeave`. */
  release(ws: WebSocket): void {
    const attachment = this.#attachments.read(ws);
    if (!attachment || attachment.phase === "closed") return;
    this.#attachments.write(ws, { phase: "closed", connId: attachment.connId });
    this.#buckets.delete(attachment.connId);
    if (attachment.phase === "live") this.#onLeave(attachment);
  }

  /**
   * Takes one request from the connection's budget. Over it: `UNAVAILABLE` `RATE_LIMITED`
   * (retryable) for this request, and the third violation within 10 s closes with 1008.
   */
  withinRate(ws: WebSocket, live: LiveAttachment, id: string): boolean {
    const now = Date.now();
    let bucket = this.#buckets.get(live.connId);
    if (!bucket) {
      bucket = new TokenBucket(RATE, now);
      this.#buckets.set(live.connId, bucket);
    }
    if (bucket.take(now)) return true;
    const { violations, verdict } = recordViolation(live.violations, now, RATE);
    this.#attachments.write(ws, { ...live, violations });
    this.sendError(ws, id, "rate limited", live.caller.protocol, {
      code: "UNAVAILABLE",
      details: { code: "RATE_LIMITED" },
      retryable: true,
      retryAfterMs: 1000,
    });
    if (verdict === "close") this.close(ws, OperatorClose.policy, "rate limited");
    return false;
  }

  /** Fans `items` out to every live socket but `except`. */
  fanout(items: readonly Fanned[], except: WebSocket | null = null): void {
    const targets = [...this.live()].filter(({ ws }) => ws !== except);
    fanout(items, targets, {
      send: (ws, text) => this.send(ws, text),
      write: (ws, attachment) => this.#attachments.write(ws, attachment),
      slow: (ws) => this.close(ws, OperatorClose.policy, "slow consumer"),
    });
  }
}
