/**
 * `InboxObject`: one Durable Object per session path, behind
 * `/ws/inbox/{user}/{machine}/{session}`. Whispers to that path are stored here with a
 * dense `seq` until the session acknowledges them by resuming past them (`since_seq`), or
 * until they expire. Only the session's own machine may open the inbox.
 */
import { splitSessionPath } from "../agents/names";
import { findMachine } from "../agents/registry";
import {
  CloseCode,
  type InboxClientFrame,
  InboxClientFrameSchema,
  type Parsed,
  parseClientFrame,
} from "../protocol/channel-frames";
import { type Admission, AgentSocketObject } from "./agent-socket-object";
import type { LiveSocket } from "./agent-sockets";
import type { HelloRequest, Identity } from "./connection";
import { SeqLog } from "./seq-log";

/** A whisper handed over by the sender's object. */
export interface WhisperDelivery {
  from: string;
  id: string;
  payload: unknown;
}

const PRUNE_EVERY_MS = 3600 * 1000;

/** One session path's inbox: whispers stored until acknowledged or expired. */
export class InboxObject extends AgentSocketObject<InboxClientFrame> {
  protected readonly kind = "inbox";
  readonly #log: SeqLog;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#log = new SeqLog(this.sql, "whispers", {
      maxAgeMs: this.config.inboxRetentionMs,
      maxCount: this.config.inboxMaxWhispers,
    });
  }

  protected parse(text: string): Parsed<InboxClientFrame> {
    return parseClientFrame(text, InboxClientFrameSchema);
  }

  /**
   * Stores a whisper for this session and pushes it to the session's socket if one is
   * live: `delivered`, else `queued`. A whisper to a user or machine that does not exist is
   * refused and nothing is stored. A re-sent id from the same sender is not stored twice.
   */
  async deliver(whisper: WhisperDelivery): Promise<"delivered" | "queued" | "not_found"> {
    const target = splitSessionPath(this.name);
    if (!target || !(await findMachine(this.env.DB, target.user, target.machine))) {
      return "not_found";
    }
    const now = Date.now();
    const stored = this.#log.append(whisper.from, whisper.id, JSON.stringify(whisper.payload), now);
    this.#log.trimCount();
    if (!this.schedule.has("prune")) this.schedule.atLatest("prune", now + PRUNE_EVERY_MS);
    await this.arm();
    const [socket] = this.sockets.live();
    if (!socket) return "queued";
    if (!stored.duplicate) {
      this.sockets.send(socket.ws, {
        type: "whisper",
        seq: stored.seq,
        ts: stored.ts,
        from: whisper.from,
        payload: whisper.payload,
      });
    }
    return "delivered";
  }

  protected admit(identity: Identity, hello: HelloRequest): Admission {
    const owner = splitSessionPath(this.name);
    const mine =
      owner !== null &&
      owner.user === identity.user &&
      owner.machine === identity.machine &&
      owner.session === hello.session;
    if (!mine) {
      return {
        ok: false,
        close: CloseCode.forbidden,
        code: "forbidden",
        message: "An inbox opens only for its own user, machine and session",
      };
    }
    return { ok: true, admin: identity.serverAdmin };
  }

  /**
   * Resuming acknowledges: whispers up to `since_seq` are deleted, the rest are replayed.
   * Without `since_seq` every whisper not yet acknowledged is replayed, so a session that
   * connects for the first time receives what was queued for it.
   */
  protected onEstablished(socket: LiveSocket, hello: HelloRequest): void {
    const { ws, attachment } = socket;
    if (hello.sinceSeq !== null) this.#log.acknowledge(hello.sinceSeq);
    const replay = this.#log.replay(hello.sinceSeq ?? this.#log.acked(), Date.now());
    this.sockets.send(ws, {
      type: "established",
      path: attachment.identity.path,
      admin: attachment.identity.admin,
    });
    this.sockets.sendReplay(ws, replay, "whisper");
  }

  protected onFrame(): void {
    // Whispers, pings and server-wide admin ops are all handled by the core.
  }

  protected onDeparted(): void {
    // Nothing to release: an inbox has no presence.
  }

  protected override onScheduled(kind: string, now: number): void {
    if (kind !== "prune") return;
    this.#log.trim(now);
    if (this.#log.size() > 0) this.schedule.atLatest("prune", now + PRUNE_EVERY_MS);
  }
}
