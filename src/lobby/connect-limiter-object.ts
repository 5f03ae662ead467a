import { DurableObject } from "cloudflare:workers";
import { takeFromWindow, type WindowState } from "./sliding-window";

const WINDOW_MS = 60_000;

/**
 * `ConnectLimiterObject`: one per client IP, counting that IP's WebSocket connects in
 * memory, so a connect waits for no storage write (a stored window cost every reconnect
 * ~3 ms locally: docs/lobby.md). The window lives as long as the object, which stays in
 * memory while its IP keeps connecting — a flood keeps its own object alive; an object
 * evicted or restarted (idle on Cloudflare for longer than the window, or a deploy) starts
 * the IP on a fresh window. Nothing is stored per visitor.
 */
export class ConnectLimiterObject extends DurableObject<Env> {
  #window: WindowState | null = null;

  /** Counts one connect; `false` when the IP is over `limitPerMinute`. */
  take(limitPerMinute: number): boolean {
    const { allowed, state } = takeFromWindow(this.#window, Date.now(), limitPerMinute, WINDOW_MS);
    this.#window = state;
    return allowed;
  }

  /** An object of an earlier version kept its window in storage, with this alarm to clear it. */
  override async alarm(): Promise<void> {
    await this.ctx.storage.deleteAll();
  }
}
