/**
 * What a dispatch answers: the match and its seats. A module of its own so the parts that
 * receive a dispatched match (the lobby's notices, the operator events) depend on its shape,
 * not on the dispatch that calls them.
 */
import * as v from "valibot";
import { BotKindSchema } from "../registry/bots.ts";

/** One dispatched seat. `gateway_ws_url` is a path (§3.5, §9 item 11); null for house seats. */
export const DispatchedSeatSchema = v.strictObject({
  seat: v.number(),
  participant_id: v.string(),
  bot_id: v.string(),
  name: v.string(),
  kind: BotKindSchema,
  gateway_ws_url: v.nullable(v.string()),
});
export type DispatchedSeat = v.InferOutput<typeof DispatchedSeatSchema>;

export const DispatchResultSchema = v.strictObject({
  match_id: v.string(),
  rated: v.boolean(),
  turn_timeout_ms: v.number(),
  seats: v.array(DispatchedSeatSchema),
});
export type DispatchResult = v.InferOutput<typeof DispatchResultSchema>;
