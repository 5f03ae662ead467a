/**
 * The console's operator connection: the OpenClaw gateway protocol on `/ws/operator`
 * (../shared/protocol/operator-gateway.md) spoken directly by the browser. The challenge,
 * `connect` with the token, the `hello-ok` snapshot, then requests and `seq`-numbered events.
 * It reconnects with backoff after a drop, closes a silent socket after two tick intervals,
 * and treats a `seq` gap as lost state: it reconnects at once, so the next `hello-ok`
 * snapshot replaces whatever was missed. A refused token ends the connection for good.
 */
import { backoffDelay } from "./backoff.ts";
import type { PresenceEntry } from "./presence.ts";

export const CONSOLE_CLIENT = { id: "botgate-console", version: "0.1.0", mode: "ui" } as const;
const REQUEST_TIMEOUT_MS = 15_000;

export interface HelloOk {
  protocol: number;
  server: { version: string; connId: string };
  features: { methods: string[]; events: string[] };
  snapshot: { presence: PresenceEntry[]; stateVersion: { presence: number; health: number } };
  auth: { role: string; scopes: string[] };
  policy: { tickIntervalMs: number };
}

export interface GatewayEvent {
  event: string;
  payload: unknown;
  seq?: number;
}

export type ConnectionState =
  | { phase: "connecting"; attempt: number }
  | { phase: "online"; connId: string }
  | { phase: "offline"; reason: string; retryAt: number }
  | { phase: "refused"; code: string; message: string };

export class GatewayError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details?: { code?: string } & Record<string, unknown>,
  ) {
    super(message);
  }
}

interface ErrorShape {
  code: string;
  message: string;
  details?: { code?: string } & Record<string, unknown>;
  retryAfterMs?: number;
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

/** `details.code`s after which retrying with the same token is pointless. */
const FATAL = new Set(["AUTH_TOKEN_MISSING", "AUTH_TOKEN_MISMATCH", "PROTOCOL_MISMATCH"]);

export interface ConnectionOptions {
  url: string;
  token: string;
  onHello: (hello: HelloOk) => void;
  onEvent: (event: GatewayEvent) => void;
  onState: (state: ConnectionState) => void;
}

export class OperatorConnection {
  private socket: WebSocket | null = null;
  private nextId = 1;
  private pending = new Map<string, Pending>();
  private attempt = 0;
  private lastSeq = 0;
  private helloed = false;
  private stopped = false;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private silenceTimer: ReturnType<typeof setTimeout> | undefined;
  private silenceMs = 30_000;

  constructor(private readonly options: ConnectionOptions) {}

  start(): void {
    this.stopped = false;
    this.open();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearTimeout(this.silenceTimer);
    this.socket?.close(1000, "signed out");
    this.socket = null;
  }

  /** Reconnects now (a fresh snapshot), e.g. when the browser says the network is back. */
  reconnectNow(reason: string): void {
    if (this.stopped) return;
    clearTimeout(this.retryTimer);
    if (this.socket) this.abandon(this.socket, 4001, reason);
    else this.open();
  }

  request<T>(method: string, params: unknown = {}): Promise<T> {
    const socket = this.socket;
    if (!socket || !this.helloed || socket.readyState !== WebSocket.OPEN) {
      return Promise.reject(new GatewayError("OFFLINE", "not connected"));
    }
    const id = `c${this.nextId++}`;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new GatewayError("TIMEOUT", `${method}: no answer`));
      }, REQUEST_TIMEOUT_MS);
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject, timer });
      socket.send(JSON.stringify({ type: "req", id, method, params }));
    });
  }

  private open(): void {
    this.helloed = false;
    this.lastSeq = 0;
    this.options.onState({ phase: "connecting", attempt: this.attempt });
    const socket = new WebSocket(this.options.url);
    this.socket = socket;
    socket.onmessage = (message) => {
      if (this.socket !== socket) return;
      this.armSilence(socket);
      let frame: Record<string, unknown>;
      try {
        frame = JSON.parse(String(message.data)) as Record<string, unknown>;
      } catch {
        return;
      }
      this.onFrame(socket, frame);
    };
    socket.onclose = (close) => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.dropped(close.reason || `closed (${close.code})`);
    };
  }

  private onFrame(socket: WebSocket, frame: Record<string, unknown>): void {
    if (frame.type === "event") {
      const event = frame as unknown as GatewayEvent;
      if (!this.helloed) {
        if (event.event === "connect.challenge") this.sendConnect(socket);
        return;
      }
      if (typeof event.seq === "number") {
        if (event.seq !== this.lastSeq + 1) {
          // Events were lost: what we hold may be wrong. A new connection's snapshot is not.
          this.abandon(socket, 4002, `seq gap: expected ${this.lastSeq + 1}, got ${event.seq}`);
          return;
        }
        this.lastSeq = event.seq;
      }
      this.options.onEvent(event);
      return;
    }
    if (frame.type !== "res" || typeof frame.id !== "string") return;
    if (frame.id === "connect") {
      this.onConnectAnswer(socket, frame);
      return;
    }
    const pending = this.pending.get(frame.id);
    if (!pending) return;
    this.pending.delete(frame.id);
    clearTimeout(pending.timer);
    if (frame.ok === true) pending.resolve(frame.payload);
    else {
      const error = (frame.error ?? { code: "ERROR", message: "request failed" }) as ErrorShape;
      pending.reject(new GatewayError(error.code, error.message, error.details));
    }
  }

  private sendConnect(socket: WebSocket): void {
    socket.send(
      JSON.stringify({
        type: "req",
        id: "connect",
        method: "connect",
        params: {
          minProtocol: 4,
          maxProtocol: 4,
          client: { ...CONSOLE_CLIENT, platform: "web" },
          role: "operator",
          caps: [],
          auth: { token: this.options.token },
          userAgent: navigator.userAgent,
        },
      }),
    );
  }

  private onConnectAnswer(socket: WebSocket, frame: Record<string, unknown>): void {
    if (frame.ok !== true) {
      const error = (frame.error ?? { code: "ERROR", message: "connect failed" }) as ErrorShape;
      const code = error.details?.code ?? error.code;
      if (FATAL.has(code)) {
        this.stopped = true;
        this.options.onState({ phase: "refused", code, message: error.message });
        socket.close(1000, "refused");
        return;
      }
      if (error.retryAfterMs !== undefined) this.attempt = Math.max(this.attempt, 4);
      return; // the server closes; dropped() schedules the retry
    }
    const hello = frame.payload as HelloOk;
    this.helloed = true;
    this.attempt = 0;
    this.silenceMs = 2 * (hello.policy?.tickIntervalMs ?? 15_000);
    this.armSilence(socket);
    this.options.onHello(hello);
    this.options.onState({ phase: "online", connId: hello.server.connId });
  }

  /** Two tick intervals without a frame: the socket is dead even if the browser has not noticed. */
  private armSilence(socket: WebSocket): void {
    clearTimeout(this.silenceTimer);
    this.silenceTimer = setTimeout(
      () => this.abandon(socket, 4000, "tick timeout"),
      this.silenceMs,
    );
  }

  /** Gives up on a socket now, without waiting for its close handshake (it may never finish). */
  private abandon(socket: WebSocket, code: number, reason: string): void {
    if (this.socket !== socket) return;
    this.socket = null;
    socket.close(code, reason);
    this.dropped(reason);
  }

  private dropped(reason: string): void {
    clearTimeout(this.silenceTimer);
    for (const [id, pending] of this.pending) {
      clearTimeout(pending.timer);
      pending.reject(new GatewayError("OFFLINE", "connection lost"));
      this.pending.delete(id);
    }
    if (this.stopped) return;
    const delay = backoffDelay(this.attempt++);
    this.options.onState({ phase: "offline", reason, retryAt: Date.now() + delay });
    this.retryTimer = setTimeout(() => this.open(), delay);
  }
}
