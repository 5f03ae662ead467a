import { Backoff, sleep } from "./backoff.ts";
import {
  type ClientLog,
  fallback,
  logBotError,
  type MatchOutcome,
  playMatch,
} from "./match-session.ts";
import { dialOnce } from "./socket.ts";
import type { Bot, BotFactory, MatchedNotice } from "./types.ts";

export interface RunBotOptions {
  /** The gateway origin: `https://…`, `wss://…`, or `http://127.0.0.1:8787` locally. */
  url: string;
  botId: string;
  token: string;
  /** Stop after this many matches have finished. Unlimited when absent. */
  maxMatches?: number;
  signal?: AbortSignal;
  log?: ClientLog;
  /** Lobby reconnect backoff (defaults: 500 ms base, 30 s cap, reset after 10 s up). */
  backoff?: Backoff;
  /**
   * Lobby dials allowed before the lobby first answers; then `runBot` returns `unreachable`
   * (default: unlimited — it waits for the gateway to come up). Once the lobby was reached,
   * every drop, failed dial and outage is re-dialled with backoff, whatever this says.
   */
  connectAttempts?: number;
}

/** Why `runBot` returned. `unreachable`: `connectAttempts` dials failed before the lobby answered. */
export type StopReason =
  | "max_matches"
  | "aborted"
  | "evicted"
  | "auth_failed"
  | "revoked"
  | "unreachable";

export interface RunBotResult {
  reason: StopReason;
  matches: MatchOutcome[];
}

/** Lobby close codes that end the bot for good (bot protocol §3.7). */
const TERMINAL: Record<number, StopReason> = { 4001: "auth_failed", 4002: "revoked" };
/**
 * botgate's reason on the 4001 of a missed `authenticate` deadline: this client sends it as
 * the socket opens, so the network held it (a stall, a congested link) and the token may be
 * good — re-dialled with backoff like a drop (docs/lobby.md). Any other 4001 is final.
 */
const AUTH_TIMEOUT_REASON = "auth_timeout";

/** Why a lobby close ends the bot for good, or undefined for one to re-dial. */
function terminalClose(code: number, reason: string): StopReason | undefined {
  return code === 4001 && reason === AUTH_TIMEOUT_REASON ? undefined : TERMINAL[code];
}

/** The lobby socket URL for a gateway origin. */
export function lobbyUrl(origin: string, botId: string): URL {
  const url = new URL(`/ws/external/bot/${encodeURIComponent(botId)}`, origin);
  if (url.protocol === "https:") url.protocol = "wss:";
  if (url.protocol === "http:") url.protocol = "ws:";
  return url;
}

/**
 * Runs a bot: holds the lobby socket (re-dialled with capped, jittered backoff),
 * answers the heartbeat, and plays every `matched` — fresh or `resume: true` — in
 * its own task on its own match socket. Eviction by a newer lobby and token
 * revocation are terminal; so is reaching `maxMatches`.
 */
export async function runBot(factory: BotFactory, options: RunBotOptions): Promise<RunBotResult> {
  const log = options.log ?? (() => {});
  const lobby = lobbyUrl(options.url, options.botId);
  const backoff = options.backoff ?? new Backoff();
  const stop = new AbortController();
  const abortFromCaller = () => stop.abort();
  options.signal?.addEventListener("abort", abortFromCaller, { once: true });
  const running = new Map<string, Promise<MatchOutcome>>();
  const outcomes: MatchOutcome[] = [];
  let reason: StopReason | null = options.signal?.aborted ? "aborted" : null;
  /** A lobby `hello` was received once: from then on every drop or failed dial is re-dialled. */
  let reached = false;
  let failures = 0;

  /** Ends the lobby without waiting for its closing handshake; match tasks are not touched. */
  const lobbyStop = new AbortController();
  const finish = (why: StopReason) => {
    reason ??= why;
    lobbyStop.abort();
  };
  const startMatch = (notice: MatchedNotice) => {
    if (running.has(notice.match_id)) return;
    if (options.maxMatches !== undefined && running.size >= options.maxMatches) return;
    log("matched", { match_id: notice.match_id, resume: notice.resume === true });
    let bot: Bot;
    try {
      bot = factory({ matchId: notice.match_id, participantId: notice.participant_id });
    } catch (err) {
      logBotError(log, notice.match_id, "factory", err);
      bot = { decide: (turn) => fallback(turn.valid_actions) };
    }
    const task = playMatch({
      notice,
      lobbyUrl: lobby,
      token: options.token,
      bot,
      signal: stop.signal,
      log,
    })
      .catch((err: unknown): MatchOutcome => {
        log("match_failed", { match_id: notice.match_id, error: String(err) });
        return { status: "refused", matchId: notice.match_id, code: 0, reason: String(err) };
      })
      .then((outcome) => {
        outcomes.push(outcome);
        log("match_over", { match_id: notice.match_id, status: outcome.status });
        if (options.maxMatches !== undefined && outcomes.length >= options.maxMatches) {
          finish("max_matches");
        }
        return outcome;
      });
    running.set(notice.match_id, task);
  };

  while (reason === null) {
    let evicted = false;
    const closed = await dialOnce(
      lobby.href,
      undefined,
      (ws) => {
        ws.onopen = () => ws.send(JSON.stringify({ type: "authenticate", token: options.token }));
        ws.onmessage = (event) => {
          let frame: { type?: unknown } & Record<string, unknown>;
          try {
            frame = JSON.parse(String(event.data));
          } catch {
            return;
          }
          if (frame.type === "hello") {
            backoff.connected();
            reached = true;
            log("lobby_ready", { bot_id: options.botId });
          } else if (frame.type === "ping") {
            ws.send(JSON.stringify({ type: "pong" }));
          } else if (frame.type === "matched") {
            startMatch(frame as unknown as MatchedNotice);
          } else if (frame.type === "evict") {
            evicted = true;
          }
        };
      },
      AbortSignal.any([stop.signal, lobbyStop.signal]),
    );
    if (stop.signal.aborted) finish("aborted");
    if (reason !== null) break;
    failures = reached ? 0 : failures + 1;
    const terminal = evicted
      ? "evicted"
      : (terminalClose(closed.code, closed.reason) ??
        (failures >= (options.connectAttempts ?? Number.POSITIVE_INFINITY)
          ? "unreachable"
          : undefined));
    if (terminal) {
      log("lobby_stopped", { code: closed.code, reason: terminal });
      finish(terminal);
      break;
    }
    const delay = backoff.nextDelay();
    log("lobby_redial", { code: closed.code, delay_ms: delay });
    await sleep(delay, stop.signal);
    if (stop.signal.aborted) finish("aborted");
  }
  await Promise.all(running.values());
  options.signal?.removeEventListener("abort", abortFromCaller);
  return { reason: reason ?? "aborted", matches: outcomes };
}
