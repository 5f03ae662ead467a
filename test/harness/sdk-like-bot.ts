/**
 * A test client that behaves like the Chipzen SDKs' external-API runner (`run_external_bot`
 * in the Python SDK, `runExternalBot` in the JavaScript SDK; read from their sources, see
 * docs/compatibility.md), written from scratch with `ws` so botgate can be tested against
 * that behaviour without the SDKs:
 *
 * - one lobby socket held for the whole session, answering `ping`, re-dialled when it drops;
 * - one match task per `matched`, fresh or `resume: true`, with **no** dedupe by match id;
 * - a match task re-dials its match socket when it drops without `match_end`, with the
 *   default retry policy (5 attempts, 0.5/1/2/4/8 s; the count is never reset), then gives
 *   up and returns no result — and a task that gave up **counts as played**: it appends
 *   `{ matchId: null, end: null }` and counts towards `maxMatches`;
 * - the lobby re-dials with the same policy (its counter resets after a session that ran)
 *   and gives up after 5 failed dials;
 * - at `maxMatches` the session stops: tasks still running get 5 s to finish, then are
 *   cancelled (a cancelled task records nothing).
 */
import WebSocket from "ws";

export type Frame = Record<string, unknown> & { type?: string };

export interface RetryPolicy {
  maxReconnectAttempts: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
  multiplier: number;
}

/** The SDKs' `DEFAULT_RETRY_POLICY`. */
export const DEFAULT_POLICY: RetryPolicy = {
  maxReconnectAttempts: 5,
  initialBackoffMs: 500,
  maxBackoffMs: 30_000,
  multiplier: 2,
};

/** The delay before reconnect attempt `attempt` (1-based): 500, 1000, 2000, 4000, 8000 … */
export function backoffMs(policy: RetryPolicy, attempt: number): number {
  return Math.floor(
    Math.min(policy.initialBackoffMs * policy.multiplier ** (attempt - 1), policy.maxBackoffMs),
  );
}

/** One entry of the session's results, as the SDKs record it. */
export interface SdkResult {
  matchId: string | null;
  end: Frame | null;
}

export interface SdkLikeOptions {
  /** The lobby URL, `ws://host/ws/external/bot/{bot_id}` (the SDKs' `url`). */
  url: string;
  token: string;
  maxMatches?: number;
  policy?: RetryPolicy;
  /** The bot's decision (default: check, else call). May wait: the SDKs decide off-loop. */
  decide?: (turn: Frame) => Promise<Answer>;
}

export interface SdkLikeSession {
  /** Resolves with the results list once the session has ended. */
  done: Promise<SdkResult[]>;
  /** What happened, in order: `lobby_hello`, `matched <id>`, `task_refused <id> <code>`… */
  events: string[];
  /** Resolves when an event matching `pattern` has been recorded (or rejects on timeout). */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Stops the session as the caller's stop signal would. */
  stop(): void;
}

const MATCH_DRAIN_GRACE_MS = 5000;

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });

/** Opens a socket: resolves once open, rejects when the dial fails (the SDKs' OSError). */
function connect(url: string, protocols: string[] = []): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, protocols);
    ws.once("open", () => resolve(ws));
    ws.once("error", (err) => reject(err));
    ws.once("unexpected-response", (_req, res) => {
      ws.terminate();
      reject(new Error(`HTTP ${res.statusCode}`));
    });
  });
}

/** Reads frames in order; `next()` resolves with `null` once the socket has closed. */
class Reader {
  readonly #queue: Frame[] = [];
  readonly #waiters: Array<(frame: Frame | null) => void> = [];
  #closed = false;
  code: number | null = null;

  constructor(ws: WebSocket) {
    ws.on("message", (data) => {
      let frame: Frame;
      try {
        frame = JSON.parse(data.toString()) as Frame;
      } catch {
        frame = {};
      }
      const waiter = this.#waiters.shift();
      if (waiter) waiter(frame);
      else this.#queue.push(frame);
    });
    ws.on("close", (code) => {
      this.#closed = true;
      this.code = code;
      for (const waiter of this.#waiters.splice(0)) waiter(null);
    });
    ws.on("error", () => {});
  }

  next(): Promise<Frame | null> {
    const frame = this.#queue.shift();
    if (frame) return Promise.resolve(frame);
    if (this.#closed) return Promise.resolve(null);
    return new Promise((resolve) => this.#waiters.push(resolve));
  }
}

type Answer = { action: string; params?: Record<string, unknown> };

const checkOrCall = async (turn: Frame): Promise<Answer> => {
  const valid = (turn.valid_actions as string[] | undefined) ?? [];
  return { action: valid.includes("check") ? "check" : "call" };
};

export function runSdkLikeBot(options: SdkLikeOptions): SdkLikeSession {
  const policy = options.policy ?? DEFAULT_POLICY;
  const decide = options.decide ?? checkOrCall;
  const events: string[] = [];
  const watchers = new Set<() => void>();
  const record = (event: string) => {
    events.push(event);
    for (const watch of watchers) watch();
  };
  const stop = new AbortController();
  const results: SdkResult[] = [];
  const tasks: Array<{ done: Promise<void>; settled: boolean; cancel: AbortController }> = [];
  let completed = 0;

  /** One match session on an open socket (`_run_session`): the `match_end`, or null. */
  const session = async (ws: WebSocket, matchId: string): Promise<Frame | null> => {
    const reader = new Reader(ws);
    const send = (frame: Frame) => ws.send(JSON.stringify(frame));
    send({ type: "authenticate", match_id: matchId, token: "" });
    const hello = await reader.next();
    if (hello?.type !== "hello") {
      record(`task_refused ${matchId} ${String(hello?.code ?? reader.code)}`);
      return null;
    }
    send({
      type: "hello",
      match_id: matchId,
      supported_versions: ["1.0"],
      client_name: "sdk-like",
      client_version: "0",
    });
    for (;;) {
      const frame = await reader.next();
      if (frame === null) return null;
      if (frame.type === "turn_request") {
        const { action, params } = await decide(frame);
        send({
          type: "turn_action",
          match_id: matchId,
          request_id: frame.request_id,
          action,
          params: params ?? {},
        });
      } else if (frame.type === "action_rejected") {
        const valid = (frame.valid_actions as string[] | undefined) ?? ["check", "fold"];
        send({
          type: "turn_action",
          match_id: matchId,
          request_id: frame.request_id,
          action: valid.includes("check") ? "check" : "fold",
          params: {},
        });
      } else if (frame.type === "match_end") {
        return frame;
      }
    }
  };

  /** `_play_one_match`: re-dials within the retry budget; null when it gave up. */
  const playOneMatch = async (
    gatewayUrl: string,
    matchId: string,
    cancel: AbortSignal,
  ): Promise<Frame | null> => {
    let attempt = 0;
    for (;;) {
      let ws: WebSocket | null = null;
      try {
        ws = await connect(gatewayUrl, ["chipzen-bot-token", options.token]);
        const onCancel = () => ws?.terminate();
        cancel.addEventListener("abort", onCancel, { once: true });
        const end = await session(ws, matchId);
        cancel.removeEventListener("abort", onCancel);
        if (end !== null) return end;
      } catch {
        // A failed dial: the same as a drop.
      } finally {
        ws?.close();
      }
      if (cancel.aborted) throw new Error("cancelled");
      attempt += 1;
      if (attempt > policy.maxReconnectAttempts) {
        record(`task_abandoned ${matchId}`);
        return null;
      }
      record(`task_redial ${matchId} ${attempt}`);
      await sleep(backoffMs(policy, attempt), cancel);
      if (cancel.aborted) throw new Error("cancelled");
    }
  };

  const startTask = (matched: Frame) => {
    const matchId = String(matched.match_id);
    const gatewayUrl = new URL(String(matched.gateway_ws_url), options.url).href;
    record(`matched ${matchId}${matched.resume === true ? " resume" : ""}`);
    record(`task_started ${matchId}`);
    const cancel = new AbortController();
    const task = { done: Promise.resolve(), settled: false, cancel };
    task.done = playOneMatch(gatewayUrl, matchId, cancel.signal).then(
      (end) => {
        task.settled = true;
        // The SDKs' done-callback: an abandoned task is recorded, and counted, like a played one.
        completed += 1;
        results.push({ matchId: end ? String(end.match_id) : null, end });
        record(end ? `task_ended ${matchId}` : `task_counted_without_result ${matchId}`);
        if (options.maxMatches !== undefined && completed >= options.maxMatches) stop.abort();
      },
      () => {
        task.settled = true; // cancelled: not recorded
      },
    );
    tasks.push(task);
  };

  /** `_run_lobby_once`: one lobby connection; "stopped", "evicted" or "closed". */
  const lobbyOnce = async (): Promise<"stopped" | "evicted" | "closed"> => {
    const ws = await connect(options.url);
    const reader = new Reader(ws);
    // The SDKs poll their stop signal between frames: a stop ends the session at once.
    const stopped = new Promise<"stop">((resolve) => {
      if (stop.signal.aborted) resolve("stop");
      stop.signal.addEventListener("abort", () => resolve("stop"), { once: true });
    });
    try {
      ws.send(JSON.stringify({ type: "authenticate", token: options.token }));
      for (;;) {
        const frame = await Promise.race([reader.next(), stopped]);
        if (frame === "stop") return "stopped";
        if (frame === null) {
          record("lobby_closed");
          return "closed";
        }
        if (frame.type === "ping") ws.send(JSON.stringify({ type: "pong" }));
        else if (frame.type === "hello") record("lobby_hello");
        else if (frame.type === "matched") startTask(frame);
        else if (frame.type === "evict") return "evicted";
      }
    } finally {
      ws.close(1000);
    }
  };

  const done = (async (): Promise<SdkResult[]> => {
    let failures = 0;
    let everConnected = false;
    let giveUp: unknown = null;
    while (!stop.signal.aborted) {
      let status: "stopped" | "evicted" | "closed";
      try {
        status = await lobbyOnce();
        everConnected = true;
      } catch (err) {
        failures += 1;
        record(`lobby_dial_failed ${failures}`);
        if (failures > policy.maxReconnectAttempts) {
          if (!everConnected) giveUp = err;
          record("lobby_gave_up");
          break;
        }
        await sleep(backoffMs(policy, failures), stop.signal);
        continue;
      }
      failures = 0;
      if (status !== "closed") break;
      failures += 1;
      await sleep(backoffMs(policy, failures), stop.signal);
    }
    // Teardown: a short grace for running tasks, then cancel the rest.
    const pending = tasks.filter((task) => !task.settled);
    await Promise.race([
      Promise.all(pending.map((task) => task.done)),
      new Promise((resolve) => setTimeout(resolve, MATCH_DRAIN_GRACE_MS)),
    ]);
    for (const task of tasks) if (!task.settled) task.cancel.abort();
    await Promise.all(tasks.map((task) => task.done));
    record("session_ended");
    if (giveUp) throw giveUp;
    return results;
  })();

  return {
    done,
    events,
    stop: () => stop.abort(),
    waitFor(pattern, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const hit = events.find((event) => pattern.test(event));
          if (hit === undefined) return false;
          watchers.delete(check);
          clearTimeout(timer);
          resolve(hit);
          return true;
        };
        const timer = setTimeout(() => {
          watchers.delete(check);
          reject(new Error(`timed out waiting for ${pattern}; events: ${events.join(", ")}`));
        }, timeoutMs);
        if (!check()) watchers.add(check);
      });
    },
  };
}
