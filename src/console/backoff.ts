/**
 * The console's reconnect schedule: 1 s, 2 s, 4 s … capped at 30 s, each spread by up to
 * ±20% so that a restart does not bring every open console back in the same millisecond.
 */
export const BACKOFF_BASE_MS = 1000;
export const BACKOFF_MAX_MS = 30_000;

/** The wait before reconnect attempt `attempt` (0 = the first after a drop). */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const plain = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.min(attempt, 16));
  return Math.round(plain * (0.8 + 0.4 * random()));
}
