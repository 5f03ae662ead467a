/**
 * The waiting behind every test socket (Node's `ws` client, the fuzzer's raw socket, the
 * workerd-side socket): a wait re-checks its condition whenever the socket wakes it, fails
 * at once when the socket closed first, and is bounded by a timeout that names what it
 * waited for. No Node or workerd imports, so both sides share it.
 */
export interface Closed {
  code: number;
  reason: string;
}

export class Waits {
  #waiters: (() => void)[] = [];
  readonly #closed: () => Closed | null;

  /** `closed` says how the socket closed, or null while it is open. */
  constructor(closed: () => Closed | null) {
    this.#closed = closed;
  }

  /** Something changed (a frame, the close): every wait re-checks. */
  wake(): void {
    for (const wake of this.#waiters.splice(0)) wake();
  }

  /** Resolves once `ready()` holds; throws if the socket closes first or after `timeoutMs`. */
  async until(ready: () => boolean, timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!ready()) {
      const closed = this.#closed();
      if (closed) {
        throw new Error(
          `socket closed (${closed.code} ${closed.reason}) while waiting for ${what}`,
        );
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
}
