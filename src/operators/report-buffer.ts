/**
 * The reporter's batching, as plain logic (time, timers and the send are injected, so it is
 * unit-tested in Node): reports collected within one window go to the hub in one call.
 * Presence reports of the same facet collapse to the newest, so a bot that flaps within a
 * window costs one row, not two.
 */
import type { EventReport, HubBatch, PresenceReport } from "./hub-types.ts";

export interface BufferOptions {
  /** How long the first report of a batch waits for company (the window). */
  windowMs: number;
  /** A batch this large goes at once instead of waiting out the window. */
  maxItems: number;
  now(): number;
  /** Runs `fn` after `ms` in the caller's context (a `setTimeout`). */
  schedule(fn: () => void, ms: number): void;
  /** Delivers one batch; a rejection is the caller's to log (the batch is dropped). */
  send(batch: HubBatch): Promise<void>;
}

/** How long past its due time a flush may lag before the next report takes it over. */
const TAKEOVER_GRACE_MS = 2_000;

export class ReportBuffer {
  readonly #options: BufferOptions;
  #presence = new Map<string, PresenceReport>();
  #events: EventReport[] = [];
  /** The scheduled flush: its due time and its identity, or `null` when none is pending. */
  #pending: { dueAt: number; token: object; done: Promise<void> } | null = null;

  constructor(options: BufferOptions) {
    this.#options = options;
  }

  /** Items waiting for the next flush. */
  get size(): number {
    return this.#presence.size + this.#events.length;
  }

  /**
   * Adds one report. Returns the promise of the flush this call scheduled (the caller keeps
   * its context alive with `waitUntil` until it settles), or `null` when a flush scheduled
   * by an earlier caller will carry it. A pending flush that is long overdue (its context
   * was evicted before the timer fired) is taken over, so a batch is never stranded.
   * `urgent` sends the batch at once (with whatever else is buffered) instead of waiting.
   */
  add(
    item: { presence: PresenceReport } | { event: EventReport },
    urgent = false,
  ): Promise<void> | null {
    if ("presence" in item) {
      const key = `${item.presence.instanceId}\u0000${item.presence.facet ?? ""}`;
      const held = this.#presence.get(key);
      if (!held || held.at <= item.presence.at) this.#presence.set(key, item.presence);
    } else {
      this.#events.push(item.event);
    }
    const now = this.#options.now();
    if (urgent || this.size >= this.#options.maxItems) return this.#flushNow();
    if (this.#pending && now <= this.#pending.dueAt + TAKEOVER_GRACE_MS) return null;
    return this.#scheduleFlush(now);
  }

  #scheduleFlush(now: number): Promise<void> {
    const token = {};
    let resolve: () => void = () => {};
    const done = new Promise<void>((r) => {
      resolve = r;
    });
    this.#pending = { dueAt: now + this.#options.windowMs, token, done };
    this.#options.schedule(() => {
      if (this.#pending?.token === token) this.#pending = null;
      this.#send().then(resolve, resolve);
    }, this.#options.windowMs);
    return done;
  }

  #flushNow(): Promise<void> {
    // The scheduled flush (if any) still fires and sends whatever has arrived since.
    return this.#send();
  }

  /** Takes everything buffered and sends it as one batch. */
  async #send(): Promise<void> {
    if (this.size === 0) return;
    const batch: HubBatch = { presence: [...this.#presence.values()], events: this.#events };
    this.#presence = new Map();
    this.#events = [];
    await this.#options.send(batch);
  }
}
