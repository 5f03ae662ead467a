/**
 * Wire frames of the match leg (bot protocol §5): valibot schemas for what a bot may send,
 * with the TypeScript types inferred from them, and the typed frames the server sends.
 * Lobby frames live in their own file.
 */
import * as v from "valibot";
import type {
  GameConfig,
  PhaseChangeState,
  RoundResult,
  RoundStartState,
  TurnResultDetails,
  TurnState,
} from "../poker/index.ts";

/** The protocol versions this server speaks (§5.1). */
export const SUPPORTED_VERSIONS = ["1.0"] as const;

/** Inbound frames larger than this many UTF-8 bytes close the socket with 4008 (§5.5). */
export const MAX_INBOUND_BYTES = 4096;

/**
 * `authenticate` on the match leg is free-form (§9 item 2): `token: ""`, no token at all,
 * extra client fields and any `match_id` are all accepted, so only `type` is checked.
 */
export const AuthenticateFrameSchema = v.looseObject({
  type: v.literal("authenticate"),
  token: v.optional(v.unknown()),
});
export type AuthenticateFrame = v.InferOutput<typeof AuthenticateFrameSchema>;

/**
 * Client `hello`: extra fields are ignored (§9 item 4); `supported_versions` is read
 * leniently and an unusable value counts as an empty intersection (§5.1 step 4).
 */
export const HelloFrameSchema = v.looseObject({
  type: v.literal("hello"),
  supported_versions: v.optional(v.unknown()),
});
export type HelloFrame = v.InferOutput<typeof HelloFrameSchema>;

/**
 * `turn_action` (§5.5): strict, so an extra key is `unknown_field`. `match_id` is any string
 * because frames are routed by URL, never rejected for a different id (§9 item 3).
 */
export const TurnActionFrameSchema = v.strictObject({
  type: v.literal("turn_action"),
  match_id: v.string(),
  request_id: v.string(),
  action: v.string(),
  params: v.optional(
    v.custom<Record<string, unknown>>(
      (value) => typeof value === "object" && value !== null && !Array.isArray(value),
      "params must be an object",
    ),
  ),
});
export type TurnActionFrame = v.InferOutput<typeof TurnActionFrameSchema>;

/** `pong`: accepted and ignored, never a turn reply (§5.5, §9 items 5 and 15). */
export const PongFrameSchema = v.strictObject({
  type: v.literal("pong"),
  match_id: v.optional(v.string()),
});
export type PongFrame = v.InferOutput<typeof PongFrameSchema>;

/** Every frame a bot may send on the match leg, discriminated by `type`. */
export const ClientFrameSchema = v.variant("type", [
  AuthenticateFrameSchema,
  HelloFrameSchema,
  TurnActionFrameSchema,
  PongFrameSchema,
]);
export type ClientFrame = v.InferOutput<typeof ClientFrameSchema>;

/** The outcome of reading one inbound text frame. */
export type ParsedFrame =
  | { ok: true; frame: ClientFrame }
  /** Not JSON, or JSON that is not an object (§5.11 treats both alike). */
  | { ok: false; error: "not_json" }
  /** A JSON object that fails its schema: `unknown_field` or `malformed_message` (§5.4.8). */
  | { ok: false; error: "unknown_field" | "malformed_message"; message: string };

/** Parses and validates one inbound text frame; never throws. */
export function parseClientFrame(text: string): ParsedFrame {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { ok: false, error: "not_json" };
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    return { ok: false, error: "not_json" };
  }
  const type = (data as { type?: unknown }).type;
  if (typeof type !== "string" || !CLIENT_FRAME_TYPES.has(type)) {
    return { ok: false, error: "malformed_message", message: "Unknown message type" };
  }
  const result = v.safeParse(ClientFrameSchema, data);
  if (result.success) return { ok: true, frame: result.output };
  // valibot reports an unknown key of a strict object as a `strict_object` issue expecting "never".
  const unknown = result.issues.find(
    (issue) => issue.type === "strict_object" && issue.expected === "never",
  );
  if (unknown) {
    const key = v.getDotPath(unknown) ?? String(unknown.input);
    return { ok: false, error: "unknown_field", message: `Unknown field: ${key}` };
  }
  const first = result.issues[0];
  const path = first ? v.getDotPath(first) : null;
  return {
    ok: false,
    error: "malformed_message",
    message: path ? `Invalid field: ${path}` : "Invalid message",
  };
}

const CLIENT_FRAME_TYPES = new Set(["authenticate", "hello", "turn_action", "pong"]);

/** The UTF-8 size of a text frame, computed only when it could exceed the limit. */
export function exceedsInboundLimit(message: string | ArrayBuffer): boolean {
  if (typeof message !== "string") return message.byteLength > MAX_INBOUND_BYTES;
  // A UTF-16 code unit is at least one and at most three UTF-8 bytes.
  if (message.length > MAX_INBOUND_BYTES) return true;
  if (message.length * 3 <= MAX_INBOUND_BYTES) return false;
  return new TextEncoder().encode(message).byteLength > MAX_INBOUND_BYTES;
}

/** The client's `supported_versions` intersected with ours; `[]` when unusable (§5.1 step 4). */
export function commonVersions(hello: HelloFrame): string[] {
  const offered = hello.supported_versions;
  if (!Array.isArray(offered)) return [];
  return SUPPORTED_VERSIONS.filter((version) => offered.includes(version));
}

// ---- Server → bot frames ----

/** Fields every server frame carries (§5.3). */
export interface Envelope {
  type: string;
  match_id: string;
  seq: number;
  server_ts: string;
}

/** Server `hello` (§5.1). */
export interface ServerHelloFrame extends Envelope {
  type: "hello";
  supported_versions: string[];
  selected_version: string;
  server_name: "chipzen";
  game_type: "poker";
  capabilities: string[];
}

/** Error codes of §5.4.8 that the match leg uses. */
export type MatchErrorCode =
  | "duplicate_participant"
  | "grace_expired"
  | "budget_exhausted"
  | "message_too_large"
  | "malformed_message"
  | "unknown_field";

/** `error` (§5.4.8). */
export interface ErrorFrame extends Envelope {
  type: "error";
  code: MatchErrorCode;
  message: string;
}

/** One entry of `match_start.seats` (§5.4.1). */
export interface SeatInfo {
  seat: number;
  display_name: string;
  participant_id: string;
  is_self: boolean;
}

/** `match_start` (§5.4.1). */
export interface MatchStartFrame extends Envelope {
  type: "match_start";
  seats: SeatInfo[];
  game_config: GameConfig;
  turn_timeout_ms: number;
  your_seat: number;
}

/** `round_start` (§5.4.2). */
export interface RoundStartFrame extends Envelope {
  type: "round_start";
  round_id: string;
  round_number: number;
  state: RoundStartState;
}

/** `turn_request` (§5.4.3). */
export interface TurnRequestFrame extends Envelope {
  type: "turn_request";
  seat: number;
  request_id: string;
  timeout_ms: number;
  turn_duration_ms: number;
  deadline_ts: number;
  valid_actions: string[];
  state: TurnState;
}

/** `turn_result` (§5.4.4). */
export interface TurnResultFrame extends Envelope {
  type: "turn_result";
  seat: number;
  details: TurnResultDetails;
}

/** `phase_change` (§5.4.5). */
export interface PhaseChangeFrame extends Envelope {
  type: "phase_change";
  state: PhaseChangeState;
}

/** `round_result` (§5.4.6). */
export interface RoundResultFrame extends Envelope {
  type: "round_result";
  round_id: string;
  round_number: number;
  result: RoundResult;
}

/** `action_rejected` (§5.4.9): every field, always with `valid_actions`. */
export interface ActionRejectedFrame extends Envelope {
  type: "action_rejected";
  request_id: string;
  reason: string;
  message: string;
  details: { valid_actions: string[] };
  submitted_action: string;
  remaining_ms: number;
  valid_actions: string[];
}

/** One `match_end.results` entry (§5.4.7). */
export interface SeatResult {
  seat: number;
  name: string;
  net_chips: number;
  hands_won: number;
  final_stack: number;
  bot_errors: { code: string; message: string; hand_number: number }[];
  decision_latency_samples_ms: number[];
}

/** The played-out `match_end` (§5.4.7), with its conditional keys. */
export interface FullMatchEndFrame extends Envelope {
  type: "match_end";
  reason: "complete";
  results: SeatResult[];
  total_hands_played: number;
  mode: "elimination";
  finishing_order: { place: number; seat: number; name: string }[];
  terminal_status: "completed" | "error" | "abandoned";
  forfeit_seat?: number;
  forfeit_winner_seat?: number;
  forfeit_reason?: string;
  all_disconnected?: true;
  simultaneous_disconnect?: true;
  error_message?: string;
  safety_limit_reached?: true;
}

/** The short `match_end` forms: cancelled before the start, or a crashed match (§5.4.7). */
export interface ShortMatchEndFrame extends Envelope {
  type: "match_end";
  reason: "cancelled" | "error";
  error_code: "connection_timeout" | "server_error";
  error_message?: string;
}

export type MatchEndFrame = FullMatchEndFrame | ShortMatchEndFrame;

/** Every game frame a seat receives; all carry the seat's `seq` (§5.3). */
export type GameFrame =
  | MatchStartFrame
  | RoundStartFrame
  | TurnRequestFrame
  | TurnResultFrame
  | PhaseChangeFrame
  | RoundResultFrame
  | ActionRejectedFrame
  | MatchEndFrame
  | ErrorFrame;

/** A frame before its envelope is stamped: `seq` and `server_ts` are set when it is sent. */
export type Unstamped<F extends Envelope> = F extends Envelope
  ? Omit<F, "seq" | "server_ts">
  : never;

/**
 * Spectator stream (our extension; `spectator_` names are reserved for it by §5.13): the
 * public frames only — `round_start` without hole cards, no `turn_request`, and the
 * `round_result` with the deck reveal. `seq` counts per match for all spectators.
 */
export interface SpectatorHelloFrame extends Envelope {
  type: "spectator_hello";
  status: "waiting" | "playing" | "ended";
  seats: Omit<SeatInfo, "is_self">[];
  game_config: GameConfig;
  turn_timeout_ms: number;
}

export interface SpectatorMatchStartFrame extends Envelope {
  type: "match_start";
  seats: Omit<SeatInfo, "is_self">[];
  game_config: GameConfig;
  turn_timeout_ms: number;
}

export interface SpectatorRoundStartFrame extends Envelope {
  type: "round_start";
  round_id: string;
  round_number: number;
  state: Omit<RoundStartState, "your_hole_cards">;
}

/**
 * Whose turn it is (our extension): sent when a seat's `turn_request` leaves the server (a
 * house seat: when its turn opens), with the clock the seat was given.
 */
export interface SpectatorTurnFrame extends Envelope {
  type: "spectator_turn";
  seat: number;
  hand_number: number;
  timeout_ms: number;
  deadline_ts: number;
}

export type SpectatorFrame =
  | SpectatorHelloFrame
  | SpectatorMatchStartFrame
  | SpectatorRoundStartFrame
  | SpectatorTurnFrame
  | TurnResultFrame
  | PhaseChangeFrame
  | RoundResultFrame
  | MatchEndFrame;

/** Close codes the match leg uses (§5.12). */
export const CloseCode = {
  normal: 1000,
  policy: 1008,
  unavailable: 1011,
  authFailed: 4001,
  matchNotFound: 4002,
  handshakeTimeout: 4007,
  messageTooLarge: 4008,
  rateLimitExceeded: 4009,
  serverError: 4011,
  protocolMismatch: 4013,
} as const;

/** Close reasons sent with the codes (the names of §5.12). */
export const CloseReason: Record<number, string> = {
  1000: "match_over",
  4001: "auth_failed",
  4002: "match_not_found",
  4007: "handshake_timeout",
  4008: "message_too_large",
  4009: "rate_limit_exceeded",
  4011: "server_error",
  4013: "protocol_mismatch",
};
