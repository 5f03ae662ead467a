/**
 * A WebSocket test client over Node `ws`: every frame is buffered from the moment
 * the socket exists (handlers are wired before the first frame can arrive), and
 * every wait has a timeout that says what it was waiting for.
 */
import WebSocket from "ws";
import { HANG_MS } from "./until.ts";
import { Waits } from "./waits.ts";

export type Frame = Record<string, unknown> & { type?: string };

export interface OpenOptions {
  protocols?: string[];
  headers?: Record<string, string>;
  timeoutMs?: number;
  /** Offer `permessage-deflate` (as `ws`, browsers and Python `websockets` do); default true. */
  deflate?: boolean;
}

export interface CloseEvent {
  code: number;
  reason: string;
}

export class TestSocket {
  /** Every frame received so far, in order (parsed JSON, or `{ raw }` for non-JSON). */
  readonly frames: Frame[] = [];
  #cursor = 0;
  #closed: CloseEvent | null = null;
  #extensions = "";
  readonly #waits = new Waits(() => this.#closed);

  readonly ws: WebSocket;

  private constructor(ws: WebSocket) {
    this.ws = ws;
    ws.once("upgrade", (res) => {
      this.#extensions = String(res.headers["sec-websocket-extensions"] ?? "");
    });
    ws.on("message", (data, isBinary) => {
      const text = data.toString();
      let frame: Frame;
      try {
        frame = isBinary ? { raw: text, binary: true } : (JSON.parse(text) as Frame);
      } catch {
        frame = { raw: text };
      }
      this.frames.push(frame);
      this.#waits.wake();
    });
    ws.on("close", (code, reason) => {
      this.#closed = { code, reason: reason.toString() };
      this.#waits.wake();
    });
    ws.on("error", () => this.#waits.wake());
  }

  /** Opens a socket; rejects if the upgrade is refused (with the HTTP status) or times out. */
  static open(url: string, options: OpenOptions = {}): Promise<TestSocket> {
    const ws = new WebSocket(url, options.protocols ?? [], {
      headers: options.headers ?? {},
      perMessageDeflate: options.deflate ?? true,
    });
    const socket = new TestSocket(ws);
    const timeoutMs = options.timeoutMs ?? HANG_MS;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        ws.terminate();
        reject(new Error(`timed out after ${timeoutMs} ms opening ${url}`));
      }, timeoutMs);
      ws.once("open", () => {
        clearTimeout(timer);
        resolve(socket);
      });
      ws.once("unexpected-response", (_req, res) => {
        clearTimeout(timer);
        reject(new Error(`upgrade refused with HTTP ${res.statusCode}`));
      });
      ws.once("error", (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
  }

  /** The `Sec-WebSocket-Extensions` the server answered (`""` when none). */
  get extensions(): string {
    return this.#extensions;
  }

  /** The subprotocol the server selected (`""` when none). */
  get protocol(): string {
    return this.ws.protocol;
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === "string" ? frame : JSON.stringify(frame));
  }

  sendBinary(data: Uint8Array): void {
    this.ws.send(data, { binary: true });
  }

  /** The next frame in arrival order. */
  async next(timeoutMs = HANG_MS, what = "the next frame"): Promise<Frame> {
    await this.#waits.until(() => this.#cursor < this.frames.length, timeoutMs, what);
    const frame = this.frames[this.#cursor];
    this.#cursor += 1;
    if (!frame) throw new Error("unreachable: cursor past frames");
    return frame;
  }

  /** Skips frames until one has `type` (the skipped ones stay in `frames`). */
  async nextOfType(type: string, timeoutMs = HANG_MS): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const frame = await this.next(Math.max(1, deadline - Date.now()), `a "${type}" frame`);
      if (frame.type === type) return frame;
    }
  }

  /** Resolves with the close code and reason once the socket has closed. */
  async closed(timeoutMs = HANG_MS): Promise<CloseEvent> {
    await this.#waits.until(() => this.#closed !== null, timeoutMs, "the socket to close");
    return this.#closed as CloseEvent;
  }

  get isClosed(): boolean {
    return this.#closed !== null;
  }

  /** Closes from the client side (1000 unless told otherwise). */
  close(code = 1000, reason = ""): void {
    this.ws.close(code, reason);
  }

  /** Drops the TCP connection without a close handshake, like a crashed client. */
  cut(): void {
    this.ws.terminate();
  }
}
