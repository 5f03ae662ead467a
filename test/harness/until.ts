/**
 * How long a test waits for an event before it calls the run hung: only a bound for a wait
 * that is otherwise event-driven, generous so a busy machine (`npm run test:stress`) never
 * reaches it. Never a pacing delay, never a measurement.
 */
export const HANG_MS = 60_000;

/** Polls `find` until it returns a value (not `undefined`); fails, saying what, after `timeoutMs`. */
export async function until<T>(
  find: () => T | undefined,
  what: string,
  timeoutMs = HANG_MS,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
