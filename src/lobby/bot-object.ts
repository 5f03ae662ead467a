/**
 * `BotObject`: one per bot id. Owns the bot's one lobby socket (bot protocol §3) —
 * authentication, hello, heartbeat and revocation checks on the alarm, one-lobby-per-bot
 * eviction — plus the bot's durable `matched` notices (re-announced after the settle window
 * of `resume-window.ts`) and its presence, asked for by RPC.
 * The class only translates sockets, alarms and RPC into the plain modules next to it.
 */
import { DurableObject } from "cloudflare:workers";
import { upgradeResponse } from "../http/upgrade.ts";
import { describeError, log } from "../lib/log";
import { reportPresence } from "../operators/hub-reporter";
import { lobbyGone, lobbyPresence } from "../operators/presence-kinds";
import {
  LobbyClose,
  type LobbyServerFrame,
  lobbyHello,
  parseLobbyFrame,
} from "../protocol/lobby-frames";
import { isTokenActive, recordTokenUse, verifyBotToken } from "../registry/tokens";
import { type LobbyConfig, lobbyConfig } from "./config";
import { isBotIdShaped } from "./lobby-path";
import { readSocketState, scheduleKey, writeSocketState } from "./lobby-socket";
import {
  type MatchedNotice,
  MatchedNotices,
  matchedFrame,
  parseMatchedNotice,
} from "./matched-notices";
import { isPresent, type LobbySocketState } from "./presence";
import { decideResume } from "./resume-window";
import { Schedule } from "./schedule";
import { echoedProtocol, isWebSocketUpgrade } from "./upgrade";

type OnlineState = Extract<LobbySocketState, { phase: "online" }>;

export class BotObject extends DurableObject<Env> {
  readonly #config: LobbyConfig;
  readonly #schedule: Schedule;
  readonly #notices: MatchedNotices;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#config = lobbyConfig(env);
    this.#schedule = new Schedule(ctx.storage);
    this.#notices = new MatchedNotices(ctx.storage.sql);
  }

  /** Accepts a lobby socket forwarded by the Worker; the `authenticate` clock starts now. */
  override async fetch(request: Request): Promise<Response> {
    // The object's name is the bot id the Worker checked (decoded from the path, so
    // `%61…` and `a…` are the same bot); the raw URL path is never re-parsed here.
    const botId = this.ctx.id.name;
    if (!botId || !isBotIdShaped(botId) || !isWebSocketUpgrade(request)) {
      return new Response("Expected a lobby WebSocket upgrade", { status: 426 });
    }
    const [client, server] = Object.values(new WebSocketPair()) as [WebSocket, WebSocket];
    const connId = crypto.randomUUID();
    const now = Date.now();
    // Hibernation API: the object may be evicted while the socket stays open.
    this.ctx.acceptWebSocket(server, [connId]);
    writeSocketState(server, { phase: "authenticating", connId, botId, openedAt: now });
    this.#schedule.set(scheduleKey.auth(connId), now + this.#config.authTimeoutMs);
    await this.#schedule.arm();
    const protocol = echoedProtocol(request);
    return upgradeResponse(request, client, protocol ? { "sec-websocket-protocol": protocol } : {});
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    try {
      await this.#onMessage(ws, message);
    } catch (err) {
      log("error", "lobby_message_failed", { error: describeError(err) });
    }
    await this.#schedule.arm();
  }

  override async webSocketClose(ws: WebSocket): Promise<void> {
    this.#forget(ws);
    // Reciprocate the peer's close: the runtime does not answer it by itself here, and a
    // client left waiting for the answer reports 1006 after its close timeout (10 s for the
    // Python `websockets` the Chipzen clients use — the reference client's match dial waited).
    try {
      ws.close(1000, "");
    } catch {
      // already closed
    }
    await this.#schedule.arm();
  }

  override async webSocketError(ws: WebSocket, error: unknown): Promise<void> {
    log("warn", "lobby_socket_error", { error: describeError(error) });
    this.#forget(ws);
    await this.#schedule.arm();
  }

  /** Runs every due deadline: authenticate timeouts, heartbeat pings, late pongs, resumes. */
  override async alarm(): Promise<void> {
    try {
      for (const key of this.#schedule.due(Date.now())) await this.#onDeadline(key);
    } catch (err) {
      log("error", "lobby_alarm_failed", { error: describeError(err) });
    }
    await this.#schedule.arm();
  }

  /** Lobby presence: an authenticated socket that is answering its pings. */
  isOnline(): boolean {
    const now = Date.now();
    return this.ctx
      .getWebSockets()
      .some((ws) =>
        isPresent(readSocketState(ws), ws.readyState === WebSocket.OPEN, now, this.#config),
      );
  }

  /**
   * A seat for this bot: stored first, then pushed on the lobby if one is open. Idempotent;
   * until `matchEnded`, every lobby connect re-sends it with `resume: true` after the settle
   * window unless the bot's match socket holds the seat by then (`#resume`).
   */
  notifyMatched(input: MatchedNotice): { pushed: boolean } {
    const notice = parseMatchedNotice(input);
    this.#notices.put(notice, Date.now());
    // The output gate holds this send until the row above is durable.
    let pushed = false;
    for (const { ws } of this.#onlineSockets()) {
      this.#send(ws, matchedFrame(notice, false));
      pushed = true;
    }
    return { pushed };
  }

  /** The match is over: stop re-announcing it. Idempotent. */
  matchEnded(matchId: string): void {
    this.#notices.remove(matchId);
  }

  async #onMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    const state = readSocketState(ws);
    // While the token is being checked, and for everything but `pong` afterwards, input is
    // dropped silently (§3.3).
    if (!state || state.phase === "verifying") return;
    const frame = parseLobbyFrame(message);
    if (state.phase === "authenticating") {
      if (frame?.type !== "authenticate") {
        this.#close(ws, state.connId, LobbyClose.authFailed);
        return;
      }
      await this.#authenticate(ws, state.connId, state.botId, frame.token);
      return;
    }
    if (frame?.type === "pong") {
      writeSocketState(ws, { ...state, pingSentAt: null, lastSeenAt: Date.now() });
      this.#schedule.delete(scheduleKey.pong(state.connId));
    }
  }

  async #authenticate(ws: WebSocket, connId: string, botId: string, token: string): Promise<void> {
    const opened = readSocketState(ws);
    if (opened?.phase !== "authenticating") return;
    writeSocketState(ws, { ...opened, phase: "verifying" });
    let verified: Awaited<ReturnType<typeof verifyBotToken>>;
    try {
      // `last_used_at` is written after the hello, and rarely (`recordTokenUse`).
      verified = await verifyBotToken(this.env.DB, token);
    } catch (err) {
      log("error", "lobby_token_check_failed", { bot_id: botId, error: describeError(err) });
      this.#close(ws, connId, LobbyClose.internalError);
      return;
    }
    // The input gate was open during the D1 call: the socket may have closed or timed out.
    if (ws.readyState !== WebSocket.OPEN || readSocketState(ws)?.phase !== "verifying") return;
    if (!verified || verified.botId !== botId) {
      log("warn", "lobby_auth_refused", { bot_id: botId, known: verified !== null });
      this.#close(ws, connId, LobbyClose.authFailed);
      return;
    }
    // One lobby per bot, newest wins (§3.4): `evict` first so SDKs stop instead of reconnecting.
    for (const older of this.#onlineSockets()) {
      if (older.state.connId === connId) continue;
      this.#send(older.ws, { type: "evict", reason: "replaced" });
      this.#close(older.ws, older.state.connId, LobbyClose.replaced);
    }
    const now = Date.now();
    writeSocketState(ws, {
      phase: "online",
      connId,
      botId,
      tokenId: verified.tokenId,
      lastSeenAt: now,
      pingSentAt: null,
    });
    this.#schedule.delete(scheduleKey.auth(connId));
    this.#schedule.set(scheduleKey.ping(connId), now + this.#config.pingIntervalMs);
    this.#send(ws, lobbyHello(botId, now));
    log("info", "lobby_online", { bot_id: botId, token_id: verified.tokenId });
    reportPresence(this.env, lobbyPresence(botId));
    // In-flight matches are re-announced at the end of the settle window, if still unbound.
    if (this.#notices.all().length > 0) {
      this.#schedule.set(scheduleKey.resume(connId), now + this.#config.resumeSettleMs);
    }
    recordTokenUse(this.env.DB, verified, now, this.ctx);
  }

  /**
   * §3.6 as botgate applies it (`resume-window.ts`): at the end of the settle window, every
   * match that was in flight when the window opened, again with `resume: true` — except those
   * whose seat the bot's own socket holds by now (later ones were pushed live on this very
   * socket). Never fails the connection.
   */
  async #resume(ws: WebSocket, state: OnlineState, windowOpened: number): Promise<void> {
    const notices = this.#notices.all(windowOpened);
    const decision = await decideResume(
      notices,
      (notice) => this.env.MATCH.getByName(notice.match_id).seatStatus(notice.participant_id),
      (notice, error) =>
        log("warn", "lobby_seat_status_failed", {
          bot_id: state.botId,
          match_id: notice.match_id,
          error: describeError(error),
        }),
    );
    for (const matchId of decision.closed) this.#notices.remove(matchId);
    // The input gate was open during the RPCs: the socket may have gone meanwhile.
    if (ws.readyState !== WebSocket.OPEN || readSocketState(ws)?.phase !== "online") return;
    for (const notice of decision.announce) this.#send(ws, matchedFrame(notice, true));
    log("info", "lobby_resume_settled", {
      bot_id: state.botId,
      announced: decision.announce.map((notice) => notice.match_id).join(","),
      bound: decision.bound.join(","),
      closed: decision.closed.join(","),
    });
  }

  async #onDeadline(key: string): Promise<void> {
    const parsed = scheduleKey.parse(key);
    const ws = parsed ? this.ctx.getWebSockets(parsed.connId)[0] : undefined;
    const state = ws ? readSocketState(ws) : null;
    if (!parsed || !ws || !state || ws.readyState !== WebSocket.OPEN) {
      // The connection is gone (closed while hibernating, or lost in a restart).
      this.#schedule.delete(key);
      return;
    }
    if (parsed.kind === "auth") {
      // The deadline is for the bot's `authenticate`: once it arrived, the token check in
      // flight (a slow D1 read) decides, never the clock (a token refused stops an SDK).
      if (state.phase !== "authenticating") {
        this.#schedule.delete(key);
      } else {
        log("warn", "lobby_auth_timeout", { bot_id: state.botId });
        this.#close(ws, state.connId, LobbyClose.authTimeout);
      }
      return;
    }
    if (state.phase !== "online") {
      this.#schedule.delete(key);
      return;
    }
    if (parsed.kind === "pong") {
      if (state.pingSentAt === null) this.#schedule.delete(key);
      else this.#close(ws, state.connId, LobbyClose.heartbeatTimeout);
      return;
    }
    if (parsed.kind === "resume") {
      const windowOpened = (this.#schedule.get(key) ?? Date.now()) - this.#config.resumeSettleMs;
      this.#schedule.delete(key);
      await this.#resume(ws, state, windowOpened);
      return;
    }
    await this.#heartbeat(ws, state);
  }

  /** One heartbeat cycle (§3.2): revocation re-check, then a ping with its pong deadline. */
  async #heartbeat(ws: WebSocket, state: OnlineState): Promise<void> {
    let active = true;
    try {
      active = await isTokenActive(this.env.DB, state.tokenId);
    } catch (err) {
      // A registry outage must not disconnect every bot; the next cycle checks again.
      log("warn", "lobby_revocation_check_failed", {
        bot_id: state.botId,
        error: describeError(err),
      });
    }
    // The input gate was open during the D1 call: re-read what may have changed meanwhile.
    const current = readSocketState(ws);
    if (ws.readyState !== WebSocket.OPEN || current?.phase !== "online") return;
    if (!active) {
      log("info", "lobby_token_revoked", { bot_id: current.botId, token_id: current.tokenId });
      this.#close(ws, current.connId, LobbyClose.tokenRevoked);
      return;
    }
    const now = Date.now();
    this.#schedule.set(scheduleKey.ping(current.connId), now + this.#config.pingIntervalMs);
    if (current.pingSentAt === null) {
      writeSocketState(ws, { ...current, pingSentAt: now });
      this.#schedule.set(scheduleKey.pong(current.connId), now + this.#config.pongTimeoutMs);
    }
    this.#send(ws, { type: "ping" });
  }

  *#onlineSockets(): Generator<{ ws: WebSocket; state: OnlineState }> {
    for (const ws of this.ctx.getWebSockets()) {
      const state = readSocketState(ws);
      if (state?.phase === "online" && ws.readyState === WebSocket.OPEN) yield { ws, state };
    }
  }

  #send(ws: WebSocket, frame: LobbyServerFrame): void {
    try {
      ws.send(JSON.stringify(frame));
    } catch (err) {
      // The peer went away between the check and the send; its close event cleans up.
      log("warn", "lobby_send_failed", { frame: frame.type, error: describeError(err) });
    }
  }

  #close(ws: WebSocket, connId: string, close: { code: number; reason: string }): void {
    for (const key of scheduleKey.all(connId)) this.#schedule.delete(key);
    try {
      ws.close(close.code, close.reason);
    } catch (err) {
      log("warn", "lobby_close_failed", { code: close.code, error: describeError(err) });
    }
  }

  #forget(ws: WebSocket): void {
    const state = readSocketState(ws);
    if (!state) return;
    for (const key of scheduleKey.all(state.connId)) this.#schedule.delete(key);
    if (state.phase === "online") log("info", "lobby_offline", { bot_id: state.botId });
    // Operators: a replaced socket closes after its successor is online; only the last leaves.
    if (state.phase === "online" && !this.isOnline())
      reportPresence(this.env, lobbyGone(state.botId));
  }
}
