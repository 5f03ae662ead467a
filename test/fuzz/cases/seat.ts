/**
 * A match seat driven frame by frame over a raw socket: it dials (header token, `?token=`
 * or the `authenticate` credential), runs the handshake, keeps every frame it ever got
 * across reconnects (checking that `seq` strictly increases, §5.3), and plays when asked.
 * The legitimate opponent runs as a background loop that can be held on its turn, so a
 * hostile frame can be sent while the other seat's turn is open.
 */
import assert from "node:assert/strict";
import { nextJson } from "../checks.ts";
import { Opcode, type RawSocket } from "../raw-socket.ts";
import type { World } from "../world.ts";

export type Json = Record<string, unknown>;

/** How a seat presents its credential (bot protocol §4, docs/match.md "Connecting"). */
export type Dial = "header" | "query" | "frame";

/** One seat of a match as a bot drives it, over as many sockets as it takes. */
export class Seat {
  readonly seat: number;
  readonly path: string;
  readonly token: string;
  readonly #world: World;
  /** Every game frame this seat received, in order, over all its sockets. */
  readonly frames: Json[] = [];
  /** The actions this seat sent that the server should apply, in order. */
  readonly sent: Array<{ action: string; amount?: number }> = [];
  socket: RawSocket | null = null;
  #cursor = 0;
  #lastSeq = 0;
  #waiters: Array<() => void> = [];
  readonly #answered = new Set<string>();

  constructor(world: World, seat: number, path: string, token: string) {
    this.#world = world;
    this.seat = seat;
    this.path = path;
    this.token = token;
  }

  /** Opens a socket and completes the handshake (authenticate → hello → hello). */
  async connect(dial: Dial = "header"): Promise<void> {
    const socket = await this.open(dial);
    socket.sendJson({ type: "authenticate", token: dial === "frame" ? this.token : "" });
    const hello = await nextJson(socket, 15_000, `seat ${this.seat}: the server hello`);
    assert.equal(hello.type, "hello", `seat ${this.seat} hello: ${JSON.stringify(hello)}`);
    assert.equal(hello.seq, 1);
    socket.sendJson({ type: "hello", supported_versions: ["1.0"] });
    this.attach(socket);
  }

  /** Opens a socket for this seat without any frame (the upgrade must be accepted). */
  async open(dial: Dial = "header"): Promise<RawSocket> {
    const path =
      dial === "frame"
        ? this.path.replace("/ws/external/match/", "/ws/match/")
        : dial === "query"
          ? `${this.path}?token=${this.token}`
          : this.path;
    const headers: Array<[string, string]> =
      dial === "header" ? [["Sec-WebSocket-Protocol", `chipzen-bot-token, ${this.token}`]] : [];
    return this.#world.socket(path, headers);
  }

  /** Makes `socket` this seat's live socket: frames not read yet are this seat's from now on. */
  attach(socket: RawSocket): void {
    this.socket = socket;
    this.#world.keep(socket);
    const take = (payload: Buffer) => {
      this.frames.push(JSON.parse(payload.toString("utf8")) as Json);
      for (const wake of this.#waiters.splice(0)) wake();
    };
    for (const frame of socket.frames.slice(socket.consumed)) {
      if (frame.opcode === Opcode.text) take(frame.payload);
    }
    socket.onFrame((frame) => {
      if (this.socket === socket && frame.opcode === Opcode.text) take(frame.payload);
    });
  }

  /** The next game frame (any type), checking `seq`. */
  async next(timeoutMs = 10_000, what = "a frame"): Promise<Json> {
    const deadline = Date.now() + timeoutMs;
    while (this.#cursor >= this.frames.length) {
      const left = deadline - Date.now();
      if (left <= 0) assert.fail(`seat ${this.seat}: timed out waiting for ${what}`);
      if (this.socket?.isClosed && this.#cursor >= this.frames.length) {
        const closed = await this.socket.closed(10);
        assert.fail(`seat ${this.seat}: socket closed ${closed.code} while waiting for ${what}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 200));
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    const frame = this.frames[this.#cursor] as Json;
    this.#cursor += 1;
    assert.ok(
      typeof frame.seq === "number" && frame.seq > this.#lastSeq,
      `seat ${this.seat}: seq must strictly increase (${this.#lastSeq} then ${JSON.stringify(frame).slice(0, 160)})`,
    );
    this.#lastSeq = frame.seq;
    return frame;
  }

  /** Skips frames until one of `type` (the skipped ones stay in `frames`). */
  async until(type: string, timeoutMs = 10_000): Promise<Json> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const frame = await this.next(Math.max(1, deadline - Date.now()), `a ${type}`);
      if (frame.type === type) return frame;
    }
  }

  /** Frames received but not yet read. */
  get unread(): Json[] {
    return this.frames.slice(this.#cursor);
  }

  /** Resolves once a frame is waiting to be read (without reading it). */
  async waitUnread(timeoutMs: number): Promise<"frame"> {
    const deadline = Date.now() + timeoutMs;
    while (this.#cursor >= this.frames.length) {
      const left = deadline - Date.now();
      if (left <= 0) assert.fail(`seat ${this.seat}: no frame within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 200));
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return "frame";
  }

  /** Answers `turn` with the legitimate choice: check, else call (fold to a big bet). */
  answer(turn: Json, policy: "check-call" | "check-fold" = "check-call"): void {
    const valid = turn.valid_actions as string[];
    const toCall = (turn.state as { to_call?: number }).to_call ?? 0;
    const action = valid.includes("check")
      ? "check"
      : policy === "check-fold" && toCall > 100
        ? "fold"
        : "call";
    this.act(turn, action);
  }

  /**
   * Sends an action this seat expects to be applied. A `turn_request` re-sent after a
   * reconnect carries a request id already answered: it is not answered twice.
   */
  act(turn: Json, action: string, params: Json = {}, expectedAmount?: number): void {
    const id = String(turn.request_id);
    if (this.#answered.has(id)) return;
    this.#answered.add(id);
    this.sent.push({ action, ...(expectedAmount === undefined ? {} : { amount: expectedAmount }) });
    this.socket?.sendJson({
      type: "turn_action",
      match_id: "",
      request_id: turn.request_id,
      action,
      params,
    });
  }
}

/**
 * The legitimate opponent: answers every turn (check, call, or fold to a big bet) unless
 * held; `hold()` resolves with its pending turn, left open until `release()`.
 */
export class Autoplay {
  readonly seat: Seat;
  #held = false;
  #pending: Json | null = null;
  #waiting: Array<(turn: Json) => void> = [];
  readonly #paceMs: number;
  readonly done: Promise<Json>;

  /** `paceMs`: a pause before each answer (a bot under the 10-a-second rate limit). */
  constructor(seat: Seat, paceMs = 0) {
    this.seat = seat;
    this.#paceMs = paceMs;
    this.done = this.#loop();
    // The loop's failure is reported by whoever awaits `done`.
    this.done.catch(() => {});
  }

  async #loop(): Promise<Json> {
    for (;;) {
      const frame = await this.seat.next(60_000, "the next frame of the legitimate seat");
      if (frame.type === "match_end") return frame;
      if (frame.type !== "turn_request") continue;
      if (this.#held) {
        this.#pending = frame;
        for (const wake of this.#waiting.splice(0)) wake(frame);
        continue;
      }
      if (this.#paceMs > 0) await new Promise((resolve) => setTimeout(resolve, this.#paceMs));
      if (this.#held) {
        this.#pending = frame;
        for (const wake of this.#waiting.splice(0)) wake(frame);
        continue;
      }
      this.seat.answer(frame, "check-fold");
    }
  }

  /** Holds the next (or current) turn of this seat open; resolves with it. */
  hold(): Promise<Json> {
    this.#held = true;
    if (this.#pending) return Promise.resolve(this.#pending);
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  /** Answers the held turn and goes back to answering at once. */
  release(): void {
    this.#held = false;
    const pending = this.#pending;
    this.#pending = null;
    if (pending) this.seat.answer(pending, "check-fold");
  }
}
