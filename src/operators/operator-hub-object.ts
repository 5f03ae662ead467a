/**
 * `OperatorHubObject`: one per deployment (`main`), holding every operator socket on
 * `/ws/operator` with the hibernation API. It speaks the OpenClaw gateway protocol
 * (challenge → `connect` → `hello-ok`, then `req`/`res` and `event` with a per-connection
 * `seq`), ticks from its alarm, and fans out what objects report through `hub-reporter.ts`.
 * It is never the source of truth: its presence is rebuilt from D1 and the objects when it
 * starts in a new isolate (a restart) and every few minutes while operators watch.
 *
 * The class only translates sockets, alarms and RPC into the plain modules next to it:
 * intake, the handshake (hub-connect.ts over handshake.ts), device signatures, scopes, the
 * attachment, the store (presence table, failure windows, schedule), fan-out, rebuild and
 * the method registry.
 */
import { DurableObject } from "cloudflare:workers";
import { ScheduleAlarm } from "../channels/schedule.ts";
import { upgradeResponse } from "../http/upgrade.ts";
import { describeError, log } from "../lib/log.ts";
import { positiveIntVar } from "../lib/vars.ts";
import { OperatorClose } from "../protocol/operator-frames.ts";
import { activeOperatorTokenIds } from "../registry/operator-tokens.ts";
import { runMethod } from "./dispatch.ts";
import { catalogued, type Fanned, presenceEvent } from "./fanout.ts";
import { type Health, probeHealth } from "./health.ts";
import { hubAccess } from "./hub-access.ts";
import { type ConnectHub, connectOperator, sweepHandshakes } from "./hub-connect.ts";
import { HubSockets } from "./hub-sockets.ts";
import { HubStore } from "./hub-store.ts";
import type { HubBatch } from "./hub-types.ts";
import { takeFrame } from "./intake.ts";
import { WATCH_LEASE_MS } from "./methods/chat.ts";
import { REGISTRY } from "./methods/index.ts";
import { challengeText, outgoing, responseText } from "./outbound.ts";
import { PRESENCE_PREFIX } from "./presence-kinds.ts";
import { TOMBSTONE_TTL_MS } from "./presence-table.ts";
import { rebuildPresence } from "./rebuild.ts";

const HEALTH_EVERY_MS = 60_000;
const RECONCILE_EVERY_MS = 5 * 60_000;

/** A fresh id per isolate: the hub rebuilds when it finds itself in a new one. */
let isolateBoot: string | null = null;

export class OperatorHubObject extends DurableObject<Env> {
  readonly #store: HubStore;
  readonly #sockets: HubSockets;
  readonly #tickIntervalMs: number;
  readonly #handshakeTimeoutMs: number;
  readonly #hub: ConnectHub;
  #rebuilding: Promise<void> | null = null;
  readonly #alarm: ScheduleAlarm;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#store = new HubStore(ctx.storage);
    this.#alarm = new ScheduleAlarm(ctx.storage);
    this.#sockets = new HubSockets(ctx, (left) => {
      const delta = this.#store.presence.apply([
        { instanceId: `${PRESENCE_PREFIX.operator}${left.connId}`, gone: true, at: Date.now() },
      ]);
      if (delta) this.#sockets.fanout([presenceEvent(delta, this.#store.stateVersion())]);
    });
    this.#tickIntervalMs = positiveIntVar(env.OPERATOR_TICK_INTERVAL_MS, 15_000);
    this.#handshakeTimeoutMs = positiveIntVar(env.OPERATOR_HANDSHAKE_TIMEOUT_MS, 10_000);
    this.#hub = {
      env,
      sockets: this.#sockets,
      store: this.#store,
      requireDevice: String(env.OPERATOR_REQUIRE_DEVICE) === "true",
      tickIntervalMs: this.#tickIntervalMs,
      rebuilding: () => this.#rebuilding,
      checkHealth: () => this.#checkHealth(),
      watched: (now) => this.#scheduleWhileWatched(now),
    };
    isolateBoot ??= crypto.randomUUID();
    // A new isolate: a restart (every socket gone, no close events) or a move. What the
    // table says may be stale; ask the sources.
    if (this.#store.startedIn(isolateBoot, Date.now())) ctx.waitUntil(this.#rebuild());
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
    this.#sockets.write(server, {
      phase: "challenged",
      connId: crypto.randomUUID(),
      openedAt: now,
      ip: request.headers.get("cf-connecting-ip") ?? "unknown",
      nonce,
    });
    server.send(challengeText(nonce, now));
    this.#store.schedule.atLatest("handshake", now + this.#handshakeTimeoutMs);
    await this.#arm();
    return upgradeResponse(request, client);
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    try {
      await this.#onMessage(ws, message);
    } catch (err) {
      log("error", "operator_frame_failed", { error: describeError(err) });
      this.#sockets.close(ws, OperatorClose.internal, "internal error");
    }
    await this.#arm();
  }

  override async webSocketClose(ws: WebSocket): Promise<void> {
    // The runtime already answered the peer's Close; never call close() with 1005/1006 here.
    this.#sockets.release(ws);
    await this.#arm();
  }

  override async webSocketError(ws: WebSocket, error: unknown): Promise<void> {
    log("warn", "operator_socket_error", { error: describeError(error) });
    this.#sockets.release(ws);
    await this.#arm();
  }

  override async alarm(): Promise<void> {
    this.#alarm.fired();
    const now = Date.now();
    for (const kind of this.#store.schedule.takeDue(now)) {
      try {
        if (kind === "tick") await this.#tick(now);
        else if (kind === "handshake") {
          sweepHandshakes(this.#sockets, this.#store, this.#handshakeTimeoutMs, now);
        } else if (kind === "health") await this.#checkHealth();
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
    this.#store.countReport(batch);
    const fanned: Fanned[] = [];
    const delta = this.#store.presence.apply(batch.presence);
    if (delta) fanned.push(presenceEvent(delta, this.#store.stateVersion()));
    for (const event of batch.events) {
      const item = catalogued(REGISTRY, event);
      if (item) fanned.push(item);
      else log("warn", "operator_event_unknown", { event: event.event.slice(0, 64) });
    }
    this.#sockets.fanout(fanned);
  }

  /** A token was revoked: its live sockets close with 1008 now. Returns how many. */
  async closeToken(tokenId: string): Promise<number> {
    let closed = 0;
    for (const { ws, attachment } of this.#sockets.live()) {
      if (attachment.caller.tokenId !== tokenId) continue;
      this.#sockets.close(ws, OperatorClose.policy, "token revoked");
      closed += 1;
    }
    await this.#arm();
    return closed;
  }

  /** A planned close (before a deploy): `shutdown` to everyone, then 1012 `service restart`. */
  async shutdown(input: { reason: string; restartExpectedMs?: number }): Promise<number> {
    this.#sockets.fanout([{ out: outgoing("shutdown", input), scope: null }]);
    const sockets = this.#sockets.all();
    for (const ws of sockets) this.#sockets.close(ws, OperatorClose.restart, "service restart");
    await this.#arm();
    return sockets.length;
  }

  // ---- frames ----

  async #onMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    const attachment = this.#sockets.read(ws);
    if (!attachment || attachment.phase === "closed") return;
    const live = attachment.phase === "live" ? attachment : null;
    const protocol = live?.caller.protocol ?? 4;
    const intake = takeFrame(message, live !== null);
    if (intake.kind === "refuse") {
      if (intake.answer)
        this.#sockets.sendError(ws, intake.answer.id, intake.answer.message, protocol);
      return this.#sockets.close(ws, intake.code, intake.reason);
    }
    if (intake.kind === "answer")
      return this.#sockets.sendError(ws, intake.id, intake.message, protocol);
    const frame = intake.frame;
    if (attachment.phase === "challenged") {
      if (frame.method === "connect") return connectOperator(this.#hub, ws, attachment, frame);
      this.#sockets.sendError(ws, frame.id, "invalid handshake: first request must be connect", 4);
      return this.#sockets.close(ws, OperatorClose.policy, "invalid handshake");
    }
    if (!live)
      return this.#sockets.sendError(ws, frame.id, "invalid handshake: connect in progress", 4);
    if (!this.#sockets.withinRate(ws, live, frame.id)) return;
    if (frame.method === "connect")
      return this.#sockets.sendError(ws, frame.id, "already connected", protocol);
    const context = {
      env: this.env,
      caller: live.caller,
      hub: hubAccess(ws, this.#sockets, this.#store),
      registry: REGISTRY,
    };
    const response = await runMethod(REGISTRY, frame, context);
    if (ws.readyState === WebSocket.OPEN) this.#sockets.send(ws, responseText(response, protocol));
  }

  // ---- the watch: ticks, health, revocation, rebuild ----

  /** Keeps the periodic work scheduled while any operator is connected. */
  #scheduleWhileWatched(now: number): void {
    if (this.#sockets.live().next().done) return;
    this.#store.schedule.atLatest("tick", now + this.#tickIntervalMs);
    this.#store.schedule.atLatest("health", now + HEALTH_EVERY_MS);
    this.#store.schedule.atLatest("reconcile", now + RECONCILE_EVERY_MS);
  }

  async #tick(now: number): Promise<void> {
    this.#sockets.fanout([{ out: outgoing("tick", { ts: now }), scope: null }]);
    // Revocation backstop: the revoke route tells the hub at once; this catches a lost call.
    const tokenIds = [
      ...new Set(
        [...this.#sockets.live()].flatMap(({ attachment }) => attachment.caller.tokenId ?? []),
      ),
    ];
    if (tokenIds.length === 0) return;
    const active = await activeOperatorTokenIds(this.env.DB, tokenIds);
    for (const id of tokenIds) if (!active.has(id)) await this.closeToken(id);
  }

  /** Probes health; a change of which checks pass is a new `stateVersion.health`. */
  async #checkHealth(): Promise<Health> {
    const health = await probeHealth(this.env);
    if (this.#store.storeHealth(health)) {
      this.#sockets.fanout([
        { out: outgoing("health", health, this.#store.stateVersion()), scope: "operator.read" },
      ]);
    }
    return health;
  }

  async #reconcile(now: number): Promise<void> {
    this.#store.presence.purge(now - TOMBSTONE_TTL_MS);
    this.#store.failures.purge(now);
    await this.#rebuild();
    // Channels with subscribed operators keep reporting their messages.
    const channels = new Set(
      [...this.#sockets.live()].flatMap(({ attachment }) =>
        attachment.topics.filter((t) => t.startsWith("chat:")).map((t) => t.slice("chat:".length)),
      ),
    );
    for (const name of channels) {
      await this.env.CHANNEL.getByName(name)
        .watchForOperators(Date.now() + WATCH_LEASE_MS)
        .catch((err: unknown) =>
          log("warn", "operator_watch_renew_failed", { channel: name, error: describeError(err) }),
        );
    }
  }

  /** One rebuild at a time; whoever asks while one runs waits for that one. */
  #rebuild(): Promise<void> {
    this.#rebuilding ??= (async () => {
      const operators = [...this.#sockets.live()].map(({ attachment }) => ({
        instanceId: `${PRESENCE_PREFIX.operator}${attachment.connId}`,
        entry: attachment.presence,
      }));
      const deltas = await rebuildPresence(
        this.env,
        this.#store.presence,
        operators,
        REGISTRY.presenceSources(),
      );
      this.#sockets.fanout(deltas.map((delta) => presenceEvent(delta, this.#store.stateVersion())));
    })().finally(() => {
      this.#rebuilding = null;
    });
    return this.#rebuilding;
  }

  /** Sets the alarm to the earliest scheduled deadline (one alarm per object). */
  #arm(): Promise<void> {
    return this.#alarm.arm(this.#store.schedule);
  }
}
