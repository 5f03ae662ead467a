/**
 * Capped exponential backoff with full jitter. The attempt counter resets only
 * after a connection has stayed up for `stableMs`, so a server that accepts and
 * immediately drops does not reset the delay to its minimum.
 */
export interface BackoffOptions {
  baseMs: number;
  capMs: number;
  stableMs: number;
}

export class Backoff {
  #attempt = 0;
  #upSince: number | null = null;

  readonly options: BackoffOptions;
  readonly random: () => number;

  constructor(
    options: BackoffOptions = { baseMs: 500, capMs: 30_000, stableMs: 10_000 },
    random: () => number = Math.random,
  ) {
    this.options = options;
    this.random = random;
  }

  /** Call when a connection is established. */
  connected(now = Date.now()): void {
    this.#upSince = now;
  }

  /** Call when the connection is lost; returns how long to wait before the next attempt. */
  nextDelay(now = Date.now()): number {
    if (this.#upSince !== null && now - this.#upSince >= this.options.stableMs) this.#attempt = 0;
    this.#upSince = null;
    const ceiling = Math.min(this.options.capMs, this.options.baseMs * 2 ** this.#attempt);
    this.#attempt += 1;
    return Math.floor(this.random() * ceiling);
  }
}

/** Resolves after `ms`, or early (without throwing) when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}
