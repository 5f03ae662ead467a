/**
 * The agent's answer to a turn, checked before it is sent (poker-table.ts `act`): a turn
 * that is over explained, the action against the turn's `valid_actions`, a raise's amount
 * against its bounds (the street total).
 */
import type { Action, Decision, TurnRequest } from "../client/types.ts";
import { BridgeError } from "./errors.ts";
import type { PastTurns } from "./poker-seat.ts";

/** Why `turnId` has no open turn: over (timed out or answered) or never seen. */
export function noOpenTurn(past: PastTurns, turnId: string): BridgeError {
  const how = past.get(turnId);
  if (how === "timed out") {
    return new BridgeError(
      "that turn is over: its clock ran out and the server checked or folded for you; call poker_wait_turn",
    );
  }
  if (how === "answered")
    return new BridgeError("that turn was already answered; call poker_wait_turn");
  return new BridgeError(
    "no open turn with that turn_id; call poker_wait_turn for the current one",
  );
}

/** The decision to send for `action` (and a raise's `amount`), or a `BridgeError` why not. */
export function checkDecision(turn: TurnRequest, action: Action, amount?: number): Decision {
  if (!turn.valid_actions.includes(action)) {
    throw new BridgeError(
      `${action} is not legal now; legal actions: ${turn.valid_actions.join(", ")}`,
    );
  }
  if (action !== "raise") return { action };
  const { min_raise: min, max_raise: max } = turn.state;
  if (amount === undefined) {
    throw new BridgeError(`raise needs amount: the street total to raise to, ${min}–${max}`);
  }
  if (!Number.isInteger(amount) || amount < min || amount > max) {
    throw new BridgeError(
      `raise amount must be a whole number from ${min} to ${max} (the street total; ${max} is all-in)`,
    );
  }
  return { action, amount };
}
