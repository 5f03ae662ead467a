import { authSignedString } from "../agents/signed-strings.ts";
import { type AgentKey, signText } from "./agent-keys.ts";
import { Backoff, sleep } from "./backoff.ts";
import type { ClientLog } from "./match-session.ts";

/** Where each endpoint's last seen `seq` is kept, so a restarted process resumes. */
export interface SeqStore {
  get(key: string): number | undefined | Promise<number | undefined>;
  set(key: string, seq: number): void | Promise<void>;
}

/** In-memory `SeqStore`: resumes across reconnects, not across process restarts. */
export class MemorySeqStore implements SeqStore {
  readonly #seqs = new Map<string, number>();
  get(key: string): number | undefined {
    return this.#seqs.get(key);
  }
  set(key: string, seq: number): void {
    this.#seqs.set(key, seq);
  }
}

/** A request that cannot succeed: the socket dropped before the answer, or the server refused. */
export class RequestFailed extends Error {
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

/** A stored entry (channel message or whisper) as delivered: once each, in `seq` order. */
export interface Delivery {
  seq: number;
  ts: number;
  from: string;
  payload: unknown;
}

type Frame = { type?: unknown; [key: string]: unknown };

/** Id prefix of the `history` requests that finish a resume (answered by this link itself). */
const CATCH_UP_ID = "catchup-";

/** Close codes after which reconnecting cannot help (agent channels §10). */
const TERMINAL = new Set([4001, 4003, 4004, 4010, 4011, 4013]);

export interface LinkOptions {
  origin: string;
  /** Endpoint path, e.g. `/ws/channel/ops`; it is part of the signed proof. */
  path: string;
  /** `SeqStore` key of this endpoint. */
  storeKey: string;
  user: string;
  machine: string;
  session: string;
  key: AgentKey;
  store: SeqStore;
  hello?: { invite?: string; echo?: boolean };
  /** How often to ping (default 25 s); keep it under the server's heartbeat timeout. */
  pingIntervalMs?: number;
  log: ClientLog;
  /** Stored entries (`message` on channels, `whisper` on the inbox), once each, in order. */
  onDelivery(entry: Delivery): void;
  /** Every other server frame after the handshake (presence, gap notices…). */
  onFrame(frame: Frame): void;
  /** The link gave up for good (terminal close code). */
  onClosed(code: number, reason: string): void;
}

/**
 * One resuming socket to a channel or an inbox: the signed handshake, `since_seq`
 * resume with exactly-once delivery by `seq`, paging through replays longer than a
 * batch, the heartbeat, reconnection with backoff, and requests that fail closed —
 * a request in flight when the socket drops is rejected, never silently lost.
 */
export class AgentLink {
  readonly #o: LinkOptions;
  readonly #pending = new Map<string, { resolve(f: Frame): void; reject(e: Error): void }>();
  readonly #backoff = new Backoff();
  #socket: WebSocket | null = null;
  #lastSeq: number | undefined;
  #closed = false;
  #established: Frame | null = null;
  #ready: { resolve(f: Frame): void; reject(e: Error): void } | null = null;
  /** Frames are handled one after another, so an async store never reorders deliveries. */
  #queue: Promise<void> = Promise.resolve();

  constructor(options: LinkOptions) {
    this.#o = options;
  }

  /** Connects and resolves with the `established` frame once caught up; rejects if refused. */
  async start(): Promise<Frame> {
    this.#lastSeq = await this.#o.store.get(this.#o.storeKey);
    const ready = new Promise<Frame>((resolve, reject) => {
      this.#ready = { resolve, reject };
    });
    void this.#run();
    return ready;
  }

  /** The latest `established` frame (channel info, path), or `null` while connecting. */
  get established(): Frame | null {
    return this.#established;
  }

  /** Sends a frame carrying `id` and resolves with the server frame answering that id. */
  request(frame: Frame & { id: string }): Promise<Frame> {
    const socket = this.#socket;
    if (!socket || socket.readyState !== WebSocket.OPEN || !this.#established) {
      return Promise.reject(new RequestFailed("not_connected", "the socket is not connected"));
    }
    return new Promise((resolve, reject) => {
      this.#pending.set(frame.id, { resolve, reject });
      socket.send(JSON.stringify(frame));
    });
  }

  close(): void {
    this.#closed = true;
    this.#socket?.close(1000);
  }

  async #run(): Promise<void> {
    while (!this.#closed) {
      const closed = await this.#connectOnce();
      this.#established = null;
      this.#failPending(
        new RequestFailed("connection_lost", "the connection dropped before the server answered"),
      );
      if (this.#closed) break;
      if (TERMINAL.has(closed.code)) {
        this.#closed = true;
        const error = new RequestFailed(
          `close_${closed.code}`,
          `refused: ${closed.code} ${closed.reason}`,
        );
        this.#ready?.reject(error);
        this.#ready = null;
        this.#o.onClosed(closed.code, closed.reason);
        break;
      }
      const delay = this.#backoff.nextDelay();
      this.#o.log("agent_redial", { path: this.#o.path, code: closed.code, delay_ms: delay });
      await sleep(delay);
    }
  }

  #connectOnce(): Promise<{ code: number; reason: string }> {
    const o = this.#o;
    return new Promise((resolve) => {
      const url = new URL(o.path, o.origin);
      url.protocol = url.protocol === "https:" || url.protocol === "wss:" ? "wss:" : "ws:";
      const ws = new WebSocket(url.href);
      this.#socket = ws;
      let heartbeat: ReturnType<typeof setInterval> | undefined;
      const send = (frame: Frame) => ws.send(JSON.stringify(frame));
      ws.onopen = () => {
        send({
          type: "hello",
          protocol_version: 1,
          session: o.session,
          ...(this.#lastSeq === undefined ? {} : { since_seq: this.#lastSeq }),
          ...o.hello,
        });
        // The server answers this exact text without waking its object (agent channels §6).
        heartbeat = setInterval(() => ws.send('{"type":"ping"}'), o.pingIntervalMs ?? 25_000);
      };
      ws.onmessage = (event) => {
        let frame: Frame;
        try {
          frame = JSON.parse(String(event.data)) as Frame;
        } catch {
          return;
        }
        this.#queue = this.#queue
          .then(() => this.#onFrame(frame, send))
          .catch((err: unknown) =>
            o.log("agent_frame_failed", { path: o.path, error: String(err) }),
          );
      };
      ws.onclose = (event) => {
        clearInterval(heartbeat);
        resolve({ code: event.code, reason: event.reason });
      };
    });
  }

  async #onFrame(frame: Frame, send: (frame: Frame) => void): Promise<void> {
    const o = this.#o;
    switch (frame.type) {
      case "challenge": {
        const signature = await signText(o.key, authSignedString(o.path, String(frame.nonce)));
        send({ type: "auth", user: o.user, machine: o.machine, signature });
        return;
      }
      case "established":
        this.#established = frame;
        this.#backoff.connected();
        return;
      case "message":
      case "whisper":
        await this.#deliver(frame);
        return;
      case "caught_up":
        if (frame.gap === true) o.onFrame({ type: "gap", from_seq: frame.from_seq });
        this.#catchUp(frame.more === true, send);
        return;
      case "history":
        if (typeof frame.id === "string" && frame.id.startsWith(CATCH_UP_ID)) {
          for (const entry of frame.messages as Frame[]) await this.#deliver(entry);
          this.#catchUp(frame.more === true, send);
          return;
        }
        break;
      case "pong":
        return;
    }
    const id = typeof frame.id === "string" ? frame.id : undefined;
    const waiter = id === undefined ? undefined : this.#pending.get(id);
    if (waiter && id !== undefined) {
      this.#pending.delete(id);
      if (frame.type === "error") {
        waiter.reject(new RequestFailed(String(frame.code), String(frame.message)));
      } else {
        waiter.resolve(frame);
      }
      return;
    }
    if (frame.type === "error")
      o.log("agent_error_frame", { path: o.path, code: String(frame.code) });
    o.onFrame(frame);
  }

  async #deliver(entry: Frame): Promise<void> {
    const seq = Number(entry.seq);
    if (this.#lastSeq !== undefined && seq <= this.#lastSeq) return;
    this.#lastSeq = seq;
    await this.#o.store.set(this.#o.storeKey, seq);
    this.#o.onDelivery({
      seq,
      ts: Number(entry.ts),
      from: String(entry.from),
      payload: entry.payload,
    });
  }

  /** A replay is cut at one batch: page through the rest with `history` until none is left. */
  #catchUp(more: boolean, send: (frame: Frame) => void): void {
    if (more) {
      send({
        type: "history",
        id: `${CATCH_UP_ID}${Date.now()}`,
        after_seq: this.#lastSeq ?? 0,
        limit: 1000,
      });
      return;
    }
    if (this.#established) {
      this.#ready?.resolve(this.#established);
      this.#ready = null;
    }
  }

  #failPending(error: Error): void {
    for (const waiter of this.#pending.values()) waiter.reject(error);
    this.#pending.clear();
  }
}
