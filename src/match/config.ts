/**
 * A match's configuration: the Layer 2 game settings plus the transport timers and limits
 * of the bot protocol (§5.7), with the contract's defaults. Timers are configurable so tests
 * and benchmarks can shorten them; the defaults are the contract's values.
 */
import * as v from "valibot";

const int = (min: number, max: number) =>
  v.pipe(v.number(), v.integer(), v.minValue(min), v.maxValue(max));

const MatchConfigFields = v.strictObject({
  starting_stack: v.optional(int(1, 1_000_000_000)),
  small_blind: v.optional(int(1, 1_000_000_000)),
  big_blind: v.optional(int(1, 1_000_000_000)),
  ante: v.optional(int(0, 1_000_000_000)),
  /** Decision window per turn (§5.7: minimum 1000 ms). */
  turn_timeout_ms: v.optional(int(1000, 600_000)),
  /** Time a dropped seat has to come back before it forfeits (§5.9). */
  reconnect_grace_ms: v.optional(int(0, 600_000)),
  /** Reconnections allowed per seat; `0` turns reconnection off (`capabilities: []`). */
  reconnect_budget: v.optional(int(0, 100)),
  /** Time from dispatch for every seat to finish its handshake (§5.2). */
  connection_wait_ms: v.optional(int(1000, 600_000)),
  /** Delay range of the non-actors' `turn_result` copies (§5.4.4); `0`/`0` turns it off. */
  jitter_min_ms: v.optional(int(0, 5000)),
  jitter_max_ms: v.optional(int(0, 5000)),
  rated: v.optional(v.boolean()),
  /** Hidden hand-count safety cap (§6.12); never sent to bots. */
  hand_cap: v.optional(int(1, 100_000)),
  /** A house bot's think time before it acts (our choice). */
  house_think_ms: v.optional(int(0, 60_000)),
  /** Rolling one-second message limit per participant (§5.10). */
  max_messages_per_second: v.optional(int(1, 10_000)),
});

/**
 * The `config` object accepted by `POST /api/matches` and `dispatchMatch`; every field
 * optional. valibot's object schemas accept arrays, so a non-object is refused first (a
 * `config: []` would otherwise pass as the defaults).
 */
export const MatchConfigInputSchema = v.pipe(
  v.custom<Record<string, unknown>>(
    (value) => typeof value === "object" && value !== null && !Array.isArray(value),
    "config must be an object",
  ),
  MatchConfigFields,
);
export type MatchConfigInput = v.InferOutput<typeof MatchConfigInputSchema>;

/** A complete configuration, as the match object stores it (and `GET /api/matches/{id}` shows). */
export const MatchConfigSchema = v.pipe(
  v.required(MatchConfigFields),
  v.metadata({ ref: "MatchConfig" }),
);
export type MatchConfig = v.InferOutput<typeof MatchConfigSchema>;

/** The contract's defaults (§5.7, §6.3). */
export const DEFAULT_MATCH_CONFIG: MatchConfig = {
  starting_stack: 2000,
  small_blind: 10,
  big_blind: 20,
  ante: 0,
  turn_timeout_ms: 5000,
  reconnect_grace_ms: 30_000,
  reconnect_budget: 3,
  connection_wait_ms: 30_000,
  jitter_min_ms: 100,
  jitter_max_ms: 500,
  rated: false,
  hand_cap: 1000,
  house_think_ms: 150,
  max_messages_per_second: 10,
};

/** Fills defaults; returns an error message when the fields contradict each other. */
export function resolveMatchConfig(input: MatchConfigInput = {}): MatchConfig | string {
  const config: MatchConfig = { ...DEFAULT_MATCH_CONFIG };
  for (const [key, value] of Object.entries(input)) {
    if (value !== undefined) Object.assign(config, { [key]: value });
  }
  if (config.big_blind < config.small_blind) return "big_blind must be at least small_blind";
  if (config.jitter_max_ms < config.jitter_min_ms)
    return "jitter_max_ms must be at least jitter_min_ms";
  return config;
}
