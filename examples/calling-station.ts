/**
 * The simplest bot: checks when it can, otherwise calls. Never folds, never raises.
 *
 *   BOTGATE_BOT_ID=… BOTGATE_TOKEN=… npm run botgate -- bot run examples/calling-station.ts
 */
import type { Bot } from "botgate/client";

const callingStation: Bot = {
  decide: (turn) => ({ action: turn.valid_actions.includes("check") ? "check" : "call" }),
};

export default callingStation;
