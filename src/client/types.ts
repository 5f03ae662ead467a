/**
 * Wire types of the bot protocol as a bot sees them (Layer 1 frames and Layer 2
 * poker payloads, bot protocol §5–§6). Server frames may gain fields at any time.
 */

import type { Action, GameConfig, TurnState as ServerTurnState } from "../poker/types.ts";

export type {
  Action,
  ActionEntry,
  GameConfig,
  Phase,
  RoundResult,
  RoundStartState,
  TurnResultDetails,
} from "../poker/types.ts";

/**
 * `turn_request.state` (§6.5). botgate adds `your_seat` and `dealer_seat` (§9 item 16);
 * other compatible servers may not, so a bot must not rely on them.
 */
export type TurnState = Omit<ServerTurnState, "your_seat" | "dealer_seat"> &
  Partial<Pick<ServerTurnState, "your_seat" | "dealer_seat">>;

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
