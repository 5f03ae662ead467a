/**
 * What the room records about the seats and the match: the message-rate window (§5.10),
 * the end of the match (`match_end` to every seat, the stored outcome) and the registry
 * write, retried from the alarm until it succeeds.
 */
import { describeError, log } from "../../lib/log.ts";
import type {
  FullMatchEndFrame,
  ShortMatchEndFrame,
  Unstamped,
} from "../../protocol/bot-frames.ts";
import { countMessage } from "../limits.ts";
import {
  cancelledMatchEnd,
  type Ending,
  fullMatchEnd,
  type MatchOutcome,
  outcomeOf,
} from "../results.ts";
import { RoomOutbound } from "./outbound.ts";

/** Retry delay of a failed registry write at match end. */
const RECORD_RETRY_MS = 5000;

export abstract class RoomRecords extends RoomOutbound {
  /** Counts one inbound message against the seat's rate (§5.10). */
  protected countRate(seatNo: number, now: number): "ok" | "over" | "flood" {
    const before = this.store.rateState(seatNo);
    const limit = this.metaRow().config.max_messages_per_second;
    const { state, verdict } = countMessage(before, now, limit);
    this.store.saveRateState(seatNo, state);
    if (state.violations > before.violations) {
      this.recordBotError(seatNo, "rate_limited", "More than the allowed messages per second");
    }
    return verdict;
  }

  protected connectionWaitExpired(now: number): void {
    if (this.metaRow().status !== "waiting") return;
    this.end(cancelledMatchEnd(this.metaRow().match_id), now);
  }

  protected finishPlayed(ending: Ending, now: number): void {
    const meta = this.metaRow();
    this.end(
      fullMatchEnd(meta.match_id, this.engine(), this.store.log.stats(this.store.seats()), ending),
      now,
    );
  }

  /**
   * Ends the match: `match_end` to every connected seat behind its queued frames, then close
   * 1000 (§5.4.7); the outcome is stored before the registry write is attempted.
   */
  protected end(
    frame: Unstamped<FullMatchEndFrame> | Unstamped<ShortMatchEndFrame>,
    now: number,
  ): void {
    const seats = this.store.seats();
    const outcome = outcomeOf(frame, seats, now);
    this.store.updateMeta({ status: "ended", ended_at: now, outcome: JSON.stringify(outcome) });
    this.store.clearTurns();
    this.store.clearGameSchedule();
    this.store.schedule("record", now);
    for (const seat of seats) {
      if (seat.house_strategy === null && this.liveConn(seat)) {
        this.enqueue(seat.seat, now, frame, "match_end");
      }
    }
    this.broadcastSpectators(frame, now, true);
  }

  /** Writes the outcome to the registry; retried from the alarm until it succeeds. */
  protected async record(): Promise<void> {
    const meta = this.store.meta();
    if (!meta?.outcome || meta.recorded) {
      this.step(this.host.now(), () => this.store.unschedule("record"));
      return;
    }
    try {
      await this.host.recordEnd(JSON.parse(meta.outcome) as MatchOutcome);
      this.step(this.host.now(), () => {
        this.store.updateMeta({ recorded: true });
        this.store.unschedule("record");
      });
    } catch (err) {
      log("error", "match_record_failed", { match_id: meta.match_id, error: describeError(err) });
      const now = this.host.now();
      this.step(now, () => this.store.schedule("record", now + RECORD_RETRY_MS));
    }
  }
}
