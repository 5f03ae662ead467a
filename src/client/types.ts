/**
 * Wire types of the bot protocol as a bot sees them (Layer 1 frames and Layer 2
 * poker payloads, bot protocol §5–§6). Server frames may gain fields at any time.
 */

export type Action = "fold" | "check" | "call" | "raise";
export type Phase = "preflop" | "flop" | "turn" | "river";

export interface ActionEntry {
  seat: number;
  action: string;
  amount: number;
  phase: Phase;
  is_timeout: boolean;
}

/** `turn_request.state` (§6.5). */
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
  your_seat?: number;
  dealer_seat?: number;
}

export interface GameConfig {
  variant: "nlhe";
  starting_stack: number;
  small_blind: number;
  big_blind: number;
  ante: number;
  num_players: number;
}

export interface MatchStart {
  seats: Array<{ seat: number; display_name: string; participant_id: string; is_self: boolean }>;
  game_config: GameConfig;
  turn_timeout_ms: number;
  your_seat: number;
}

/** What a bot is asked to decide: the turn's state and legal actions. */
export interface TurnRequest {
  request_id: string;
  seat: number;
  timeout_ms: number;
  deadline_ts: number;
  valid_actions: Action[];
  state: TurnState;
}

/** A bot's answer. `amount` is the TOTAL street bet for `raise` (clamped by the server). */
export interface Decision {
  action: Action;
  amount?: number;
}

export interface MatchEndResult {
  seat: number;
  name: string;
  net_chips: number;
  hands_won: number;
  final_stack: number;
  bot_errors: Array<{ code: string; message: string; hand_number?: number }>;
  decision_latency_samples_ms: number[];
}

export interface MatchEnd {
  match_id: string;
  reason: string;
  results?: MatchEndResult[];
  total_hands_played?: number;
  terminal_status?: string;
  error_code?: string;
  [key: string]: unknown;
}

/** Any server frame: `type` plus fields. */
export type ServerFrame = { type: string; [key: string]: unknown };

/** A bot. Only `decide` is required; the hooks see the match as it happens. */
export interface Bot {
  decide(turn: TurnRequest): Decision | Promise<Decision>;
  onMatchStart?(start: MatchStart): void;
  onFrame?(frame: ServerFrame): void;
  onMatchEnd?(end: MatchEnd): void;
}

/** Makes one `Bot` per match, so per-match state never leaks across matches. */
export type BotFactory = (match: { matchId: string; participantId: string }) => Bot;

/** The lobby's `matched` notice (§3.5). */
export interface MatchedNotice {
  type: "matched";
  match_id: string;
  participant_id: string;
  gateway_ws_url: string;
  rated: boolean;
  decision_timeout_ms?: number;
  resume?: true;
}
