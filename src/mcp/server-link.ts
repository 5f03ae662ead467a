/**
 * One server of the bridge: its `AgentClient` (resuming links, backoff and re-join are the
 * SDK's), the read-point store its links resume from, the unread entries, the joined
 * channels and the roles the server announced — plus the bounded waits and retries every
 * tool call to that server goes through.
 */
import type { AgentClient, AgentClientOptions, AgentEvent } from "../client/agent-client.ts";
import type { ListedChannel } from "../client/agent-http.ts";
import type { AgentKey } from "../client/agent-keys.ts";
import { RequestFailed, type SeqStore } from "../client/agent-link.ts";
import { sleep } from "../client/backoff.ts";
import type { ClientLog } from "../client/match-session.ts";
import { BridgeError, closeCode, describeClose, describeError } from "./errors.ts";
import { Mailbox, ReadCursorStore, type Taken } from "./mailbox.ts";

/** What the bridge uses of an `AgentClient` (tests substitute a fake). */
export type AgentLike = Pick<
  AgentClient,
  "path" | "on" | "join" | "leave" | "openInbox" | "post" | "whisper" | "who" | "admin" | "close"
>;

export interface AgentIdentity {
  user: string;
  machine: string;
  session: string;
  key: AgentKey;
}

/** A joined channel as the server described it. */
export interface JoinedChannel extends ListedChannel {
  seq: number;
  admin: boolean;
}

/** What `read` and `inbox` return for one channel or inbox. */
export interface ReadBatch extends Taken {
  server: string;
  /** The channel name, or `null` for the inbox. */
  channel: string | null;
  /** Why this server's inbox could not be read now (several servers only). */
  unavailable?: string;
}

export const channelKey = (channel: string) => `channel:${channel}`;
export const INBOX = "inbox";

/** Request failures worth retrying: the socket was down, or the server asked to slow down. */
function transient(err: unknown): boolean {
  return (
    err instanceof RequestFailed &&
    ["not_connected", "connection_lost", "rate_limited"].includes(err.code)
  );
}

/** Resolves or rejects like `promise`, or rejects with `BridgeError(message)` after `ms`. */
export async function within<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new BridgeError(message)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** A wait as the agent reads it: `15 s`, or `500 ms` below a second. */
export function duration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`;
}

let ids = 0;
/** A client frame id unique to this bridge process, reused by every retry of one request. */
export function requestId(kind: string): string {
  ids += 1;
  return `mcp-${kind}-${Date.now().toString(36)}-${ids}`;
}

export interface ServerLinkOptions {
  identity: AgentIdentity;
  durable: SeqStore;
  client(options: AgentClientOptions): AgentLike;
  log: ClientLog;
  waitMs: number;
  /** Unread entries arrived under a channel (or the inbox, `null`). */
  onNews(channel: string | null): void;
  /** The joined channels or the roles changed. */
  onMembership(): void;
}

export class ServerLink {
  readonly origin: string;
  readonly agent: AgentLike;
  readonly mailbox = new Mailbox();
  readonly joined = new Map<string, JoinedChannel>();
  /** Settles once the inbox is open (or failed for good: `inboxError`). */
  readonly inboxReady: Promise<void>;
  inboxError: string | null = null;
  serverAdmin = false;
  readonly #o: ServerLinkOptions;
  readonly #cursors: ReadCursorStore;
  /** Joins in flight (the `--channel` ones at start, say): later calls wait for them. */
  readonly #joining = new Map<string, Promise<unknown>>();

  constructor(origin: string, options: ServerLinkOptions) {
    this.origin = origin;
    this.#o = options;
    this.#cursors = new ReadCursorStore(options.durable, `${origin} `);
    this.agent = options.client({
      url: origin,
      ...options.identity,
      store: this.#cursors,
      log: options.log,
    });
    this.agent.on((event) => this.#onEvent(event));
    this.inboxReady = this.agent.openInbox().then(
      ({ admin }) => {
        this.serverAdmin = admin;
        if (admin) options.onMembership();
      },
      (err: unknown) => {
        this.inboxError = describeError(err, (e) =>
          options.log("mcp_inbox_failed", { server: origin, error: String(e) }),
        );
      },
    );
  }

  #onEvent(event: AgentEvent): void {
    const channel = event.type === "whisper" ? null : event.channel;
    const key = channel === null ? INBOX : channelKey(channel);
    switch (event.type) {
      case "message":
      case "whisper":
        this.mailbox.deliver(key, event);
        break;
      case "gap":
        this.mailbox.gap(key, event.from_seq);
        break;
      case "closed":
        this.mailbox.closed(key, event.code, event.reason);
        if (channel === null) this.inboxError = describeClose(event.code, event.reason);
        else if (this.joined.delete(channel)) this.#o.onMembership();
        this.#o.log("mcp_link_closed", { server: this.origin, channel, code: event.code });
        break;
      case "presence":
        return;
    }
    this.#o.onNews(channel);
  }

  /** Waits for a join of `channel` in flight, if any (its failure is that call's to report). */
  async settled(channel: string): Promise<void> {
    await this.#joining.get(channel)?.catch(() => {});
  }

  /** A joined channel, after any join of it in flight; a plain error when it is not joined. */
  async joinedChannel(channel: string): Promise<JoinedChannel> {
    await this.settled(channel);
    const joined = this.joined.get(channel);
    if (!joined) throw new BridgeError(`not in #${channel}: call join first`);
    return joined;
  }

  /** Runs a request, retrying while the link is down or rate limited, for at most the wait. */
  async request<T>(run: () => Promise<T>): Promise<T> {
    const waitMs = this.#o.waitMs;
    const deadline = Date.now() + waitMs;
    for (let attempt = 0; ; attempt += 1) {
      const left = deadline - Date.now();
      try {
        return await within(
          run(),
          Math.max(left, 1),
          `no answer from ${this.origin} within ${duration(waitMs)}; it may be down (the bridge keeps reconnecting)`,
        );
      } catch (err) {
        if (!transient(err) || Date.now() >= deadline) throw err;
        await sleep(Math.min(200 * 2 ** attempt, 2000, Math.max(deadline - Date.now(), 0)));
      }
    }
  }

  /** Joins once: a second call while the first is in flight waits for it. */
  async join(channel: string, invite: string | undefined): Promise<JoinedChannel> {
    const existing = this.joined.get(channel);
    if (existing) return existing;
    const inFlight = this.#joining.get(channel);
    if (inFlight) {
      await inFlight.catch(() => {});
      return this.join(channel, invite);
    }
    const attempt = this.#dial(channel, invite);
    this.#joining.set(channel, attempt);
    try {
      return await attempt;
    } finally {
      this.#joining.delete(channel);
    }
  }

  async #dial(channel: string, invite: string | undefined): Promise<JoinedChannel> {
    let joined: { channel: unknown; seq: number; admin: boolean };
    try {
      joined = await within(
        this.agent.join(channel, invite === undefined ? {} : { invite }),
        this.#o.waitMs,
        `could not reach ${this.origin} within ${duration(this.#o.waitMs)} to join #${channel}; is the server up?`,
      );
    } catch (err) {
      this.agent.leave(channel);
      this.mailbox.drop(channelKey(channel));
      const code = closeCode(err);
      if (code === 4004) throw new BridgeError(`there is no channel #${channel} on ${this.origin}`);
      if (code === 4003) {
        throw new BridgeError(
          `access to #${channel} refused: it is private (ask a channel admin for an invite) or you are banned`,
        );
      }
      throw err;
    }
    const info = joined.channel as ListedChannel | undefined;
    const entry: JoinedChannel = {
      name: info?.name ?? channel,
      visibility: info?.visibility ?? "public",
      topic: info?.topic ?? "",
      seq: joined.seq,
      admin: joined.admin,
    };
    this.joined.set(channel, entry);
    this.#o.onMembership();
    return entry;
  }

  /** Leaves a joined channel; what was not read yet is replayed by a later join. */
  async leave(channel: string): Promise<void> {
    await this.joinedChannel(channel);
    this.agent.leave(channel);
    this.joined.delete(channel);
    this.mailbox.drop(channelKey(channel));
    this.#o.onMembership();
  }

  /**
   * Takes up to `limit` unread entries of a channel (or the inbox, `null`) and commits the
   * read point before returning them.
   */
  async take(channel: string | null, limit: number): Promise<ReadBatch> {
    const key = channel === null ? INBOX : channelKey(channel);
    const taken = this.mailbox.take(key, limit);
    const last = taken.entries.at(-1)?.seq;
    // All read: the cursor may pass what was delivered but not shown (our own posts).
    const delivered = this.#cursors.delivered(key);
    const upTo = taken.more === 0 && delivered !== undefined ? delivered : last;
    if (upTo !== undefined) await this.#cursors.commit(key, upTo);
    return { server: this.origin, channel, ...taken };
  }

  /** Waits (bounded) for the inbox to be open; a plain error when it is closed for good. */
  async inbox(): Promise<void> {
    await within(
      this.inboxReady,
      this.#o.waitMs,
      `the inbox on ${this.origin} is not open yet (the server may be down; the bridge keeps trying)`,
    );
    if (this.inboxError) {
      throw new BridgeError(`the inbox on ${this.origin} is closed: ${this.inboxError}`);
    }
  }
}
