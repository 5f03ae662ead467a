/**
 * The agent side of the bridge, as the tools see it: one `ServerLink` per configured server
 * (an `AgentClient` each, with its inbox opened at start), the default server and the
 * `server` argument, the frame-size check, and each tool's operation with its failures
 * turned into sentences. Unread entries are kept until the agent reads them, with the read
 * point as the links' durable resume point (`mailbox.ts`).
 */
import type { AgentClientOptions } from "../client/agent-client.ts";
import type { ListedChannel } from "../client/agent-http.ts";
import { RequestFailed, type SeqStore } from "../client/agent-link.ts";
import type { ClientLog } from "../client/match-session.ts";
import { BridgeError, describeError } from "./errors.ts";
import type { Entry } from "./mailbox.ts";
import {
  type AgentIdentity,
  type AgentLike,
  channelKey,
  INBOX,
  type JoinedChannel,
  type ReadBatch,
  requestId,
  ServerLink,
} from "./server-link.ts";

export type { AgentIdentity, AgentLike, JoinedChannel, ReadBatch } from "./server-link.ts";

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

export class AgentHub {
  readonly #o: HubOptions;
  readonly #links: ServerLink[];
  readonly #maxFrameBytes: number;
  readonly #newsListeners = new Set<(server: string, channel: string | null) => void>();
  readonly #membershipListeners = new Set<() => void>();

  constructor(options: HubOptions) {
    if (options.servers.length === 0) throw new Error("at least one server is needed");
    this.#o = options;
    this.#maxFrameBytes = options.maxFrameBytes ?? 16_384;
    this.#links = options.servers.map(
      (origin) =>
        new ServerLink(origin, {
          identity: options.identity,
          durable: options.durable,
          client: options.client,
          log: options.log,
          waitMs: options.waitMs ?? 15_000,
          onNews: (channel) => {
            for (const listener of this.#newsListeners) listener(origin, channel);
          },
          onMembership: () => {
            for (const listener of this.#membershipListeners) listener();
          },
        }),
    );
  }

  /** The configured server origins, the default first. */
  get servers(): string[] {
    return this.#links.map((s) => s.origin);
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
    return this.#links.flatMap((s) =>
      [...s.joined.keys()].map((channel) => ({ server: s.origin, channel })),
    );
  }

  /** Whether the server said this user is a server admin (on any configured server). */
  get serverAdmin(): boolean {
    return this.#links.some((s) => s.serverAdmin);
  }

  /** Whether this session may moderate at least one joined channel. */
  get channelAdmin(): boolean {
    return this.#links.some((s) => [...s.joined.values()].some((c) => c.admin));
  }

  /** A configured server by origin or host; the default (first) one when `name` is absent. */
  #pick(name: string | undefined): ServerLink {
    if (name === undefined) return this.#links[0] as ServerLink;
    const found = this.#links.find((s) => s.origin === name || new URL(s.origin).host === name);
    if (!found) {
      throw new BridgeError(
        `unknown server ${JSON.stringify(name)}; this bridge is configured for ${this.servers.join(", ")}`,
      );
    }
    return found;
  }

  /** The links `name` selects: that one, or all when absent. */
  #pickAll(name: string | undefined): ServerLink[] {
    return name === undefined ? this.#links : [this.#pick(name)];
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

  /** Joins a channel (or answers with it when already joined), resuming after the read point. */
  async join(
    serverName: string | undefined,
    channel: string,
    invite?: string,
  ): Promise<JoinedChannel & { server: string; unread: number }> {
    const link = this.#pick(serverName);
    const joined = await link.join(channel, invite);
    return { ...joined, server: link.origin, unread: link.mailbox.unread(channelKey(channel)) };
  }

  /** Leaves a joined channel; what was not read yet is replayed by a later join. */
  async leave(serverName: string | undefined, channel: string): Promise<void> {
    await this.#pick(serverName).leave(channel);
  }

  /** Posts `text` to a joined channel; resolves with the stored `seq`. */
  async post(
    serverName: string | undefined,
    channel: string,
    text: string,
  ): Promise<{ seq: number; ts: number }> {
    const link = this.#pick(serverName);
    await link.joinedChannel(channel);
    const id = requestId("post");
    const payload = { text };
    this.#checkSize({ type: "post", id, payload }, "the message");
    const ack = await link.request(() => link.agent.post(channel, payload, { id }));
    return { seq: ack.seq, ts: ack.ts };
  }

  /**
   * Unread messages of one joined channel, or of every joined channel when `channel` is
   * absent (and of those the server closed since the last read, to say so once); each
   * returned entry is committed as read before this resolves.
   */
  async read(
    serverName: string | undefined,
    channel: string | undefined,
    limit: number,
  ): Promise<ReadBatch[]> {
    if (channel !== undefined) {
      const link = this.#pick(serverName);
      await link.settled(channel);
      if (!link.mailbox.hasNews(channelKey(channel))) await link.joinedChannel(channel);
      return [await link.take(channel, limit)];
    }
    const batches: ReadBatch[] = [];
    for (const link of this.#pickAll(serverName)) {
      const names = new Set([...link.joined.keys(), ...link.mailbox.channelsWithNews()]);
      for (const name of names) batches.push(await link.take(name, limit));
    }
    return batches;
  }

  /** Entries waiting under a channel or the inbox, without marking them read (for resources). */
  peek(serverName: string, channel: string | null): Entry[] {
    return this.#pick(serverName).mailbox.peek(channel === null ? INBOX : channelKey(channel));
  }

  /** Whispers to a session path: `delivered` when its inbox is live, else `queued`. */
  async whisper(
    serverName: string | undefined,
    target: string,
    text: string,
  ): Promise<"delivered" | "queued"> {
    const link = this.#pick(serverName);
    await link.inbox();
    const id = requestId("whisper");
    const payload = { text };
    this.#checkSize({ type: "whisper", id, target, payload }, "the whisper");
    try {
      return await link.request(() => link.agent.whisper(target, payload, { id }));
    } catch (err) {
      if (err instanceof RequestFailed && err.code === "not_found") {
        throw new BridgeError(
          `no such user or machine for ${target} (any session name of an existing machine works)`,
        );
      }
      throw err;
    }
  }

  /**
   * Unread whispers, on one server or all of them; each returned one is committed as read.
   * Right after start the queued whispers are still being replayed, so an empty inbox
   * waits for the inbox to be open first. Across several servers, one that cannot answer
   * is reported in its batch (`unavailable`) rather than failing the others.
   */
  async inbox(serverName: string | undefined, limit: number): Promise<ReadBatch[]> {
    const links = this.#pickAll(serverName);
    const batches: ReadBatch[] = [];
    for (const link of links) {
      try {
        if (!link.mailbox.hasNews(INBOX)) await link.inbox();
      } catch (err) {
        if (links.length === 1) throw err;
        batches.push({
          server: link.origin,
          channel: null,
          entries: [],
          more: 0,
          unavailable: describeError(err, (e) =>
            this.#o.log("mcp_inbox_failed", { server: link.origin, error: String(e) }),
          ),
        });
        continue;
      }
      batches.push(await link.take(null, limit));
    }
    return batches;
  }

  /** The sessions present in a joined channel. */
  async who(
    serverName: string | undefined,
    channel: string,
  ): Promise<Array<{ path: string; since: number }>> {
    const link = this.#pick(serverName);
    await link.joinedChannel(channel);
    return link.request(() => link.agent.who(channel));
  }

  /** Channels this agent may see on each server, with what the bridge knows of them. */
  async channels(serverName: string | undefined): Promise<
    Array<{
      server: string;
      channels: Array<ListedChannel & { joined: boolean; unread: number; admin: boolean }>;
    }>
  > {
    return Promise.all(
      this.#pickAll(serverName).map(async (link) => {
        const listed = await this.#o.list(link.origin, this.#o.identity);
        const names = new Set(listed.map((c) => c.name));
        // A joined unlisted channel is not in the directory listing: show it anyway.
        const all = [...listed, ...[...link.joined.values()].filter((c) => !names.has(c.name))];
        return {
          server: link.origin,
          channels: all.map((c) => {
            const joined = link.joined.get(c.name);
            return {
              name: c.name,
              visibility: c.visibility,
              topic: c.topic,
              joined: !!joined,
              unread: link.mailbox.unread(channelKey(c.name)),
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
    const link = this.#pick(serverName);
    if (channel === null) await link.inbox();
    else await link.joinedChannel(channel);
    try {
      return await link.request(() => link.agent.admin(channel, op, fields));
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
    for (const link of this.#links) link.agent.close();
  }
}
