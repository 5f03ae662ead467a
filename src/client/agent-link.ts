import { authSignedString } from "../agents/signed-strings.ts";
import { type AgentKey, signText } from "./agent-keys.ts";
import { Backoff, sleep } from "./backoff.ts";
import type { ClientLog } from "./match-session.ts";
import { dialOnce, OPEN, type SocketEnd } from "./socket.ts";

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
  /** Dials allowed before the first `established`; later drops are re-dialled for ever. */
  connectAttempts: number;
  /** The link gave up for good (terminal close code or refused upgrade). */
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
  /** Aborted by `close()`: ends the socket and any backoff wait at once. */
  readonly #stop = new AbortController();
  #socket: WebSocket | null = null;
  #lastSeq: number | undefined;
  #closed = false;
  /** An `established` frame was received once: from then on every drop is re-dialled. */
  #reached = false;
  #established: Frame | null = null;
  /**
   * The last `error` frame without a request id on this socket: the server sends one before it
   * closes a socket it refuses (`too_large`, …), and it is then why requests in flight failed.
   */
  #closingError: RequestFailed | null = null;
  #ready: { resolve(f: Frame): void; reject(e: Error): void } | null = null;
  /**
   * A replay longer than one batch is being paged with `history`. The server fans live
   * messages out to an established socket before it has caught up; they are stored before
   * they are sent, so a later page carries each of them: until the last page, live ones are
   * ignored (delivering one would move `#lastSeq` past the pages still to come).
   */
  #paging = false;
  /** Frames are handled one after another, so an async store never reorders deliveries. */
  #queue: Promise<void> = Promise.resolve();

  constructor(options: LinkOptions) {
    this.#o = options;
  }

  /**
   * Connects and resolves with the `established` frame once caught up. Rejects when the
   * server refuses (a terminal close code, or an HTTP refusal of the upgrade such as
   * `INVALID_CHANNEL_NAME`), when `connectAttempts` dials in a row failed before the first
   * `established` (`unreachable`), or when the link is closed first (`closed`).
   */
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
    if (!socket || socket.readyState !== OPEN || !this.#established) {
      return Promise.reject(new RequestFailed("not_connected", "the socket is not connected"));
    }
    return new Promise((resolve, reject) => {
      this.#pending.set(frame.id, { resolve, reject });
      socket.send(JSON.stringify(frame));
    });
  }

  close(): void {
    this.#closed = true;
    this.#stop.abort();
    this.#ready?.reject(new RequestFailed("closed", "the link was closed before it connected"));
    this.#ready = null;
  }

  async #run(): Promise<void> {
    const o = this.#o;
    let failures = 0;
    while (!this.#closed) {
      this.#closingError = null;
      const closed = await this.#connectOnce();
      this.#established = null;
      const serverClosed = closed.code >= 4000 && closed.code < 5000;
      this.#failPending(
        (serverClosed ? this.#closingError : null) ??
          new RequestFailed("connection_lost", "the connection dropped before the server answered"),
      );
      if (this.#closed) break;
      // A dial that never opened may be the server refusing the upgrade over HTTP.
      const refusal = closed.opened ? null : await upgradeRefusal(this.#url());
      if (refusal) {
        this.#end(refusal.error, refusal.status, `${refusal.error.code}: ${refusal.error.message}`);
        break;
      }
      if (TERMINAL.has(closed.code)) {
        const error = new RequestFailed(
          `close_${closed.code}`,
          `refused: ${closed.code} ${closed.reason}`,
        );
        this.#end(error, closed.code, closed.reason);
        break;
      }
      failures = this.#reached ? 0 : failures + 1;
      if (!this.#reached && failures >= o.connectAttempts) {
        const error = new RequestFailed(
          "unreachable",
          `cannot reach ${o.origin} (${failures} ${failures === 1 ? "attempt" : "attempts"}: ${closed.code} ${closed.reason})`,
        );
        this.#end(error, closed.code, closed.reason);
        break;
      }
      const delay = this.#backoff.nextDelay();
      o.log("agent_redial", { path: o.path, code: closed.code, delay_ms: delay });
      await sleep(delay, this.#stop.signal);
    }
  }

  /** The link gives up for good: the pending `start` rejects, the owner hears `onClosed`. */
  #end(error: RequestFailed, code: number, reason: string): void {
    this.#closed = true;
    this.#ready?.reject(error);
    this.#ready = null;
    this.#o.onClosed(code, reason);
  }

  #url(): URL {
    const url = new URL(this.#o.path, this.#o.origin);
    url.protocol = url.protocol === "https:" || url.protocol === "wss:" ? "wss:" : "ws:";
    return url;
  }

  async #connectOnce(): Promise<SocketEnd> {
    const o = this.#o;
    let heartbeat: ReturnType<typeof setInterval> | undefined;
    const end = await dialOnce(
      this.#url().href,
      undefined,
      (ws) => {
        this.#socket = ws;
        const send = (frame: Frame) => ws.send(JSON.stringify(frame));
        ws.onopen = () => {
          this.#paging = false;
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
      },
      this.#stop.signal,
    );
    clearInterval(heartbeat);
    return end;
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
        this.#reached = true;
        this.#backoff.connected();
        return;
      case "message":
      case "whisper":
        if (!this.#paging) await this.#deliver(frame);
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
    if (frame.type === "error") {
      o.log("agent_error_frame", { path: o.path, code: String(frame.code) });
      this.#closingError = new RequestFailed(String(frame.code), String(frame.message));
    }
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
    this.#paging = more;
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

/**
 * Why the server refused an upgrade over HTTP, if it did: a WebSocket client only sees that
 * the dial failed, so the same URL is asked once more as a plain GET. The Worker checks a
 * path's names before it asks for an upgrade, so a malformed name answers 400 with the error
 * envelope (`INVALID_CHANNEL_NAME`), and an unknown path 404. `null` — try again — for no
 * answer (the gateway is down), `426` (the path is fine: the dial failed for another reason)
 * and every status that may pass (408, 429, 5xx).
 */
async function upgradeRefusal(url: URL): Promise<{ status: number; error: RequestFailed } | null> {
  const probe = new URL(url);
  probe.protocol = url.protocol === "wss:" ? "https:" : "http:";
  let response: Response;
  try {
    response = await fetch(probe, { signal: AbortSignal.timeout(10_000) });
  } catch {
    return null;
  }
  const transient = [408, 426, 429].includes(response.status) || response.status >= 500;
  if (response.status < 400 || transient) {
    await response.body?.cancel();
    return null;
  }
  const body = (await response.json().catch(() => ({}))) as {
    error_code?: unknown;
    message?: unknown;
  };
  const error = new RequestFailed(
    typeof body.error_code === "string" ? body.error_code : `http_${response.status}`,
    typeof body.message === "string" ? body.message : `HTTP ${response.status}`,
  );
  return { status: response.status, error };
}
