import { DurableObject } from "cloudflare:workers";
import { takeFromWindow, type WindowState } from "./sliding-window";

const WINDOW_MS = 60_000;
const STATE_KEY = "window";

/**
 * `ConnectLimiterObject`: one per client IP, counting that IP's WebSocket connects.
 * The window is in synchronous SQLite-backed KV, so eviction between connects loses nothing;
 * once the window has run out, the alarm deletes it, so no storage is kept per past visitor.
 */
export class ConnectLimiterObject extends DurableObject<Env> {
  /** Counts one connect; `false` when the IP is over `limitPerMinute`. */
  async take(limitPerMinute: number): Promise<boolean> {
    const stored = this.ctx.storage.kv.get<WindowState>(STATE_KEY) ?? null;
    const { allowed, state } = takeFromWindow(stored, Date.now(), limitPerMinute, WINDOW_MS);
    this.ctx.storage.kv.put(STATE_KEY, state);
    if ((await this.ctx.storage.getAlarm()) === null) {
      await this.ctx.storage.setAlarm(state.windowStart + 2 * WINDOW_MS);
    }
    return allowed;
  }

  /** Forgets the IP once nothing in its window counts any more; idempotent. */
  override async alarm(): Promise<void> {
    const state = this.ctx.storage.kv.get<WindowState>(STATE_KEY);
    const expiresAt = state ? state.windowStart + 2 * WINDOW_MS : 0;
    if (Date.now() >= expiresAt) await this.ctx.storage.deleteAll();
    else await this.ctx.storage.setAlarm(expiresAt);
  }
}
