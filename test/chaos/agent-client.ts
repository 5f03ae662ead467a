/**
 * A resuming channel agent for chaos runs: it holds one channel socket (through a fault
 * proxy), posts at its own pace, and behaves like a careful client — it pings, treats a
 * missing pong as a dead link, re-dials after any non-terminal close with `since_seq` = the
 * last `seq` it saw, re-posts every post not yet acknowledged under the same id, and pages
 * `history` when a replay was cut at 1000. It records everything it received, each socket's
 * replay and `caught_up` (with gaps), and every ack, for the invariant checks.
 */
import WebSocket from "ws";
import { authSignedString } from "../../src/agents/signed-strings.ts";
import type { Agent } from "../harness/agent.ts";
import type { Prng } from "./prng.ts";

/** One `message` frame as this agent received it. */
export interface Received {
  seq: number;
  from: string;
  payload: unknown;
  /** The socket (1, 2, …) it arrived on, and whether it was part of that socket's replay. */
  socket: number;
  replay: boolean;
}

/** A `caught_up` that reported a gap (retention pruned messages the agent had not seen). */
export interface Gap {
  sinceSeq: number;
  fromSeq: number;
}

/** What an agent saw and did, for the checks. */
export interface AgentRecord {
  channel: string;
  path: string;
  /** `caught_up.seq` of the first socket (it sent no `since_seq`): the agent's starting point. */
  startSeq: number | null;
  received: Received[];
  gaps: Gap[];
  /** Every post by id, with its payload, and its `seq` once acknowledged. */
  posts: Map<string, { payload: unknown; seq: number | null }>;
  /** How many sockets completed the handshake (the first one included). */
  established: number;
  /** Close codes seen, with counts. */
  closes: Map<number, number>;
  /** Error frames the server sent, by code. */
  errors: Map<string, number>;
  /** A close code after which a client must stop (4001, 4003, …), if one came. */
  fatal: number | null;
}

/** Close codes a client must not re-dial after (agent channels: close codes table). */
const TERMINAL = new Set([4001, 4003, 4004, 4010, 4013]);
const PING_TEXT = '{"type":"ping"}';

export interface ChaosAgentOptions {
  /** `http://127.0.0.1:<port>` of the proxy (or the gateway). */
  origin: string;
  agent: Agent;
  channel: string;
  session: string;
  random: Prng;
  /** Pause between posts, drawn uniformly in this range. */
  postEveryMs: [number, number];
  pingEveryMs: number;
  /** A pong later than this after a ping: the link is dead, cut it and re-dial. */
  pongTimeoutMs: number;
}

type Frame = Record<string, unknown> & { type?: unknown };

export class ChaosAgent {
  readonly record: AgentRecord;
  readonly #options: ChaosAgentOptions;
  readonly #endpoint: string;
  #ws: WebSocket | null = null;
  #socketNo = 0;
  /** The newest `seq` received in order; the resume point. */
  #lastSeq: number | null = null;
  #live = false;
  #replaying = false;
  #posting = false;
  #stopped = false;
  #silent = false;
  #postCount = 0;
  #pingTimer: NodeJS.Timeout | null = null;
  #postTimer: NodeJS.Timeout | null = null;
  #redialTimer: NodeJS.Timeout | null = null;
  #pingSentAt: number | null = null;
  #waiters: (() => void)[] = [];
  #whoAnswer: string[] | null = null;

  constructor(options: ChaosAgentOptions) {
    this.#options = options;
    this.#endpoint = `/ws/channel/${options.channel}`;
    this.record = {
      channel: options.channel,
      path: `${options.agent.user}/${options.agent.machine}/${options.session}`,
      startSeq: null,
      received: [],
      gaps: [],
      posts: new Map(),
      established: 0,
      closes: new Map(),
      errors: new Map(),
      fatal: null,
    };
  }

  /** Connects, then keeps posting and re-dialling until told otherwise. */
  start(): void {
    this.#posting = true;
    this.#dial();
    this.#pingTimer = setInterval(() => this.#ping(), this.#options.pingEveryMs);
    this.#schedulePost();
  }

  /** True once the current socket has replayed up to `caught_up`. */
  get caughtUp(): boolean {
    return this.#live && !this.#replaying;
  }

  get lastSeq(): number | null {
    return this.#lastSeq;
  }

  /** Posts not acknowledged yet. */
  get unacked(): number {
    let count = 0;
    for (const post of this.record.posts.values()) if (post.seq === null) count += 1;
    return count;
  }

  /** Stops new posts (pending ones are still re-sent until acknowledged). */
  stopPosting(): void {
    this.#posting = false;
    if (this.#postTimer) clearTimeout(this.#postTimer);
    this.#postTimer = null;
  }

  /** Resolves once `done()` holds, re-checked on every event; rejects after `timeoutMs`. */
  async until(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      if (this.record.fatal !== null) {
        throw new Error(`${this.record.path}: stopped by close ${this.record.fatal} (${what})`);
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`${this.record.path}: timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 250));
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Joins without posting and asks `who`: the session paths present, the asker included. */
  async who(timeoutMs: number): Promise<string[]> {
    this.#dial();
    await this.until(() => this.caughtUp, timeoutMs, "caught_up before who");
    this.#whoAnswer = null;
    if (this.#ws) this.#send(this.#ws, { type: "who", id: "who" });
    await this.until(() => this.#whoAnswer !== null, timeoutMs, "the who answer");
    return this.#whoAnswer ?? [];
  }

  /** Drops the current socket from the client side and resumes on a fresh one. */
  async resume(timeoutMs: number): Promise<void> {
    const before = this.record.established;
    this.#ws?.terminate();
    await this.until(
      () => this.record.established > before && this.caughtUp,
      timeoutMs,
      "a resumed socket to catch up",
    );
  }

  /**
   * Leaves the channel for good: a clean close, a cut (no close handshake), or silence (the
   * socket stays open but stops pinging, so only the server's heartbeat sweep can end it).
   */
  leave(how: "close" | "cut" | "silent"): void {
    this.#stopped = true;
    this.stopPosting();
    if (this.#pingTimer) clearInterval(this.#pingTimer);
    if (this.#redialTimer) clearTimeout(this.#redialTimer);
    this.#pingTimer = null;
    if (how === "close") this.#ws?.close(1000, "bye");
    else if (how === "cut") this.#ws?.terminate();
    else this.#silent = true;
  }

  /** Releases everything (a silent socket included). */
  dispose(): void {
    this.leave("cut");
  }

  // ---- socket ----

  #dial(): void {
    if (this.#stopped) return;
    this.#socketNo += 1;
    const socketNo = this.#socketNo;
    const ws = new WebSocket(
      new URL(this.#endpoint, this.#options.origin).href.replace(/^http/, "ws"),
    );
    this.#ws = ws;
    this.#live = false;
    this.#replaying = false;
    this.#pingSentAt = null;
    const current = () => this.#ws === ws;
    ws.on("open", () => {
      if (!current()) return;
      ws.send(
        JSON.stringify({
          type: "hello",
          protocol_version: 1,
          session: this.#options.session,
          echo: true,
          ...(this.#lastSeq === null ? {} : { since_seq: this.#lastSeq }),
        }),
      );
    });
    ws.on("message", (data) => {
      // A socket this client already gave up on may still deliver: ignore it, as a real
      // client that replaced its connection would.
      if (!current() || this.#silent) return;
      let frame: Frame;
      try {
        frame = JSON.parse(data.toString()) as Frame;
      } catch {
        return;
      }
      this.#onFrame(ws, socketNo, frame);
      this.#wake();
    });
    ws.on("close", (code) => {
      this.record.closes.set(code, (this.record.closes.get(code) ?? 0) + 1);
      if (!current()) return;
      this.#live = false;
      if (TERMINAL.has(code)) {
        this.record.fatal = code;
        this.#stopped = true;
      }
      this.#wake();
      this.#scheduleRedial();
    });
    ws.on("error", () => {
      // The close event follows and does the bookkeeping.
    });
  }

  #scheduleRedial(): void {
    if (this.#stopped || this.#redialTimer) return;
    this.#redialTimer = setTimeout(
      () => {
        this.#redialTimer = null;
        this.#dial();
      },
      this.#options.random.int(50, 400),
    );
  }

  #send(ws: WebSocket, frame: Record<string, unknown>): void {
    if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(frame));
  }

  #onFrame(ws: WebSocket, socketNo: number, frame: Frame): void {
    switch (frame.type) {
      case "challenge": {
        const { agent } = this.#options;
        this.#send(ws, {
          type: "auth",
          user: agent.user,
          machine: agent.machine,
          signature: agent.key.sign(authSignedString(this.#endpoint, String(frame.nonce))),
        });
        return;
      }
      case "established":
        this.#live = true;
        this.#replaying = true;
        this.record.established += 1;
        return;
      case "message":
        this.#onMessage(frame, socketNo);
        return;
      case "caught_up": {
        const seq = Number(frame.seq);
        if (this.record.startSeq === null && this.#lastSeq === null) this.record.startSeq = seq;
        if (frame.gap === true) {
          this.record.gaps.push({ sinceSeq: this.#lastSeq ?? 0, fromSeq: Number(frame.from_seq) });
        }
        if (frame.more === true) {
          this.#send(ws, {
            type: "history",
            id: "page",
            after_seq: this.#lastSeq ?? 0,
            limit: 1000,
          });
          return;
        }
        this.#caughtUp(ws, seq);
        return;
      }
      case "history": {
        for (const entry of (frame.messages as Frame[] | undefined) ?? []) {
          this.#onMessage(entry, socketNo);
        }
        if (frame.more === true) {
          this.#send(ws, {
            type: "history",
            id: "page",
            after_seq: this.#lastSeq ?? 0,
            limit: 1000,
          });
        } else {
          this.#caughtUp(ws, this.#lastSeq ?? 0);
        }
        return;
      }
      case "ack": {
        const post = this.record.posts.get(String(frame.id));
        if (post) post.seq = Number(frame.seq);
        return;
      }
      case "pong":
        this.#pingSentAt = null;
        return;
      case "who":
        this.#whoAnswer = ((frame.sessions as { path: string }[] | undefined) ?? []).map(
          (x) => x.path,
        );
        return;
      case "error": {
        const code = String(frame.code);
        this.record.errors.set(code, (this.record.errors.get(code) ?? 0) + 1);
        return;
      }
    }
  }

  #onMessage(frame: Frame, socketNo: number): void {
    const seq = Number(frame.seq);
    this.record.received.push({
      seq,
      from: String(frame.from),
      payload: frame.payload,
      socket: socketNo,
      replay: this.#replaying,
    });
    if (this.#lastSeq === null || seq > this.#lastSeq) this.#lastSeq = seq;
  }

  /** The replay is over: everything posted but not acknowledged goes again, same ids. */
  #caughtUp(ws: WebSocket, latest: number): void {
    this.#replaying = false;
    // A first socket without since_seq: nothing replayed, the agent starts from `latest`.
    if (this.#lastSeq === null) this.#lastSeq = latest;
    for (const [id, post] of this.record.posts) {
      if (post.seq === null) this.#send(ws, { type: "post", id, payload: post.payload });
    }
  }

  #ping(): void {
    const ws = this.#ws;
    if (!ws || ws.readyState !== WebSocket.OPEN || this.#silent) return;
    const now = Date.now();
    if (this.#pingSentAt !== null && now - this.#pingSentAt > this.#options.pongTimeoutMs) {
      // No pong in time: the link is dead whatever the socket says. Cut and re-dial.
      ws.terminate();
      return;
    }
    this.#pingSentAt ??= now;
    ws.send(PING_TEXT);
  }

  #schedulePost(): void {
    if (!this.#posting) return;
    const [min, max] = this.#options.postEveryMs;
    this.#postTimer = setTimeout(
      () => {
        this.#postTimer = null;
        this.#post();
        this.#schedulePost();
      },
      this.#options.random.int(min, max),
    );
  }

  #post(): void {
    this.#postCount += 1;
    const id = `${this.#options.session}-${this.#postCount}`;
    const payload = { n: this.#postCount, by: this.record.path };
    this.record.posts.set(id, { payload, seq: null });
    // Sent now if the socket is caught up; otherwise the next caught_up sends it.
    const ws = this.#ws;
    if (ws && this.caughtUp) this.#send(ws, { type: "post", id, payload });
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }
}
