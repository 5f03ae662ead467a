/** The shapes of a match's stored state (see `store.ts`). */
import type { MatchConfig } from "./config.ts";
import type { ForfeitReason } from "./results.ts";

export type MatchStatus = "waiting" | "playing" | "ended";

export interface MetaRow {
  match_id: string;
  /** waiting (dispatched, seats connecting) → playing → ended */
  status: MatchStatus;
  config: MatchConfig;
  created_at: number;
  started_at: number | null;
  ended_at: number | null;
  spectator_seq: number;
  /** The outcome written to the registry at the end (JSON), and whether that write succeeded. */
  outcome: string | null;
  recorded: boolean;
  /** The time the one alarm was last armed for (see MatchRoom.alarm). */
  armed_at: number | null;
}

export interface SeatRow {
  seat: number;
  participant_id: string;
  bot_id: string;
  name: string;
  /** NULL for a remote bot; the strategy name for a house bot. */
  house_strategy: string | null;
  /** Last game-frame seq sent to this seat (§5.3). */
  seq: number;
  /** The connection id of the seat's live socket, null while none. */
  conn: string | null;
  disconnected_at: number | null;
  drops: number;
  reconnects: number;
  /** Why the seat lost the match by forfeit. */
  forfeit: ForfeitReason | null;
  /** Violations of the message rate (§5.10); the window's receive times are memory only. */
  rate_violations: number;
  last_violation_at: number | null;
  invalid_hand: number;
  invalid_count: number;
}

/** One `bot_errors` entry of `match_end` (§5.4.7; the shape is our choice). */
export interface BotError {
  code: string;
  message: string;
  hand_number: number;
}

/**
 * A turn answered or auto-acted (so a late duplicate is dropped, never re-applied), with its
 * decision-latency sample for `match_end` (§6.12) when the request reached a socket.
 */
export interface AnswerRow {
  seat: number;
  request_id: string;
  resolved_at: number;
  /** Receive time of the accepted `turn_action` (audit only, §5.7); null for auto-actions. */
  received_at: number | null;
  action: string;
  is_timeout: boolean;
  latency_ms: number | null;
}

/** The pending turn of a seat, from the moment it is owed until it is resolved. */
export interface TurnRow {
  seat: number;
  request_id: string;
  hand_number: number;
  valid_actions: string[];
  /** `turn_request.state`, stored as sent so a re-send is identical (§5.9). */
  state: unknown;
  timeout_ms: number;
  /** When the clock started (the turn_request left the server); null while still queued. */
  sent_at: number | null;
  /** First real delivery on a socket: the start of the decision-latency sample (§6.12). */
  first_sent_at: number | null;
  deadline: number | null;
  /** Set while the clock is paused by the seat's first disconnection (§5.9). */
  paused_remaining: number | null;
}

export type OutboxKind = "frame" | "turn_request" | "match_end";

/** A frame queued for a seat: the unstamped frame, or `{request_id}` for a turn request. */
export interface OutboxRow {
  id: number;
  seat: number;
  due_at: number;
  kind: OutboxKind;
  body: unknown;
}

/** The document of `match_state.doc` (the config is a column of its own: it never changes). */
export interface MatchDoc {
  meta: MetaRow;
  seats: SeatRow[];
  turns: TurnRow[];
  /** Every deadline of the match by key; the one alarm is armed for the earliest (or outbox). */
  schedule: Record<string, number>;
  /** Per-seat outbound queue: frames leave in id order once due (jittered copies). */
  outbox: OutboxRow[];
  outbox_id: number;
  /**
   * The answers of the hand in play, moved to its `hands` row when it ends (`seat-log.ts`);
   * absent in a document written before.
   */
  answered?: AnswerRow[];
}
