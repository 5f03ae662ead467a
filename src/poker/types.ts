/**
 * Types of the poker engine: the Layer 2 payloads of the bot protocol (§6 of
 * docs/protocol/bot-protocol.md), field for field, and the serializable match state.
 */

/** Layer 2 `game_config` (§6.3). */
export interface GameConfig {
  variant: "nlhe";
  starting_stack: number;
  small_blind: number;
  big_blind: number;
  ante: number;
  num_players: number;
}

/** The spectator reveal of one hand's deck (§6.13): 64 hex chars + the 52 cards in deal order. */
export interface DeckReveal {
  seed: string;
  deck_order: string[];
}

export type Phase = "preflop" | "flop" | "turn" | "river";

/** The four actions a bot may send (§6.2). `all_in` and `bet` are never among them. */
export type Action = "fold" | "check" | "call" | "raise";

/** Actions that appear in `action_history`: the bot actions plus the synthetic posts. */
export type HistoryAction = Action | "post_small_blind" | "post_big_blind" | "post_ante";

/** One `action_history` entry (§6.6). */
export interface ActionEntry {
  seat: number;
  action: HistoryAction;
  /** Raise-to total for `raise`, chips added for `call`, chips posted for posts, 0 otherwise. */
  amount: number;
  phase: Phase;
  is_timeout: boolean;
}

/** `round_start.state` (§6.4). */
export interface RoundStartState {
  hand_number: number;
  dealer_seat: number;
  your_hole_cards: string[];
  pot: number;
  post_blind_stacks: number[];
  stacks: number[];
  deck_commitment: string;
}

/**
 * `turn_request.state` (§6.5), plus `your_seat` and `dealer_seat`, which §9 item 16 allows
 * because the JS and Rust SDKs read them from here.
 */
export interface TurnState {
  hand_number: number;
  phase: Phase;
  board: string[];
  your_hole_cards: string[];
  pot: number;
  your_stack: number;
  opponent_stacks: number[];
  to_call: number;
  min_raise: number;
  max_raise: number;
  action_history: ActionEntry[];
  your_seat: number;
  dealer_seat: number;
}

/** What `turnView` returns: the `valid_actions` and `state` of a `turn_request`. */
export interface TurnView {
  valid_actions: Action[];
  state: TurnState;
}

/** `turn_result.details` (§6.7): pot and stacks after the action. */
export interface TurnResultDetails {
  action: Action;
  amount: number;
  pot: number;
  stacks: number[];
  is_timeout: boolean;
}

/** `phase_change.state` (§6.8). */
export interface PhaseChangeState {
  phase: Exclude<Phase, "preflop">;
  board: string[];
}

/** The display strings of `hand_rank` (§6.9), weakest first. */
export const HAND_RANK_NAMES = [
  "High Card",
  "Pair",
  "Two Pair",
  "Three of a Kind",
  "Straight",
  "Flush",
  "Full House",
  "Four of a Kind",
  "Straight Flush",
] as const;

export type HandRankName = (typeof HAND_RANK_NAMES)[number];

/** One `showdown` entry (§6.9). */
export interface ShowdownEntry {
  seat: number;
  hole_cards: string[];
  hand_rank: HandRankName | "";
  best_hand: string[];
}

export interface Payout {
  seat: number;
  amount: number;
}

/** `round_result.result` (§6.9). `deck_reveal` is null in every player's copy. */
export interface RoundResult {
  hand_number: number;
  winner_seats: number[];
  pot: number;
  payouts: Payout[];
  showdown: ShowdownEntry[];
  action_history: ActionEntry[];
  stacks: number[];
  deck_commitment: string;
  deck_reveal: DeckReveal | null;
}

/** What one applied action (or the start of a hand) produced, in the order frames go out. */
export type EngineEvent =
  | { type: "turn_result"; seat: number; details: TurnResultDetails }
  | { type: "phase_change"; state: PhaseChangeState }
  | { type: "round_result"; result: RoundResult };

/** `applyAction`'s answer: the events up to the next decision, or a rejection (§5.4.9). */
export type ApplyResult =
  | { ok: true; events: EngineEvent[] }
  | { ok: false; reason: string; valid_actions: Action[] };

/** The hand being played. Plain JSON: the match object stores it after every action. */
export interface HandState {
  hand_number: number;
  dealer_seat: number;
  deck: DeckReveal;
  deck_commitment: string;
  phase: Phase;
  /** Seats dealt into this hand (they had chips when it started). */
  dealt: boolean[];
  /** Two cards per dealt seat, `[]` for the others. */
  hole_cards: string[][];
  board: string[];
  /** Stacks before posting, and after posting blinds and antes. */
  start_stacks: number[];
  post_blind_stacks: number[];
  /** Chips each seat has put into the pot this hand (antes included). */
  committed: number[];
  /** Chips each seat has bet on the current street (antes excluded). */
  street_bets: number[];
  folded: boolean[];
  /** Whether the seat has made a voluntary action on this street (posts do not count). */
  acted: boolean[];
  /** The street's top bet when the seat last acted: decides whether betting reopened for it. */
  bet_when_acted: number[];
  /** Highest street bet. */
  current_bet: number;
  /** Size of the last full bet or raise on this street (the big blind when none yet). */
  raise_increment: number;
  /** Seat owed a decision, or null while nobody is (the hand is over). */
  to_act: number | null;
  action_history: ActionEntry[];
  /** Set once the hand is over; `deck_reveal` is null in it, see `spectatorRoundResult`. */
  result: RoundResult | null;
}

/** The whole match. Plain JSON so it survives hibernation byte for byte. */
export interface MatchState {
  config: GameConfig;
  /** Hidden hand-count safety cap (§6.12). */
  hand_cap: number;
  /** Chips behind of each seat right now (during a hand: uncommitted chips). */
  stacks: number[];
  hands_won: number[];
  hands_played: number;
  /** Seats in the order they were eliminated (first out first). */
  eliminated: number[];
  hand: HandState | null;
}

/** Why the match is over. */
export interface MatchOver {
  reason: "elimination" | "safety_limit";
}

/** Per-seat figures for `match_end.results`, and the finishing order (§5.4.7, §6.12). */
export interface MatchSummary {
  results: { seat: number; final_stack: number; net_chips: number; hands_won: number }[];
  finishing_order: { place: number; seat: number }[];
  total_hands_played: number;
  safety_limit_reached: boolean;
}
