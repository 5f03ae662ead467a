/** The lobby endpoint's path (bot protocol §1): `/ws/external/bot/{bot_id}`, bot ids as issued. */
export const LOBBY_ROUTE = "/ws/external/bot/:bot_id";

// Bot ids are `crypto.randomUUID()` values (lowercase); anything else can never authenticate.
const BOT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Whether `value` has the shape of a bot id. */
export function isBotIdShaped(value: string): boolean {
  return BOT_ID.test(value);
}
