import { HttpError } from "./agent-keys.ts";

/** The `200` of a house-bot challenge (bot protocol §8.1). */
export interface ChallengeAnswer {
  match_id: string;
  participant_id: string;
  status: "dispatching";
  opponent: string;
  opponent_bot_id: string;
  rated: false;
  decision_timeout_ms: number;
}

/**
 * Challenges a house bot (`POST /api/external-api/challenges/house-bot` with the bot
 * token). The bot must be online in the lobby (`runBot`); the seat then arrives there as
 * `matched`. `turn_timeout_ms` and `fast` (no house think time or turn-result jitter) are
 * botgate additions (other servers refuse them with 400).
 * A refusal is an `HttpError` with the server's `error_code`.
 */
export async function challengeHouseBot(
  origin: string,
  token: string,
  body: { opponent?: string; turn_timeout_ms?: number; fast?: boolean } = {},
): Promise<ChallengeAnswer> {
  const response = await fetch(new URL("/api/external-api/challenges/house-bot", origin), {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const answer = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok) {
    const code = typeof answer.error_code === "string" ? answer.error_code : "HTTP_ERROR";
    const message = typeof answer.message === "string" ? answer.message : response.statusText;
    throw new HttpError(response.status, code, `HTTP ${response.status} ${code}: ${message}`);
  }
  return answer as unknown as ChallengeAnswer;
}
