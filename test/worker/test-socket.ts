/**
 * The client end of a WebSocket opened through the Worker's real `fetch` inside workerd,
 * shared by the channel, lobby, match and tournament tests: it buffers every frame from the
 * start, and every wait has a timeout that says what it was waiting for.
 */
import { Waits } from "../harness/waits";
import { fetchChecked } from "./contract-fetch";

export const ORIGIN = "http://botgate.test";

export type Frame = Record<string, unknown> & { type?: string; seq?: number };

export interface OpenOptions {
  /** Subprotocols offered (`sec-websocket-protocol`). */
  protocols?: string[];
  /** A bot token, offered as the `chipzen-bot-token` subprotocol unless `protocols` is set. */
  token?: string;
  /** More request headers (`cf-connecting-ip`, say). */
  headers?: Record<string, string>;
}

export class TestSocket {
  readonly frames: Frame[] = [];
  closeEvent: { code: number; reason: string } | null = null;
  #cursor = 0;
  readonly #waits = new Waits(() => this.closeEvent);

  private constructor(
    readonly ws: WebSocket,
    /** The subprotocol the server chose, if any. */
    readonly protocol: string | null,
  ) {
    ws.addEventListener("message", (event) => {
      const data = typeof event.data === "string" ? event.data : "<binary>";
      try {
        this.frames.push(JSON.parse(data) as Frame);
      } catch {
        this.frames.push({ raw: data });
      }
      this.#waits.wake();
    });
    ws.addEventListener("close", (event) => {
      this.closeEvent = { code: event.code, reason: event.reason };
      this.#waits.wake();
    });
  }

  /** Opens a socket on `path`; throws with the answer when the upgrade is refused. */
  static async open(path: string, options: OpenOptions = {}): Promise<TestSocket> {
    const protocols =
      options.protocols ?? (options.token ? ["chipzen-bot-token", options.token] : []);
    const headers: Record<string, string> = { ...options.headers, upgrade: "websocket" };
    if (protocols.length > 0) headers["sec-websocket-protocol"] = protocols.join(", ");
    const response = await fetchChecked(`${ORIGIN}${path}`, { headers });
    const ws = response.webSocket;
    if (response.status !== 101 || !ws) {
      throw new Error(`upgrade refused with HTTP ${response.status}: ${await response.text()}`);
    }
    const socket = new TestSocket(ws, response.headers.get("sec-websocket-protocol"));
    ws.accept();
    return socket;
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === "string" ? frame : JSON.stringify(frame));
  }

  /** The next frame, in order. */
  async next(what = "the next frame", timeoutMs = 15_000): Promise<Frame> {
    await this.#waits.until(() => this.#cursor < this.frames.length, timeoutMs, what);
    const frame = this.frames[this.#cursor] as Frame;
    this.#cursor += 1;
    return frame;
  }

  /** Skips frames until one of `type` arrives. */
  async nextOf(type: string, timeoutMs = 15_000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const frame = await this.next(`a "${type}" frame`, Math.max(1, deadline - Date.now()));
      if (frame.type === type) return frame;
    }
  }

  /** Resolves with the close code and reason. */
  async closed(timeoutMs = 15_000): Promise<{ code: number; reason: string }> {
    await this.#waits.until(() => this.closeEvent !== null, timeoutMs, "the socket to close");
    return this.closeEvent as { code: number; reason: string };
  }

  get isClosed(): boolean {
    return this.closeEvent !== null;
  }

  /** Frames received but not yet taken with `next()`. */
  get unread(): Frame[] {
    return this.frames.slice(this.#cursor);
  }

  close(code = 1000, reason = "bye"): void {
    try {
      this.ws.close(code, reason);
    } catch {
      // already closed
    }
  }
}
