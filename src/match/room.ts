/**
 * The match itself, as a plain class over SQLite and a small host interface: handshake,
 * per-seat `seq`, the jittered outbound queue, deadlines, reconnection, limits, house bots,
 * spectators and records. `MatchObject` only translates sockets, alarms and RPC into calls
 * here. The state lives in memory for the object's lifetime, read once from SQLite and
 * written through in each event's transaction (`store.ts`).
 *
 * This file holds the entry points and the jobs the alarm runs; each concern is a layer in
 * `room/` (see `room/core.ts` for the layering and the step that makes each event atomic).
 */
import { describeError, log } from "../lib/log.ts";
import {
  CloseCode,
  exceedsInboundLimit,
  type ParsedFrame,
  parseClientFrame,
} from "../protocol/bot-frames.ts";
import { spectatorHello, stamp } from "./frames.ts";
import type { HandRecord } from "./hand-history.ts";
import { handshakeStep } from "./handshake.ts";
import { crashedMatchEnd } from "./results.ts";
import { HANDSHAKE_TIMEOUT_MS } from "./room/connections.ts";
import { RoomHands } from "./room/hands.ts";
import type { Admission, Conn, MatchSpec } from "./room/types.ts";
import type { MetaRow } from "./state.ts";

export type { Admission, Conn, MatchSpec, RoomHost } from "./room/types.ts";

export class MatchRoom extends RoomHands {
  // ---------------------------------------------------------------- lifecycle

  /** Creates the match once; a repeated call with the same id changes nothing. */
  create(spec: MatchSpec): { created: boolean } {
    if (this.store.meta()) return { created: false };
    const now = this.host.now();
    this.step(now, () => {
      this.store.insertMeta(spec.match_id, spec.config, spec.created_at);
      for (const seat of spec.seats) this.store.insertSeat(seat);
      this.store.schedule("wait", spec.created_at + spec.config.connection_wait_ms);
      if (this.remoteSeats().length === 0) this.store.schedule("start", now);
    });
    return { created: true };
  }

  /** Completed hands of the history, for the admin API. */
  hands(): HandRecord[] {
    return this.store.history.completed();
  }

  meta(): MetaRow | null {
    return this.store.meta();
  }

  // ---------------------------------------------------------------- connections

  /** Whether an upgrade for `participantId` may open a socket (§4; the object's checks). */
  admitSeat(participantId: string, verifiedBotId: string | null): Admission {
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
    const now = this.host.now();
    this.step(now, () => {
      this.store.schedule(`auth:${conn.info.conn}`, now + HANDSHAKE_TIMEOUT_MS);
    });
  }

  /** A spectator socket was accepted: greet it with the match as it stands. */
  onSpectatorOpen(conn: Conn): void {
    const now = this.host.now();
    this.step(now, () => {
      const meta = this.metaRow();
      const hello = spectatorHello(meta.match_id, meta.status, this.store.seats(), meta.config);
      const text = JSON.stringify(stamp(hello, this.store.nextSpectatorSeq(), now));
      this.effects.push(() => conn.send(text));
    });
  }

  /** One inbound frame on any socket of this match. */
  async onMessage(conn: Conn, message: string | ArrayBuffer): Promise<void> {
    const info = conn.info;
    if (info.role !== "seat" || info.phase === "closed") return;
    const now = this.host.now();
    if (exceedsInboundLimit(message)) {
      this.step(now, () => {
        const text = "Message exceeds 4096 bytes";
        if (info.verifiedBotId === null && info.phase === "auth") {
          // Not yet known to be the seat's bot: neither its counter nor its record is touched.
          this.closeWithError(conn, "message_too_large", text, CloseCode.messageTooLarge, now);
          return;
        }
        this.sendError(conn, info.seat, "message_too_large", text, true);
        this.closeConn(conn, CloseCode.messageTooLarge, now);
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
      await this.verifyCredential(conn, step.token);
      if (conn.info.phase !== "auth") return;
    }
    this.step(now, () => {
      // A socket lost in a restart is noticed when someone dials in (or on the alarm).
      if (info.phase !== "live") this.reconcile(now);
      const verdict = counted ? this.countRate(info.seat, now) : "ok";
      if (verdict === "flood") {
        this.closeConn(conn, CloseCode.rateLimitExceeded, now);
        return;
      }
      switch (step.kind) {
        case "ignore":
          return;
        case "authenticate":
          if (verdict === "ok") this.onAuthenticate(conn, now);
          return;
        case "protocol_mismatch":
          this.closeConn(conn, CloseCode.protocolMismatch, now);
          return;
        case "hello":
          if (verdict === "ok") this.onHello(conn, now);
          return;
        case "game":
          this.onGameFrame(conn, step.parsed, verdict === "over", now);
          return;
      }
    });
    await this.runDue(now);
  }

  /** A socket closed (by the peer or after our close). */
  onClose(conn: Conn): void {
    const now = this.host.now();
    this.step(now, () => {
      this.store.unschedule(`auth:${conn.info.conn}`);
      this.store.unschedule(`hello:${conn.info.conn}`);
      if (conn.info.role === "seat") {
        const seat = this.store.seat(conn.info.seat);
        if (seat.conn === conn.info.conn) this.drop(seat, now);
      }
      this.reconcile(now);
    });
  }

  /**
   * The alarm: runs every deadline due by the time the alarm was armed for. Alarms fire at
   * or after that time, so it is at most `now`; the stored time also lets a test fire a
   * deadline deterministically (`runDurableObjectAlarm`) without sleeping.
   */
  async alarm(): Promise<void> {
    const now = this.host.now();
    const meta = this.store.meta();
    if (!meta) return;
    const horizon = Math.max(now, meta.armed_at ?? now);
    this.step(horizon, () => this.reconcile(now));
    await this.runDue(horizon);
    // This alarm is spent: arm the next one whatever the stored time says.
    this.step(horizon, () => this.store.updateMeta({ armed_at: null }));
  }

  // ---------------------------------------------------------------- jobs

  /** Runs every schedule row due by `horizon` (or by now), each at most once per pass. */
  private async runDue(horizon: number): Promise<void> {
    const done = new Set<string>();
    for (;;) {
      const at = Math.max(horizon, this.host.now());
      const key = this.store.dueKeys(at).find((k) => !done.has(k));
      if (key === undefined) break;
      done.add(key);
      try {
        await this.job(key, at);
      } catch (err) {
        log("error", "match_job_failed", {
          match_id: this.store.meta()?.match_id,
          job: key,
          error: describeError(err),
        });
        const now = this.host.now();
        this.step(now, () => {
          this.store.unschedule(key);
          if (this.store.meta()?.status === "playing") {
            this.end(crashedMatchEnd(this.metaRow().match_id), now);
          }
        });
      }
    }
  }

  private async job(key: string, horizon: number): Promise<void> {
    const [kind, arg] = key.split(":");
    const now = this.host.now();
    if (kind === "record") return this.record();
    this.step(horizon, () => {
      this.store.unschedule(key);
      switch (kind) {
        case "wait":
          return this.connectionWaitExpired(now);
        case "start":
          return this.start(now);
        // Hands are dealt by the event that ends the last one; a row from before that
        // (an object stored by an older version) still deals.
        case "next_hand":
          return this.dealHand(now);
        case "turn":
          return this.turnDeadline(Number(arg), horizon, now);
        case "house":
          return this.houseActs(Number(arg), now);
        case "grace":
          return this.graceExpired(Number(arg), horizon, now);
        case "auth":
        case "hello":
          return this.handshakeDeadline(arg ?? "", now);
        default:
          log("warn", "match_unknown_job", { job: key });
      }
    });
  }
}
