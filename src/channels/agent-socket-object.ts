/**
 * The Durable Object core shared by channels and inboxes: it owns the WebSocket entry
 * points (`fetch`, `webSocketMessage/Close/Error`) and the alarm, each wrapped so a bad
 * frame or a bug never crashes the object, and hands off to small hooks. It does the
 * parts every agent socket has in common: size and rate limits, strict frame parsing, the
 * challenge–response handshake bound to this socket (`handshake.ts`), one socket per session
 * path, the heartbeat sweep, whispers, server-wide admin ops, and the force-drop kill switch.
 */
import { DurableObject } from "cloudflare:workers";
import { upgradeResponse } from "../http/upgrade.ts";
import { describeError, log } from "../lib/log";
import {
  type Auth,
  CloseCode,
  type ErrorFrame,
  type Hello,
  type Parsed,
  PING_TEXT,
  PONG_TEXT,
  type WhisperRequest,
} from "../protocol/channel-frames";
import { AgentSockets, type LiveSocket } from "./agent-sockets";
import { type SocketConfig, socketConfig } from "./config";
import {
  type Attachment,
  admits,
  deadlines,
  type HelloRequest,
  type Identity,
  newAttachment,
} from "./connection";
import { type Admission, AgentHandshake } from "./handshake";
import { MachineGuard } from "./machine-guard";
import { recordViolation, TokenBucket } from "./rate-limit";
import { Schedule, ScheduleAlarm } from "./schedule";
import { isServerOp, serverAdminAnswer, whisperAnswer } from "./server-ops";
import type { Sql } from "./sql";

export type { Admission };

/** Base of `ChannelObject` and `InboxObject`; `Frame` is the union of its client frames. */
export abstract class AgentSocketObject<Frame extends { type: string }> extends DurableObject<Env> {
  protected readonly sql: Sql;
  protected readonly config: SocketConfig;
  protected schedule: Schedule;
  protected readonly sockets: AgentSockets;
  /**
   * Rate buckets live in memory: an object only hibernates after seconds of silence, by
   * which time every bucket would be full again anyway.
   */
  readonly #buckets = new Map<string, TokenBucket>();
  /** The one alarm, at the schedule's earliest deadline. */
  readonly #alarm: ScheduleAlarm;
  /** Machine keys, indexed and force-dropped machines. */
  readonly #machines: MachineGuard;
  /** The challenge–response handshake (`hello` → `challenge` → `auth` → live). */
  readonly #handshake: AgentHandshake;

  /** What this object is in the machine registry ("channel" or "inbox"). */
  protected abstract readonly kind: "channel" | "inbox";

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.config = socketConfig(env);
    this.schedule = new Schedule(this.sql);
    this.#alarm = new ScheduleAlarm(ctx.storage);
    this.#machines = new MachineGuard(this.sql, () => this.schedule);
    // Pings are answered by the runtime without waking the object; the sweep reads
    // getWebSocketAutoResponseTimestamp to know when each socket last pinged.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(PING_TEXT, PONG_TEXT));
    this.sockets = new AgentSockets(ctx, (attachment, wasLive) => {
      this.#buckets.delete(attachment.id);
      if (wasLive) this.onDeparted(attachment as LiveSocket["attachment"]);
    });
    // Getters: the subclass's fields (`kind`) are set after this constructor returns.
    const self = this;
    this.#handshake = new AgentHandshake({
      get kind() {
        return self.kind;
      },
      get name() {
        return self.name;
      },
      env,
      config: this.config,
      sockets: this.sockets,
      machines: this.#machines,
      schedule: () => this.schedule,
      prepare: (identity, hello) => this.prepare(identity, hello),
      admit: (identity, hello) => this.admit(identity, hello),
      onEstablished: (socket, hello) => this.onEstablished(socket, hello),
    });
  }

  // ---- hooks ----

  /** The object's name (channel name or inbox path). */
  protected get name(): string {
    return this.ctx.id.name ?? "";
  }

  /** Parses a text frame against the schema of this kind of socket. */
  protected abstract parse(text: string): Parsed<Frame>;

  /** Work that needs awaits before admission (e.g. hashing an invite); runs before `admit`. */
  protected async prepare(_identity: Identity, _hello: HelloRequest): Promise<void> {}

  /** Whether an authenticated socket may join. Synchronous: nothing can change in between. */
  protected abstract admit(identity: Identity, hello: HelloRequest): Admission;

  /** The socket is live: send `established`, replay, and anything else the kind needs. */
  protected abstract onEstablished(socket: LiveSocket, hello: HelloRequest): void;

  /** A frame of a live socket that the core does not handle itself. */
  protected abstract onFrame(socket: LiveSocket, frame: Frame): Promise<void> | void;

  /** A live socket is gone (closed by either side). */
  protected abstract onDeparted(attachment: Attachment & { identity: Identity }): void;

  /** A scheduled deadline of the subclass is due (see `schedule`). */
  protected onScheduled(_kind: string, _now: number): void {}

  // ---- entry points ----

  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") {
      return new Response("Expected a WebSocket upgrade", { status: 426 });
    }
    const { 0: client, 1: server } = new WebSocketPair();
    this.ctx.acceptWebSocket(server);
    const attachment = newAttachment(
      crypto.randomUUID(),
      new URL(request.url).pathname,
      Date.now(),
    );
    this.sockets.write(server, attachment);
    this.schedule.atLatest("sweep", attachment.openedAt + this.config.handshakeTimeoutMs);
    await this.arm();
    return upgradeResponse(request, client);
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    const attachment = this.sockets.attachment(ws);
    if (!attachment) {
      ws.close(1011, "Unknown socket");
      return;
    }
    if (attachment.phase === "closed") return;
    try {
      await this.#onMessage(ws, attachment, message);
    } catch (err) {
      log("error", "agent_frame_failed", {
        object: this.kind,
        name: this.name,
        error: describeError(err),
      });
      const current = this.sockets.attachment(ws);
      if (current?.phase === "verifying") {
        this.sockets.drop(ws, 1011, { code: "internal", message: "Internal error" });
      } else {
        this.sockets.send(ws, { type: "error", code: "internal", message: "Internal error" });
      }
    }
    // Every entry point ends by arming the alarm for whatever the event scheduled.
    await this.arm();
  }

  override async webSocketClose(ws: WebSocket): Promise<void> {
    this.sockets.release(ws);
    // Reciprocate the peer's close (the runtime does not answer it by itself here: the
    // client would wait out its close timeout and report 1006). Never with 1005/1006.
    try {
      ws.close(1000, "");
    } catch {
      // already closed
    }
    await this.arm();
  }

  override async webSocketError(ws: WebSocket, error: unknown): Promise<void> {
    log("warn", "agent_socket_error", { object: this.kind, error: describeError(error) });
    this.sockets.release(ws);
    await this.arm();
  }

  override async alarm(): Promise<void> {
    // The alarm that fired is consumed; whatever is still scheduled is re-armed below.
    this.#alarm.fired();
    const now = Date.now();
    for (const kind of this.schedule.takeDue(now)) {
      try {
        if (kind === "sweep") this.#sweep(now);
        else if (kind === "forget_revoked") this.#machines.forgetRevoked(now);
        else this.onScheduled(kind, now);
      } catch (err) {
        log("error", "agent_alarm_failed", { object: this.kind, kind, error: describeError(err) });
      }
    }
    await this.arm();
  }

  /**
   * Force-drops every socket of these machines (4010) and refuses them here from now on:
   * the kill switch behind removing a machine or a user. Returns how many were dropped.
   */
  async dropMachines(machineIds: string[]): Promise<number> {
    this.#machines.revoke(machineIds, Date.now());
    const revoked = new Set(machineIds);
    const dropped = this.sockets.dropWhere(
      (identity) => revoked.has(identity.machineId),
      CloseCode.revoked,
      {
        code: "unauthorized",
        message: "This machine's key was revoked",
      },
    );
    await this.arm();
    return dropped;
  }

  // ---- frames ----

  async #onMessage(ws: WebSocket, attachment: Attachment, message: string | ArrayBuffer) {
    if (typeof message !== "string") {
      this.sockets.send(ws, {
        type: "error",
        code: "malformed",
        message: "Frames must be JSON text",
      });
      return;
    }
    if (byteLength(message, this.config.maxFrameBytes) > this.config.maxFrameBytes) {
      this.sockets.drop(ws, CloseCode.tooLarge, {
        code: "too_large",
        message: `Frames are limited to ${this.config.maxFrameBytes} bytes`,
      });
      return;
    }
    const now = Date.now();
    const allowed = this.#bucket(attachment.id, now).take(now);
    const parsed = this.parse(message);
    if (!allowed) {
      this.#rateLimited(ws, attachment, now, parsed.ok ? frameId(parsed.frame) : parsed.error.id);
      return;
    }
    if (!parsed.ok) {
      if (parsed.error.code === "version_mismatch") {
        this.sockets.drop(ws, CloseCode.versionMismatch, parsed.error);
      } else {
        this.sockets.send(ws, parsed.error);
      }
      return;
    }
    const frame = parsed.frame;
    const refused = admits(attachment.phase, frame.type);
    if (refused) {
      const id = frameId(frame);
      this.sockets.send(ws, id === undefined ? refused : { ...refused, id });
      return;
    }
    if (frame.type === "ping") {
      attachment.pingAt = now;
      this.sockets.write(ws, attachment);
      this.sockets.send(ws, { type: "pong" });
      return;
    }
    if (isFrame<Hello>(frame, "hello")) return this.#handshake.hello(ws, attachment, frame);
    if (isFrame<Auth>(frame, "auth")) return this.#handshake.auth(ws, attachment, frame);
    const socket = this.sockets.asLive(ws, attachment);
    if (!socket) return;
    const { identity } = socket.attachment;
    if (isFrame<WhisperRequest>(frame, "whisper")) {
      return this.sockets.send(ws, await whisperAnswer(this.env, identity.path, frame));
    }
    if (isServerOp(frame))
      return this.sockets.send(ws, await serverAdminAnswer(this.env, identity, frame));
    return this.onFrame(socket, frame as Frame);
  }

  #bucket(id: string, now: number): TokenBucket {
    let bucket = this.#buckets.get(id);
    if (!bucket) {
      bucket = new TokenBucket(this.config.rate, now);
      this.#buckets.set(id, bucket);
    }
    return bucket;
  }

  #rateLimited(ws: WebSocket, attachment: Attachment, now: number, id: string | undefined) {
    const { violations, verdict } = recordViolation(attachment.violations, now, this.config.rate);
    attachment.violations = violations;
    this.sockets.write(ws, attachment);
    const error: ErrorFrame = {
      type: "error",
      code: "rate_limited",
      message:
        verdict === "close"
          ? "Rate limit exceeded too often; closing"
          : `Over ${this.config.rate.perSecond} frames/s: frame dropped (warning ${violations.length} of ${this.config.rate.maxViolations - 1})`,
      ...(id === undefined ? {} : { id }),
    };
    if (verdict === "close") this.sockets.drop(ws, CloseCode.rateLimited, error);
    else this.sockets.send(ws, error);
  }

  // ---- sweep ----

  /** Closes sockets past their handshake (4007) or heartbeat (4000) deadline. */
  #sweep(now: number): void {
    const sockets = this.ctx.getWebSockets().flatMap((ws) => {
      const attachment = this.sockets.attachment(ws);
      if (!attachment) return [];
      const auto = this.ctx.getWebSocketAutoResponseTimestamp(ws)?.getTime() ?? null;
      const lastPing = Math.max(auto ?? 0, attachment.pingAt ?? 0) || null;
      return [{ ws, attachment, lastPing }];
    });
    const due = deadlines(sockets, now, this.config);
    const byId = new Map(sockets.map((s) => [s.attachment.id, s.ws]));
    for (const id of due.handshakeExpired) {
      const ws = byId.get(id);
      if (ws) {
        this.sockets.drop(ws, CloseCode.handshakeTimeout, {
          code: "unauthorized",
          message: `Handshake not completed within ${this.config.handshakeTimeoutMs / 1000} s`,
        });
      }
    }
    for (const id of due.heartbeatExpired) {
      const ws = byId.get(id);
      if (ws) this.sockets.drop(ws, CloseCode.heartbeatMissed, null, "heartbeat missed");
    }
    if (due.next !== null) this.schedule.atLatest("sweep", due.next);
  }

  /** Forgets all in-memory socket state (after the object's storage was deleted). */
  protected resetMemory(): void {
    this.sockets.clear();
    this.#buckets.clear();
    this.#alarm.forget();
    this.#machines.clearKeys();
    this.schedule = new Schedule(this.sql);
    this.#machines.migrate();
  }

  /** Sets the alarm to the earliest scheduled deadline (one alarm per object). */
  protected async arm(): Promise<void> {
    await this.#alarm.arm(this.schedule);
  }
}

function isFrame<F extends { type: string }>(frame: { type: string }, type: F["type"]): frame is F {
  return frame.type === type;
}

function frameId(frame: { type: string }): string | undefined {
  const id = (frame as { id?: unknown }).id;
  return typeof id === "string" ? id : undefined;
}

/** UTF-8 size of `text`, computed only when the length alone cannot decide against `limit`. */
function byteLength(text: string, limit: number): number {
  if (text.length * 3 <= limit) return text.length;
  if (text.length > limit) return text.length;
  return new TextEncoder().encode(text).byteLength;
}
