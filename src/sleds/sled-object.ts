/**
 * `SledObject`: one per project, holding the sled's one uplink socket with the hibernation
 * API (sled-uplink.md). The class only translates sockets, alarms and RPC into the plain
 * modules beside it: the frame parser, the sockets, the approval store, the uplink state and
 * the MCP relay.
 *
 * Fail-closed rules: an approval belongs to the connection that asked. When that connection
 * ends (close, error, replacement, staleness, or a runtime restart that left no socket), its
 * pending approvals are cancelled at once and never answered to a later connection. An
 * eviction that keeps the socket hibernating keeps them pending.
 */
import { DurableObject } from "cloudflare:workers";
import { Schedule, ScheduleAlarm } from "../channels/schedule.ts";
import { upgradeResponse } from "../http/upgrade.ts";
import { describeError, log } from "../lib/log.ts";
import { sledTokenActive } from "../registry/sled-tokens.ts";
import {
  type ApprovalRecord,
  ApprovalStore,
  type CancelCause,
  type Decision,
  type Resolver,
  verdict,
} from "./approvals.ts";
import { ApprovalsChannelPoster } from "./approvals-channel.ts";
import {
  HISTORY_RETENTION_MS,
  MAX_MCP_IN_FLIGHT,
  MAX_PENDING_PER_CONNECTION,
  type SledConfig,
  sledConfig,
} from "./config.ts";
import { McpRelay, type RelayOutcome } from "./mcp-relay.ts";
import { reportOffline, reportOnline, reportRequested, reportResolved } from "./reports.ts";
import { SledState, type SledStatus } from "./sled-state.ts";
import {
  mcpRequestText,
  parseUplinkFrame,
  permResponseText,
  SledClose,
  tooLarge,
  type UplinkFrame,
} from "./uplink-frames.ts";
import { type UplinkAttachment, UplinkSockets } from "./uplink-sockets.ts";

/** Headers the Worker sets on the forwarded upgrade after checking the token. */
export const SLED_PROJECT_HEADER = "x-botgate-sled-project";
export const SLED_TOKEN_HEADER = "x-botgate-sled-token-id";

const DAY_MS = 24 * 3600_000;

export class SledObject extends DurableObject<Env> {
  readonly #state: SledState;
  readonly #approvals: ApprovalStore;
  readonly #schedule: Schedule;
  readonly #sockets: UplinkSockets;
  readonly #relay = new McpRelay(MAX_MCP_IN_FLIGHT);
  readonly #config: SledConfig;
  readonly #channel: ApprovalsChannelPoster;
  readonly #alarm: ScheduleAlarm;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#state = new SledState(ctx.storage.sql);
    this.#approvals = new ApprovalStore(ctx.storage.sql, () => this.#state.project());
    this.#schedule = new Schedule(ctx.storage.sql);
    this.#alarm = new ScheduleAlarm(ctx.storage);
    this.#sockets = new UplinkSockets(ctx);
    this.#config = sledConfig(env);
    this.#channel = new ApprovalsChannelPoster(env, (p) => ctx.waitUntil(p));
  }

  // ---- the uplink socket ----

  override async fetch(request: Request): Promise<Response> {
    const project = request.headers.get(SLED_PROJECT_HEADER);
    const tokenId = request.headers.get(SLED_TOKEN_HEADER);
    if (!project || !tokenId) return new Response("Forbidden", { status: 403 });
    this.#state.setMeta("project", project);
    const now = Date.now();
    this.#reconcile(now);
    const { 0: client, 1: server } = new WebSocketPair();
    this.#sockets.accept(server, {
      connId: crypto.randomUUID(),
      tokenId,
      openedAt: now,
      phase: "awaiting",
    });
    this.#schedule.atLatest("identity", now + this.#config.identityTimeoutMs);
    await this.#arm();
    return upgradeResponse(request, client);
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    const now = Date.now();
    this.#reconcile(now);
    const attachment = this.#sockets.read(ws);
    if (attachment && attachment.phase !== "closed") {
      try {
        if (tooLarge(message)) {
          this.#close(ws, SledClose.tooLarge.code, SledClose.tooLarge.reason);
        } else if (!this.#sockets.withinRate(attachment.connId, now)) {
          this.#close(ws, SledClose.policy, "flood");
        } else {
          this.#onFrame(ws, attachment, parseUplinkFrame(message), now);
        }
      } catch (err) {
        log("error", "sled_frame_failed", { error: describeError(err) });
      }
    }
    await this.#arm();
  }

  override async webSocketClose(ws: WebSocket): Promise<void> {
    this.#ended(ws, "disconnected");
    // Reciprocate the peer's close (the runtime does not answer it by itself here: the sled
    // would wait out its close timeout). Never with 1005/1006.
    try {
      ws.close(1000, "");
    } catch {
      // Already closed.
    }
    await this.#arm();
  }

  override async webSocketError(ws: WebSocket, error: unknown): Promise<void> {
    log("warn", "sled_socket_error", { error: describeError(error) });
    this.#ended(ws, "socket error");
    await this.#arm();
  }

  override async alarm(): Promise<void> {
    this.#alarm.fired();
    const now = Date.now();
    this.#reconcile(now);
    for (const kind of this.#schedule.takeDue(now)) {
      try {
        if (kind === "identity") this.#sweepIdentity(now);
        else if (kind === "stale") await this.#checkLive(now);
        else if (kind === "expire") this.#expire(now);
        else if (kind === "purge") this.#approvals.purge(now - HISTORY_RETENTION_MS);
      } catch (err) {
        log("error", "sled_alarm_failed", { kind, error: describeError(err) });
      }
    }
    this.#scheduleExpiry();
    await this.#arm();
  }

  // ---- RPC (the Worker's routes and the operator methods) ----

  async status(): Promise<SledStatus> {
    await this.#settled();
    return this.#state.status(this.#approvals.pendingCount());
  }

  async pendingApprovals(): Promise<ApprovalRecord[]> {
    await this.#settled();
    return this.#approvals.pending();
  }

  async approval(id: string): Promise<ApprovalRecord | null> {
    await this.#settled();
    return this.#approvals.get(id);
  }

  async approvalHistory(
    limit: number,
    before: { at: number; id: string } | null,
  ): Promise<ApprovalRecord[]> {
    await this.#settled();
    return this.#approvals.history(limit, before);
  }

  /** First answer wins; a later one gets the recorded outcome (`applied: false`). */
  async resolveApproval(
    id: string,
    decision: Decision,
    resolver: Resolver,
  ): Promise<{ applied: boolean; record: ApprovalRecord } | null> {
    const now = Date.now();
    this.#reconcile(now);
    const result = this.#approvals.resolve(id, decision, resolver, now);
    if (result?.applied) this.#answer(result.record);
    await this.#arm();
    return result;
  }

  /** Relays one raw JSON-RPC request to the sled as `mcp_request`. */
  async mcp(body: string, method: string | null): Promise<RelayOutcome> {
    await this.#settled();
    const live = this.#state.live();
    const ws = live ? this.#sockets.live(live.connId) : null;
    if (!live || !ws) return { ok: false, error: "sled offline" };
    const outcome = await this.#relay.call(
      live.connId,
      (reqId) => ws.send(mcpRequestText(reqId, body)),
      this.#config.mcpTimeoutMs,
    );
    if (outcome.ok && method === "tools/list") this.#state.noteTools(outcome.response);
    return outcome;
  }

  /** `node.invoke`: `mcp` once per idempotency key (a repeat returns the first result). */
  async invoke(key: string, body: string, method: string | null): Promise<RelayOutcome> {
    const kept = this.#state.invokeResult(key, Date.now());
    if (kept) return kept;
    const outcome = await this.mcp(body, method);
    if (outcome.ok) this.#state.keepInvokeResult(key, outcome, Date.now());
    return outcome;
  }

  /** The project's token was revoked or rotated: its uplinks close with 1008 now. */
  async closeUplinks(reason: string): Promise<number> {
    let closed = 0;
    for (const { ws } of [...this.#sockets.open()]) {
      this.#close(ws, SledClose.policy, reason);
      closed += 1;
    }
    await this.#arm();
    return closed;
  }

  // ---- frames ----

  #onFrame(ws: WebSocket, attachment: UplinkAttachment, frame: UplinkFrame, now: number): void {
    if (attachment.phase === "awaiting") {
      // Until `identity`, nothing else is accepted (the identity deadline still runs).
      if (frame.kind !== "identity")
        log("warn", "sled_frame_before_identity", { kind: frame.kind });
      else if (frame.project !== this.#state.project())
        this.#close(ws, SledClose.policy, "project mismatch");
      else this.#identified(ws, attachment, now);
      return;
    }
    this.#state.touch(attachment.connId, now, this.#config.touchEveryMs);
    if (frame.kind === "perm_request") {
      this.#permRequest(ws, attachment.connId, frame, now);
    } else if (frame.kind === "bad_perm_request") {
      // Fail closed: a request botgate cannot show a human is denied at once, never stored.
      log("warn", "sled_perm_request_invalid", { req_id: frame.reqId.slice(0, 64) });
      ws.send(permResponseText(frame.reqId, false, false));
    } else if (frame.kind === "mcp_response") {
      if (!this.#relay.settle(attachment.connId, frame.reqId, JSON.stringify(frame.payload))) {
        log("warn", "sled_mcp_response_unknown", { req_id: frame.reqId.slice(0, 64) });
      }
    } else if (frame.kind === "ignored") {
      log("warn", "sled_frame_ignored", { why: frame.why });
    }
  }

  #identified(ws: WebSocket, attachment: UplinkAttachment, now: number): void {
    // One live uplink per project: the newest replaces the old (4000), whose approvals end.
    for (const other of [...this.#sockets.open()]) {
      if (other.ws !== ws && other.attachment.phase === "live") {
        this.#close(other.ws, SledClose.replaced.code, SledClose.replaced.reason);
      }
    }
    this.#sockets.write(ws, { ...attachment, phase: "live" });
    this.#state.goLive({
      connId: attachment.connId,
      tokenId: attachment.tokenId,
      connectedAt: now,
    });
    this.#schedule.atLatest("stale", now + this.#config.staleAfterMs);
    this.#schedule.atLatest("purge", now + DAY_MS);
    reportOnline(this.env, this.#state.project(), now);
    log("info", "sled_connected", { project: this.#state.project(), conn_id: attachment.connId });
  }

  #permRequest(
    ws: WebSocket,
    connId: string,
    frame: Extract<UplinkFrame, { kind: "perm_request" }>,
    now: number,
  ): void {
    const created = this.#approvals.create({
      connId,
      reqId: frame.reqId,
      toolName: frame.toolName,
      toolInput: frame.toolInput,
      now,
      timeoutMs: this.#config.approvalTimeoutMs,
      maxPending: MAX_PENDING_PER_CONNECTION,
    });
    if (created === "duplicate") {
      log("warn", "sled_perm_request_duplicate", { req_id: frame.reqId.slice(0, 64) });
    } else if (created === "full") {
      log("warn", "sled_perm_request_over_limit", { req_id: frame.reqId.slice(0, 64) });
      ws.send(permResponseText(frame.reqId, false, false));
    } else {
      this.#scheduleExpiry();
      reportRequested(this.env, this.#channel, created);
    }
  }

  // ---- approvals: answers, expiry, fail-closed cancellation ----

  /** Sends a decided approval to its own connection, if that one is still live. */
  #answer(record: ApprovalRecord): void {
    const ws = this.#sockets.live(record.connId);
    if (ws) {
      const { approved, alwaysAllow } = verdict(record);
      ws.send(permResponseText(record.reqId, approved, alwaysAllow));
    }
    reportResolved(this.env, this.#channel, [record]);
  }

  #expire(now: number): void {
    for (const record of this.#approvals.expireDue(now)) this.#answer(record);
  }

  #scheduleExpiry(): void {
    const next = this.#approvals.nextExpiry();
    if (next !== null) this.#schedule.atLatest("expire", next);
  }

  /** A connection ended: its approvals are cancelled, its MCP calls fail, the sled may be offline. */
  #connectionEnded(connId: string, cause: CancelCause, reason: string, now: number): void {
    const cancelled = this.#approvals.cancelConnection(connId, cause, now);
    reportResolved(this.env, this.#channel, cancelled);
    this.#relay.dropConnection(connId);
    this.#sockets.forget(connId);
    if (this.#state.goOffline(connId, now, reason)) {
      reportOffline(this.env, this.#state.project(), now, reason);
      log("info", "sled_disconnected", {
        project: this.#state.project(),
        conn_id: connId,
        reason,
        cancelled: cancelled.length,
      });
    }
  }

  /** The peer closed or the socket failed. */
  #ended(ws: WebSocket, reason: string): void {
    const attachment = this.#sockets.read(ws);
    if (!attachment) return;
    if (attachment.phase !== "closed") this.#sockets.write(ws, { ...attachment, phase: "closed" });
    this.#connectionEnded(attachment.connId, "disconnected", reason, Date.now());
  }

  /** botgate closes a socket: the connection ends now, whenever the peer's Close arrives. */
  #close(ws: WebSocket, code: number, reason: string): void {
    const attachment = this.#sockets.close(ws, code, reason);
    if (attachment) this.#connectionEnded(attachment.connId, "disconnected", reason, Date.now());
  }

  /**
   * Every wake-up first settles what a runtime restart left behind: approvals and an uplink
   * row whose socket no longer exists (a hibernated socket still does).
   */
  #reconcile(now: number): void {
    const open = new Set([...this.#sockets.open()].map(({ attachment }) => attachment.connId));
    const orphans = new Set(this.#approvals.pendingConnections().filter((c) => !open.has(c)));
    const live = this.#state.live();
    if (live && !open.has(live.connId)) orphans.add(live.connId);
    for (const connId of orphans) this.#connectionEnded(connId, "restart", "restart", now);
  }

  async #settled(): Promise<void> {
    this.#reconcile(Date.now());
    await this.#arm();
  }

  // ---- timers ----

  #sweepIdentity(now: number): void {
    let next: number | null = null;
    for (const { ws, attachment } of [...this.#sockets.open()]) {
      if (attachment.phase !== "awaiting") continue;
      const deadline = attachment.openedAt + this.#config.identityTimeoutMs;
      if (deadline <= now) this.#close(ws, SledClose.policy, "identity timeout");
      else next = Math.min(next ?? deadline, deadline);
    }
    if (next !== null) this.#schedule.atLatest("identity", next);
  }

  /** Staleness (no frame for `staleAfterMs`: close 1001) and the revocation backstop. */
  async #checkLive(now: number): Promise<void> {
    const live = this.#state.live();
    const ws = live ? this.#sockets.live(live.connId) : null;
    if (!live || !ws) return;
    if (now - live.lastFrameAt >= this.#config.staleAfterMs) {
      this.#close(ws, SledClose.stale.code, SledClose.stale.reason);
      return;
    }
    this.#schedule.atLatest("stale", live.lastFrameAt + this.#config.staleAfterMs);
    // The input gate opens during the D1 read: look the socket up again afterwards.
    if (!(await sledTokenActive(this.env.DB, live.tokenId))) {
      const still = this.#sockets.live(live.connId);
      if (still) this.#close(still, SledClose.policy, "token revoked");
    }
  }

  /** Sets the alarm to the earliest scheduled deadline (one alarm per object). */
  #arm(): Promise<void> {
    return this.#alarm.arm(this.#schedule);
  }
}
