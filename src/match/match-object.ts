/**
 * `MatchObject`: one Durable Object per match id. A thin shell over `MatchRoom`: it accepts
 * hibernatable sockets, hands every socket event, alarm and RPC to the room, and keeps
 * nothing in memory that the room needs later.
 */
import { DurableObject } from "cloudflare:workers";
import * as v from "valibot";
import { upgradeResponse } from "../http/upgrade.ts";
import { AttachmentCache } from "../lib/attachment-cache.ts";
import { describeError, log } from "../lib/log.ts";
import type { SeatStatus } from "../lobby/resume-window.ts";
import { CloseCode } from "../protocol/bot-frames.ts";
import { recordTokenUse, verifyBotToken } from "../registry/tokens.ts";
import { onMatchEnded } from "./dispatch.ts";
import type { HandRecord } from "./hand-history.ts";
import type { ConnInfo } from "./handshake.ts";
import { type Conn, MatchRoom, type MatchSpec } from "./room.ts";
import { refuseUpgrade } from "./upgrade.ts";

/**
 * The one internal header the Worker sets on an upgrade it forwards (and strips from every
 * incoming request first, so nobody can spoof it): who the socket is, as verified.
 */
export const UPGRADE_HEADER = "x-botgate-match-upgrade";

export const UpgradeInfoSchema = v.strictObject({
  role: v.picklist(["seat", "spectator"]),
  participant_id: v.nullable(v.string()),
  /** The bot the Worker verified from the token, or null when `authenticate` carries it. */
  bot_id: v.nullable(v.string()),
  /** The subprotocol to echo on the 101, if the client offered our sentinel (§4, §9 item 1). */
  protocol: v.nullable(v.string()),
});
export type UpgradeInfo = v.InferOutput<typeof UpgradeInfoSchema>;

export class MatchObject extends DurableObject<Env> {
  readonly #room: MatchRoom;
  /** Each socket's `ConnInfo`, deserialized once per wake-up and written through. */
  readonly #attachments = new AttachmentCache<ConnInfo>();
  /** Each socket as the room sees it, made once per wake-up. */
  readonly #conns = new WeakMap<WebSocket, Conn>();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#room = new MatchRoom(ctx.storage.sql, {
      now: () => Date.now(),
      random: () => Math.random(),
      transaction: (fn) => ctx.storage.transactionSync(fn),
      conn: (id) => {
        const ws = ctx.getWebSockets(`conn:${id}`)[0];
        return ws && ws.readyState === WebSocket.OPEN ? this.#conn(ws) : null;
      },
      spectators: () =>
        ctx
          .getWebSockets("spectator")
          .filter((ws) => ws.readyState === WebSocket.OPEN)
          .map((ws) => this.#conn(ws)),
      setAlarm: (at) => {
        const done = at === null ? ctx.storage.deleteAlarm() : ctx.storage.setAlarm(at);
        done.catch((err: unknown) =>
          log("error", "match_alarm_set_failed", { error: describeError(err) }),
        );
      },
      verifyToken: async (token, seatBotId) => {
        const verified = await verifyBotToken(env.DB, token);
        if (verified?.botId === seatBotId) {
          recordTokenUse(env.DB, verified, Date.now(), ctx);
        }
        return verified?.botId ?? null;
      },
      recordEnd: (outcome) => onMatchEnded(env, outcome),
    });
  }

  /** Creates the match (idempotent: the same id twice creates it once). */
  async create(spec: MatchSpec): Promise<{ created: boolean }> {
    return this.#room.create(spec);
  }

  /**
   * The seat of `participantId` as the lobby's resume rule needs it (`src/lobby/resume-window.ts`):
   * held by a socket (`bound`: live, or completing its handshake), open to a dial (`free`),
   * over (`closed`: the match ended), or not known here (`unknown`).
   */
  seatStatus(participantId: string): SeatStatus {
    const admission = this.#room.admitSeat(participantId, null);
    const meta = this.#room.meta();
    if (meta?.status === "ended") return "closed";
    if (!admission.ok) return "unknown";
    const held = this.ctx
      .getWebSockets(`seat:${admission.seat}`)
      .some(
        (ws) => ws.readyState === WebSocket.OPEN && this.#attachments.read(ws)?.phase !== "closed",
      );
    return held ? "bound" : "free";
  }

  /** The completed hands with their reveals, for `GET /api/matches/{id}/hands`. */
  async hands(): Promise<HandRecord[]> {
    return this.#room.hands();
  }

  /** WebSocket upgrades forwarded by the Worker (`src/match/gateway.ts`). */
  override async fetch(request: Request): Promise<Response> {
    const parsed = v.safeParse(UpgradeInfoSchema, safeJson(request.headers.get(UPGRADE_HEADER)));
    if (!parsed.success || request.headers.get("upgrade")?.toLowerCase() !== "websocket") {
      return new Response("expected a forwarded WebSocket upgrade", { status: 400 });
    }
    const upgrade = parsed.output;
    if (!this.#room.meta()) return refuseUpgrade(CloseCode.matchNotFound, upgrade.protocol);
    const connId = crypto.randomUUID();
    const pair = new WebSocketPair();
    const [client, server] = [pair[0], pair[1]];
    if (upgrade.role === "spectator") {
      this.ctx.acceptWebSocket(server, ["spectator", `conn:${connId}`]);
      const info: ConnInfo = {
        conn: connId,
        role: "spectator",
        seat: -1,
        phase: "live",
        verifiedBotId: null,
      };
      this.#attachments.write(server, info);
      this.#room.onSpectatorOpen(this.#conn(server));
    } else {
      const admission = this.#room.admitSeat(upgrade.participant_id ?? "", upgrade.bot_id);
      if (!admission.ok) return refuseUpgrade(admission.code, upgrade.protocol);
      this.ctx.acceptWebSocket(server, [`seat:${admission.seat}`, `conn:${connId}`]);
      const info: ConnInfo = {
        conn: connId,
        role: "seat",
        seat: admission.seat,
        phase: "auth",
        verifiedBotId: upgrade.bot_id,
      };
      this.#attachments.write(server, info);
      this.#room.onSeatOpen(this.#conn(server));
    }
    return upgradeResponse(
      request,
      client,
      upgrade.protocol ? { "Sec-WebSocket-Protocol": upgrade.protocol } : {},
    );
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    try {
      await this.#room.onMessage(this.#conn(ws), message);
    } catch (err) {
      log("error", "match_message_failed", { error: describeError(err) });
    }
  }

  override async webSocketClose(ws: WebSocket): Promise<void> {
    try {
      this.#room.onClose(this.#conn(ws));
    } catch (err) {
      log("error", "match_close_failed", { error: describeError(err) });
    }
    // The Hibernation API needs the close reciprocated; never with 1005/1006 (they throw).
    try {
      ws.close(CloseCode.normal, "");
    } catch {
      // already closed
    }
  }

  override async webSocketError(ws: WebSocket, error: unknown): Promise<void> {
    log("warn", "match_socket_error", { error: describeError(error) });
    try {
      this.#room.onClose(this.#conn(ws));
    } catch (err) {
      log("error", "match_close_failed", { error: describeError(err) });
    }
  }

  override async alarm(): Promise<void> {
    await this.#room.alarm();
  }

  /** A hibernatable socket as the room sees it; its data lives in the attachment. */
  #conn(ws: WebSocket): Conn {
    const known = this.#conns.get(ws);
    if (known) return known;
    const attachments = this.#attachments;
    const conn: Conn = {
      get info() {
        const info = attachments.read(ws);
        if (!info) throw new Error("match socket without its attachment");
        return info;
      },
      send: (text) => ws.send(text),
      close: (code, reason) => ws.close(code, reason),
      update: (info) => attachments.write(ws, info),
    };
    this.#conns.set(ws, conn);
    return conn;
  }
}

function safeJson(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
