/**
 * What the agent has not read yet, per channel and for the inbox, and where its reading
 * stopped. The SDK's links deliver each stored entry once, in `seq` order, and resume
 * from their `SeqStore`; the bridge hands them a `ReadCursorStore`, whose durable value is
 * the *read* point rather than the delivered one. So entries that were delivered but not
 * yet read are replayed by the server after a restart of the bridge (never lost), and an
 * entry handed out by `read` is never handed out again (its `seq` was committed first).
 */
import type { Delivery, SeqStore } from "../client/agent-link.ts";

/**
 * A `SeqStore` for one server's links whose durable value is the read cursor: `get` (what
 * a link resumes from when it starts) returns the committed read point; `set` (called by a
 * link for every delivery) only moves an in-memory delivered mark, which `commit` uses
 * when the agent has read everything delivered so far.
 */
export class ReadCursorStore implements SeqStore {
  readonly #durable: SeqStore;
  readonly #prefix: string;
  readonly #delivered = new Map<string, number>();

  /** `prefix` keeps the cursors of several servers apart in one durable store. */
  constructor(durable: SeqStore, prefix: string) {
    this.#durable = durable;
    this.#prefix = prefix;
  }

  get(key: string): number | undefined | Promise<number | undefined> {
    return this.#durable.get(this.#prefix + key);
  }

  set(key: string, seq: number): void {
    this.#delivered.set(key, seq);
  }

  /** The last `seq` a link delivered for `key` in this process. */
  delivered(key: string): number | undefined {
    return this.#delivered.get(key);
  }

  /** Records that the agent has read everything up to `seq` (never moves backwards). */
  async commit(key: string, seq: number): Promise<void> {
    const current = await this.#durable.get(this.#prefix + key);
    if (current !== undefined && current >= seq) return;
    await this.#durable.set(this.#prefix + key, seq);
  }
}

/** A stored entry as the bridge shows it: the SDK delivery, with its text when it has one. */
export interface Entry extends Delivery {
  text: string;
}

/** What one `take` returns for one key. */
export interface Taken {
  entries: Entry[];
  /** Entries still waiting after this batch. */
  more: number;
  /** Retention pruned entries after the read point: the first `seq` that could be replayed. */
  gapFromSeq?: number;
  /** The server ended this channel or inbox for good. */
  closed?: { code: number; reason: string };
}

/** The text of a payload: its `text` field when it is a string (what the CLI and the bridge post), else its JSON. */
export function payloadText(payload: unknown): string {
  if (
    typeof payload === "object" &&
    payload !== null &&
    typeof (payload as { text?: unknown }).text === "string"
  ) {
    return (payload as { text: string }).text;
  }
  return JSON.stringify(payload) ?? String(payload);
}

interface Box {
  entries: Entry[];
  gapFromSeq?: number;
  closed?: { code: number; reason: string };
}

/** Unread entries per key (`channel:<name>` or `inbox`), in `seq` order, once each. */
export class Mailbox {
  readonly #boxes = new Map<string, Box>();

  #box(key: string): Box {
    let box = this.#boxes.get(key);
    if (!box) {
      box = { entries: [] };
      this.#boxes.set(key, box);
    }
    return box;
  }

  /** Adds a delivered entry; an entry at or below the newest held `seq` is ignored. */
  deliver(key: string, delivery: Delivery): void {
    const box = this.#box(key);
    const last = box.entries.at(-1);
    if (last && delivery.seq <= last.seq) return;
    box.entries.push({ ...delivery, text: payloadText(delivery.payload) });
  }

  gap(key: string, fromSeq: number): void {
    this.#box(key).gapFromSeq = fromSeq;
  }

  closed(key: string, code: number, reason: string): void {
    this.#box(key).closed = { code, reason };
  }

  /** How many entries wait under `key`. */
  unread(key: string): number {
    return this.#boxes.get(key)?.entries.length ?? 0;
  }

  /** Whether `take(key)` has anything to say (entries, a gap or a close). */
  hasNews(key: string): boolean {
    const box = this.#boxes.get(key);
    return !!box && (box.entries.length > 0 || box.gapFromSeq !== undefined || !!box.closed);
  }

  /** The oldest `limit` entries of `key`, removed from the box, with its gap and close notices (reported once). */
  take(key: string, limit: number): Taken {
    const box = this.#box(key);
    const entries = box.entries.splice(0, limit);
    const taken: Taken = { entries, more: box.entries.length };
    if (box.gapFromSeq !== undefined) taken.gapFromSeq = box.gapFromSeq;
    if (box.closed) taken.closed = box.closed;
    delete box.gapFromSeq;
    if (box.entries.length === 0) this.#boxes.delete(key);
    return taken;
  }

  /** The entries waiting under `key`, left in place. */
  peek(key: string): Entry[] {
    return [...(this.#boxes.get(key)?.entries ?? [])];
  }

  /** Channel names (keys `channel:<name>`) with anything for `take` to say. */
  channelsWithNews(): string[] {
    return [...this.#boxes.keys()]
      .filter((key) => key.startsWith("channel:") && this.hasNews(key))
      .map((key) => key.slice("channel:".length));
  }

  /** Forgets `key` (the channel was left: a later join replays from the read cursor). */
  drop(key: string): void {
    this.#boxes.delete(key);
  }
}
