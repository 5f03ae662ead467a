import { sleep } from "./backoff.ts";
import { dialOnce, OPEN } from "./socket.ts";
import type {
  Bot,
  Decision,
  MatchEnd,
  MatchedNotice,
  MatchStart,
  ServerFrame,
  TurnRequest,
} from "./types.ts";

export const TOKEN_SUBPROTOCOL = "chipzen-bot-token";
const CLIENT_NAME = "botgate-client";
const CLIENT_VERSION = "0.1.0";

/** Close codes after which re-dialling the match cannot help (bot protocol §5.12). */
const TERMINAL_CLOSE_CODES = new Set([4001, 4002, 4005, 4011, 4013]);

export type MatchOutcome =
  | { status: "ended"; matchId: string; end: MatchEnd }
  | { status: "refused"; matchId: string; code: number; reason: string }
  | { status: "lost"; matchId: string }
  | { status: "aborted"; matchId: string };

export type ClientLog = (event: string, data?: Record<string, unknown>) => void;

/** The `bot_error` log entry's fields: which part of the bot threw, and the thrown value. */
export interface BotErrorData {
  match_id: string;
  /**
   * `decide` (the turn is answered with check or fold), a hook (`onMatchStart`, …), or the
   * `factory` (the match is then played by a bot that checks or folds).
   */
  where: "factory" | "decide" | "onMatchStart" | "onFrame" | "onMatchEnd";
  error: string;
  /** The thrown error's stack, when it was an `Error`. */
  stack?: string;
  hand_number?: number;
}

export interface MatchSessionOptions {
  notice: MatchedNotice;
  /** The lobby socket's URL: `gateway_ws_url` is resolved against it and must keep its origin. */
  lobbyUrl: URL;
  token: string;
  bot: Bot;
  /** How long to keep re-dialling after a drop (the server's reconnect grace). */
  graceMs?: number;
  signal?: AbortSignal;
  log?: ClientLog;
}

export class GatewayUrlRefused extends Error {}

/**
 * Resolves `gateway_ws_url` against the lobby URL and refuses anything that would
 * send the token elsewhere: another origin, or a downgrade from `wss:` to `ws:`.
 */
export function resolveGatewayUrl(gatewayWsUrl: string, lobbyUrl: URL): URL {
  const target = new URL(gatewayWsUrl, lobbyUrl);
  if (target.protocol === "https:") target.protocol = "wss:";
  if (target.protocol === "http:") target.protocol = "ws:";
  if (lobbyUrl.protocol === "wss:" && target.protocol !== "wss:") {
    throw new GatewayUrlRefused(`refusing to downgrade to ${target.protocol} for the match socket`);
  }
  if (target.host !== lobbyUrl.host) {
    throw new GatewayUrlRefused(`refusing to send the bot token to another host (${target.host})`);
  }
  return target;
}

/** A bot's own error never ends the match: it is logged (`bot_error`) and play goes on. */
export function logBotError(
  log: ClientLog,
  matchId: string,
  where: BotErrorData["where"],
  err: unknown,
  hand?: number,
): void {
  const data: BotErrorData = {
    match_id: matchId,
    where,
    error: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
    ...(err instanceof Error && err.stack ? { stack: err.stack } : {}),
    ...(hand === undefined ? {} : { hand_number: hand }),
  };
  log("bot_error", { ...data });
}

/** The server-side default when a bot cannot or did not decide: check if free, else fold. */
export function fallback(valid: readonly string[]): Decision {
  return { action: valid.includes("check") ? "check" : "fold" };
}

/**
 * Plays one match on its own socket. Each `request_id` is decided once; if the
 * socket drops, the match is re-dialled within the grace window and a re-sent
 * `turn_request` is answered with the same decision, never decided twice.
 */
export async function playMatch(options: MatchSessionOptions): Promise<MatchOutcome> {
  const { notice, token, bot } = options;
  const matchId = notice.match_id;
  const log = options.log ?? (() => {});
  const graceMs = options.graceMs ?? 30_000;
  const url = resolveGatewayUrl(notice.gateway_ws_url, options.lobbyUrl);
  const decisions = new Map<string, Promise<Decision>>();
  // Turns this session has answered, and those it has already retried after a rejection.
  const answered = new Set<string>();
  const retried = new Set<string>();
  // Held in an object so closures see the current socket (TypeScript narrows plain lets).
  // `ready`: this socket finished its handshake (our client `hello` is sent).
  const live: { socket: WebSocket | null; ready: boolean } = { socket: null, ready: false };
  let ended: MatchEnd | null = null;
  let dropDeadline: number | null = null;
  let attempt = 0;

  const botError = (where: BotErrorData["where"], err: unknown, hand?: number) =>
    logBotError(log, matchId, where, err, hand);
  const hook = (name: Exclude<BotErrorData["where"], "decide">, call: () => void) => {
    try {
      call();
    } catch (err) {
      botError(name, err);
    }
  };
  const send = (frame: Record<string, unknown>) => {
    if (live.socket?.readyState === OPEN) live.socket.send(JSON.stringify(frame));
  };
  const answer = async (requestId: string, decision: Promise<Decision>) => {
    const { action, amount } = await decision;
    // A decision that resolves while a re-dialled socket is still handshaking is not sent:
    // nothing may precede the client hello (§5.1). The server re-sends the pending
    // turn_request after the handshake, and it is answered then from the same decision.
    if (!live.ready) return;
    send({
      type: "turn_action",
      match_id: matchId,
      request_id: requestId,
      action,
      params: action === "raise" && amount !== undefined ? { amount } : {},
    });
    answered.add(requestId);
  };
  const onTurn = (turn: TurnRequest) => {
    let decision = decisions.get(turn.request_id);
    if (!decision) {
      decision = Promise.resolve()
        .then(() => bot.decide(turn))
        .catch((err: unknown) => {
          botError("decide", err, turn.state.hand_number);
          return fallback(turn.valid_actions);
        });
      decisions.set(turn.request_id, decision);
    }
    void answer(turn.request_id, decision);
  };

  while (!ended) {
    if (options.signal?.aborted) {
      live.socket?.close(1000);
      return { status: "aborted", matchId };
    }
    let lastError: string | null = null;
    const closed = await dialOnce(
      url.href,
      [TOKEN_SUBPROTOCOL, token],
      (ws) => {
        live.socket = ws;
        live.ready = false;
        ws.onopen = () => send({ type: "authenticate", match_id: matchId, token: "" });
        ws.onmessage = (event) => {
          let frame: ServerFrame;
          try {
            frame = JSON.parse(String(event.data)) as ServerFrame;
          } catch {
            return;
          }
          hook("onFrame", () => bot.onFrame?.(frame));
          switch (frame.type) {
            case "hello":
              send({
                type: "hello",
                match_id: matchId,
                supported_versions: ["1.0"],
                client_name: CLIENT_NAME,
                client_version: CLIENT_VERSION,
              });
              live.ready = true;
              dropDeadline = null;
              attempt = 0;
              break;
            case "match_start":
              hook("onMatchStart", () => bot.onMatchStart?.(frame as unknown as MatchStart));
              break;
            case "turn_request":
              onTurn(frame as unknown as TurnRequest);
              break;
            case "action_rejected": {
              // The rejection names the turn pending *now* (§5.11). It answers our own frame
              // for that turn only if we have sent one: a late answer to an earlier turn the
              // clock already closed is rejected naming the next turn, whose decision is still
              // on its way — a fallback then would throw that turn away. One retry per turn.
              const requestId = String(frame.request_id);
              log("action_rejected", { match_id: matchId, reason: String(frame.reason) });
              if (!answered.has(requestId) || retried.has(requestId)) break;
              retried.add(requestId);
              const retry = fallback((frame.valid_actions as string[] | undefined) ?? ["fold"]);
              decisions.set(requestId, Promise.resolve(retry));
              void answer(requestId, Promise.resolve(retry));
              break;
            }
            case "match_end":
              ended = frame as unknown as MatchEnd;
              hook("onMatchEnd", () => bot.onMatchEnd?.(frame as unknown as MatchEnd));
              break;
            case "error":
              lastError = String(frame.code);
              log("server_error_frame", { match_id: matchId, code: lastError });
              break;
          }
        };
      },
      options.signal,
    );
    if (ended) break;
    if (options.signal?.aborted) return { status: "aborted", matchId };
    // `duplicate_participant`: the seat still has a live socket — after a drop, most often our
    // own dead one, which the server has not noticed yet. A refused duplicate costs nothing
    // (§9 item 12), so it is re-dialled like a drop, within the grace window.
    const duplicate = closed.code === 4011 && lastError === "duplicate_participant";
    if (TERMINAL_CLOSE_CODES.has(closed.code) && !duplicate) {
      log("match_refused", { match_id: matchId, code: closed.code, reason: closed.reason });
      return { status: "refused", matchId, code: closed.code, reason: closed.reason };
    }
    const now = Date.now();
    dropDeadline ??= now + graceMs;
    if (now >= dropDeadline) return { status: "lost", matchId };
    attempt += 1;
    const delay = Math.min(2_000, 100 * 2 ** attempt) * (0.5 + Math.random() / 2);
    log("match_redial", { match_id: matchId, code: closed.code, delay_ms: Math.round(delay) });
    await sleep(Math.min(delay, dropDeadline - now), options.signal);
  }
  return { status: "ended", matchId, end: ended };
}
