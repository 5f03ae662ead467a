/**
 * The operator handshake inside the hub (docs/operators.md): a `connect` checked (params,
 * the failure window, the token or device signature by `decideConnect`), the socket made
 * live with its presence, the `hello-ok` snapshot sent before any event, and the sweep of
 * handshakes that took too long. The hub object passes in what it owns (`ConnectHub`).
 */
import * as v from "valibot";
import { timingSafeEqualText } from "../lib/crypto.ts";
import { log } from "../lib/log.ts";
import {
  ConnectParamsSchema,
  describeIssues,
  OperatorClose,
  type RequestFrame,
} from "../protocol/operator-frames.ts";
import { verifyOperatorToken } from "../registry/operator-tokens.ts";
import type { OperatorAttachment } from "./connection.ts";
import { presenceEvent } from "./fanout.ts";
import { decideConnect, negotiateProtocol } from "./handshake.ts";
import type { Health } from "./health.ts";
import { helloOk } from "./hello.ts";
import type { HubSockets } from "./hub-sockets.ts";
import type { HubStore } from "./hub-store.ts";
import { REGISTRY } from "./methods/index.ts";
import { responseText } from "./outbound.ts";
import { operatorPresence } from "./presence-kinds.ts";

/** How long a `connect` waits for a rebuild in progress before answering from the table. */
const REBUILD_WAIT_MS = 5_000;

/** What the handshake needs of the hub object. */
export interface ConnectHub {
  env: Env;
  sockets: HubSockets;
  store: HubStore;
  requireDevice: boolean;
  tickIntervalMs: number;
  /** The presence rebuild under way, if one is. */
  rebuilding(): Promise<void> | null;
  /** Probes health now (when none is stored yet). */
  checkHealth(): Promise<Health>;
  /** An operator went live at `now`: keep the periodic work scheduled. */
  watched(now: number): void;
}

/**
 * Answers a challenged socket's `connect`: refused (and closed) on bad params, a blocked
 * address or a failed check, else made live, answered `hello-ok` and announced to the others.
 */
export async function connectOperator(
  hub: ConnectHub,
  ws: WebSocket,
  opened: Extract<OperatorAttachment, { phase: "challenged" }>,
  frame: RequestFrame,
): Promise<void> {
  const params = v.safeParse(ConnectParamsSchema, frame.params);
  if (!params.success) {
    hub.sockets.sendError(
      ws,
      frame.id,
      `invalid connect params: ${describeIssues(params.issues)}`,
      4,
    );
    return hub.sockets.close(ws, OperatorClose.policy, "invalid connect params");
  }
  const connect = params.output;
  const protocol = negotiateProtocol(connect.minProtocol, connect.maxProtocol) ?? 4;
  const blockedMs = hub.store.failures.blockedFor(opened.ip, Date.now());
  if (blockedMs > 0) {
    hub.sockets.sendError(ws, frame.id, "unauthorized: too many failed attempts", protocol, {
      details: { code: "AUTH_RATE_LIMITED" },
      retryable: true,
      retryAfterMs: blockedMs,
    });
    return hub.sockets.close(ws, OperatorClose.policy, "rate limited");
  }
  hub.sockets.write(ws, { ...opened, phase: "verifying" });
  const decided = await decideConnect(connect, opened.nonce, {
    adminToken: hub.env.ADMIN_TOKEN,
    requireDevice: hub.requireDevice,
    verifyToken: (token) => verifyOperatorToken(hub.env.DB, token),
    secretEquals: timingSafeEqualText,
    now: () => Date.now(),
  });
  // The input gate was open during the token lookup: the socket may be gone.
  if (!stillVerifying(hub.sockets, ws, opened.connId)) return;
  if (!decided.ok) {
    if (decided.authFailure) hub.store.failures.record(opened.ip, Date.now());
    log("warn", "operator_connect_refused", { code: String(decided.error.details?.code) });
    hub.sockets.send(
      ws,
      responseText({ type: "res", id: frame.id, ok: false, error: decided.error }, protocol),
    );
    return hub.sockets.close(ws, decided.close, decided.error.message);
  }
  const rebuilding = hub.rebuilding();
  if (rebuilding) await settledWithin(rebuilding, REBUILD_WAIT_MS);
  const health = hub.store.health() ?? (await hub.checkHealth());
  if (!stillVerifying(hub.sockets, ws, opened.connId)) return;
  const liveAt = Date.now();
  const caller = { ...decided.caller, connId: opened.connId };
  const presence = operatorPresence(caller.connId, {
    ...caller,
    platform: connect.client.platform,
    version: connect.client.version,
    since: liveAt,
  });
  const { nonce: _used, ...rest } = opened;
  hub.sockets.write(ws, {
    ...rest,
    phase: "live",
    caller,
    presence: presence.entry,
    seq: 0,
    topics: [],
    violations: [],
  });
  const delta = hub.store.presence.apply([{ ...presence, at: liveAt }]);
  // No event reaches this socket before its hello-ok: the snapshot already includes it.
  const hello = helloOk({
    caller,
    registry: REGISTRY,
    presence: hub.store.presence.entries(),
    health,
    stateVersion: hub.store.stateVersion(),
    uptimeMs: hub.store.uptimeMs(liveAt),
    tickIntervalMs: hub.tickIntervalMs,
  });
  hub.sockets.send(
    ws,
    responseText({ type: "res", id: frame.id, ok: true, payload: hello }, caller.protocol),
  );
  log("info", "operator_connected", { conn_id: caller.connId, token_id: caller.tokenId });
  hub.watched(liveAt);
  if (delta) hub.sockets.fanout([presenceEvent(delta, hub.store.stateVersion())], ws);
}

/** The socket is open and still verifying this connection (the input gate was open). */
function stillVerifying(sockets: HubSockets, ws: WebSocket, connId: string): boolean {
  const current = sockets.read(ws);
  return (
    ws.readyState === WebSocket.OPEN && current?.phase === "verifying" && current.connId === connId
  );
}

/** Closes the sockets whose handshake outlived `timeoutMs`; schedules the next deadline. */
export function sweepHandshakes(
  sockets: HubSockets,
  store: HubStore,
  timeoutMs: number,
  now: number,
): void {
  let next: number | null = null;
  for (const ws of sockets.all()) {
    const attachment = sockets.read(ws);
    if (attachment?.phase !== "challenged" && attachment?.phase !== "verifying") continue;
    const deadline = attachment.openedAt + timeoutMs;
    if (deadline <= now) sockets.close(ws, OperatorClose.policy, "handshake timeout");
    else next = Math.min(next ?? deadline, deadline);
  }
  if (next !== null) store.schedule.atLatest("handshake", next);
}

/** Waits for `promise` (never rejects) or `ms`, whichever is first. */
export function settledWithin(promise: Promise<unknown>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    promise.then(done, done);
  });
}
