/**
 * The chaos bots: SDK bots (`botgate/client`) with a seeded, aggressive strategy, so matches
 * end within a few hands, that write down everything each seat saw and decided. One
 * `SeatLog` per (match, participant) collects every client that played the seat (a bot
 * re-started with a new token after a revocation is a second client), frame by frame, so
 * the checks can compare what bots saw with what the server stored.
 */
import type {
  Action,
  ActionEntry,
  Bot,
  BotFactory,
  Decision,
  MatchEnd,
  RoundResult,
  ServerFrame,
  TurnRequest,
} from "../../src/client/types.ts";
import { Prng } from "./prng.ts";

/** A `turn_request` as a seat saw it: where in the hand it asks for a decision. */
export interface SeenRequest {
  requestId: string;
  hand: number;
  /** Entries of the hand's `action_history` before this decision: its index in the history. */
  index: number;
  seat: number;
  /** How many times it was received (a re-sent request after a reconnect counts again). */
  sightings: number;
  /** Every sighting must carry the same hand and index; the first disagreement is kept. */
  mismatch: string | null;
}

/** A `turn_result` as a seat saw it, attributed to the hand the client knew it was in. */
export interface SeenResult {
  hand: number;
  seat: number;
  action: string;
  amount: number;
  isTimeout: boolean;
}

/** Everything the clients of one seat saw and did in one match. */
export interface SeatLog {
  matchId: string;
  participantId: string;
  seat: number | null;
  requests: Map<string, SeenRequest>;
  /** Actions sent per request id: the decisions, plus the SDK's fallback after a rejection. */
  sent: Map<string, Set<string>>;
  results: SeenResult[];
  /** `turn_result`s received while the client did not know the hand (right after a re-dial). */
  unattributed: number;
  roundResults: Map<number, RoundResult>;
  matchEnds: MatchEnd[];
  rejections: number;
  errorFrames: string[];
  /** Per client: `seq` went backwards or repeated on a game frame (§9 item 6). */
  seqViolations: string[];
  /** Handshakes completed (server `hello`s received), over every client of the seat. */
  hellos: number;
  clients: number;
  /** Decisions deliberately held past the turn deadline. */
  slowDecisions: number;
}

/** Every seat log of a run, keyed by `matchId/participantId`. */
export class MatchJournal {
  readonly seats = new Map<string, SeatLog>();
  /** Why clients gave a match up (`<close code> <reason>`), by match id. */
  readonly refusals = new Map<string, string[]>();
  /** What happened to each match, as seen from outside (`+12.3s event`), for the notes. */
  readonly timelines = new Map<string, string[]>();
  readonly #started = Date.now();

  /** Notes an event in a match's timeline. */
  event(matchId: string, what: string): void {
    const line = `+${((Date.now() - this.#started) / 1000).toFixed(1)}s ${what}`;
    this.timelines.set(matchId, [...(this.timelines.get(matchId) ?? []), line]);
  }

  refused(matchId: string, why: string): void {
    this.refusals.set(matchId, [...(this.refusals.get(matchId) ?? []), why]);
  }

  seat(matchId: string, participantId: string): SeatLog {
    const key = `${matchId}/${participantId}`;
    let log = this.seats.get(key);
    if (!log) {
      log = {
        matchId,
        participantId,
        seat: null,
        requests: new Map(),
        sent: new Map(),
        results: [],
        unattributed: 0,
        roundResults: new Map(),
        matchEnds: [],
        rejections: 0,
        errorFrames: [],
        seqViolations: [],
        hellos: 0,
        clients: 0,
        slowDecisions: 0,
      };
      this.seats.set(key, log);
    }
    return log;
  }

  /** The seat logs of one match. */
  ofMatch(matchId: string): SeatLog[] {
    return [...this.seats.values()].filter((s) => s.matchId === matchId);
  }
}

export interface ChaosBotOptions {
  seed: number;
  /** Probability that a decision is held past the turn's deadline (the server auto-acts). */
  slowDecisionRate: number;
}

/**
 * A bot factory for `runBot`: every match gets a bot that plays a seeded aggressive
 * strategy and records into `journal`.
 */
export function chaosBotFactory(
  journal: MatchJournal,
  botName: string,
  options: ChaosBotOptions,
): BotFactory {
  return ({ matchId, participantId }) => {
    const log = journal.seat(matchId, participantId);
    log.clients += 1;
    const random = new Prng(options.seed, `decide/${botName}/${participantId}/${log.clients}`);
    let hand: number | null = null;
    let lastSeq = 0;
    let lastFrameType = "";
    const bot: Bot = {
      onFrame(frame: ServerFrame) {
        observe(log, frame);
        if (["hello", "match_start", "match_end", "error"].includes(frame.type)) {
          const detail = frame.type === "error" ? ` ${String(frame.code)}` : "";
          journal.event(matchId, `${participantId} got ${frame.type}${detail}`);
        }
        if (frame.type === "hello") {
          log.hellos += 1;
          // Right after a re-dial the hand is unknown until a round_start or turn_request.
          hand = null;
          return;
        }
        const seq = frame.seq;
        // Refusals before a close use seq 1 on purpose (§5.3); every other frame counts up.
        const closing = frame.type === "error" && seq === 1;
        if (typeof seq === "number" && !closing) {
          if (seq <= lastSeq) {
            log.seqViolations.push(`${frame.type} seq ${seq} after ${lastFrameType} ${lastSeq}`);
          }
          lastSeq = Math.max(lastSeq, seq);
          lastFrameType = String(frame.type);
        }
        if (frame.type === "round_start") hand = Number(frame.round_number);
        if (frame.type === "turn_request") {
          hand = (frame.state as { hand_number: number }).hand_number;
        }
        if (frame.type === "turn_result") {
          const details = frame.details as {
            action: string;
            amount: number;
            is_timeout: boolean;
          };
          if (hand === null) {
            log.unattributed += 1;
          } else {
            log.results.push({
              hand,
              seat: Number(frame.seat),
              action: details.action,
              amount: details.amount,
              isTimeout: details.is_timeout,
            });
          }
        }
      },
      async decide(turn: TurnRequest): Promise<Decision> {
        const decision = choose(turn, random);
        const sent = log.sent.get(turn.request_id) ?? new Set<string>();
        sent.add(decision.action);
        log.sent.set(turn.request_id, sent);
        if (random.chance(options.slowDecisionRate)) {
          log.slowDecisions += 1;
          await new Promise((r) => setTimeout(r, turn.timeout_ms + 300));
        } else {
          await new Promise((r) => setTimeout(r, random.int(0, 25)));
        }
        return decision;
      },
    };
    return bot;
  };
}

/** Records the frames every check needs, whatever client of the seat received them. */
function observe(log: SeatLog, frame: ServerFrame): void {
  switch (frame.type) {
    case "match_start":
      log.seat = Number(frame.your_seat);
      return;
    case "turn_request": {
      const turn = frame as unknown as TurnRequest;
      const state = turn.state;
      const history = state.action_history as ActionEntry[];
      log.seat ??= state.your_seat ?? null;
      const seen = log.requests.get(turn.request_id);
      if (!seen) {
        log.requests.set(turn.request_id, {
          requestId: turn.request_id,
          hand: state.hand_number,
          index: history.length,
          seat: state.your_seat ?? log.seat ?? -1,
          sightings: 1,
          mismatch: null,
        });
        return;
      }
      seen.sightings += 1;
      if (seen.hand !== state.hand_number || seen.index !== history.length) {
        seen.mismatch ??= `re-sent as hand ${state.hand_number} index ${history.length}, first seen as hand ${seen.hand} index ${seen.index}`;
      }
      return;
    }
    case "action_rejected": {
      log.rejections += 1;
      // The SDK answers a rejection with check if legal, else fold (its fallback).
      const valid = (frame.valid_actions as string[] | undefined) ?? [];
      const sent = log.sent.get(String(frame.request_id)) ?? new Set<string>();
      sent.add(valid.includes("check") ? "check" : "fold");
      log.sent.set(String(frame.request_id), sent);
      return;
    }
    case "round_result": {
      const result = frame.result as RoundResult;
      log.roundResults.set(result.hand_number, result);
      return;
    }
    case "match_end":
      log.matchEnds.push(frame as unknown as MatchEnd);
      return;
    case "error":
      log.errorFrames.push(String(frame.code));
      return;
  }
}

/** Aggressive on purpose: frequent all-ins end matches within a few hands. */
function choose(turn: TurnRequest, random: Prng): Decision {
  const valid = turn.valid_actions;
  const has = (action: Action) => valid.includes(action);
  const { min_raise: min, max_raise: max, to_call: toCall } = turn.state;
  if (has("raise") && max > 0 && random.chance(0.3)) {
    const amount = random.chance(0.5) ? max : random.int(Math.min(min, max), max);
    return { action: "raise", amount };
  }
  if (toCall > 0 && has("fold") && random.chance(0.12)) return { action: "fold" };
  if (has("call")) return { action: "call" };
  if (has("check")) return { action: "check" };
  return { action: "fold" };
}
