/**
 * The live table as a spectator sees it: the spectator stream's frames (docs/match.md,
 * "Spectators") folded into seats, stacks, the board, the pot, hole cards when a showdown
 * reveals them, the hand's action log and whose clock is running. Pure: one frame in, a new
 * state out.
 */
export interface TableSeat {
  seat: number;
  name: string;
}

export interface LogLine {
  seat: number | null;
  text: string;
}

export interface TableHand {
  number: number;
  dealer: number;
  pot: number;
  stacks: number[];
  board: string[];
  /** Hole cards by seat once a showdown shows them, else null (face down). */
  holes: (string[] | null)[];
  log: LogLine[];
  acting: { seat: number; deadline: number; timeoutMs: number } | null;
  winners: number[] | null;
}

export interface TableState {
  status: "connecting" | "waiting" | "playing" | "ended";
  seats: TableSeat[];
  blinds: string;
  stacks: number[];
  hand: TableHand | null;
  handsSeen: number;
  final: { seat: number; name: string; net: number; place: number | null }[] | null;
  endReason: string | null;
}

export const EMPTY_TABLE: TableState = {
  status: "connecting",
  seats: [],
  blinds: "",
  stacks: [],
  hand: null,
  handsSeen: 0,
  final: null,
  endReason: null,
};

type Frame = Record<string, unknown> & { type: string };

interface SeatFrame {
  seat: number;
  display_name: string;
}

interface Config {
  small_blind: number;
  big_blind: number;
  ante: number;
  starting_stack: number;
}

function withSeats(state: TableState, frame: Frame): TableState {
  const seats = (frame.seats as SeatFrame[]).map((s) => ({ seat: s.seat, name: s.display_name }));
  const config = frame.game_config as Config;
  const blinds = `${config.small_blind}/${config.big_blind}${config.ante ? ` ante ${config.ante}` : ""}`;
  const stacks = state.stacks.length ? state.stacks : seats.map(() => config.starting_stack);
  return { ...state, seats, blinds, stacks };
}

function describe(action: string, amount: number, timeout: boolean): string {
  const how =
    action === "raise"
      ? `raises to ${amount}`
      : action === "call"
        ? `calls ${amount}`
        : `${action}s`;
  return timeout ? `${how} (timed out)` : how;
}

export function tableReduce(state: TableState, frame: Frame): TableState {
  switch (frame.type) {
    case "spectator_hello": {
      const status =
        frame.status === "ended" ? "ended" : frame.status === "playing" ? "playing" : "waiting";
      return { ...withSeats(state, frame), status };
    }
    case "match_start":
      return { ...withSeats(state, frame), status: "playing" };
    case "round_start": {
      const s = frame.state as {
        hand_number: number;
        dealer_seat: number;
        pot: number;
        stacks: number[];
      };
      const hand: TableHand = {
        number: s.hand_number,
        dealer: s.dealer_seat,
        pot: s.pot,
        stacks: s.stacks,
        board: [],
        holes: s.stacks.map(() => null),
        log: [{ seat: null, text: `Hand ${s.hand_number}: blinds posted, pot ${s.pot}` }],
        acting: null,
        winners: null,
      };
      return { ...state, status: "playing", hand, stacks: s.stacks };
    }
    case "spectator_turn": {
      if (!state.hand) return state;
      const acting = {
        seat: frame.seat as number,
        deadline: frame.deadline_ts as number,
        timeoutMs: frame.timeout_ms as number,
      };
      return { ...state, hand: { ...state.hand, acting } };
    }
    case "turn_result": {
      if (!state.hand) return state;
      const d = frame.details as {
        action: string;
        amount: number;
        pot: number;
        stacks: number[];
        is_timeout: boolean;
      };
      const seat = frame.seat as number;
      const line = { seat, text: describe(d.action, d.amount, d.is_timeout) };
      const hand = {
        ...state.hand,
        pot: d.pot,
        stacks: d.stacks,
        acting: null,
        log: [...state.hand.log, line],
      };
      return { ...state, hand, stacks: d.stacks };
    }
    case "phase_change": {
      if (!state.hand) return state;
      const s = frame.state as { phase: string; board: string[] };
      const line = { seat: null, text: `${s.phase}: ${s.board.join(" ")}` };
      return {
        ...state,
        hand: { ...state.hand, board: s.board, acting: null, log: [...state.hand.log, line] },
      };
    }
    case "round_result": {
      if (!state.hand) return { ...state, handsSeen: state.handsSeen + 1 };
      const r = frame.result as {
        winner_seats: number[];
        pot: number;
        stacks: number[];
        payouts: { seat: number; amount: number }[];
        showdown: { seat: number; hole_cards: string[]; hand_rank: string }[];
      };
      const holes = [...state.hand.holes];
      const lines: LogLine[] = [];
      for (const shown of r.showdown) {
        holes[shown.seat] = shown.hole_cards;
        lines.push({
          seat: shown.seat,
          text: `shows ${shown.hole_cards.join(" ")} (${shown.hand_rank})`,
        });
      }
      for (const payout of r.payouts.filter((p) => p.amount > 0)) {
        lines.push({ seat: payout.seat, text: `wins ${payout.amount}` });
      }
      const hand = {
        ...state.hand,
        holes,
        pot: r.pot,
        stacks: r.stacks,
        acting: null,
        winners: r.winner_seats,
        log: [...state.hand.log, ...lines],
      };
      return { ...state, hand, stacks: r.stacks, handsSeen: state.handsSeen + 1 };
    }
    case "match_end": {
      const results =
        (frame.results as
          | { seat: number; name: string; net_chips: number; final_stack: number }[]
          | undefined) ?? [];
      const order = (frame.finishing_order as { place: number; seat: number }[] | undefined) ?? [];
      const final = results.map((r) => ({
        seat: r.seat,
        name: r.name,
        net: r.net_chips,
        place: order.find((o) => o.seat === r.seat)?.place ?? null,
      }));
      const hand = state.hand ? { ...state.hand, acting: null } : null;
      return { ...state, status: "ended", final, hand, endReason: String(frame.reason ?? "") };
    }
    default:
      return state;
  }
}
