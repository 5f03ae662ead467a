/**
 * `OperatorHubObject`: one per deployment (`main`), holding every operator socket on
 * `/ws/operator` with the hibernation API. It speaks the OpenClaw gateway protocol
 * (challenge → `connect` → `hello-ok`, then `req`/`res` and `event` with a per-connection
 * `seq`), ticks from its alarm, and fans out what objects report through `hub-reporter.ts`.
 * It is never the source of truth: its presence is rebuilt from D1 and the objects when it
 * starts in a new isolate (a restart) and every few minutes while operators watch.
 *
 * The class translates sockets, alarms and RPC into the plain modules next to it: the
 * handshake, device signatures, scopes, the attachment, the presence table, the method
 * registry, and frame building.
 */
import { DurableObject } from "cloudflare:workers";
import * as v from "valibot";
import { recordViolation, TokenBucket } from "../channels/rate-limit.ts";
import { Schedule } from "../channels/schedule.ts";
import { timingSafeEqualText } from "../lib/crypto.ts";
import { describeError, log } from "../lib/log.ts";
import { positiveIntVar } from "../lib/vars.ts";
import {
  ConnectParamsSchema,
  describeIssues,
  type ErrorShape,
  OperatorClose,
  type RequestFrame,
  RequestFrameSchema,
} from "../protocol/operator-frames.ts";
import { activeOperatorTokenIds, verifyOperatorToken } from "../registry/operator-tokens.ts";
import { AuthFailures } from "./auth-failures.ts";
import { Attachments, type LiveAttachment, MAX_TOPICS } from "./connection.ts";
import { runMethod } from "./dispatch.ts";
import { decideConnect, negotiateProtocol } from "./handshake.ts";
import { type Health, healthSignature, probeHealth } from "./health.ts";
import type { EventReport, HubBatch } from "./hub-types.ts";
import { WATCH_LEASE_MS } from "./methods/chat.ts";
import { REGISTRY } from "./methods/index.ts";
import type { HubAccess, StateVersion } from "./methods/registry.ts";
import { SERVER_VERSION } from "./methods/system.ts";
import {
  challengeText,
  eventText,
  type OutgoingEvent,
  outgoing,
  responseText,
} from "./outbound.ts";
import { operatorPresence, PRESENCE_PREFIX } from "./presence-kinds.ts";
import { type PresenceDelta, PresenceTable, TOMBSTONE_TTL_MS } from "./presence-table.ts";
import { holds, OPERATOR_ROLE, type Scope } from "./scopes.ts";

/** Largest inbound frame, bytes (`policy.maxPayload`; over it: close 1009). */
export const MAX_PAYLOAD = 262_144;
/** Outbound bytes a socket may have queued before it is cut as a slow consumer. */
export const MAX_BUFFERED = 1_048_576;
const HEALTH_EVERY_MS = 60_000;
const RECONCILE_EVERY_MS = 5 * 60_000;
/** How long a `connect` waits for a rebuild in progress before answering from the table. */
const REBUILD_WAIT_MS = 5_000;
const AUTH_FAILURES_PER_MINUTE = 10;
/** Requests per connection: refill per second, burst; 3 violations in 10 s close it. */
const RATE = { perSecond: 50, burst: 100, maxViolations: 3, windowMs: 10_000 };

/** A fresh id per isolate: the hub rebuilds when it finds itself in a new one. */
let isolateBoot: string | null = null;

/** Something to fan out, with who may receive it. */
interface Fanned {
  out: OutgoingEvent;
  scope: Scope | null;
  topic?: string;
}

export class OperatorHubObject extends DurableObject<Env> {
  readonly #attachments = new Attachments();
  readonly #schedule: Schedule;
  readonly #presence: PresenceTable;
  readonly #failures: AuthFailures;
  readonly #buckets = new Map<string, TokenBucket>();
  readonly #tickIntervalMs: number;
  readonly #handshakeTimeoutMs: number;
  readonly #requireDevice: boolean;
  #rebuilding: Promise<void> | null = null;
  #armedAt: number | null | undefined;
  #armedChanges = -1;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    const sql = ctx.storage.sql;
    this.#schedule = new Schedule(sql);
    this.#presence = new PresenceTable(sql);
    this.#failures = new AuthFailures(sql, AUTH_FAILURES_PER_MINUTE);
    this.#tickIntervalMs = positiveIntVar(env.OPERATOR_TICK_INTERVAL_MS, 15_000);
    this.#handshakeTimeoutMs = positiveIntVar(env.OPERATOR_HANDSHAKE_TIMEOUT_MS, 10_000);
    this.#requireDevice = String(env.OPERATOR_REQUIRE_DEVICE) === "true";
    isolateBoot ??= crypto.randomUUID();
    if (ctx.storage.kv.get<string>("boot") !== isolateBoot) {
      // A new isolate: a restart (every socket gone, no close events) or a move. What the
      // table says may be stale; ask the sources.
      ctx.storage.kv.put("boot", isolateBoot);
      ctx.storage.kv.put("builtAt", Date.now());
      this.#rebuilding = this.#rebuild().finally(() => {
        this.#rebuilding = null;
      });
      ctx.waitUntil(this.#rebuilding);
    }
  }

  // ---- entry points ----

  /** Accepts an operator socket forwarded by the Worker and sends the challenge. */
  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") {
      return new Response("Expected a WebSocket upgrade", { status: 426 });
    }
    const { 0: client, 1: server } = new WebSocketPair();
    this.ctx.acceptWebSocket(server);
    const now = Date.now();
    const nonce = crypto.randomUUID();
    this.#attachments.write(server, {
      phase: "challenged",
      connId: crypto.randomUUID(),
      openedAt: now,
      ip: request.headers.get("cf-connecting-ip") ?? "unknown",
      nonce,
    });
    server.send(challengeText(nonce, now));
    this.#schedule.atLatest("handshake", now + this.#handshakeTimeoutMs);
    await this.#arm();
    return new Response(null, { status: 101, webSocket: client });
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    try {
      await this.#onMessage(ws, message);
    } catch (err) {
      log("error", "operator_frame_failed", { error: describeError(err) });
      this.#close(ws, OperatorClose.internal, "internal error");
    }
    await this.#arm();
  }

  override async webSocketClose(ws: WebSocket): Promise<void> {
    // The runtime already answered the peer's Close; never call close() with 1005/1006 here.
    this.#release(ws);
    await this.#arm();
  }

  override async webSocketError(ws: WebSocket, error: unknown): Promise<void> {
    log("warn", "operator_socket_error", { error: describeError(error) });
    this.#release(ws);
    await this.#arm();
  }

  override async alarm(): Promise<void> {
    this.#armedAt = null;
    const now = Date.now();
    for (const kind of this.#schedule.takeDue(now)) {
      try {
        if (kind === "tick") await this.#tick(now);
        else if (kind === "handshake") this.#sweepHandshakes(now);
        else if (kind === "health") await this.#checkHealth();
        else if (kind === "reconcile") await this.#reconcile(now);
      } catch (err) {
        log("error", "operator_alarm_failed", { kind, error: describeError(err) });
      }
    }
    this.#scheduleWhileWatched(Date.now());
    await this.#arm();
  }

  // ---- RPC (from the reporter, the token routes and the admin) ----

  /** One batch from an isolate's reporter: presence changes and events, fanned out. */
  async report(batch: HubBatch): Promise<void> {
    const kv = this.ctx.storage.kv;
    kv.put("reportCalls", (kv.get<number>("reportCalls") ?? 0) + 1);
    kv.put(
      "reportedChanges",
      (kv.get<number>("reportedChanges") ?? 0) + batch.presence.length + batch.events.length,
    );
    const fanned: Fanned[] = [];
    const delta = this.#presence.apply(batch.presence);
    if (delta) fanned.push(this.#presenceEvent(delta));
    for (const event of batch.events) {
      const item = this.#catalogued(event);
      if (item) fanned.push(item);
    }
    this.#fanout(fanned);
  }

  /** A token was revoked: its live sockets close with 1008 now. Returns how many. */
  async closeToken(tokenId: string): Promise<number> {
    let closed = 0;
    for (const { ws, attachment } of this.#live()) {
      if (attachment.caller.tokenId !== tokenId) continue;
      this.#close(ws, OperatorClose.policy, "token revoked");
      closed += 1;
    }
    await this.#arm();
    return closed;
  }

  /** A planned close (before a deploy): `shutdown` to everyone, then 1012 `service restart`. */
  async shutdown(input: { reason: string; restartExpectedMs?: number }): Promise<number> {
    const payload = {
      reason: input.reason,
      ...(input.restartExpectedMs === undefined
        ? {}
        : { restartExpectedMs: input.restartExpectedMs }),
    };
    this.#fanout([{ out: outgoing("shutdown", payload), scope: null }]);
    let closed = 0;
    for (const ws of this.ctx.getWebSockets()) {
      this.#close(ws, OperatorClose.restart, "service restart");
      closed += 1;
    }
    await this.#arm();
    return closed;
  }

  // ---- frames ----

  async #onMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    const attachment = this.#attachments.read(ws);
    if (!attachment || attachment.phase === "closed") return;
    if (typeof message !== "string") {
      this.#sendError(ws, "invalid", "binary frames are not supported", 4);
      this.#close(ws, OperatorClose.binary, "binary frames are not supported");
      return;
    }
    if (message.length > MAX_PAYLOAD || utf8Length(message) > MAX_PAYLOAD) {
      this.#close(ws, OperatorClose.tooLarge, "frame too large");
      return;
    }
    const live = attachment.phase === "live" ? attachment : null;
    let json: unknown;
    try {
      json = JSON.parse(message);
    } catch {
      if (!live) return this.#close(ws, OperatorClose.policy, "invalid request frame");
      return this.#sendError(
        ws,
        "invalid",
        "invalid request frame: not JSON",
        live.caller.protocol,
      );
    }
    const parsed = v.safeParse(RequestFrameSchema, json);
    if (!parsed.success) {
      // Before `connect` only a request is answered (like the reference gateway).
      if (!live) return this.#close(ws, OperatorClose.policy, "invalid request frame");
      const text = `invalid request frame: ${describeIssues(parsed.issues)}`;
      return this.#sendError(ws, frameIdOf(json) ?? "invalid", text, live.caller.protocol);
    }
    const frame = parsed.output;
    if (attachment.phase === "challenged") {
      if (frame.method !== "connect") {
        this.#sendError(ws, frame.id, "invalid handshake: first request must be connect", 4);
        return this.#close(ws, OperatorClose.policy, "invalid handshake");
      }
      return this.#connect(ws, attachment, frame);
    }
    if (attachment.phase === "verifying") {
      return this.#sendError(ws, frame.id, "invalid handshake: connect in progress", 4);
    }
    if (!live) return;
    if (!this.#withinRate(ws, live, frame.id)) return;
    if (frame.method === "connect") {
      return this.#sendError(ws, frame.id, "already connected", live.caller.protocol);
    }
    const response = await runMethod(REGISTRY, frame, {
      env: this.env,
      caller: live.caller,
      hub: this.#access(ws),
      registry: REGISTRY,
    });
    if (ws.readyState === WebSocket.OPEN)
      this.#send(ws, responseText(response, live.caller.protocol));
  }

  #withinRate(ws: WebSocket, live: LiveAttachment, id: string): boolean {
    const now = Date.now();
    let bucket = this.#buckets.get(live.connId);
    if (!bucket) {
      bucket = new TokenBucket(RATE, now);
      this.#buckets.set(live.connId, bucket);
    }
    if (bucket.take(now)) return true;
    const { violations, verdict } = recordViolation(live.violations, now, RATE);
    this.#attachments.write(ws, { ...live, violations });
    this.#sendError(ws, id, "rate limited", live.caller.protocol, {
      code: "UNAVAILABLE",
      details: { code: "RATE_LIMITED" },
      retryable: true,
      retryAfterMs: 1000,
    });
    if (verdict === "close") this.#close(ws, OperatorClose.policy, "rate limited");
    return false;
  }

  // ---- handshake ----

  async #connect(
    ws: WebSocket,
    opened: Extract<ReturnType<Attachments["read"]>, { phase: "challenged" }>,
    frame: RequestFrame,
  ): Promise<void> {
    const params = v.safeParse(ConnectParamsSchema, frame.params);
    if (!params.success) {
      this.#sendError(ws, frame.id, `invalid connect params: ${describeIssues(params.issues)}`, 4);
      return this.#close(ws, OperatorClose.policy, "invalid connect params");
    }
    const connect = params.output;
    const protocol = negotiateProtocol(connect.minProtocol, connect.maxProtocol) ?? 4;
    const now = Date.now();
    const blockedMs = this.#failures.blockedFor(opened.ip, now);
    if (blockedMs > 0) {
      this.#sendError(ws, frame.id, "unauthorized: too many failed attempts", protocol, {
        details: { code: "AUTH_RATE_LIMITED" },
        retryable: true,
        retryAfterMs: blockedMs,
      });
      return this.#close(ws, OperatorClose.policy, "rate limited");
    }
    this.#attachments.write(ws, { ...opened, phase: "verifying" });
    const decided = await decideConnect(connect, opened.nonce, {
      adminToken: this.env.ADMIN_TOKEN,
      requireDevice: this.#requireDevice,
      verifyToken: (token) => verifyOperatorToken(this.env.DB, token),
      secretEquals: timingSafeEqualText,
      now: () => Date.now(),
    });
    // The input gate was open during the token lookup: the socket may be gone.
    if (!this.#stillVerifying(ws, opened.connId)) return;
    if (!decided.ok) {
      if (decided.authFailure) this.#failures.record(opened.ip, Date.now());
      log("warn", "operator_connect_refused", { code: String(decided.error.details?.code) });
      this.#send(
        ws,
        responseText({ type: "res", id: frame.id, ok: false, error: decided.error }, protocol),
      );
      return this.#close(ws, decided.close, decided.error.message);
    }
    if (this.#rebuilding) await settledWithin(this.#rebuilding, REBUILD_WAIT_MS);
    const health = await this.#health();
    if (!this.#stillVerifying(ws, opened.connId)) return;
    const liveAt = Date.now();
    const caller = { ...decided.caller, connId: opened.connId };
    const presence = operatorPresence(opened.connId, {
      label: caller.label,
      clientId: caller.clientId,
      clientMode: caller.clientMode,
      scopes: caller.scopes,
      deviceId: caller.deviceId,
      platform: connect.client.platform,
      version: connect.client.version,
      since: liveAt,
    });
    this.#attachments.write(ws, {
      phase: "live",
      connId: opened.connId,
      openedAt: opened.openedAt,
      ip: opened.ip,
      caller,
      presence: presence.entry,
      seq: 0,
      topics: [],
      violations: [],
    });
    const delta = this.#presence.apply([{ ...presence, at: liveAt }]);
    // No event reaches this socket before its hello-ok: the snapshot already includes it.
    const hello = {
      type: "hello-ok",
      protocol: decided.protocol,
      server: { version: SERVER_VERSION, connId: caller.connId },
      features: REGISTRY.features(caller.scopes),
      snapshot: {
        presence: this.#presence.entries(),
        health,
        stateVersion: this.#stateVersion(),
        uptimeMs: this.#uptimeMs(),
      },
      auth: { role: OPERATOR_ROLE, scopes: [...caller.scopes] },
      policy: {
        maxPayload: MAX_PAYLOAD,
        maxBufferedBytes: MAX_BUFFERED,
        tickIntervalMs: this.#tickIntervalMs,
      },
      ...(decided.protocol === 3 ? { connId: caller.connId } : {}),
    };
    this.#send(
      ws,
      responseText({ type: "res", id: frame.id, ok: true, payload: hello }, decided.protocol),
    );
    log("info", "operator_connected", { conn_id: caller.connId, token_id: caller.tokenId });
    this.#scheduleWhileWatched(liveAt);
    if (delta) this.#fanout([this.#presenceEvent(delta)], ws);
  }

  #stillVerifying(ws: WebSocket, connId: string): boolean {
    const current = this.#attachments.read(ws);
    return (
      ws.readyState === WebSocket.OPEN &&
      current?.phase === "verifying" &&
      current.connId === connId
    );
  }

  #sweepHandshakes(now: number): void {
    let next: number | null = null;
    for (const ws of this.ctx.getWebSockets()) {
      const attachment = this.#attachments.read(ws);
      if (attachment?.phase !== "challenged" && attachment?.phase !== "verifying") continue;
      const deadline = attachment.openedAt + this.#handshakeTimeoutMs;
      if (deadline <= now) this.#close(ws, OperatorClose.policy, "handshake timeout");
      else next = Math.min(next ?? deadline, deadline);
    }
    if (next !== null) this.#schedule.atLatest("handshake", next);
  }

  // ---- the watch: ticks, health, revocation, rebuild ----

  /** Keeps the periodic work scheduled while any operator is connected. */
  #scheduleWhileWatched(now: number): void {
    if (this.#live().next().done) return;
    this.#schedule.atLatest("tick", now + this.#tickIntervalMs);
    this.#schedule.atLatest("health", now + HEALTH_EVERY_MS);
    this.#schedule.atLatest("reconcile", now + RECONCILE_EVERY_MS);
  }

  async #tick(now: number): Promise<void> {
    this.#fanout([{ out: outgoing("tick", { ts: now }), scope: null }]);
    // Revocation backstop: the revoke route tells the hub at once; this catches a lost call.
    const tokenIds = [
      ...new Set([...this.#live()].flatMap(({ attachment }) => attachment.caller.tokenId ?? [])),
    ];
    if (tokenIds.length === 0) return;
    const active = await activeOperatorTokenIds(this.env.DB, tokenIds);
    for (const id of tokenIds) if (!active.has(id)) await this.closeToken(id);
  }

  async #health(): Promise<Health> {
    return this.ctx.storage.kv.get<Health>("health") ?? (await this.#checkHealth());
  }

  /** Probes health; a change of which checks pass is a new `stateVersion.health`. */
  async #checkHealth(): Promise<Health> {
    const health = await probeHealth(this.env);
    const kv = this.ctx.storage.kv;
    const changed = kv.get<string>("healthSignature") !== healthSignature(health);
    kv.put("health", health);
    if (changed) {
      kv.put("healthSignature", healthSignature(health));
      kv.put("healthVersion", (kv.get<number>("healthVersion") ?? 0) + 1);
      this.#fanout([
        { out: outgoing("health", health, this.#stateVersion()), scope: "operator.read" },
      ]);
    }
    return health;
  }

  async #reconcile(now: number): Promise<void> {
    this.#presence.purge(now - TOMBSTONE_TTL_MS);
    this.#failures.purge(now);
    if (!this.#rebuilding) {
      this.#rebuilding = this.#rebuild().finally(() => {
        this.#rebuilding = null;
      });
    }
    await this.#rebuilding;
    // Channels with subscribed operators keep reporting their messages.
    const channels = new Set(
      [...this.#live()].flatMap(({ attachment }) =>
        attachment.topics.filter((t) => t.startsWith("chat:")).map((t) => t.slice(5)),
      ),
    );
    await Promise.all(
      [...channels].map((name) =>
        this.env.CHANNEL.getByName(name)
          .watchForOperators(Date.now() + WATCH_LEASE_MS)
          .catch((err: unknown) =>
            log("warn", "operator_watch_renew_failed", {
              channel: name,
              error: describeError(err),
            }),
          ),
      ),
    );
  }

  /**
   * Rebuilds presence from its sources: this hub's own sockets, then each method group's
   * source (D1 and the objects). A source that fails is skipped, never taken as "nobody".
   */
  async #rebuild(): Promise<void> {
    const deltas: Array<PresenceDelta | null> = [];
    const operators = [...this.#live()].map(({ attachment }) => ({
      instanceId: `${PRESENCE_PREFIX.operator}${attachment.connId}`,
      entry: attachment.presence,
    }));
    deltas.push(this.#presence.reconcile(PRESENCE_PREFIX.operator, operators, Date.now()));
    for (const source of REGISTRY.presenceSources()) {
      const observedAt = Date.now();
      try {
        deltas.push(
          this.#presence.reconcile(source.prefix, await source.list(this.env), observedAt),
        );
      } catch (err) {
        log("warn", "operator_rebuild_source_failed", {
          prefix: source.prefix,
          error: describeError(err),
        });
      }
    }
    this.#fanout(deltas.flatMap((delta) => (delta ? [this.#presenceEvent(delta)] : [])));
  }

  // ---- fan-out ----

  #presenceEvent(delta: PresenceDelta): Fanned {
    return { out: outgoing("presence", delta, this.#stateVersion()), scope: "operator.read" };
  }

  /** An event from a report, with its scope from the catalogue; unknown names are dropped. */
  #catalogued(event: EventReport): Fanned | null {
    const scope = REGISTRY.eventScope(event.event);
    if (scope === undefined) {
      log("warn", "operator_event_unknown", { event: event.event.slice(0, 64) });
      return null;
    }
    return {
      out: outgoing(event.event, event.payload),
      scope,
      ...(event.topic === undefined ? {} : { topic: event.topic }),
    };
  }

  /**
   * Sends each item to every live socket that holds its scope (and its topic), each frame
   * with that socket's next `seq`; the attachment is written once per socket. Never drops
   * an event silently: a socket whose queue is over budget is closed (1008 slow consumer).
   */
  #fanout(items: readonly Fanned[], except: WebSocket | null = null): void {
    if (items.length === 0) return;
    for (const { ws, attachment } of this.#live()) {
      if (ws === except) continue;
      let seq = attachment.seq;
      for (const item of items) {
        if (!holds(attachment.caller.scopes, item.scope)) continue;
        if (item.topic !== undefined && !attachment.topics.includes(item.topic)) continue;
        seq += 1;
        this.#send(ws, eventText(item.out, seq, attachment.caller.protocol));
      }
      if (seq === attachment.seq) continue;
      this.#attachments.write(ws, { ...attachment, seq });
      if (ws.bufferedAmount > MAX_BUFFERED) this.#close(ws, OperatorClose.policy, "slow consumer");
    }
  }

  // ---- hub state for methods ----

  #access(ws: WebSocket): HubAccess {
    const topics = () => {
      const current = this.#attachments.read(ws);
      return current?.phase === "live" ? current.topics : [];
    };
    const setTopics = (change: (topics: string[]) => string[]) => {
      const current = this.#attachments.read(ws);
      if (current?.phase !== "live") return;
      this.#attachments.write(ws, {
        ...current,
        topics: change(current.topics).slice(0, MAX_TOPICS),
      });
    };
    return {
      presence: () => this.#presence.entries(),
      presenceCount: (prefix) => this.#presence.count(prefix),
      isPresent: (id) => this.#presence.has(id),
      stateVersion: () => this.#stateVersion(),
      uptimeMs: () => this.#uptimeMs(),
      subscribe: (topic) => setTopics((t) => (t.includes(topic) ? t : [...t, topic])),
      unsubscribe: (topic) => setTopics((t) => t.filter((x) => x !== topic)),
      topics,
      stats: () => ({
        operators: [...this.#live()].length,
        reportCalls: this.ctx.storage.kv.get<number>("reportCalls") ?? 0,
        reportedChanges: this.ctx.storage.kv.get<number>("reportedChanges") ?? 0,
      }),
    };
  }

  #stateVersion(): StateVersion {
    return {
      presence: this.#presence.version(),
      health: this.ctx.storage.kv.get<number>("healthVersion") ?? 0,
    };
  }

  #uptimeMs(): number {
    return Math.max(0, Date.now() - (this.ctx.storage.kv.get<number>("builtAt") ?? Date.now()));
  }

  // ---- sockets ----

  *#live(): Generator<{ ws: WebSocket; attachment: LiveAttachment }> {
    for (const ws of this.ctx.getWebSockets()) {
      const attachment = this.#attachments.read(ws);
      if (attachment?.phase === "live" && ws.readyState === WebSocket.OPEN) {
        yield { ws, attachment };
      }
    }
  }

  #send(ws: WebSocket, text: string): void {
    try {
      ws.send(text);
    } catch {
      // Closed between the check and the send: its close event releases it.
    }
  }

  #sendError(
    ws: WebSocket,
    id: string,
    message: string,
    protocol: number,
    extra: Partial<ErrorShape> = {},
  ): void {
    const error: ErrorShape = { code: "INVALID_REQUEST", message, ...extra };
    this.#send(ws, responseText({ type: "res", id, ok: false, error }, protocol));
  }

  /** Closes a socket now and releases it (its presence goes at once). */
  #close(ws: WebSocket, code: number, reason: string): void {
    this.#release(ws);
    try {
      ws.close(code, reason.slice(0, 120));
    } catch {
      // Already closed by the peer.
    }
  }

  /** Forgets a socket: a live operator leaves presence, and everyone is told. */
  #release(ws: WebSocket): void {
    const attachment = this.#attachments.read(ws);
    if (!attachment || attachment.phase === "closed") return;
    this.#attachments.write(ws, { phase: "closed", connId: attachment.connId });
    this.#buckets.delete(attachment.connId);
    if (attachment.phase !== "live") return;
    const delta = this.#presence.apply([
      { instanceId: `${PRESENCE_PREFIX.operator}${attachment.connId}`, gone: true, at: Date.now() },
    ]);
    if (delta) this.#fanout([this.#presenceEvent(delta)]);
  }

  /** Sets the alarm to the earliest scheduled deadline (one alarm per object). */
  async #arm(): Promise<void> {
    if (this.#schedule.changes === this.#armedChanges && this.#armedAt !== undefined) return;
    this.#armedChanges = this.#schedule.changes;
    const next = this.#schedule.next();
    if (next === this.#armedAt) return;
    this.#armedAt = next;
    if (next === null) await this.ctx.storage.deleteAlarm();
    else await this.ctx.storage.setAlarm(next);
  }
}

/** The `id` of something shaped like a request, for answering a malformed one. */
function frameIdOf(json: unknown): string | null {
  if (typeof json !== "object" || json === null) return null;
  const id = (json as { id?: unknown }).id;
  return typeof id === "string" && id.length > 0 && id.length <= 256 ? id : null;
}

/** UTF-8 size of `text`. */
function utf8Length(text: string): number {
  if (text.length * 3 <= MAX_PAYLOAD) return text.length;
  return new TextEncoder().encode(text).byteLength;
}

/** Waits for `promise` (never rejects) or `ms`, whichever is first. */
function settledWithin(promise: Promise<unknown>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    promise.then(
      () => {
        clearTimeout(timer);
        resolve();
      },
      () => {
        clearTimeout(timer);
        resolve();
      },
    );
  });
}
