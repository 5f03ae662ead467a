/**
 * Per-socket frame rate limit (agent channels §10): a token bucket refilled at `perSecond`
 * up to `burst`, and a rolling window of violations; the `maxViolations`-th violation
 * within a minute closes the socket (4009). Pure: time comes in as arguments.
 */

export interface RateLimits {
  perSecond: number;
  burst: number;
  maxViolations: number;
  windowMs: number;
}

/** What to do with a frame: handle it, warn, or close the socket. */
export type RateVerdict = "ok" | "warn" | "close";

/** Frames allowed per socket: refills at `perSecond`, holds at most `burst`. */
export class TokenBucket {
  #tokens: number;
  #at: number;

  readonly #limits: Pick<RateLimits, "perSecond" | "burst">;

  constructor(limits: Pick<RateLimits, "perSecond" | "burst">, now: number) {
    this.#limits = limits;
    this.#tokens = limits.burst;
    this.#at = now;
  }

  /** Takes one token; `false` when the bucket is empty. */
  take(now: number): boolean {
    const elapsed = Math.max(0, now - this.#at) / 1000;
    this.#tokens = Math.min(this.#limits.burst, this.#tokens + elapsed * this.#limits.perSecond);
    this.#at = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}

/**
 * Adds a violation at `now` to the recent ones and says what to do: warn, or close once
 * there are `maxViolations` within the window. Returns the violations still in the window.
 */
export function recordViolation(
  recent: readonly number[],
  now: number,
  limits: Pick<RateLimits, "maxViolations" | "windowMs">,
): { violations: number[]; verdict: Exclude<RateVerdict, "ok"> } {
  const violations = [...recent.filter((at) => at > now - limits.windowMs), now];
  return { violations, verdict: violations.length >= limits.maxViolations ? "close" : "warn" };
}
