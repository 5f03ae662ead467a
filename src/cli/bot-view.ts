/**
 * What `bot run` and `bot play` print while a bot plays: by default one line per hand with
 * the running stacks, a line per match start and end, and a summary at the end; `--verbose`
 * narrates every frame instead (`format.ts`). Bot errors are printed once per distinct
 * message with the bot file's own stack frame, and counted.
 */
import type { BotErrorData } from "../client/match-session.ts";
import type { MatchEnd, ServerFrame } from "../client/types.ts";
import { describeMatchFrame } from "./format.ts";

interface MatchState {
  names: Map<number, string>;
  self: number | null;
  handStart: number[];
  /** Its place among the matches of this run; `null` for one resumed from an earlier run. */
  index: number | null;
}

export interface ViewOptions {
  out: (line: string) => void;
  verbose: boolean;
  /** The matches asked for, shown as "match 2 of 3"; absent for an open-ended `bot run`. */
  total: number | undefined;
  /** The bot module's path: its stack frame is the one shown for a bot error. */
  botFile: string;
}

/** Per-match totals the final summary adds up. */
interface Tally {
  won: number;
  lost: number;
  other: number;
  net: number;
  hands: number;
  errors: Map<string, number>;
}

export class BotView {
  readonly #options: ViewOptions;
  readonly #matches = new Map<string, MatchState>();
  readonly #shown = new Set<string>();
  readonly #tally: Tally = { won: 0, lost: 0, other: 0, net: 0, hands: 0, errors: new Map() };
  readonly #started = Date.now();
  #counted = 0;

  constructor(options: ViewOptions) {
    this.#options = options;
  }

  /** Bot errors counted so far. */
  get errorCount(): number {
    let n = 0;
    for (const count of this.#tally.errors.values()) n += count;
    return n;
  }

  #match(matchId: string, resumed = false): MatchState {
    let state = this.#matches.get(matchId);
    if (!state) {
      state = {
        names: new Map(),
        self: null,
        handStart: [],
        index: resumed ? null : ++this.#counted,
      };
      this.#matches.set(matchId, state);
    }
    return state;
  }

  /** A match re-attached from an earlier run: it is shown apart from this run's count. */
  resumed(matchId: string): void {
    this.#match(matchId, true);
  }

  #label(state: MatchState): string {
    const total = this.#options.total;
    if (state.index === null) return "Resumed match";
    return total === undefined ? `Match ${state.index}` : `Match ${state.index} of ${total}`;
  }

  /** A frame of match `matchId`, as the bot saw it. */
  frame(matchId: string, frame: ServerFrame): void {
    const state = this.#match(matchId);
    const out = this.#options.out;
    if (frame.type === "turn_request" && state.self === null) state.self = Number(frame.seat);
    if (frame.type === "match_start") state.self = Number(frame.your_seat);
    if (this.#options.verbose) {
      const line = describeMatchFrame(frame, state.names);
      if (line) out(line);
      if (frame.type === "match_end") this.#matchEnd(state, frame as unknown as MatchEnd, false);
      return;
    }
    // A resumed match never sees match_start again: its seats are "you" and "opponent".
    const who = (seat: number) =>
      state.names.get(seat) ?? (seat === state.self ? "you" : "opponent");
    if (frame.type === "match_start") {
      describeMatchFrame(frame, state.names); // learns the names
      const c = frame.game_config as {
        starting_stack: number;
        small_blind: number;
        big_blind: number;
      };
      const seats = [...state.names.values()].join(" vs ");
      out(
        `${this.#label(state)}: ${seats} — stacks ${c.starting_stack}, blinds ${c.small_blind}/${c.big_blind}`,
      );
    } else if (frame.type === "round_start") {
      state.handStart = (frame.state as { stacks: number[] }).stacks;
    } else if (frame.type === "round_result") {
      const r = frame.result as {
        hand_number: number;
        stacks: number[];
        showdown: Array<{ seat: number; hand_rank: string }>;
      };
      const self = state.self ?? 0;
      const delta = (r.stacks[self] ?? 0) - (state.handStart[self] ?? r.stacks[self] ?? 0);
      const shown = r.showdown
        .filter((s) => s.hand_rank)
        .map((s) => `${who(s.seat)} ${s.hand_rank}`)
        .join(" vs ");
      const stacks = r.stacks.map((chips, seat) => `${who(seat)} ${chips}`).join(" · ");
      const sign = delta > 0 ? "+" : "";
      out(
        `  hand ${String(r.hand_number).padStart(3)}  you ${`${sign}${delta}`.padStart(6)}  stacks ${stacks}${shown ? `  (${shown})` : ""}`,
      );
    } else if (frame.type === "match_end") {
      this.#matchEnd(state, frame as unknown as MatchEnd, true);
    }
  }

  #matchEnd(state: MatchState, end: MatchEnd, print: boolean): void {
    const mine = end.results?.find((r) => r.seat === state.self);
    const out = this.#options.out;
    if (!mine || !end.results) {
      this.#tally.other += 1;
      if (print) out(`${this.#label(state)} ended: ${end.reason} ${end.error_code ?? ""}`.trim());
      return;
    }
    const best = Math.max(...end.results.map((r) => r.net_chips));
    const outcome =
      mine.net_chips > 0 && mine.net_chips === best ? "won" : mine.net_chips < 0 ? "lost" : "drew";
    if (outcome === "won") this.#tally.won += 1;
    else if (outcome === "lost") this.#tally.lost += 1;
    else this.#tally.other += 1;
    this.#tally.net += mine.net_chips;
    this.#tally.hands += end.total_hands_played ?? 0;
    if (!print) return;
    const sign = mine.net_chips > 0 ? "+" : "";
    const forfeit = end.forfeit_reason ? `, forfeit: ${String(end.forfeit_reason)}` : "";
    out(
      `${this.#label(state)} over: you ${outcome} (${sign}${mine.net_chips} chips, ${mine.hands_won} of ${end.total_hands_played ?? "?"} hands won${forfeit})`,
    );
  }

  /** A `bot_error` from the client: printed the first time its message is seen, always counted. */
  botError(data: BotErrorData): void {
    const key = `${data.where}: ${data.error}`;
    this.#tally.errors.set(data.where, (this.#tally.errors.get(data.where) ?? 0) + 1);
    if (this.#shown.has(key)) return;
    this.#shown.add(key);
    const hand = data.hand_number === undefined ? "" : ` (hand ${data.hand_number})`;
    const then = data.where === "decide" ? "; the turn was checked or folded" : "";
    const frame = botFrame(data.stack, this.#options.botFile);
    this.#options.out(
      `bot error in ${data.where}${hand}: ${data.error}${frame ? `\n    ${frame}` : ""}${then} (shown once; counted in the summary)`,
    );
  }

  /** The closing summary of a run. */
  summary(): string[] {
    const t = this.#tally;
    const played = t.won + t.lost + t.other;
    const seconds = ((Date.now() - this.#started) / 1000).toFixed(1);
    const sign = t.net > 0 ? "+" : "";
    const errors = [...t.errors].map(([where, n]) => `${n} in ${where}`).join(", ");
    return [
      `Played ${played} match${played === 1 ? "" : "es"} (${t.hands} hands) in ${seconds} s: ${t.won} won, ${t.lost} lost${t.other ? `, ${t.other} other` : ""}; net ${sign}${t.net} chips.`,
      `Bot errors: ${errors || "none"}.`,
    ];
  }
}

/**
 * The stack line of the bot's own file (where the bot threw), else the first frame.
 * Node prints module paths as file URLs or plain paths; either is matched.
 */
export function botFrame(stack: string | undefined, botFile: string): string | null {
  if (!stack) return null;
  const frames = stack
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l.startsWith("at "));
  return (
    frames.find((l) => l.includes(botFile)) ??
    frames.find((l) => l.includes(encodeURI(botFile))) ??
    frames[0] ??
    null
  );
}
