/**
 * A raw WebSocket client over a plain TCP socket, for input no well-behaved client library
 * will send: any request line and header lines (duplicates, garbage subprotocol lists,
 * non-ASCII), and any frame (binary, invalid UTF-8, oversized). It speaks just enough of
 * RFC 6455 to read what the server answers: the HTTP status and headers, then text, binary
 * and close frames, each wait with a timeout that says what it waited for.
 */
import { randomBytes } from "node:crypto";
import { connect, type Socket } from "node:net";
import { Waits } from "../harness/waits.ts";

/** What the server answered to an upgrade request. */
export interface UpgradeAnswer {
  status: number;
  /** Lower-cased header names; repeated headers are joined with ", ". */
  headers: Record<string, string>;
  /** The body of a non-101 answer (read until the server closes or the timeout). */
  body: string;
  /** The open socket after a 101. */
  socket: RawSocket | null;
}

/** One frame from the server. */
export interface RawFrame {
  opcode: number;
  payload: Buffer;
  /** RSV1 set: a `permessage-deflate` message (the payload is still compressed). */
  compressed: boolean;
}

export const Opcode = { text: 1, binary: 2, close: 8, ping: 9, pong: 10 } as const;

/** A request exactly as given: no normalisation of the path, any header lines, any body. */
export interface RawRequest {
  method?: string;
  /** Sent verbatim in the request line (`..`, `%2e`, raw bytes: nothing is normalised). */
  path: string;
  headers?: Array<[string, string]>;
  body?: string | Uint8Array;
  /** Adds the WebSocket upgrade headers that are not given (default true without a body). */
  upgrade?: boolean;
  timeoutMs?: number;
}

/** Sends `GET path` as a WebSocket upgrade with these extra header lines. */
export function rawUpgrade(
  origin: URL,
  path: string,
  headers: Array<[string, string]> = [],
  timeoutMs = 15_000,
): Promise<UpgradeAnswer> {
  return rawRequest(origin, { path, headers, upgrade: true, timeoutMs });
}

/**
 * Sends one HTTP/1.1 request over a fresh TCP connection (plus Host, Content-Length for a
 * body, and the WebSocket key and version for an upgrade unless given) and reads the answer.
 */
export async function rawRequest(origin: URL, request: RawRequest): Promise<UpgradeAnswer> {
  const { method = "GET", path, headers = [], body, timeoutMs = 15_000 } = request;
  const upgrade = request.upgrade ?? body === undefined;
  const tcp = connect(Number(origin.port), origin.hostname);
  tcp.setNoDelay(true);
  const has = (name: string) => headers.some(([h]) => h.toLowerCase() === name);
  const lines = [`${method} ${path} HTTP/1.1`, `Host: ${origin.host}`];
  if (upgrade) {
    if (!has("upgrade")) lines.push("Upgrade: websocket");
    if (!has("connection")) lines.push("Connection: Upgrade");
    if (!has("sec-websocket-key")) {
      lines.push(`Sec-WebSocket-Key: ${randomBytes(16).toString("base64")}`);
    }
    if (!has("sec-websocket-version")) lines.push("Sec-WebSocket-Version: 13");
  } else if (!has("connection")) {
    lines.push("Connection: close");
  }
  const payload = body === undefined ? null : Buffer.from(body);
  if (payload && !has("content-length") && !has("transfer-encoding")) {
    lines.push(`Content-Length: ${payload.length}`);
  }
  for (const [name, value] of headers) lines.push(`${name}: ${value}`);
  const head = Buffer.from(`${lines.join("\r\n")}\r\n\r\n`, "latin1");
  return new Promise((resolve, reject) => {
    let buffer = Buffer.alloc(0);
    let done = false;
    const finish = (fn: () => void) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      tcp.off("data", onData);
      tcp.off("end", onEnd);
      fn();
    };
    const timer = setTimeout(() => {
      finish(() => {
        tcp.destroy();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for the answer to ${path}`));
      });
    }, timeoutMs);
    const parseHead = (): { status: number; headers: Record<string, string>; rest: Buffer } => {
      const end = buffer.indexOf("\r\n\r\n");
      const lines = buffer.subarray(0, end).toString("latin1").split("\r\n");
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(lines[0] ?? "")?.[1] ?? 0);
      const parsed: Record<string, string> = {};
      for (const line of lines.slice(1)) {
        const at = line.indexOf(":");
        const name = line.slice(0, at).trim().toLowerCase();
        const value = line.slice(at + 1).trim();
        parsed[name] = parsed[name] === undefined ? value : `${parsed[name]}, ${value}`;
      }
      return { status, headers: parsed, rest: buffer.subarray(end + 4) };
    };
    const onData = (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      if (buffer.indexOf("\r\n\r\n") < 0) return;
      const answer = parseHead();
      if (answer.status === 101) {
        finish(() => resolve({ ...answer, body: "", socket: new RawSocket(tcp, answer.rest) }));
        return;
      }
      const length = Number(answer.headers["content-length"] ?? Number.NaN);
      if (Number.isFinite(length) && answer.rest.length >= length) {
        finish(() => {
          tcp.destroy();
          resolve({
            status: answer.status,
            headers: answer.headers,
            body: answer.rest.subarray(0, length).toString("utf8"),
            socket: null,
          });
        });
      }
    };
    const onEnd = () => {
      finish(() => {
        if (buffer.indexOf("\r\n\r\n") < 0) {
          reject(new Error(`connection closed before an answer to ${path}`));
          return;
        }
        const answer = parseHead();
        resolve({ ...answer, body: dechunk(answer), socket: null });
      });
    };
    tcp.on("data", onData);
    tcp.on("end", onEnd);
    tcp.once("error", (err) => finish(() => reject(err)));
    tcp.write(payload ? Buffer.concat([head, payload]) : head);
  });
}

/** The body of an answer that ended with the connection, de-chunked when it was chunked. */
function dechunk(answer: { headers: Record<string, string>; rest: Buffer }): string {
  if (!/chunked/i.test(answer.headers["transfer-encoding"] ?? ""))
    return answer.rest.toString("utf8");
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const eol = answer.rest.indexOf("\r\n", at);
    if (eol < 0) break;
    const size = Number.parseInt(answer.rest.subarray(at, eol).toString("latin1"), 16);
    if (!Number.isFinite(size) || size === 0) break;
    parts.push(answer.rest.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
  return Buffer.concat(parts).toString("utf8");
}

/** An open WebSocket after a raw upgrade: masked client frames out, server frames in. */
export class RawSocket {
  readonly frames: RawFrame[] = [];
  #cursor = 0;
  #buffer: Buffer;
  #closed: { code: number; reason: string } | null = null;
  readonly #waits = new Waits(() => this.#closed);
  #listeners: Array<(frame: RawFrame) => void> = [];
  readonly #tcp: Socket;

  constructor(tcp: Socket, rest: Buffer) {
    this.#tcp = tcp;
    this.#buffer = rest;
    tcp.on("data", (chunk: Buffer) => {
      this.#buffer = Buffer.concat([this.#buffer, chunk]);
      this.#parse();
    });
    const ended = () => {
      // The TCP connection ended without a close frame: an abnormal closure (1006).
      this.#closed ??= { code: 1006, reason: "" };
      this.#waits.wake();
    };
    tcp.on("end", ended);
    tcp.on("close", ended);
    tcp.on("error", ended);
    this.#parse();
  }

  /** Sends one frame (masked, as a client must); `text` frames take a string or raw bytes. */
  send(data: string | Uint8Array, opcode: number = Opcode.text): void {
    if (this.#tcp.destroyed) return;
    const payload = typeof data === "string" ? Buffer.from(data, "utf8") : Buffer.from(data);
    const mask = randomBytes(4);
    let head: Buffer;
    if (payload.length < 126) {
      head = Buffer.from([0x80 | opcode, 0x80 | payload.length]);
    } else if (payload.length < 65_536) {
      head = Buffer.alloc(4);
      head[0] = 0x80 | opcode;
      head[1] = 0x80 | 126;
      head.writeUInt16BE(payload.length, 2);
    } else {
      head = Buffer.alloc(10);
      head[0] = 0x80 | opcode;
      head[1] = 0x80 | 127;
      head.writeBigUInt64BE(BigInt(payload.length), 2);
    }
    const masked = Buffer.alloc(payload.length);
    for (let i = 0; i < payload.length; i += 1) {
      masked[i] = (payload[i] ?? 0) ^ (mask[i % 4] ?? 0);
    }
    this.#tcp.write(Buffer.concat([head, mask, masked]));
  }

  /** Calls `listener` for every later text or binary frame (e.g. to answer heartbeats). */
  onFrame(listener: (frame: RawFrame) => void): void {
    this.#listeners.push(listener);
  }

  /** Sends a JSON value as a text frame. */
  sendJson(value: unknown): void {
    this.send(JSON.stringify(value));
  }

  /** The next text or binary frame (text parsed as JSON when it is JSON). */
  async next(timeoutMs: number, what: string): Promise<RawFrame> {
    await this.#waits.until(() => this.#cursor < this.frames.length, timeoutMs, what);
    const frame = this.frames[this.#cursor];
    this.#cursor += 1;
    if (!frame) throw new Error("unreachable: cursor past frames");
    return frame;
  }

  /** Resolves with the close code and reason once the server closed (1006 without a frame). */
  async closed(timeoutMs: number): Promise<{ code: number; reason: string }> {
    await this.#waits.until(() => this.#closed !== null, timeoutMs, "the socket to close");
    return this.#closed ?? { code: 1006, reason: "" };
  }

  /** How many frames `next` has handed out. */
  get consumed(): number {
    return this.#cursor;
  }

  get isClosed(): boolean {
    return this.#closed !== null;
  }

  /**
   * The text frames received so far, parsed as JSON (`{ raw }` when it is not JSON); with
   * `unread`, only those `next` has not handed out yet.
   */
  texts(unread = false): Array<Record<string, unknown>> {
    return this.frames
      .slice(unread ? this.#cursor : 0)
      .filter((f) => f.opcode === Opcode.text)
      .map((f) => {
        const text = f.payload.toString("utf8");
        try {
          return JSON.parse(text) as Record<string, unknown>;
        } catch {
          return { raw: text };
        }
      });
  }

  /** Closes politely (a close frame), then drops the TCP connection. */
  close(code = 1000): void {
    if (this.#tcp.destroyed) return;
    const payload = Buffer.alloc(2);
    payload.writeUInt16BE(code, 0);
    this.send(payload, Opcode.close);
    this.#tcp.end();
    setTimeout(() => this.#tcp.destroy(), 200).unref();
  }

  /** Drops the TCP connection without a close frame. */
  cut(): void {
    this.#tcp.destroy();
  }

  #parse(): void {
    for (;;) {
      const b = this.#buffer;
      if (b.length < 2) return;
      const opcode = (b[0] ?? 0) & 0x0f;
      const compressed = ((b[0] ?? 0) & 0x40) !== 0;
      let length = (b[1] ?? 0) & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (b.length < 4) return;
        length = b.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (b.length < 10) return;
        length = Number(b.readBigUInt64BE(2));
        offset = 10;
      }
      if (b.length < offset + length) return;
      const payload = b.subarray(offset, offset + length);
      this.#buffer = b.subarray(offset + length);
      if (opcode === Opcode.close) {
        this.#closed ??= {
          code: payload.length >= 2 ? payload.readUInt16BE(0) : 1005,
          reason: payload.subarray(2).toString("utf8"),
        };
        // Answer the close so the server's closing handshake completes, then hang up.
        if (!this.#tcp.destroyed) {
          this.send(payload.subarray(0, 2), Opcode.close);
          this.#tcp.end();
        }
      } else if (opcode === Opcode.ping) {
        this.send(payload, Opcode.pong);
      } else if (opcode === Opcode.text || opcode === Opcode.binary) {
        const frame = { opcode, payload: Buffer.from(payload), compressed };
        this.frames.push(frame);
        for (const listener of this.#listeners) listener(frame);
      }
      this.#waits.wake();
    }
  }
}
