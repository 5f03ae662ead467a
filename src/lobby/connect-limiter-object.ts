import { DurableObject } from "cloudflare:workers";
import { takeFromWindow, type WindowState } from "./sliding-window";

const WINDOW_MS = 60_000;
const STATE_KEY = "window";

/**
 * `ConnectLimiterObject`: one per client IP, counting that IP's WebSocket connects.
 * The window is in synchronous SQLite-backed KV, so eviction between connects loses nothing.
 */
export class ConnectLimiterObject extends DurableObject<Env> {
  /** Counts one connect; `false` when the IP is over `limitPerMinute`. */
  take(limitPerMinute: number): boolean {
    const stored = this.ctx.storage.kv.get<WindowState>(STATE_KEY) ?? null;
    const { allowed, state } = takeFromWindow(stored, Date.now(), limitPerMinute, WINDOW_MS);
    this.ctx.storage.kv.put(STATE_KEY, state);
    return allowed;
  }
}
