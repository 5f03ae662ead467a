/**
 * A resuming agent for chaos runs. On a channel socket (through a fault proxy) it posts and
 * whispers to other sessions at its own pace; on an inbox socket it only receives whispers.
 * Either way it behaves like a careful client: it pings, treats a missing pong as a dead
 * link, re-dials after any non-terminal close with `since_seq` = the last `seq` it saw,
 * re-sends every post and whisper not yet acknowledged under the same id, and pages
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

/** A whisper this agent sent, with the inbox it went to and how it was acknowledged. */
export interface SentWhisper {
  target: string;
  payload: unknown;
  /** `delivered` or `queued` once acknowledged; null until then. */
  status: string | null;
}

/** What an agent saw and did, for the checks. */
export interface AgentRecord {
  /** The channel name, or `inbox` for an inbox socket. */
  channel: string;
  path: string;
  /**
   * Where the agent's stream starts: a channel's `caught_up.seq` on the first socket (it sent
   * no `since_seq`), or 0 for an inbox (everything ever whispered to it is due).
   */
  startSeq: number | null;
  received: Received[];
  gaps: Gap[];
  /** Every post by id, with its payload, and its `seq` once acknowledged. */
  posts: Map<string, { payload: unknown; seq: number | null }>;
  /** Every whisper sent by id. */
  whispers: Map<string, SentWhisper>;
  /** How many sockets completed the handshake (the first one included). */
  established: number;
  /** The newest `caught_up.seq`: the latest `seq` the server had at the last resume. */
  caughtUpSeq: number;
  /** Close codes seen, with counts. */
  closes: Map<number, number>;
  /** Error frames the server sent, by code. */
  errors: Map<string, number>;
  /** A close code after which a client must stop (4001, 4003, …), if one came. */
  fatal: number | null;
  /** The socket's life, time-stamped (opened, established, closed, left), for diagnoses. */
  log: string[];
}

/** Wall-clock time of day with milliseconds, for logs compared across processes. */
export const clock = () => new Date().toISOString().slice(11, 23);

/** Close codes a client must not re-dial after (agent channels: close codes table). */
const TERMINAL = new Set([4001, 4003, 4004, 4010, 4013]);
const PING_TEXT = '{"type":"ping"}';

export interface ChaosAgentOptions {
  /** `http://127.0.0.1:<port>` of the proxy (or the gateway). */
  origin: string;
  agent: Agent;
  /** A channel name, or `null` for the session's own inbox. */
  channel: string | null;
  session: string;
  random: Prng;
  /** Pause between posts (or whispers), drawn uniformly in this range. */
  postEveryMs: [number, number];
  /** Session paths this agent whispers to, instead of posting, a quarter of the time. */
  whisperTo?: string[];
  pingEveryMs: number;
  /** A pong later than this after a ping: the link is dead, cut it and re-dial. */
  pongTimeoutMs: number;
  /**
   * Goes away now and then — closes cleanly and stays offline for a while — so that what is
   * sent meanwhile must wait for its resume (an inbox then answers `queued`): [every, away].
   */
  napMs?: [number, number];
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
  #napTimer: NodeJS.Timeout | null = null;
  #napUntil = 0;
  #pingSentAt: number | null = null;
  #waiters: (() => void)[] = [];
  #whoAnswer: string[] | null = null;

  constructor(options: ChaosAgentOptions) {
    this.#options = options;
    const path = `${options.agent.user}/${options.agent.machine}/${options.session}`;
    this.#endpoint =
      options.channel === null ? `/ws/inbox/${path}` : `/ws/channel/${options.channel}`;
    this.record = {
      channel: options.channel ?? "inbox",
      path,
      startSeq: options.channel === null ? 0 : null,
      received: [],
      gaps: [],
      posts: new Map(),
      whispers: new Map(),
      established: 0,
      caughtUpSeq: 0,
      closes: new Map(),
      errors: new Map(),
      fatal: null,
      log: [],
    };
  }

  /** Connects, then keeps posting (on a channel) and re-dialling until told otherwise. */
  start(): void {
    this.#posting = this.#options.channel !== null;
    this.#dial();
    this.#pingTimer = setInterval(() => this.#ping(), this.#options.pingEveryMs);
    this.#schedulePost();
    this.#scheduleNap();
  }

  /** True once the current socket has replayed up to `caught_up`. */
  get caughtUp(): boolean {
    return this.#live && !this.#replaying;
  }

  get lastSeq(): number | null {
    return this.#lastSeq;
  }

  /** Posts and whispers not acknowledged yet. */
  get unacked(): number {
    let count = 0;
    for (const post of this.record.posts.values()) if (post.seq === null) count += 1;
    for (const whisper of this.record.whispers.values()) if (whisper.status === null) count += 1;
    return count;
  }

  /** Stops new posts (pending ones are still re-sent until acknowledged). */
  stopPosting(): void {
    this.#posting = false;
    if (this.#postTimer) clearTimeout(this.#postTimer);
    this.#postTimer = null;
  }

  /** No more naps; an ongoing one ends now. */
  stopNapping(): void {
    if (this.#napTimer) clearTimeout(this.#napTimer);
    this.#napTimer = null;
    this.#napUntil = 0;
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
    this.stopNapping();
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
      this.record.log.push(`${clock()} socket ${socketNo} closed ${code}`);
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
    const delay = Math.max(this.#napUntil - Date.now(), this.#options.random.int(50, 400));
    this.#redialTimer = setTimeout(() => {
      this.#redialTimer = null;
      this.#dial();
    }, delay);
  }

  #scheduleNap(): void {
    const nap = this.#options.napMs;
    if (!nap) return;
    const [every, away] = nap;
    this.#napTimer = setTimeout(
      () => {
        this.#napUntil = Date.now() + this.#options.random.int(away / 4, away);
        // A clean close, but the client moves on at once: locally the closing handshake's
        // TCP end can take the ws library's 30 s close timeout (see docs/lobby.md).
        const ws = this.#ws;
        this.#ws = null;
        this.#live = false;
        ws?.close(1000, "nap");
        this.#scheduleRedial();
        this.#scheduleNap();
      },
      this.#options.random.int(every / 2, every),
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
        this.record.log.push(`${clock()} socket ${socketNo} established`);
        this.#live = true;
        this.#replaying = true;
        this.record.established += 1;
        return;
      case "message":
      case "whisper":
        this.#onMessage(frame, socketNo);
        return;
      case "caught_up": {
        const seq = Number(frame.seq);
        this.record.caughtUpSeq = seq;
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
      case "whisper_ack": {
        const whisper = this.record.whispers.get(String(frame.id));
        if (whisper) whisper.status = String(frame.status);
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

  /** The replay is over: everything sent but not acknowledged goes again, same ids. */
  #caughtUp(ws: WebSocket, latest: number): void {
    this.#replaying = false;
    // A first channel socket without since_seq: nothing replayed, it starts from `latest`.
    // (An inbox replays everything unacknowledged, so its resume point is what it received.)
    if (this.#lastSeq === null && this.#options.channel !== null) this.#lastSeq = latest;
    for (const [id, post] of this.record.posts) {
      if (post.seq === null) this.#send(ws, { type: "post", id, payload: post.payload });
    }
    for (const [id, whisper] of this.record.whispers) {
      if (whisper.status === null) {
        this.#send(ws, { type: "whisper", id, target: whisper.target, payload: whisper.payload });
      }
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
    const targets = this.#options.whisperTo ?? [];
    const ws = this.#ws;
    // Sent now if the socket is caught up; otherwise the next caught_up sends it.
    if (targets.length > 0 && this.#options.random.chance(0.25)) {
      const target = this.#options.random.pick(targets);
      this.record.whispers.set(id, { target, payload, status: null });
      if (ws && this.caughtUp) this.#send(ws, { type: "whisper", id, target, payload });
      return;
    }
    this.record.posts.set(id, { payload, seq: null });
    if (ws && this.caughtUp) this.#send(ws, { type: "post", id, payload });
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }
}
