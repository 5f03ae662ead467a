/**
 * The match itself, as a plain class over SQLite and a small host interface: handshake,
 * per-seat `seq`, the jittered outbound queue, deadlines, reconnection, limits, house bots,
 * spectators and records. `MatchObject` only translates sockets, alarms and RPC into calls
 * here. Nothing is kept in memory between events: every event reloads what it needs.
 *
 * Each event runs as one SQLite transaction (`#step`) that also queues the socket writes it
 * implies; the writes happen after the commit, and the Durable Object output gate holds them
 * until the storage is durable, so no frame ever leaves before the state it depends on.
 */

import { randomHex } from "../lib/crypto.ts";
import { describeError, log } from "../lib/log.ts";
import { isoNow } from "../lib/time.ts";
import {
  actingSeat,
  applyAction,
  applyTimeout,
  createMatch,
  deckCommitment,
  type EngineEvent,
  handInProgress,
  type MatchState,
  matchOver,
  newDeck,
  roundStartView,
  spectatorRoundResult,
  startHand,
  turnView,
} from "../poker/index.ts";
import {
  CloseCode,
  CloseReason,
  type ErrorFrame,
  exceedsInboundLimit,
  type FullMatchEndFrame,
  type GameFrame,
  type MatchErrorCode,
  type ParsedFrame,
  parseClientFrame,
  type RoundResultFrame,
  type RoundStartFrame,
  type ShortMatchEndFrame,
  type SpectatorFrame,
  type TurnActionFrame,
  type Unstamped,
} from "../protocol/bot-frames.ts";
import type { MatchConfig } from "./config.ts";
import {
  actionRejected,
  closingError,
  gameConfig,
  matchStart,
  serverHello,
  spectatorHello,
  spectatorMatchStart,
  stamp,
  turnRequest,
} from "./frames.ts";
import { type ConnInfo, handshakeStep } from "./handshake.ts";
import { decideHouseAction, isHouseStrategy } from "./house-bots.ts";
import { countMessage, INVALID_ACTIONS_PER_HAND, jitterDelay } from "./limits.ts";
import {
  cancelledMatchEnd,
  crashedMatchEnd,
  type Ending,
  type ForfeitReason,
  fullMatchEnd,
  type MatchOutcome,
  outcomeOf,
  SIMULTANEOUS_DISCONNECT_MS,
} from "./results.ts";
import {
  type HandRecord,
  MatchStore,
  type MetaRow,
  type OutboxKind,
  type OutboxRow,
  type SeatRow,
  type TurnRow,
} from "./store.ts";

/** Handshake deadlines (§5.1): `authenticate` after open, client `hello` after server hello. */
export const HANDSHAKE_TIMEOUT_MS = 5000;
/** Retry delay of a failed registry write at match end. */
const RECORD_RETRY_MS = 5000;
/** Bound on stored `bot_errors` per seat, so `match_end` stays far below client frame caps. */
const MAX_BOT_ERRORS = 100;

/** What `MatchObject.create` receives: the seats and the full configuration. */
export interface MatchSpec {
  match_id: string;
  /** Dispatch time, epoch ms: the connection wait counts from here (§5.2). */
  created_at: number;
  config: MatchConfig;
  seats: {
    seat: number;
    participant_id: string;
    bot_id: string;
    name: string;
    /** A house bot's strategy; null for a remote bot that connects over a socket. */
    house_strategy: string | null;
  }[];
}

/** One socket as the room sees it. */
export interface Conn {
  readonly info: ConnInfo;
  send(text: string): void;
  close(code: number, reason: string): void;
  /** Stores new per-socket data (the hibernation attachment). */
  update(info: ConnInfo): void;
}

/** What the room needs from its Durable Object. */
export interface RoomHost {
  now(): number;
  random(): number;
  /** Runs `fn` as one storage transaction (rolled back if it throws). */
  transaction<T>(fn: () => T): T;
  /** The open socket with this connection id, if any. */
  conn(id: string): Conn | null;
  spectators(): Conn[];
  setAlarm(at: number | null): void;
  /** Verifies a bot token against the registry: the bot id, or null. */
  verifyToken(token: string): Promise<string | null>;
  /** Writes the finished match to the registry (and runs the match-end hook). */
  recordEnd(outcome: MatchOutcome): Promise<void>;
}

/** How the room answers an upgrade for a seat. */
export type Admission = { ok: true; seat: number } | { ok: false; code: number };

export class MatchRoom {
  readonly store: MatchStore;
  readonly #host: RoomHost;
  /** Socket writes of the current step, run after its transaction commits. */
  #effects: (() => void)[] = [];

  constructor(sql: SqlStorage, host: RoomHost) {
    this.store = new MatchStore(sql);
    this.#host = host;
  }

  // ---------------------------------------------------------------- lifecycle

  /** Creates the match once; a repeated call with the same id changes nothing. */
  create(spec: MatchSpec): { created: boolean } {
    this.store.forget();
    if (this.store.meta()) return { created: false };
    const now = this.#host.now();
    this.#step(now, () => {
      this.store.insertMeta(spec.match_id, spec.config, spec.created_at);
      for (const seat of spec.seats) this.store.insertSeat(seat);
      this.store.schedule("wait", spec.created_at + spec.config.connection_wait_ms);
      if (this.#remoteSeats().length === 0) this.store.schedule("start", now);
    });
    return { created: true };
  }

  /** Completed hands of the history, for the admin API. */
  hands(): HandRecord[] {
    this.store.forget();
    return this.store.completedHands();
  }

  meta(): MetaRow | null {
    this.store.forget();
    return this.store.meta();
  }

  // ---------------------------------------------------------------- connections

  /** Whether an upgrade for `participantId` may open a socket (§4; the object's checks). */
  admitSeat(participantId: string, verifiedBotId: string | null): Admission {
    this.store.forget();
    const meta = this.store.meta();
    const seat = this.store.seatByParticipant(participantId);
    if (!meta || !seat) return { ok: false, code: CloseCode.matchNotFound };
    if (seat.house_strategy !== null) return { ok: false, code: CloseCode.authFailed };
    if (verifiedBotId !== null && verifiedBotId !== seat.bot_id) {
      return { ok: false, code: CloseCode.authFailed };
    }
    // After the end only a forfeited seat is let in, to be told why (§5.9 refusals).
    if (meta.status === "ended" && seat.forfeit === null) {
      return { ok: false, code: CloseCode.matchNotFound };
    }
    return { ok: true, seat: seat.seat };
  }

  /** A seat socket was accepted: start its `authenticate` deadline. */
  onSeatOpen(conn: Conn): void {
    const now = this.#host.now();
    this.#step(now, () => {
      this.store.schedule(`auth:${conn.info.conn}`, now + HANDSHAKE_TIMEOUT_MS);
    });
  }

  /** A spectator socket was accepted: greet it with the match as it stands. */
  onSpectatorOpen(conn: Conn): void {
    const now = this.#host.now();
    this.#step(now, () => {
      const meta = this.#meta();
      const hello = spectatorHello(meta.match_id, meta.status, this.store.seats(), meta.config);
      const text = JSON.stringify(stamp(hello, this.store.nextSpectatorSeq(), now));
      this.#effects.push(() => conn.send(text));
    });
  }

  /** One inbound frame on any socket of this match. */
  async onMessage(conn: Conn, message: string | ArrayBuffer): Promise<void> {
    this.store.forget();
    const info = conn.info;
    if (info.role !== "seat" || info.phase === "closed") return;
    const now = this.#host.now();
    if (exceedsInboundLimit(message)) {
      this.#step(now, () => {
        const text = "Message exceeds 4096 bytes";
        if (info.verifiedBotId === null && info.phase === "auth") {
          // Not yet known to be the seat's bot: neither its counter nor its record is touched.
          this.#closeWithError(conn, "message_too_large", text, CloseCode.messageTooLarge, now);
          return;
        }
        this.#sendError(conn, info.seat, "message_too_large", text, true);
        this.#closeConn(conn, CloseCode.messageTooLarge, now);
      });
      return;
    }
    // A binary frame is handled as a non-JSON text frame (§5.11).
    const parsed: ParsedFrame =
      typeof message === "string" ? parseClientFrame(message) : { ok: false, error: "not_json" };
    const step = handshakeStep(info.phase, parsed);
    // Messages count against the participant's rate only once the socket is known to be its.
    const counted = info.verifiedBotId !== null || info.phase !== "auth";
    if (step.kind === "authenticate" && info.verifiedBotId === null) {
      await this.#verifyCredential(conn, step.token);
      if (conn.info.phase !== "auth") return;
    }
    this.#step(now, () => {
      // A socket lost in a restart is noticed when someone dials in (or on the alarm).
      if (info.phase !== "live") this.#reconcile(now);
      const verdict = counted ? this.#countRate(info.seat, now) : "ok";
      if (verdict === "flood") {
        this.#closeConn(conn, CloseCode.rateLimitExceeded, now);
        return;
      }
      switch (step.kind) {
        case "ignore":
          return;
        case "authenticate":
          if (verdict === "ok") this.#onAuthenticate(conn, now);
          return;
        case "protocol_mismatch":
          this.#closeConn(conn, CloseCode.protocolMismatch, now);
          return;
        case "hello":
          if (verdict === "ok") this.#onHello(conn, now);
          return;
        case "game":
          this.#onGameFrame(conn, step.parsed, verdict === "over", now);
          return;
      }
    });
    await this.#runDue(now);
  }

  /** A socket closed (by the peer or after our close). */
  onClose(conn: Conn): void {
    const now = this.#host.now();
    this.#step(now, () => {
      this.store.unschedule(`auth:${conn.info.conn}`);
      this.store.unschedule(`hello:${conn.info.conn}`);
      if (conn.info.role === "seat") {
        const seat = this.store.seat(conn.info.seat);
        if (seat.conn === conn.info.conn) this.#drop(seat, now);
      }
      this.#reconcile(now);
    });
  }

  /**
   * The alarm: runs every deadline due by the time the alarm was armed for. Alarms fire at
   * or after that time, so it is at most `now`; the stored time also lets a test fire a
   * deadline deterministically (`runDurableObjectAlarm`) without sleeping.
   */
  async alarm(): Promise<void> {
    this.store.forget();
    const now = this.#host.now();
    const meta = this.store.meta();
    if (!meta) return;
    const horizon = Math.max(now, meta.armed_at ?? now);
    this.#step(horizon, () => this.#reconcile(now));
    await this.#runDue(horizon);
    // This alarm is spent: arm the next one whatever the stored time says.
    this.#step(horizon, () => this.store.updateMeta({ armed_at: null }));
  }

  // ---------------------------------------------------------------- steps and effects

  /** One atomic state change, then the due frames, then the alarm; then the socket writes. */
  #step(horizon: number, fn: () => void): void {
    this.#effects = [];
    this.store.forget();
    try {
      this.#host.transaction(() => {
        fn();
        // Everything due by the horizon or by now, whichever is later.
        this.#flush(Math.max(horizon, this.#host.now()));
        this.#arm();
      });
    } catch (err) {
      this.#effects = [];
      this.store.forget();
      throw err;
    }
    const effects = this.#effects;
    this.#effects = [];
    for (const effect of effects) {
      try {
        effect();
      } catch (err) {
        // A socket that closed under us: its close event does the bookkeeping.
        log("warn", "match_socket_write_failed", { error: describeError(err) });
      }
    }
  }

  /** Runs every schedule row due by `horizon` (or by now), each at most once per pass. */
  async #runDue(horizon: number): Promise<void> {
    const done = new Set<string>();
    for (;;) {
      const at = Math.max(horizon, this.#host.now());
      const key = this.store.dueKeys(at).find((k) => !done.has(k));
      if (key === undefined) break;
      done.add(key);
      try {
        await this.#job(key, at);
      } catch (err) {
        log("error", "match_job_failed", {
          match_id: this.store.meta()?.match_id,
          job: key,
          error: describeError(err),
        });
        const now = this.#host.now();
        this.#step(now, () => {
          this.store.unschedule(key);
          if (this.store.meta()?.status === "playing") {
            this.#end(crashedMatchEnd(this.#meta().match_id), now);
          }
        });
      }
    }
  }

  async #job(key: string, horizon: number): Promise<void> {
    const [kind, arg] = key.split(":");
    const now = this.#host.now();
    if (kind === "next_hand") return this.#nextHand(now);
    if (kind === "record") return this.#record();
    this.#step(horizon, () => {
      this.store.unschedule(key);
      switch (kind) {
        case "wait":
          return this.#connectionWaitExpired(now);
        case "start":
          return this.#start(now);
        case "turn":
          return this.#turnDeadline(Number(arg), horizon, now);
        case "house":
          return this.#houseActs(Number(arg), now);
        case "grace":
          return this.#graceExpired(Number(arg), horizon, now);
        case "auth":
        case "hello":
          return this.#handshakeDeadline(arg ?? "", now);
        default:
          log("warn", "match_unknown_job", { job: key });
      }
    });
  }

  /** Arms the one alarm for the earliest deadline or queued frame. */
  #arm(): void {
    const meta = this.store.meta();
    if (!meta) return;
    const earliest = this.store.earliestDue();
    if (earliest === meta.armed_at) return;
    this.store.updateMeta({ armed_at: earliest });
    this.#host.setAlarm(earliest);
  }

  /** Sends every queued frame due by `horizon`, in per-seat order (§5.4.4). */
  #flush(horizon: number): void {
    const rows = this.store.takeDue(horizon);
    if (rows.length === 0) return;
    const now = this.#host.now();
    for (const row of rows) this.#deliver(row, now);
  }

  #deliver(row: OutboxRow, now: number): void {
    const seat = this.store.seat(row.seat);
    const conn = this.#liveConn(seat);
    if (row.kind === "turn_request") {
      this.#deliverTurn(
        seat,
        conn,
        (JSON.parse(row.body) as { request_id: string }).request_id,
        now,
      );
      return;
    }
    // A seat that is away misses the frame: there is no replay on reconnect (§5.9).
    if (!conn) return;
    this.#sendGame(conn, seat.seat, JSON.parse(row.body) as Unstamped<GameFrame>, now);
    if (row.kind === "match_end") this.#closeConn(conn, CloseCode.normal, now);
  }

  /**
   * A `turn_request` leaves the server: its clock starts now (§5.4.4), unless the seat's
   * first disconnection paused it. A later delivery (a reconnect) re-sends the same request
   * with the time that is left (§5.9).
   */
  #deliverTurn(seat: SeatRow, conn: Conn | null, requestId: string, now: number): void {
    let turn = this.store.turn(seat.seat);
    if (!turn || turn.request_id !== requestId) return;
    if (turn.sent_at === null) {
      const deadline = turn.paused_remaining === null ? now + turn.timeout_ms : null;
      this.store.updateTurn(seat.seat, { sent_at: now, deadline });
      if (deadline !== null) this.store.schedule(`turn:${seat.seat}`, deadline);
      turn = { ...turn, sent_at: now, deadline };
    }
    if (!conn || turn.deadline === null) return;
    if (turn.first_sent_at === null) this.store.updateTurn(seat.seat, { first_sent_at: now });
    const frame = turnRequest(this.#meta().match_id, { ...turn, deadline: turn.deadline }, now);
    this.#sendGame(conn, seat.seat, frame, now);
  }

  /** Stamps a game frame with the seat's next `seq` and queues the write. */
  #sendGame(conn: Conn, seat: number, frame: Unstamped<GameFrame>, now: number): void {
    const text = JSON.stringify(stamp(frame, this.store.nextSeq(seat), now));
    this.#effects.push(() => conn.send(text));
  }

  /** Queues a game frame for a remote seat, behind anything already queued for it. */
  #enqueue(
    seat: number,
    dueAt: number,
    frame: Unstamped<GameFrame>,
    kind: "frame" | "match_end" = "frame",
  ): void {
    this.#queue(seat, dueAt, kind, JSON.stringify(frame));
  }

  /**
   * A frame for a remote seat: sent in this step when it is due and nothing is queued ahead
   * of it for that seat, else queued behind the seat's frames (§5.4.4).
   */
  #queue(seat: number, dueAt: number, kind: OutboxKind, body: string): void {
    const now = this.#host.now();
    if (dueAt <= now && !this.store.hasQueued(seat)) {
      this.#deliver({ id: 0, seat, due_at: dueAt, kind, body }, now);
      return;
    }
    this.store.enqueue(seat, dueAt, kind, body);
  }

  /** The public stream: sent at once to every spectator, on the match's spectator counter. */
  #broadcastSpectators(frame: Unstamped<SpectatorFrame>, now: number, close = false): void {
    const spectators = this.#host.spectators();
    if (spectators.length === 0) return;
    const text = JSON.stringify(stamp(frame, this.store.nextSpectatorSeq(), now));
    for (const conn of spectators) {
      this.#effects.push(() => {
        conn.send(text);
        if (close) conn.close(CloseCode.normal, CloseReason[CloseCode.normal] ?? "");
      });
    }
  }

  /**
   * An in-play `error` frame on the seat's counter (§5.4.8), queued behind the seat's
   * frames; `immediate` sends it now, ahead of a close.
   */
  #sendError(
    conn: Conn,
    seat: number,
    code: MatchErrorCode,
    message: string,
    immediate = false,
  ): void {
    const now = this.#host.now();
    const frame = {
      type: "error",
      match_id: this.#meta().match_id,
      code,
      message,
    } satisfies Unstamped<ErrorFrame>;
    this.#recordBotError(seat, code, message);
    if (immediate) this.#sendGame(conn, seat, frame, now);
    else this.#enqueue(seat, now, frame);
  }

  /** Refuses a connection: `error` with `seq: 1`, then close 4011 (§5.9, §9 item 12). */
  #refuse(conn: Conn, code: "duplicate_participant" | ForfeitReason, now: number): void {
    const messages = {
      duplicate_participant: "This seat already has a live connection",
      grace_expired: "The reconnect grace period has expired",
      budget_exhausted: "The reconnect budget is exhausted",
    } as const;
    this.#closeWithError(conn, code, messages[code], CloseCode.serverError, now);
  }

  /** An `error` with `seq: 1` (a fresh counter: a close follows, §5.3), then the close. */
  #closeWithError(
    conn: Conn,
    code: MatchErrorCode,
    message: string,
    closeCode: number,
    now: number,
  ): void {
    const text = JSON.stringify(closingError(this.#meta().match_id, code, message, now));
    this.#effects.push(() => conn.send(text));
    this.#closeConn(conn, closeCode, now);
  }

  /**
   * Closes a socket from our side. A seat's live socket counts as dropped right away, so
   * the bookkeeping never waits for the peer's close handshake.
   */
  #closeConn(conn: Conn, code: number, now: number): void {
    const info = conn.info;
    if (info.phase === "closed") return;
    conn.update({ ...info, phase: "closed" });
    this.store.unschedule(`auth:${info.conn}`);
    this.store.unschedule(`hello:${info.conn}`);
    if (info.role === "seat") {
      const seat = this.store.seat(info.seat);
      if (seat.conn === info.conn) this.#drop(seat, now);
    }
    this.#effects.push(() => conn.close(code, CloseReason[code] ?? ""));
  }

  // ---------------------------------------------------------------- handshake

  /** The `/ws/match` path: the credential arrives in `authenticate` and is checked here. */
  async #verifyCredential(conn: Conn, token: string): Promise<void> {
    // A registry read: the input gate opens while it runs, so state is re-read afterwards.
    const botId = await this.#host.verifyToken(token);
    const now = this.#host.now();
    this.#step(now, () => {
      if (conn.info.phase !== "auth") return;
      const seat = this.store.seat(conn.info.seat);
      if (botId === null || botId !== seat.bot_id) {
        this.#closeConn(conn, CloseCode.authFailed, now);
        return;
      }
      conn.update({ ...conn.info, verifiedBotId: botId });
    });
  }

  /** `authenticate` arrived: refuse the seat (§5.9) or answer with the server hello (§5.1). */
  #onAuthenticate(conn: Conn, now: number): void {
    const meta = this.#meta();
    const seat = this.store.seat(conn.info.seat);
    if (!this.#mayBind(conn, seat, meta, now)) return;
    const text = JSON.stringify(serverHello(meta.match_id, meta.config.reconnect_budget > 0, now));
    this.#effects.push(() => conn.send(text));
    conn.update({ ...conn.info, phase: "hello" });
    this.store.unschedule(`auth:${conn.info.conn}`);
    this.store.schedule(`hello:${conn.info.conn}`, now + HANDSHAKE_TIMEOUT_MS);
  }

  /** The refusals of §5.9, checked at `authenticate` and again at the client `hello`. */
  #mayBind(conn: Conn, seat: SeatRow, meta: MetaRow, now: number): boolean {
    if (seat.forfeit !== null) {
      this.#refuse(conn, seat.forfeit, now);
      return false;
    }
    if (meta.status === "ended") {
      this.#closeConn(conn, CloseCode.matchNotFound, now);
      return false;
    }
    if (seat.conn !== null && seat.conn !== conn.info.conn && this.#host.conn(seat.conn)) {
      // A second dial for a live seat: refused without charging the budget (§9 item 12).
      this.#refuse(conn, "duplicate_participant", now);
      return false;
    }
    if (meta.status === "playing" && seat.conn === null && seat.disconnected_at !== null) {
      if (seat.disconnected_at + meta.config.reconnect_grace_ms <= now) {
        this.#forfeit(seat, "grace_expired", now);
        this.#refuse(conn, "grace_expired", now);
        return false;
      }
    }
    return true;
  }

  /** A usable client `hello`: the socket becomes the seat's live connection. */
  #onHello(conn: Conn, now: number): void {
    const meta = this.#meta();
    const seat = this.store.seat(conn.info.seat);
    if (!this.#mayBind(conn, seat, meta, now)) return;
    this.store.unschedule(`hello:${conn.info.conn}`);
    conn.update({ ...conn.info, phase: "live" });
    this.store.updateSeat(seat.seat, { conn: conn.info.conn });
    if (meta.status === "waiting") {
      const everyone = this.store
        .seats()
        .every((s) => s.house_strategy !== null || s.conn !== null);
      if (everyone) this.store.schedule("start", now);
    } else if (meta.status === "playing" && seat.disconnected_at !== null) {
      this.#reconnected(seat, now);
    }
  }

  /**
   * A dropped seat is back (§5.9): `seq` carries on, the paused clock restarts with the
   * time that was left, and a pending `turn_request` is re-sent with the same `request_id`.
   */
  #reconnected(seat: SeatRow, now: number): void {
    this.store.updateSeat(seat.seat, { reconnects: seat.reconnects + 1, disconnected_at: null });
    this.store.unschedule(`grace:${seat.seat}`);
    const turn = this.store.turn(seat.seat);
    if (!turn) return;
    if (turn.paused_remaining !== null) {
      if (turn.sent_at === null) {
        this.store.updateTurn(seat.seat, { paused_remaining: null });
      } else {
        const deadline = now + turn.paused_remaining;
        this.store.updateTurn(seat.seat, { paused_remaining: null, deadline });
        this.store.schedule(`turn:${seat.seat}`, deadline);
      }
    }
    if (turn.sent_at !== null) {
      this.#queue(seat.seat, now, "turn_request", JSON.stringify({ request_id: turn.request_id }));
    }
  }

  #handshakeDeadline(connId: string, now: number): void {
    const conn = this.#host.conn(connId);
    if (!conn) return;
    const phase = conn.info.phase;
    if (phase === "auth" || phase === "hello")
      this.#closeConn(conn, CloseCode.handshakeTimeout, now);
  }

  /**
   * Sockets the object lost without a close event (an object restart closes them): the
   * seat counts as dropped from the moment that is noticed.
   */
  #reconcile(now: number): void {
    for (const seat of this.store.seats()) {
      if (seat.conn !== null && !this.#host.conn(seat.conn)) this.#drop(seat, now);
    }
  }

  /**
   * The seat's live socket is gone. Before the start it is simply unbound; in play the grace
   * period starts (§5.9), the turn clock pauses on the first drop only, and a drop past the
   * budget (or with reconnection off) forfeits at once.
   */
  #drop(seat: SeatRow, now: number): void {
    this.store.updateSeat(seat.seat, { conn: null });
    const meta = this.#meta();
    if (meta.status !== "playing") return;
    const drops = seat.drops + 1;
    this.store.updateSeat(seat.seat, { drops, disconnected_at: now });
    if (seat.reconnects >= meta.config.reconnect_budget) {
      this.#forfeit({ ...seat, conn: null, disconnected_at: now }, "budget_exhausted", now);
      return;
    }
    this.store.schedule(`grace:${seat.seat}`, now + meta.config.reconnect_grace_ms);
    const turn = this.store.turn(seat.seat);
    if (drops !== 1 || !turn || turn.paused_remaining !== null) return;
    if (turn.sent_at === null) {
      this.store.updateTurn(seat.seat, { paused_remaining: turn.timeout_ms });
    } else if (turn.deadline !== null) {
      this.store.updateTurn(seat.seat, {
        paused_remaining: Math.max(0, turn.deadline - now),
        deadline: null,
      });
      this.store.unschedule(`turn:${seat.seat}`);
    }
  }

  #graceExpired(seatNo: number, horizon: number, now: number): void {
    const meta = this.#meta();
    const seat = this.store.seat(seatNo);
    if (meta.status !== "playing" || seat.conn !== null || seat.disconnected_at === null) return;
    const expiry = seat.disconnected_at + meta.config.reconnect_grace_ms;
    if (expiry > horizon) {
      this.store.schedule(`grace:${seatNo}`, expiry);
      return;
    }
    this.#forfeit(seat, "grace_expired", now);
  }

  /**
   * A seat forfeits: the first responsive opponent (connected, or a house bot) is awarded
   * the match; with nobody responsive the match ends as all-disconnected.
   */
  #forfeit(seat: SeatRow, reason: ForfeitReason, now: number): void {
    this.store.updateSeat(seat.seat, { forfeit: reason });
    this.store.unschedule(`grace:${seat.seat}`);
    if (this.#meta().status !== "playing") return;
    const others = this.store.seats().filter((s) => s.seat !== seat.seat && s.forfeit === null);
    const winner = others.find((s) => s.house_strategy !== null || this.#liveConn(s) !== null);
    let ending: Ending;
    if (winner) {
      ending = { kind: "forfeit", seat: seat.seat, winner: winner.seat, reason };
    } else {
      const drops = this.store
        .seats()
        .map((s) => s.disconnected_at ?? now)
        .sort((a, b) => a - b);
      const spread = (drops[drops.length - 1] ?? now) - (drops[0] ?? now);
      ending = { kind: "all_disconnected", simultaneous: spread < SIMULTANEOUS_DISCONNECT_MS };
    }
    this.#finishPlayed(ending, now);
  }

  // ---------------------------------------------------------------- the game

  /** Every seat finished its handshake: `match_start`, then the first hand (§5.4.1). */
  #start(now: number): void {
    const meta = this.#meta();
    if (meta.status !== "waiting") return;
    const seats = this.store.seats();
    if (!seats.every((s) => s.house_strategy !== null || s.conn !== null)) return;
    const engine = createMatch(gameConfig(meta.config, seats.length), {
      handCap: meta.config.hand_cap,
    });
    this.store.updateMeta({ status: "playing", started_at: now, engine: JSON.stringify(engine) });
    this.store.unschedule("wait");
    for (const seat of this.#remoteSeats()) {
      this.#enqueue(seat.seat, now, matchStart(meta.match_id, seats, meta.config, seat.seat));
    }
    this.#broadcastSpectators(spectatorMatchStart(meta.match_id, seats, meta.config), now);
    this.store.schedule("next_hand", now);
  }

  /**
   * Deals the next hand. The deck commitment is hashed first (an await, during which other
   * events may run), so the state is re-checked before it changes.
   */
  async #nextHand(now: number): Promise<void> {
    const before = this.store.meta();
    const engineBefore = before?.engine ? (JSON.parse(before.engine) as MatchState) : null;
    if (
      before?.status !== "playing" ||
      !engineBefore ||
      handInProgress(engineBefore) ||
      matchOver(engineBefore)
    ) {
      this.#step(now, () => this.store.unschedule("next_hand"));
      return;
    }
    const deck = newDeck();
    const commitment = await deckCommitment(deck);
    const at = this.#host.now();
    this.#step(at, () => {
      this.store.unschedule("next_hand");
      const meta = this.#meta();
      const engine = this.#engine(meta);
      if (meta.status !== "playing" || engine.hands_played !== engineBefore.hands_played) return;
      if (handInProgress(engine) || matchOver(engine)) return;
      const events = startHand(engine, deck, commitment);
      const hand = engine.hand;
      if (!hand) throw new Error("startHand dealt no hand");
      const roundId = `r_${crypto.randomUUID()}`;
      this.store.insertHand({
        hand_number: hand.hand_number,
        round_id: roundId,
        started_at: isoNow(at),
        dealer_seat: hand.dealer_seat,
        hole_cards: hand.hole_cards,
        deck_commitment: commitment,
        deck_reveal: deck,
      });
      for (const seat of this.#remoteSeats()) {
        this.#enqueue(seat.seat, at, {
          type: "round_start",
          match_id: meta.match_id,
          round_id: roundId,
          round_number: hand.hand_number,
          state: roundStartView(engine, seat.seat),
        } satisfies Unstamped<RoundStartFrame>);
      }
      const { your_hole_cards: _hidden, ...publicState } = roundStartView(engine, 0);
      this.#broadcastSpectators(
        {
          type: "round_start",
          match_id: meta.match_id,
          round_id: roundId,
          round_number: hand.hand_number,
          state: publicState,
        },
        at,
      );
      this.#afterEngine(engine, events, at);
    });
  }

  /**
   * Sends the engine's events and moves on: the next turn, the next hand, or the end. The
   * actor's `turn_result` goes at once, each other seat's after its own jitter, and every
   * later frame of that seat queues behind it (§5.4.4).
   */
  #afterEngine(engine: MatchState, events: EngineEvent[], now: number): void {
    const meta = this.#meta();
    const remote = this.#remoteSeats();
    for (const event of events) {
      if (event.type === "turn_result") {
        for (const seat of remote) {
          const delay =
            seat.seat === event.seat
              ? 0
              : jitterDelay(
                  meta.config.jitter_min_ms,
                  meta.config.jitter_max_ms,
                  this.#host.random,
                );
          this.#enqueue(seat.seat, now + delay, {
            type: "turn_result",
            match_id: meta.match_id,
            seat: event.seat,
            details: event.details,
          });
        }
        this.#broadcastSpectators(
          {
            type: "turn_result",
            match_id: meta.match_id,
            seat: event.seat,
            details: event.details,
          },
          now,
        );
      } else if (event.type === "phase_change") {
        for (const seat of remote) {
          this.#enqueue(seat.seat, now, {
            type: "phase_change",
            match_id: meta.match_id,
            state: event.state,
          });
        }
        this.#broadcastSpectators(
          { type: "phase_change", match_id: meta.match_id, state: event.state },
          now,
        );
      } else {
        const handNumber = event.result.hand_number;
        const roundId = this.store.roundId(handNumber);
        const spectatorResult = spectatorRoundResult(engine) ?? event.result;
        this.store.finishHand(handNumber, isoNow(now), engine.hand?.board ?? [], spectatorResult);
        const frame = {
          type: "round_result",
          match_id: meta.match_id,
          round_id: roundId,
          round_number: handNumber,
          result: event.result,
        } satisfies Unstamped<RoundResultFrame>;
        for (const seat of remote) this.#enqueue(seat.seat, now, frame);
        this.#broadcastSpectators({ ...frame, result: spectatorResult }, now);
      }
    }
    this.#saveEngine(engine);
    if (matchOver(engine)) {
      this.#finishPlayed({ kind: "played" }, now);
    } else if (!handInProgress(engine)) {
      this.store.schedule("next_hand", now);
    } else {
      const next = actingSeat(engine);
      if (next !== null) this.#openTurn(engine, next, now);
    }
  }

  /** A seat owes a decision: its turn is stored, then its `turn_request` queued (§5.4.3). */
  #openTurn(engine: MatchState, seatNo: number, now: number): void {
    const meta = this.#meta();
    const seat = this.store.seat(seatNo);
    const view = turnView(engine, seatNo);
    const turn: TurnRow = {
      seat: seatNo,
      request_id: `req_${randomHex(6)}`,
      hand_number: view.state.hand_number,
      valid_actions: view.valid_actions,
      state: view.state,
      timeout_ms: meta.config.turn_timeout_ms,
      sent_at: null,
      first_sent_at: null,
      deadline: null,
      paused_remaining: null,
    };
    if (seat.house_strategy !== null) {
      // A house bot has no socket: its clock starts now and it acts after its think time.
      const deadline = now + turn.timeout_ms;
      this.store.insertTurn({ ...turn, sent_at: now, first_sent_at: now, deadline });
      this.store.schedule(`turn:${seatNo}`, deadline);
      this.store.schedule(`house:${seatNo}`, now + meta.config.house_think_ms);
      return;
    }
    this.store.insertTurn(turn);
    this.#queue(seatNo, now, "turn_request", JSON.stringify({ request_id: turn.request_id }));
  }

  /** A frame on a live seat socket (§5.11). */
  #onGameFrame(conn: Conn, parsed: ParsedFrame, overLimit: boolean, now: number): void {
    const seatNo = conn.info.seat;
    const awaiting = this.#awaitingTurn(seatNo);
    if (overLimit) {
      // The executor drops an over-limit turn reply and applies the auto-action (§5.10).
      if (
        awaiting &&
        parsed.ok &&
        parsed.frame.type === "turn_action" &&
        parsed.frame.request_id === awaiting.request_id
      ) {
        this.#autoAct(awaiting, "rate_limited", "Turn reply over the message rate limit", now);
      }
      return;
    }
    if (!parsed.ok) {
      if (parsed.error === "not_json") {
        if (awaiting) {
          this.#autoAct(awaiting, "malformed_message", "Turn reply is not a JSON object", now);
        } else {
          this.#sendError(conn, seatNo, "malformed_message", "Message is not a JSON object");
        }
        return;
      }
      this.#sendError(conn, seatNo, parsed.error, parsed.message);
      return;
    }
    if (parsed.frame.type === "turn_action") this.#onTurnAction(seatNo, parsed.frame, now);
    // authenticate / hello after the handshake and pong: nothing to do (§5.5, §9 item 15).
  }

  /** The seat's turn when it is really awaiting an action (its request has been sent). */
  #awaitingTurn(seatNo: number): TurnRow | null {
    if (this.#meta().status !== "playing") return null;
    const turn = this.store.turn(seatNo);
    return turn && turn.sent_at !== null && turn.deadline !== null ? turn : null;
  }

  #onTurnAction(seatNo: number, frame: TurnActionFrame, now: number): void {
    // Unsolicited, stale or duplicate answers are dropped silently (§5.11).
    if (this.store.isResolved(seatNo, frame.request_id)) return;
    const turn = this.#awaitingTurn(seatNo);
    if (!turn) return;
    if (frame.request_id !== turn.request_id) {
      this.#reject(turn, frame.action, `Unknown request_id '${frame.request_id}'`, now);
      return;
    }
    const engine = this.#engine(this.#meta());
    const result = applyAction(engine, seatNo, frame.action, frame.params ?? {}, false);
    if (!result.ok) {
      this.#reject(turn, frame.action, result.reason, now);
      return;
    }
    if (turn.first_sent_at !== null) {
      this.store.addLatency(seatNo, Math.round((now - turn.first_sent_at) * 10) / 10);
    }
    this.#resolve(turn, frame.action, false, now, now);
    this.#afterEngine(engine, result.events, now);
  }

  /**
   * `action_rejected` with every field (§5.4.9); the turn stays open. The fifth rejection
   * in a hand ends the turn with the auto-action instead (§5.10, our choice).
   */
  #reject(turn: TurnRow, submitted: string, reason: string, now: number): void {
    const seat = this.store.seat(turn.seat);
    const count = (seat.invalid_hand === turn.hand_number ? seat.invalid_count : 0) + 1;
    this.store.updateSeat(turn.seat, { invalid_hand: turn.hand_number, invalid_count: count });
    if (count >= INVALID_ACTIONS_PER_HAND) {
      this.#autoAct(turn, "invalid_action_limit", `${count} invalid actions in one hand`, now);
      return;
    }
    this.#recordBotError(turn.seat, "invalid_action", reason);
    this.#enqueue(
      turn.seat,
      now,
      actionRejected(this.#meta().match_id, turn, submitted, reason, now),
    );
  }

  /** The auto-action (§5.8): `check` if legal, else `fold`, with `is_timeout: true`. */
  #autoAct(turn: TurnRow, code: string, message: string, now: number): void {
    const engine = this.#engine(this.#meta());
    const events = applyTimeout(engine, turn.seat);
    if (this.store.seat(turn.seat).house_strategy === null)
      this.#recordBotError(turn.seat, code, message);
    const first = events[0];
    this.#resolve(
      turn,
      first?.type === "turn_result" ? first.details.action : "fold",
      true,
      now,
      null,
    );
    this.#afterEngine(engine, events, now);
  }

  #resolve(
    turn: TurnRow,
    action: string,
    isTimeout: boolean,
    now: number,
    receivedAt: number | null,
  ): void {
    this.store.resolveTurn(turn, now, { action, isTimeout, receivedAt });
    this.store.unschedule(`turn:${turn.seat}`);
    this.store.unschedule(`house:${turn.seat}`);
  }

  #turnDeadline(seatNo: number, horizon: number, now: number): void {
    const turn = this.#awaitingTurn(seatNo);
    if (!turn || turn.deadline === null) return;
    if (turn.deadline > horizon) {
      this.store.schedule(`turn:${seatNo}`, turn.deadline);
      return;
    }
    this.#autoAct(turn, "turn_timeout", "No action before the turn deadline", now);
  }

  /** A house bot's think time is over: it answers through the same path as a remote bot. */
  #houseActs(seatNo: number, now: number): void {
    const turn = this.#awaitingTurn(seatNo);
    const seat = this.store.seat(seatNo);
    if (!turn || !isHouseStrategy(seat.house_strategy)) return;
    const engine = this.#engine(this.#meta());
    const decision = decideHouseAction(
      seat.house_strategy,
      turnView(engine, seatNo),
      this.#host.random,
    );
    const result = applyAction(engine, seatNo, decision.action, decision.params, false);
    if (!result.ok) {
      log("error", "house_bot_illegal_action", { seat: seatNo, action: decision.action });
      this.#autoAct(turn, "invalid_action", result.reason, now);
      return;
    }
    this.#resolve(turn, decision.action, false, now, now);
    this.#afterEngine(engine, result.events, now);
  }

  // ---------------------------------------------------------------- the end

  #connectionWaitExpired(now: number): void {
    if (this.#meta().status !== "waiting") return;
    this.#end(cancelledMatchEnd(this.#meta().match_id), now);
  }

  #finishPlayed(ending: Ending, now: number): void {
    const meta = this.#meta();
    this.#end(fullMatchEnd(meta.match_id, this.#engine(meta), this.store.seatStats(), ending), now);
  }

  /**
   * Ends the match: `match_end` to every connected seat behind its queued frames, then close
   * 1000 (§5.4.7); the outcome is stored before the registry write is attempted.
   */
  #end(frame: Unstamped<FullMatchEndFrame> | Unstamped<ShortMatchEndFrame>, now: number): void {
    const seats = this.store.seats();
    const outcome = outcomeOf(frame, seats, now);
    this.store.updateMeta({ status: "ended", ended_at: now, outcome: JSON.stringify(outcome) });
    this.store.clearTurns();
    this.store.clearGameSchedule();
    this.store.schedule("record", now);
    for (const seat of seats) {
      if (seat.house_strategy === null && this.#liveConn(seat)) {
        this.#enqueue(seat.seat, now, frame, "match_end");
      }
    }
    this.#broadcastSpectators(frame, now, true);
  }

  /** Writes the outcome to the registry; retried from the alarm until it succeeds. */
  async #record(): Promise<void> {
    const meta = this.store.meta();
    if (!meta?.outcome || meta.recorded) {
      this.#step(this.#host.now(), () => this.store.unschedule("record"));
      return;
    }
    try {
      await this.#host.recordEnd(JSON.parse(meta.outcome) as MatchOutcome);
      this.#step(this.#host.now(), () => {
        this.store.updateMeta({ recorded: 1 });
        this.store.unschedule("record");
      });
    } catch (err) {
      log("error", "match_record_failed", { match_id: meta.match_id, error: describeError(err) });
      const now = this.#host.now();
      this.#step(now, () => this.store.schedule("record", now + RECORD_RETRY_MS));
    }
  }

  // ---------------------------------------------------------------- helpers

  #meta(): MetaRow {
    const meta = this.store.meta();
    if (!meta) throw new Error("match not created");
    return meta;
  }

  #engine(meta: MetaRow): MatchState {
    if (!meta.engine) throw new Error("match not started");
    return JSON.parse(meta.engine) as MatchState;
  }

  #saveEngine(engine: MatchState): void {
    this.store.updateMeta({ engine: JSON.stringify(engine) });
  }

  #remoteSeats(): SeatRow[] {
    return this.store.seats().filter((s) => s.house_strategy === null);
  }

  /** The seat's bound socket if it is still open and live. */
  #liveConn(seat: SeatRow): Conn | null {
    if (seat.conn === null) return null;
    const conn = this.#host.conn(seat.conn);
    return conn && conn.info.phase === "live" ? conn : null;
  }

  #countRate(seatNo: number, now: number): "ok" | "over" | "flood" {
    const before = this.store.rateState(seatNo);
    const limit = this.#meta().config.max_messages_per_second;
    const { state, verdict } = countMessage(before, now, limit);
    this.store.saveRateState(seatNo, state);
    if (state.violations > before.violations) {
      this.#recordBotError(seatNo, "rate_limited", "More than the allowed messages per second");
    }
    return verdict;
  }

  #recordBotError(seatNo: number, code: string, message: string): void {
    const engine = this.store.meta()?.engine;
    const handNumber = engine ? ((JSON.parse(engine) as MatchState).hand?.hand_number ?? 0) : 0;
    this.store.addBotError(seatNo, { code, message, hand_number: handNumber }, MAX_BOT_ERRORS);
  }
}
