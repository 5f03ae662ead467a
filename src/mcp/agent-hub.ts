/**
 * The agent side of the bridge: one `AgentClient` per server (each with its own resuming
 * links, backoff and re-join, all in `botgate/client`), the inbox opened at start, and
 * what the tools need on top — unread entries kept until the agent reads them (with the
 * read point as the durable resume point, see `mailbox.ts`), bounded waits, retries of
 * requests that failed closed, and the roles the server announced.
 */
import type { AgentClient, AgentClientOptions, AgentEvent } from "../client/agent-client.ts";
import type { ListedChannel } from "../client/agent-http.ts";
import type { AgentKey } from "../client/agent-keys.ts";
import { RequestFailed, type SeqStore } from "../client/agent-link.ts";
import { sleep } from "../client/backoff.ts";
import type { ClientLog } from "../client/match-session.ts";
import { BridgeError, closeCode, describeClose, describeError } from "./errors.ts";
import { type Entry, Mailbox, ReadCursorStore, type Taken } from "./mailbox.ts";

/** What the hub uses of an `AgentClient` (tests substitute a fake). */
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

export interface HubOptions {
  /** Server origins; the first is the default of every tool. */
  servers: string[];
  identity: AgentIdentity;
  /** Where read cursors are kept (a `FileSeqStore` in the bridge). */
  durable: SeqStore;
  client(options: AgentClientOptions): AgentLike;
  list(origin: string, identity: AgentIdentity): Promise<ListedChannel[]>;
  log: ClientLog;
  /** How long a join or a request may wait for the server (default 15 s). */
  waitMs?: number;
  /** The server's frame limit in UTF-8 bytes (`AGENT_MAX_FRAME_BYTES`, default 16384). */
  maxFrameBytes?: number;
}

/** A joined channel as the server described it. */
export interface JoinedChannel extends ListedChannel {
  seq: number;
  admin: boolean;
}

/** One server: its client, cursors, unread entries and roles. */
interface Server {
  origin: string;
  agent: AgentLike;
  cursors: ReadCursorStore;
  mailbox: Mailbox;
  joined: Map<string, JoinedChannel>;
  /** Joins in flight (the `--channel` ones at start, say): later calls wait for them. */
  joining: Map<string, Promise<unknown>>;
  /** Settles once the inbox is open (or failed for good: `inboxError`). */
  inboxReady: Promise<void>;
  inboxError: string | null;
  serverAdmin: boolean;
}

/** What `read` and `inbox` return for one channel or inbox. */
export interface ReadBatch extends Taken {
  server: string;
  /** The channel name, or `null` for the inbox. */
  channel: string | null;
  /** Why this server's inbox could not be read now (several servers only). */
  unavailable?: string;
}

const channelKey = (channel: string) => `channel:${channel}`;
const INBOX = "inbox";

/** Request failures worth retrying: the socket was down, or the server asked to slow down. */
function transient(err: unknown): boolean {
  return (
    err instanceof RequestFailed &&
    ["not_connected", "connection_lost", "rate_limited"].includes(err.code)
  );
}

/** Resolves or rejects like `promise`, or rejects with `BridgeError(message)` after `ms`. */
async function within<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
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
function duration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`;
}

let ids = 0;
/** A client frame id unique to this bridge process, reused by every retry of one request. */
function requestId(kind: string): string {
  ids += 1;
  return `mcp-${kind}-${Date.now().toString(36)}-${ids}`;
}

export class AgentHub {
  readonly #o: HubOptions;
  readonly #servers: Server[];
  readonly #waitMs: number;
  readonly #maxFrameBytes: number;
  readonly #newsListeners = new Set<(server: string, channel: string | null) => void>();
  readonly #membershipListeners = new Set<() => void>();

  constructor(options: HubOptions) {
    if (options.servers.length === 0) throw new Error("at least one server is needed");
    this.#o = options;
    this.#waitMs = options.waitMs ?? 15_000;
    this.#maxFrameBytes = options.maxFrameBytes ?? 16_384;
    this.#servers = options.servers.map((origin) => this.#server(origin));
  }

  /** The configured server origins, the default first. */
  get servers(): string[] {
    return this.#servers.map((s) => s.origin);
  }

  /** This agent's session path. */
  get path(): string {
    const { user, machine, session } = this.#o.identity;
    return `${user}/${machine}/${session}`;
  }

  /** Called with (server, channel or `null` for the inbox) whenever unread entries arrive. */
  onNews(listener: (server: string, channel: string | null) => void): void {
    this.#newsListeners.add(listener);
  }

  /** Called whenever the joined channels or the admin roles change. */
  onMembershipChanged(listener: () => void): void {
    this.#membershipListeners.add(listener);
  }

  /** The joined channels of every server. */
  joinedChannels(): Array<{ server: string; channel: string }> {
    return this.#servers.flatMap((s) =>
      [...s.joined.keys()].map((channel) => ({ server: s.origin, channel })),
    );
  }

  /** Whether the server said this user is a server admin (on any configured server). */
  get serverAdmin(): boolean {
    return this.#servers.some((s) => s.serverAdmin);
  }

  /** Whether this session may moderate at least one joined channel. */
  get channelAdmin(): boolean {
    return this.#servers.some((s) => [...s.joined.values()].some((c) => c.admin));
  }

  #server(origin: string): Server {
    const cursors = new ReadCursorStore(this.#o.durable, `${origin} `);
    const agent = this.#o.client({
      url: origin,
      ...this.#o.identity,
      store: cursors,
      log: this.#o.log,
    });
    const server: Server = {
      origin,
      agent,
      cursors,
      mailbox: new Mailbox(),
      joined: new Map(),
      joining: new Map(),
      inboxReady: Promise.resolve(),
      inboxError: null,
      serverAdmin: false,
    };
    agent.on((event) => this.#onEvent(server, event));
    server.inboxReady = agent.openInbox().then(
      ({ admin }) => {
        server.serverAdmin = admin;
        if (admin) this.#membershipChanged();
      },
      (err: unknown) => {
        server.inboxError = describeError(err, (e) =>
          this.#o.log("mcp_inbox_failed", { server: origin, error: String(e) }),
        );
      },
    );
    return server;
  }

  #onEvent(server: Server, event: AgentEvent): void {
    const channel = event.type === "whisper" ? null : event.channel;
    const key = channel === null ? INBOX : channelKey(channel);
    switch (event.type) {
      case "message":
      case "whisper":
        server.mailbox.deliver(key, event);
        break;
      case "gap":
        server.mailbox.gap(key, event.from_seq);
        break;
      case "closed":
        server.mailbox.closed(key, event.code, event.reason);
        if (channel === null) server.inboxError = describeClose(event.code, event.reason);
        else if (server.joined.delete(channel)) this.#membershipChanged();
        this.#o.log("mcp_link_closed", { server: server.origin, channel, code: event.code });
        break;
      case "presence":
        return;
    }
    for (const listener of this.#newsListeners) listener(server.origin, channel);
  }

  #membershipChanged(): void {
    for (const listener of this.#membershipListeners) listener();
  }

  /** A configured server by origin or host; the default (first) one when `name` is absent. */
  #pick(name: string | undefined): Server {
    if (name === undefined) return this.#servers[0] as Server;
    const found = this.#servers.find((s) => s.origin === name || new URL(s.origin).host === name);
    if (!found) {
      throw new BridgeError(
        `unknown server ${JSON.stringify(name)}; this bridge is configured for ${this.servers.join(", ")}`,
      );
    }
    return found;
  }

  /** Waits for a join of `channel` in flight, if any (its failure is that call's to report). */
  async #settled(server: Server, channel: string): Promise<void> {
    await server.joining.get(channel)?.catch(() => {});
  }

  #joined(server: Server, channel: string): JoinedChannel {
    const joined = server.joined.get(channel);
    if (!joined) throw new BridgeError(`not in #${channel}: call join first`);
    return joined;
  }

  /** Refuses a frame the server would answer with `too_large` and a close (which would drop the link). */
  #checkSize(frame: Record<string, unknown>, what: string): void {
    const bytes = new TextEncoder().encode(JSON.stringify(frame)).length;
    if (bytes > this.#maxFrameBytes) {
      throw new BridgeError(
        `${what} is too long: ${bytes} bytes as a frame, the server accepts ${this.#maxFrameBytes}; split it into several`,
      );
    }
  }

  /** Runs a request, retrying while the link is down or rate limited, for at most the wait. */
  async #request<T>(server: Server, run: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + this.#waitMs;
    for (let attempt = 0; ; attempt += 1) {
      const left = deadline - Date.now();
      try {
        return await within(
          run(),
          Math.max(left, 1),
          `no answer from ${server.origin} within ${duration(this.#waitMs)}; it may be down (the bridge keeps reconnecting)`,
        );
      } catch (err) {
        if (!transient(err) || Date.now() >= deadline) throw err;
        await sleep(Math.min(200 * 2 ** attempt, 2000, Math.max(deadline - Date.now(), 0)));
      }
    }
  }

  /** Joins a channel (or answers with it when already joined), resuming after the read point. */
  async join(
    serverName: string | undefined,
    channel: string,
    invite?: string,
  ): Promise<JoinedChannel & { server: string; unread: number }> {
    const server = this.#pick(serverName);
    const existing = server.joined.get(channel);
    if (existing) {
      return {
        ...existing,
        server: server.origin,
        unread: server.mailbox.unread(channelKey(channel)),
      };
    }
    const inFlight = server.joining.get(channel);
    if (inFlight) {
      await inFlight.catch(() => {});
      return this.join(serverName, channel, invite);
    }
    const attempt = this.#dial(server, channel, invite);
    server.joining.set(channel, attempt);
    try {
      return await attempt;
    } finally {
      server.joining.delete(channel);
    }
  }

  async #dial(
    server: Server,
    channel: string,
    invite: string | undefined,
  ): Promise<JoinedChannel & { server: string; unread: number }> {
    let joined: { channel: unknown; seq: number; admin: boolean };
    try {
      joined = await within(
        server.agent.join(channel, invite === undefined ? {} : { invite }),
        this.#waitMs,
        `could not reach ${server.origin} within ${duration(this.#waitMs)} to join #${channel}; is the server up?`,
      );
    } catch (err) {
      server.agent.leave(channel);
      server.mailbox.drop(channelKey(channel));
      const code = closeCode(err);
      if (code === 4004)
        throw new BridgeError(`there is no channel #${channel} on ${server.origin}`);
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
    server.joined.set(channel, entry);
    this.#membershipChanged();
    return { ...entry, server: server.origin, unread: server.mailbox.unread(channelKey(channel)) };
  }

  /** Leaves a joined channel; what was not read yet is replayed by a later join. */
  async leave(serverName: string | undefined, channel: string): Promise<void> {
    const server = this.#pick(serverName);
    await this.#settled(server, channel);
    this.#joined(server, channel);
    server.agent.leave(channel);
    server.joined.delete(channel);
    server.mailbox.drop(channelKey(channel));
    this.#membershipChanged();
  }

  /** Posts `text` to a joined channel; resolves with the stored `seq`. */
  async post(
    serverName: string | undefined,
    channel: string,
    text: string,
  ): Promise<{ seq: number; ts: number }> {
    const server = this.#pick(serverName);
    await this.#settled(server, channel);
    this.#joined(server, channel);
    const id = requestId("post");
    const payload = { text };
    this.#checkSize({ type: "post", id, payload }, "the message");
    const ack = await this.#request(server, () => server.agent.post(channel, payload, { id }));
    return { seq: ack.seq, ts: ack.ts };
  }

  /**
   * Unread messages of one joined channel, or of every channel with news when `channel`
   * is absent; each returned entry is committed as read before this resolves.
   */
  async read(
    serverName: string | undefined,
    channel: string | undefined,
    limit: number,
  ): Promise<ReadBatch[]> {
    if (channel !== undefined) {
      const server = this.#pick(serverName);
      await this.#settled(server, channel);
      if (!server.joined.has(channel) && !server.mailbox.hasNews(channelKey(channel))) {
        this.#joined(server, channel);
      }
      return [await this.#take(server, channel, limit)];
    }
    const servers = serverName === undefined ? this.#servers : [this.#pick(serverName)];
    const batches: ReadBatch[] = [];
    for (const server of servers) {
      // Joined channels, and those the server closed since the last read (to say so once).
      const names = new Set([...server.joined.keys(), ...server.mailbox.channelsWithNews()]);
      for (const name of names) batches.push(await this.#take(server, name, limit));
    }
    return batches;
  }

  async #take(server: Server, channel: string | null, limit: number): Promise<ReadBatch> {
    const key = channel === null ? INBOX : channelKey(channel);
    const taken = server.mailbox.take(key, limit);
    const last = taken.entries.at(-1)?.seq;
    // All read: the cursor may pass what was delivered but not shown (our own posts).
    const delivered = server.cursors.delivered(key);
    const upTo = taken.more === 0 && delivered !== undefined ? delivered : last;
    if (upTo !== undefined) await server.cursors.commit(key, upTo);
    return { server: server.origin, channel, ...taken };
  }

  /** Entries waiting under a channel or the inbox, without marking them read (for resources). */
  peek(serverName: string, channel: string | null): Entry[] {
    const server = this.#pick(serverName);
    return server.mailbox.peek(channel === null ? INBOX : channelKey(channel));
  }

  /** Whispers to a session path: `delivered` when its inbox is live, else `queued`. */
  async whisper(
    serverName: string | undefined,
    target: string,
    text: string,
  ): Promise<"delivered" | "queued"> {
    const server = this.#pick(serverName);
    await this.#inbox(server);
    const id = requestId("whisper");
    const payload = { text };
    this.#checkSize({ type: "whisper", id, target, payload }, "the whisper");
    try {
      return await this.#request(server, () => server.agent.whisper(target, payload, { id }));
    } catch (err) {
      if (err instanceof RequestFailed && err.code === "not_found") {
        throw new BridgeError(
          `no such user or machine for ${target} (any session name of an existing machine works)`,
        );
      }
      throw err;
    }
  }

  async #inbox(server: Server): Promise<void> {
    await within(
      server.inboxReady,
      this.#waitMs,
      `the inbox on ${server.origin} is not open yet (the server may be down; the bridge keeps trying)`,
    );
    if (server.inboxError) throw new BridgeError(`the inbox is closed: ${server.inboxError}`);
  }

  /**
   * Unread whispers, on one server or all of them; each returned one is committed as read.
   * Right after start the queued whispers are still being replayed, so an empty inbox
   * waits for the inbox to be open first. Across several servers, one that cannot answer
   * is reported in its batch (`unavailable`) rather than failing the others.
   */
  async inbox(serverName: string | undefined, limit: number): Promise<ReadBatch[]> {
    const servers = serverName === undefined ? this.#servers : [this.#pick(serverName)];
    const batches: ReadBatch[] = [];
    for (const server of servers) {
      try {
        if (!server.mailbox.hasNews(INBOX)) {
          await within(
            server.inboxReady,
            this.#waitMs,
            `the inbox on ${server.origin} is not open yet (the server may be down; the bridge keeps trying)`,
          );
          if (server.inboxError) {
            throw new BridgeError(`the inbox on ${server.origin} is closed: ${server.inboxError}`);
          }
        }
      } catch (err) {
        if (servers.length === 1) throw err;
        batches.push({
          server: server.origin,
          channel: null,
          entries: [],
          more: 0,
          unavailable: describeError(err, (e) =>
            this.#o.log("mcp_inbox_failed", { server: server.origin, error: String(e) }),
          ),
        });
        continue;
      }
      batches.push(await this.#take(server, null, limit));
    }
    return batches;
  }

  /** The sessions present in a joined channel. */
  async who(
    serverName: string | undefined,
    channel: string,
  ): Promise<Array<{ path: string; since: number }>> {
    const server = this.#pick(serverName);
    await this.#settled(server, channel);
    this.#joined(server, channel);
    return this.#request(server, () => server.agent.who(channel));
  }

  /** Channels this agent may see on each server, with what the bridge knows of them. */
  async channels(serverName: string | undefined): Promise<
    Array<{
      server: string;
      channels: Array<ListedChannel & { joined: boolean; unread: number; admin: boolean }>;
    }>
  > {
    const servers = serverName === undefined ? this.#servers : [this.#pick(serverName)];
    return Promise.all(
      servers.map(async (server) => {
        const listed = await this.#o.list(server.origin, this.#o.identity);
        const names = new Set(listed.map((c) => c.name));
        // A joined unlisted channel is not in the directory listing: show it anyway.
        const all = [...listed, ...[...server.joined.values()].filter((c) => !names.has(c.name))];
        return {
          server: server.origin,
          channels: all.map((c) => {
            const joined = server.joined.get(c.name);
            return {
              name: c.name,
              visibility: c.visibility,
              topic: c.topic,
              joined: !!joined,
              unread: server.mailbox.unread(channelKey(c.name)),
              admin: joined?.admin ?? false,
            };
          }),
        };
      }),
    );
  }

  /** Runs an admin op on a joined channel, or a server-wide op on the inbox socket (`channel` null). */
  async admin(
    serverName: string | undefined,
    channel: string | null,
    op: string,
    fields: Record<string, unknown>,
  ): Promise<Record<string, unknown>> {
    const server = this.#pick(serverName);
    if (channel === null) await this.#inbox(server);
    else {
      await this.#settled(server, channel);
      this.#joined(server, channel);
    }
    try {
      return await this.#request(server, () => server.agent.admin(channel, op, fields));
    } catch (err) {
      if (err instanceof RequestFailed && err.code === "forbidden") {
        throw new BridgeError(
          channel === null
            ? `${op} needs a server admin: ${err.message}`
            : `${op} needs the channel admin of #${channel} or a server admin: ${err.message}`,
        );
      }
      throw err;
    }
  }

  close(): void {
    for (const server of this.#servers) server.agent.close();
  }
}
