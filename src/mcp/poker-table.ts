/**
 * The bridge's poker player: a bot run by `botgate/client`'s `runBot` (the lobby with its
 * backoff, one `playMatch` per `matched`, re-dials and re-sent turns answered once) whose
 * `decide` waits for the agent. `waitTurn` hands the agent the next `turn_request` (or the
 * match end), `act` checks the agent's answer against that turn's `valid_actions` and
 * bounds, resolves the decision and waits for the server's `turn_result`.
 */

import { challengeHouseBot } from "../client/bot-http.ts";
import type { ClientLog } from "../client/match-session.ts";
import { runBot } from "../client/run-bot.ts";
import type { Action, Bot, BotFactory, Decision, TurnRequest } from "../client/types.ts";
import { BridgeError } from "./errors.ts";
import { checkDecision, noOpenTurn } from "./poker-decision.ts";
import {
  type ActResult,
  expireSeat,
  newSeat,
  type PastTurns,
  type Seat,
  seatFrame,
  seatState,
} from "./poker-seat.ts";

export interface PokerOptions {
  url: string;
  botId: string;
  token: string;
  log: ClientLog;
  /** The decision clock `challenge` asks for when the agent names none. */
  turnTimeoutMs: number;
  /** How long `challenge` waits for the lobby and `act` for the server's answer (default 15 s). */
  waitMs?: number;
  /**
   * How long after the lobby is up a bridge that knows no match still waits for one: a
   * restarted bridge's match comes back as a `matched` re-announced by the lobby, which may
   * hold it for a settle window first (default 5 s).
   */
  resumeSettleMs?: number;
  /** Injected in unit tests; `runBot` and `challengeHouseBot` otherwise. */
  run?: typeof runBot;
  challenge?: typeof challengeHouseBot;
}

/** What `waitTurn` found. */
export type TurnWait =
  | { kind: "turn"; seat: Seat; turn: TurnRequest; events: string[] }
  | { kind: "ended"; seat: Seat; events: string[] }
  | { kind: "waiting"; pending: string[] };

export class PokerTable {
  readonly #o: PokerOptions;
  readonly #stop = new AbortController();
  readonly #seats = new Map<string, Seat>();
  /** Challenged matches whose `matched` has not arrived yet: match id → opponent. */
  readonly #dispatching = new Map<string, string>();
  /** Turns that are over: request id → how it ended (for a clear answer to a late act). */
  readonly #past: PastTurns = new Map();
  readonly #wakers = new Set<() => void>();
  #lobby: "connecting" | "ready" | "reconnecting" = "connecting";
  /** When the lobby last became ready (`null` while it is not). */
  #readySince: number | null = null;
  #stopped: string | null = null;
  #done: Promise<void> = Promise.resolve();

  constructor(options: PokerOptions) {
    this.#o = options;
  }

  get botId(): string {
    return this.#o.botId;
  }

  /** Puts the bot in the lobby (and keeps it there) until `close`. */
  start(): void {
    const run = this.#o.run ?? runBot;
    this.#done = run(this.#factory, {
      url: this.#o.url,
      botId: this.#o.botId,
      token: this.#o.token,
      signal: this.#stop.signal,
      log: (event, data) => this.#onLog(event, data),
    }).then(
      (result) => {
        this.#stopped = STOPS[result.reason] ?? result.reason;
        this.#wake();
      },
      (err: unknown) => {
        this.#stopped = "the bot stopped unexpectedly (see the bridge log)";
        this.#o.log("mcp_bot_failed", { error: String(err) });
        this.#wake();
      },
    );
  }

  async close(): Promise<void> {
    this.#stop.abort();
    await this.#done;
  }

  #onLog(event: string, data: Record<string, unknown> | undefined): void {
    if (event === "lobby_ready") {
      this.#lobby = "ready";
      this.#readySince = Date.now();
    } else if (event === "lobby_redial") {
      this.#lobby = "reconnecting";
      this.#readySince = null;
    } else if (event === "match_over") {
      const seat = this.#seats.get(String(data?.match_id));
      if (seat && !seat.end) seat.lost = String(data?.status);
    }
    this.#o.log(event, data);
    this.#wake();
  }

  #wake(): void {
    for (const wake of [...this.#wakers]) wake();
  }

  /** Resolves at the next change, or after `ms`, or when `signal` aborts. */
  #changed(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#wakers.delete(done);
        signal?.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#wakers.add(done);
      signal?.addEventListener("abort", done, { once: true });
    });
  }

  readonly #factory: BotFactory = ({ matchId }) => {
    const seat = newSeat(matchId, this.#dispatching.get(matchId) ?? null);
    this.#dispatching.delete(matchId);
    this.#seats.set(matchId, seat);
    const bot: Bot = {
      decide: (request) =>
        new Promise<Decision>((decide) => {
          seat.seat = request.seat;
          seat.turn = { request, decide };
          this.#wake();
        }),
      onMatchStart: (start) => {
        seat.seat = start.your_seat;
        seat.opponent ??= start.seats.find((s) => !s.is_self)?.display_name ?? null;
      },
      onFrame: (frame) => {
        seatFrame(seat, frame, this.#past);
        this.#wake();
      },
      onMatchEnd: (end) => {
        seat.end = end;
        expireSeat(seat, this.#past);
        this.#wake();
      },
    };
    return bot;
  };

  #ensureRunning(): void {
    if (this.#stopped) throw new BridgeError(`the poker bot is stopped: ${this.#stopped}`);
  }

  /** Challenges a house bot; the match then arrives through the lobby. */
  async challenge(options: { opponent?: string; turnTimeoutMs?: number }) {
    this.#ensureRunning();
    const deadline = Date.now() + (this.#o.waitMs ?? 15_000);
    while (this.#lobby !== "ready" && !this.#stopped && Date.now() < deadline) {
      await this.#changed(deadline - Date.now());
    }
    this.#ensureRunning();
    if (this.#lobby !== "ready") {
      throw new BridgeError(
        `the bot is not connected to the lobby of ${this.#o.url} yet (the server may be down); try again shortly`,
      );
    }
    const challenge = this.#o.challenge ?? challengeHouseBot;
    const answer = await challenge(this.#o.url, this.#o.token, {
      ...(options.opponent === undefined ? {} : { opponent: options.opponent }),
      turn_timeout_ms: options.turnTimeoutMs ?? this.#o.turnTimeoutMs,
    });
    if (!this.#seats.has(answer.match_id)) this.#dispatching.set(answer.match_id, answer.opponent);
    const seat = this.#seats.get(answer.match_id);
    if (seat) seat.opponent ??= answer.opponent;
    this.#wake();
    return answer;
  }

  /** The next open turn or unreported match end, waiting up to `ms` for one. */
  async waitTurn(ms: number, signal?: AbortSignal): Promise<TurnWait> {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = this.#next();
      if (found) return found;
      const inPlay = [...this.#seats.values()].filter((s) => !s.end && !s.lost);
      let wake = deadline;
      if (inPlay.length === 0 && this.#dispatching.size === 0) {
        this.#ensureRunning();
        // Until the lobby has been up a while, a match of an earlier run may still come back.
        if (this.#readySince !== null) {
          const settledAt = this.#readySince + (this.#o.resumeSettleMs ?? 5000);
          if (Date.now() >= settledAt) {
            throw new BridgeError("no match in progress: call poker_challenge first");
          }
          wake = Math.min(wake, settledAt);
        }
      }
      if (Date.now() >= deadline || signal?.aborted) {
        return {
          kind: "waiting",
          pending: [...inPlay.map((s) => s.matchId), ...this.#dispatching.keys()],
        };
      }
      await this.#changed(wake - Date.now(), signal);
    }
  }

  #next(): TurnWait | null {
    for (const seat of this.#seats.values()) {
      if (seat.turn) {
        return { kind: "turn", seat, turn: seat.turn.request, events: seat.events.splice(0) };
      }
    }
    for (const seat of this.#seats.values()) {
      if ((seat.end || seat.lost) && !seat.reported) {
        seat.reported = true;
        return { kind: "ended", seat, events: seat.events.splice(0) };
      }
    }
    return null;
  }

  /**
   * Answers the open turn `turnId` after checking the action against its `valid_actions`
   * and the raise bounds (`amount` is the raise-to total of the street); resolves with the
   * server's `turn_result` (or its rejection).
   */
  async act(turnId: string, action: Action, amount?: number): Promise<ActResult> {
    const seat = [...this.#seats.values()].find((s) => s.turn?.request.request_id === turnId);
    const open = seat?.turn;
    if (!seat || !open) throw noOpenTurn(this.#past, turnId);
    const decision = checkDecision(open.request, action, amount);
    seat.turn = null;
    this.#past.set(turnId, "answered");
    const waitMs = this.#o.waitMs ?? 15_000;
    const result = await new Promise<ActResult | null>((resolve) => {
      const timer = setTimeout(() => {
        seat.confirm = null;
        resolve(null);
      }, waitMs);
      seat.confirm = {
        requestId: turnId,
        resolve: (answer) => {
          clearTimeout(timer);
          resolve(answer);
        },
      };
      open.decide(decision);
    });
    // No word from the server in time (a re-dial, say): the answer is sent and will be re-sent.
    return result ?? { applied: true, action, amount: decision.amount ?? 0, pot: -1 };
  }

  /** The bot, its lobby and its matches, for `poker_status`. */
  status() {
    return {
      bot_id: this.#o.botId,
      lobby: this.#stopped ? `stopped: ${this.#stopped}` : this.#lobby,
      dispatching: [...this.#dispatching.entries()].map(([match_id, opponent]) => ({
        match_id,
        opponent,
      })),
      matches: [...this.#seats.values()].map((s) => ({
        match_id: s.matchId,
        opponent: s.opponent,
        state: seatState(s),
        hand: s.hand,
        stacks: s.stacks,
        ...(s.end ? { end: s.end } : {}),
      })),
    };
  }
}

const STOPS: Record<string, string> = {
  auth_failed: "the server refused the bot token (4001): check BOTGATE_TOKEN",
  revoked: "the bot token was revoked (4002): issue a new one",
  evicted: "another lobby connection of this bot replaced this one (is a second bridge running?)",
  aborted: "the bridge is shutting down",
};
