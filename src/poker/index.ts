/**
 * The poker engine (issue 3): heads-up No-Limit Hold'em rules, hand evaluation and the deck
 * commit–reveal, as pure TypeScript with no Workers imports. The match object drives it:
 * `createMatch`, then per hand `newDeck` → `deckCommitment` → `startHand`, then
 * `turnView`/`applyAction`/`applyTimeout` for `actingSeat` until `!handInProgress`, until
 * `matchOver`. The state is plain JSON, stored after every call.
 */

export { raiseBounds, validActions } from "./betting.ts";
export { ALL_CARDS, isCard } from "./cards.ts";
export { assertValidDeck, deckCommitment, newDeck } from "./deck.ts";
export { applyAction, applyTimeout, startHand } from "./engine.ts";
export { describeHand, evaluate5, evaluate7 } from "./evaluator.ts";
export {
  actingSeat,
  assertValidConfig,
  createMatch,
  handInProgress,
  matchOver,
  matchSummary,
} from "./match-state.ts";
export type * from "./types.ts";
export { HAND_RANK_NAMES } from "./types.ts";
export { roundStartView, spectatorRoundResult, turnView } from "./views.ts";
