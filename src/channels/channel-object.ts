/**
 * `ChannelObject`: one Durable Object per channel, behind `/ws/channel/{name}`. A thin
 * class over the plain modules: `ChannelState` (settings, ACL, bans, invites), `SeqLog`
 * (messages with a dense `seq`), `Presence` (batched diffs) and `moderate` (§8 admin ops).
 * The socket handshake, limits and sweep come from `AgentSocketObject`.
 */
import { createChannel, type NewChannel } from "../agents/admin-ops";
import { sha256Hex } from "../lib/crypto";
import { type ChannelMessage, reportChannelMessage } from "../operators/chat-events";
import { reportPresence } from "../operators/hub-reporter";
import { channelSessionPresence } from "../operators/presence-kinds";
import {
  type ChannelAdminOp,
  type ChannelClientFrame,
  ChannelClientFrameSchema,
  type ChannelInfo,
  CloseCode,
  type HistoryRequest,
  type Parsed,
  type Post,
  parseClientFrame,
} from "../protocol/channel-frames";
import { APPROVALS_SENDER } from "../sleds/approval-messages";
import { onApprovalsPost } from "../sleds/approvals-channel";
import { type Admission, AgentSocketObject } from "./agent-socket-object";
import type { LiveSocket } from "./agent-sockets";
import { type ChannelSettings, ChannelState } from "./channel-state";
import type { Attachment, HelloRequest, Identity } from "./connection";
import { setMembership } from "./directory";
import { type ModerationHost, mirrorToDirectory, moderate } from "./moderation";
import { Presence } from "./presence";
import { type Appended, SeqLog } from "./seq-log";

/** Age pruning runs at most this often; reads filter expired messages in between. */
const PRUNE_EVERY_MS = 3600 * 1000;
/** Until when operators watch this channel (`chat.subscribe`), epoch ms. */
const OPERATOR_WATCH_KEY = "operator_watch_until";

/** One channel: messages, presence, ACL and moderation behind `/ws/channel/{name}`. */
export class ChannelObject extends AgentSocketObject<ChannelClientFrame> {
  protected readonly kind = "channel";
  #state: ChannelState;
  #log: SeqLog;
  #presence: Presence;
  /** Invite hashes computed in `prepare`, by socket path, consumed by `admit`. */
  readonly #inviteHashes = new Map<string, string>();
  /** Memberships gained by invite during admission, mirrored to D1 once established. */
  readonly #redeemed = new Set<string>();
  /** Whether an age prune is scheduled (checked in storage once per wake-up). */
  #pruneScheduled: boolean;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#state = new ChannelState(this.sql);
    this.#log = this.#newLog();
    this.#presence = new Presence(this.sql);
    this.#pruneScheduled = this.schedule.has("prune");
    // After a restart the runtime has no sockets for presence rows written before it:
    // those sessions left, and everyone still here is told so.
    const live = new Set([...this.sockets.live()].map((s) => s.attachment.id));
    if (this.#presence.reconcile(live)) {
      this.schedule.atLatest("presence", Date.now());
      ctx.blockConcurrencyWhile(() => this.arm());
    }
  }

  protected parse(text: string): Parsed<ChannelClientFrame> {
    return parseClientFrame(text, ChannelClientFrameSchema);
  }

  #info(settings: ChannelSettings): ChannelInfo {
    return { name: settings.name, visibility: settings.visibility, topic: settings.topic };
  }

  #newLog(): SeqLog {
    return new SeqLog(this.sql, "messages", {
      maxAgeMs: this.config.channelRetentionMs,
      maxCount: this.config.channelMaxMessages,
    });
  }

  // ---- RPC (from the Worker and other objects) ----

  /** Creates this channel. Returns the channel as it now is, and whether it is new. */
  async create(input: NewChannel & { created_at: number }): Promise<{
    created: boolean;
    channel: ChannelInfo;
  }> {
    const created = this.#state.create({
      name: this.name,
      visibility: input.visibility,
      topic: input.topic,
      admin: input.admin,
      created_at: input.created_at,
    });
    const settings = this.#state.settings();
    if (!settings) throw new Error("channel settings missing right after create");
    return { created, channel: this.#info(settings) };
  }

  /** Deletes the channel: everyone is closed with 4004 and all history is gone. */
  async destroy(): Promise<boolean> {
    const existed = this.#state.settings() !== null;
    this.sockets.dropAll(CloseCode.notFound, { code: "not_found", message: "Channel deleted" });
    await this.ctx.storage.deleteAll();
    this.resetMemory();
    this.#state = new ChannelState(this.sql);
    this.#log = this.#newLog();
    this.#presence = new Presence(this.sql);
    this.#pruneScheduled = false;
    return existed;
  }

  /** A user was removed from the server: they lose membership and any admin role here. */
  async forgetUser(user: string): Promise<void> {
    this.#state.forgetUser(user);
  }

  // ---- RPC from the operator hub (docs/operator-gateway.md, chat.*) ----

  /** Who is here, for the hub's presence rebuild. */
  async presenceList(): Promise<Array<{ path: string; since: number }>> {
    return this.#presence.list();
  }

  /** A page of history for `chat.history`; `null` when there is no such channel. */
  async operatorHistory(request: Omit<HistoryRequest, "type" | "id">): Promise<{
    messages: Array<{ seq: number; ts: number; from: string; payload: string }>;
    more: boolean;
  } | null> {
    if (!this.#state.settings()) return null;
    const page = this.#log.page(request, Date.now());
    // Payloads cross the RPC as JSON text: their shape is the agents' business.
    const messages = page.entries.map((e) => ({ ...e, payload: JSON.stringify(e.payload) }));
    return { messages, more: page.more };
  }

  /** A post by an operator (`chat.send`), idempotent by `id`; `null` when there is no channel. */
  async operatorPost(input: {
    from: string;
    id: string;
    payload: unknown;
  }): Promise<Appended | null> {
    if (!this.#state.settings()) return null;
    const stored = this.#log.append(
      input.from,
      input.id,
      JSON.stringify(input.payload),
      Date.now(),
    );
    if (!stored.duplicate) {
      this.#deliver(
        { seq: stored.seq, ts: stored.ts, from: input.from, payload: input.payload },
        null,
      );
    }
    return stored;
  }

  /** Operators watch this channel until `until`: its messages are reported to the hub. */
  async watchForOperators(until: number): Promise<boolean> {
    if (!this.#state.settings()) return false;
    const held = this.ctx.storage.kv.get<number>(OPERATOR_WATCH_KEY) ?? 0;
    if (until > held) this.ctx.storage.kv.put(OPERATOR_WATCH_KEY, until);
    return true;
  }

  // ---- handshake hooks ----

  protected override async prepare(identity: Identity, hello: HelloRequest): Promise<void> {
    if (hello.invite !== null) {
      this.#inviteHashes.set(identity.path, await sha256Hex(hello.invite));
    }
    if (this.#state.settings() === null && this.config.autoCreateChannels) {
      await createChannel(this.env, {
        name: this.name,
        visibility: "public",
        topic: "",
        admin: identity.user,
      });
    }
  }

  protected admit(identity: Identity, _hello: HelloRequest): Admission {
    const inviteHash = this.#inviteHashes.get(identity.path);
    this.#inviteHashes.delete(identity.path);
    const settings = this.#state.settings();
    if (!settings) {
      return {
        ok: false,
        close: CloseCode.notFound,
        code: "not_found",
        message: "No such channel",
      };
    }
    let refusal = this.#state.refusal(identity.user, identity.serverAdmin);
    if (
      refusal === "not_member" &&
      inviteHash !== undefined &&
      this.#state.redeemInvite(inviteHash, identity.user, Date.now())
    ) {
      this.#redeemed.add(identity.user);
      refusal = null;
    }
    if (refusal) {
      return {
        ok: false,
        close: CloseCode.forbidden,
        code: "forbidden",
        message: refusal === "banned" ? "Banned from this channel" : "This channel is private",
      };
    }
    return { ok: true, admin: identity.serverAdmin || settings.admin === identity.user };
  }

  protected onEstablished(socket: LiveSocket, hello: HelloRequest): void {
    const { attachment, ws } = socket;
    const { identity } = attachment;
    const now = Date.now();
    const settings = this.#state.settings();
    if (!settings) return;
    this.#presence.join(identity.path, attachment.id, now);
    this.#schedulePresence(now);
    const latest = this.#log.latest();
    this.sockets.send(ws, {
      type: "established",
      path: identity.path,
      admin: identity.admin,
      channel: this.#info(settings),
      seq: latest,
    });
    if (hello.sinceSeq === null) {
      this.sockets.send(ws, { type: "caught_up", seq: latest, gap: false });
    } else {
      this.sockets.sendReplay(ws, this.#log.replay(hello.sinceSeq, now), "message");
    }
    if (this.#redeemed.delete(identity.user)) {
      this.ctx.waitUntil(
        mirrorToDirectory(this.name, () =>
          setMembership(this.env.DB, this.name, identity.user, true),
        ),
      );
    }
  }

  protected onDeparted(attachment: Attachment & { identity: Identity }): void {
    if (this.#presence.leave(attachment.identity.path, attachment.id)) {
      this.#schedulePresence(Date.now());
    }
  }

  protected override onScheduled(kind: string, now: number): void {
    if (kind === "presence") this.#flushPresence();
    if (kind === "prune") {
      this.#log.trim(now);
      this.#pruneScheduled = this.#log.size() > 0;
      if (this.#pruneScheduled) this.schedule.atLatest("prune", now + PRUNE_EVERY_MS);
    }
  }

  // ---- frames ----

  protected async onFrame(socket: LiveSocket, frame: ChannelClientFrame): Promise<void> {
    switch (frame.type) {
      case "post":
        return this.#post(socket, frame);
      case "history":
        return this.#history(socket, frame);
      case "who":
        return this.#who(socket, frame.id);
      case "admin":
        return moderate(this.#moderationHost(), socket, frame as ChannelAdminOp);
    }
  }

  /**
   * Stores the message with the next `seq` and only then acks it (the output gate holds
   * the ack until the write is durable), then fans it out. A re-sent client id gets the
   * original ack and is not stored or delivered again.
   */
  #post(socket: LiveSocket, frame: Post): void {
    const { attachment, ws } = socket;
    const from = attachment.identity.path;
    const stored = this.#log.append(from, frame.id, JSON.stringify(frame.payload), Date.now());
    this.sockets.send(ws, { type: "ack", id: frame.id, seq: stored.seq, ts: stored.ts });
    if (stored.duplicate) return;
    const echo = attachment.hello?.echo === true;
    const message = { seq: stored.seq, ts: stored.ts, from, payload: frame.payload };
    this.#deliver(message, echo ? null : attachment.id);
    // In a sled's approvals channel (only while private), a member's reply resolves a request.
    const answering = onApprovalsPost(this.env, this.name, message, {
      isPrivate: () => this.#state.settings()?.visibility === "private",
      postBack: (id, payload) => this.operatorPost({ from: APPROVALS_SENDER, id, payload }),
    });
    if (answering) this.ctx.waitUntil(answering);
  }

  /** Fans a new message out (except to `exceptId`), to watching operators too. */
  #deliver(message: ChannelMessage, exceptId: string | null): void {
    const now = Date.now();
    this.sockets.broadcast({ type: "message", ...message }, exceptId);
    if ((this.ctx.storage.kv.get<number>(OPERATOR_WATCH_KEY) ?? 0) > now) {
      reportChannelMessage(this.env, this.name, message);
    }
    // Rows past the count limit are deleted in batches here, expired ones hourly by the alarm.
    this.#log.trimCount();
    if (!this.#pruneScheduled) {
      this.schedule.atLatest("prune", now + PRUNE_EVERY_MS);
      this.#pruneScheduled = true;
    }
  }

  #history(socket: LiveSocket, frame: HistoryRequest): void {
    const page = this.#log.page(frame, Date.now());
    this.sockets.send(socket.ws, {
      type: "history",
      ...(frame.id === undefined ? {} : { id: frame.id }),
      messages: page.entries,
      more: page.more,
    });
  }

  /** `who` first flushes pending presence, so its `version` covers every diff sent so far. */
  #who(socket: LiveSocket, id: string | undefined): void {
    this.#flushPresence();
    this.sockets.send(socket.ws, {
      type: "who",
      ...(id === undefined ? {} : { id }),
      sessions: this.#presence.list(),
      version: this.#presence.version(),
    });
  }

  #schedulePresence(now: number): void {
    this.schedule.atLatest("presence", now + this.config.presenceBatchMs);
  }

  #flushPresence(): void {
    const diff = this.#presence.flush();
    if (!diff) return;
    this.sockets.broadcast({ type: "presence", ...diff });
    // Operators see each session in each channel it joined (operator gateway presence).
    const since = new Map(this.#presence.list().map((s) => [s.path, s.since]));
    for (const path of diff.joined) {
      reportPresence(
        this.env,
        channelSessionPresence(path, this.name, since.get(path) ?? Date.now()),
      );
    }
    for (const path of diff.left) {
      const { instanceId, facet } = channelSessionPresence(path, this.name, 0);
      reportPresence(this.env, { instanceId, facet, gone: true });
    }
  }

  // ---- moderation (§8: moderation.ts) ----

  #moderationHost(): ModerationHost {
    return {
      env: this.env,
      name: () => this.name,
      state: () => this.#state,
      info: (settings) => this.#info(settings),
      sockets: this.sockets,
      destroy: () => this.destroy(),
    };
  }
}
