/**
 * The hand lifecycle: `match_start` and the first hand (§5.4.1), dealing each hand with its
 * deck commitment, the engine's events out to the seats and spectators, and what follows a
 * change of the engine: the next turn, the next hand, or the end.
 */
import { isoNow } from "../../lib/time.ts";
import {
  actingSeat,
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
} from "../../poker/index.ts";
import type { RoundResultFrame, RoundStartFrame, Unstamped } from "../../protocol/bot-frames.ts";
import { gameConfig, matchStart, spectatorMatchStart } from "../frames.ts";
import { jitterDelay } from "../limits.ts";
import { RoomTurns } from "./turns.ts";

export abstract class RoomHands extends RoomTurns {
  /** Every seat finished its handshake: `match_start`, then the first hand (§5.4.1). */
  protected start(now: number): void {
    const meta = this.metaRow();
    if (meta.status !== "waiting") return;
    const seats = this.store.seats();
    if (!seats.every((s) => s.house_strategy !== null || s.conn !== null)) return;
    const engine = createMatch(gameConfig(meta.config, seats.length), {
      handCap: meta.config.hand_cap,
    });
    this.store.updateMeta({ status: "playing", started_at: now });
    this.store.saveEngine(engine);
    this.store.unschedule("wait");
    for (const seat of this.remoteSeats()) {
      this.enqueue(seat.seat, now, matchStart(meta.match_id, seats, meta.config, seat.seat));
    }
    this.broadcastSpectators(spectatorMatchStart(meta.match_id, seats, meta.config), now);
    this.dealHand(now);
  }

  /**
   * Deals the next hand, inside the transaction of the event that made it due (the start,
   * or the end of the last hand), so its frames queue behind that event's.
   */
  protected dealHand(now: number): void {
    const meta = this.metaRow();
    const engine = this.engine();
    if (meta.status !== "playing" || handInProgress(engine) || matchOver(engine)) return;
    const deck = newDeck();
    const commitment = deckCommitment(deck);
    const events = startHand(engine, deck, commitment);
    const hand = engine.hand;
    if (!hand) throw new Error("startHand dealt no hand");
    const roundId = `r_${crypto.randomUUID()}`;
    this.store.history.insert({
      hand_number: hand.hand_number,
      round_id: roundId,
      started_at: isoNow(now),
      dealer_seat: hand.dealer_seat,
      hole_cards: hand.hole_cards,
      deck_commitment: commitment,
      deck_reveal: deck,
    });
    for (const seat of this.remoteSeats()) {
      this.enqueue(seat.seat, now, {
        type: "round_start",
        match_id: meta.match_id,
        round_id: roundId,
        round_number: hand.hand_number,
        state: roundStartView(engine, seat.seat),
      } satisfies Unstamped<RoundStartFrame>);
    }
    const { your_hole_cards: _hidden, ...publicState } = roundStartView(engine, 0);
    this.broadcastSpectators(
      {
        type: "round_start",
        match_id: meta.match_id,
        round_id: roundId,
        round_number: hand.hand_number,
        state: publicState,
      },
      now,
    );
    this.afterEngine(engine, events, now);
  }

  /**
   * Sends the engine's events and moves on: the next turn, the next hand, or the end. The
   * actor's `turn_result` goes at once, each other seat's after its own jitter, and every
   * later frame of that seat queues behind it (§5.4.4).
   */
  protected afterEngine(engine: MatchState, events: EngineEvent[], now: number): void {
    const meta = this.metaRow();
    const remote = this.remoteSeats();
    for (const event of events) {
      if (event.type === "turn_result") {
        for (const seat of remote) {
          const delay =
            seat.seat === event.seat
              ? 0
              : jitterDelay(meta.config.jitter_min_ms, meta.config.jitter_max_ms, this.host.random);
          this.enqueue(seat.seat, now + delay, {
            type: "turn_result",
            match_id: meta.match_id,
            seat: event.seat,
            details: event.details,
          });
        }
        this.broadcastSpectators(
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
          this.enqueue(seat.seat, now, {
            type: "phase_change",
            match_id: meta.match_id,
            state: event.state,
          });
        }
        this.broadcastSpectators(
          { type: "phase_change", match_id: meta.match_id, state: event.state },
          now,
        );
      } else {
        const handNumber = event.result.hand_number;
        const roundId = this.store.history.roundId(handNumber);
        const spectatorResult = spectatorRoundResult(engine) ?? event.result;
        this.store.finishHand(handNumber, isoNow(now), engine.hand?.board ?? [], spectatorResult);
        const frame = {
          type: "round_result",
          match_id: meta.match_id,
          round_id: roundId,
          round_number: handNumber,
          result: event.result,
        } satisfies Unstamped<RoundResultFrame>;
        for (const seat of remote) this.enqueue(seat.seat, now, frame);
        this.broadcastSpectators({ ...frame, result: spectatorResult }, now);
      }
    }
    this.store.saveEngine(engine);
    if (matchOver(engine)) {
      this.finishPlayed({ kind: "played" }, now);
    } else if (!handInProgress(engine)) {
      this.dealHand(now);
    } else {
      const next = actingSeat(engine);
      if (next !== null) this.openTurn(engine, next, now);
    }
  }
}
