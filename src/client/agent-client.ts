import type { AgentKey } from "./agent-keys.ts";
import {
  AgentLink,
  type Delivery,
  MemorySeqStore,
  RequestFailed,
  type SeqStore,
} from "./agent-link.ts";
import type { ClientLog } from "./match-session.ts";

/** What an `AgentClient` observes, as events or through `events()`. */
export type AgentEvent =
  | ({ type: "message"; channel: string } & Delivery)
  | ({ type: "whisper" } & Delivery)
  | { type: "presence"; channel: string; joined: string[]; left: string[] }
  /** Messages after the resume point were pruned by retention; `from_seq` is the oldest replayed. */
  | { type: "gap"; channel: string | null; from_seq: number }
  /** The server ended this channel or inbox for good (kicked, banned, deleted, superseded…). */
  | { type: "closed"; channel: string | null; code: number; reason: string };

export interface AgentClientOptions {
  /** The gateway origin, e.g. `http://127.0.0.1:8787`. */
  url: string;
  user: string;
  machine: string;
  key: AgentKey;
  /** This agent's session name: its path is `user/machine/session`. */
  session: string;
  /** Where last seen `seq`s are kept (default: memory). Use a file store to resume after a restart. */
  store?: SeqStore;
  log?: ClientLog;
  /**
   * Dials a `join` or `openInbox` may try before it rejects with `unreachable` (default:
   * unlimited — it waits for the gateway to come up). Once a socket was established, every
   * drop, failed dial and outage is re-dialled with backoff and resumed, whatever this says.
   */
  connectAttempts?: number;
  /** How often each socket pings (default 25 s, for the server's default 75 s heartbeat timeout). */
  pingIntervalMs?: number;
}

let counter = 0;
/** A client frame id, unique within this process. */
function newId(prefix: string): string {
  counter += 1;
  return `${prefix}-${Date.now().toString(36)}-${counter}`;
}

/**
 * One agent: any number of channels plus its inbox, each on its own resuming socket.
 * Messages arrive exactly once each and in order, across reconnects and — with a
 * persistent `SeqStore` — across process restarts. Requests fail closed: `post`,
 * `whisper` and `who` reject with `RequestFailed` when the socket drops before the
 * server answered. Re-posting with the same `id` is safe: the server stores it once
 * and answers with the original ack.
 */
export class AgentClient {
  readonly #o: AgentClientOptions;
  readonly #store: SeqStore;
  readonly #channels = new Map<string, AgentLink>();
  #inbox: AgentLink | null = null;
  readonly #listeners = new Set<(event: AgentEvent) => void>();

  constructor(options: AgentClientOptions) {
    this.#o = options;
    this.#store = options.store ?? new MemorySeqStore();
  }

  /** This agent's session path. */
  get path(): string {
    return `${this.#o.user}/${this.#o.machine}/${this.#o.session}`;
  }

  /** Subscribes to events; returns the unsubscribe function. */
  on(listener: (event: AgentEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Events as an async iterator (ends when `signal` aborts). */
  async *events(signal?: AbortSignal): AsyncGenerator<AgentEvent> {
    const queue: AgentEvent[] = [];
    let wake: (() => void) | null = null;
    const off = this.on((event) => {
      queue.push(event);
      wake?.();
    });
    const onAbort = () => wake?.();
    signal?.addEventListener("abort", onAbort);
    try {
      while (!signal?.aborted) {
        const next = queue.shift();
        if (next) {
          yield next;
          continue;
        }
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = null;
      }
    } finally {
      off();
      signal?.removeEventListener("abort", onAbort);
    }
  }

  /**
   * Joins a channel: resumes after the last stored `seq` for it (replaying what was
   * missed), and resolves with the channel info and its latest `seq` once caught up.
   * `admin` says whether this session may use the channel's moderation ops.
   */
  async join(
    channel: string,
    options: { invite?: string; echo?: boolean } = {},
  ): Promise<{ channel: unknown; seq: number; admin: boolean }> {
    if (this.#channels.has(channel)) throw new Error(`already joined ${channel}`);
    const link = this.#link(`/ws/channel/${channel}`, `channel:${channel}`, channel, options);
    this.#channels.set(channel, link);
    try {
      const established = await link.start();
      return {
        channel: established.channel,
        seq: Number(established.seq),
        admin: established.admin === true,
      };
    } catch (err) {
      this.#channels.delete(channel);
      throw err;
    }
  }

  /**
   * Opens this session's inbox: queued whispers arrive first, then live ones. `admin`
   * says whether the user is a server admin (the server-wide ops).
   */
  async openInbox(): Promise<{ admin: boolean }> {
    if (!this.#inbox) {
      const { user, machine, session } = this.#o;
      const inbox = this.#link(`/ws/inbox/${user}/${machine}/${session}`, "inbox", null, {});
      this.#inbox = inbox;
      try {
        const established = await inbox.start();
        return { admin: established.admin === true };
      } catch (err) {
        if (this.#inbox === inbox) this.#inbox = null;
        throw err;
      }
    }
    return { admin: this.#inbox.established?.admin === true };
  }

  /** Posts to a joined channel; resolves with the stored `seq` once the server acked it. */
  async post(
    channel: string,
    payload: unknown,
    options: { id?: string } = {},
  ): Promise<{ id: string; seq: number; ts: number }> {
    const id = options.id ?? newId("post");
    const ack = await this.#joined(channel).request({ type: "post", id, payload });
    return { id, seq: Number(ack.seq), ts: Number(ack.ts) };
  }

  /** Whispers to a session path; `queued` when the target is not connected right now. */
  async whisper(
    target: string,
    payload: unknown,
    options: { id?: string } = {},
  ): Promise<"delivered" | "queued"> {
    const link = this.#inbox ?? this.#channels.values().next().value;
    if (!link) throw new RequestFailed("not_connected", "open the inbox or join a channel first");
    const ack = await link.request({
      type: "whisper",
      id: options.id ?? newId("whisper"),
      target,
      payload,
    });
    return ack.status === "delivered" ? "delivered" : "queued";
  }

  /** The sessions present in a joined channel. */
  async who(channel: string): Promise<Array<{ path: string; since: number }>> {
    const answer = await this.#joined(channel).request({ type: "who", id: newId("who") });
    return answer.sessions as Array<{ path: string; since: number }>;
  }

  /**
   * Runs a moderation or administration op (`kick`, `ban`, `invite_create`,
   * `create_channel`…) on a joined channel's socket, or on the inbox socket when
   * `channel` is `null`; resolves with the `admin_result` frame.
   */
  async admin(
    channel: string | null,
    op: string,
    fields: Record<string, unknown> = {},
  ): Promise<Record<string, unknown>> {
    const link = channel === null ? this.#inbox : this.#joined(channel);
    if (!link) throw new RequestFailed("not_connected", "open the inbox first");
    return link.request({ ...fields, type: "admin", id: newId("admin"), op });
  }

  /** Leaves one channel (its stored `seq` stays, so a later join resumes). */
  leave(channel: string): void {
    this.#channels.get(channel)?.close();
    this.#channels.delete(channel);
  }

  close(): void {
    for (const link of this.#channels.values()) link.close();
    this.#channels.clear();
    this.#inbox?.close();
    this.#inbox = null;
  }

  #joined(channel: string): AgentLink {
    const link = this.#channels.get(channel);
    if (!link) throw new RequestFailed("not_joined", `join ${channel} first`);
    return link;
  }

  #emit(event: AgentEvent): void {
    for (const listener of this.#listeners) listener(event);
  }

  #link(
    path: string,
    storeKey: string,
    channel: string | null,
    hello: { invite?: string; echo?: boolean },
  ): AgentLink {
    const { url, user, machine, session, key } = this.#o;
    return new AgentLink({
      origin: url,
      path,
      storeKey,
      user,
      machine,
      session,
      key,
      store: this.#store,
      hello,
      connectAttempts: this.#o.connectAttempts ?? Number.POSITIVE_INFINITY,
      ...(this.#o.pingIntervalMs === undefined ? {} : { pingIntervalMs: this.#o.pingIntervalMs }),
      log: this.#o.log ?? (() => {}),
      onDelivery: (entry) => {
        if (channel === null) return this.#emit({ type: "whisper", ...entry });
        // A resume replays our own posts too; live fan-out skips them unless echo was asked.
        if (entry.from === this.path && hello.echo !== true) return;
        this.#emit({ type: "message", channel, ...entry });
      },
      onFrame: (frame) => {
        if (frame.type === "presence" && channel !== null) {
          this.#emit({
            type: "presence",
            channel,
            joined: frame.joined as string[],
            left: frame.left as string[],
          });
        } else if (frame.type === "gap") {
          this.#emit({ type: "gap", channel, from_seq: Number(frame.from_seq) });
        }
      },
      onClosed: (code, reason) => {
        if (channel !== null) this.#channels.delete(channel);
        else this.#inbox = null;
        this.#emit({ type: "closed", channel, code, reason });
      },
    });
  }
}
