/**
 * Helpers for the match tests inside workerd: admin calls through the Worker's real
 * `fetch`, bots with tokens, dispatched matches, and a buffering WebSocket client whose
 * every wait has a timeout that says what it was waiting for.
 */
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import type { MatchConfigInput } from "../../src/match/config";
import type { DispatchResult } from "../../src/match/dispatched";
import type { MatchObject } from "../../src/match/match-object";
import type { AnswerRow, MatchDoc } from "../../src/match/state";
import { fetchChecked } from "./contract-fetch";
import { type Frame, ORIGIN, TestSocket } from "./test-socket";

export { type Frame, ORIGIN, TestSocket } from "./test-socket";

export const ADMIN = "test-admin-token";

export async function api(
  method: string,
  path: string,
  body?: unknown,
  token: string | null = ADMIN,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (token !== null) headers.authorization = `Bearer ${token}`;
  const response = await fetchChecked(`${ORIGIN}${path}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return {
    status: response.status,
    json: text ? (JSON.parse(text) as Record<string, unknown>) : {},
  };
}

let botCounter = 0;

/** A new external bot and a token for it. */
export async function newBot(
  prefix = "bot",
): Promise<{ botId: string; name: string; token: string }> {
  botCounter += 1;
  const name = `${prefix}-${botCounter}-${crypto.randomUUID().slice(0, 8)}`;
  const bot = await api("POST", "/api/bots", { name });
  expect(bot.status).toBe(201);
  const botId = bot.json.id as string;
  const issued = await api("POST", `/api/external-api/bots/${botId}/tokens`);
  expect(issued.status).toBe(201);
  return { botId, name, token: issued.json.token as string };
}

/** Dispatches a match through `POST /api/matches`. */
export async function newMatch(
  bots: string[],
  config: MatchConfigInput = {},
): Promise<DispatchResult> {
  const res = await api("POST", "/api/matches", { bots, config });
  expect(res.status, JSON.stringify(res.json)).toBe(201);
  return res.json as unknown as DispatchResult;
}

/** The seat's path (`gateway_ws_url`). */
export function seatPath(match: DispatchResult, seat: number): string {
  const url = match.seats[seat]?.gateway_ws_url;
  if (!url) throw new Error(`seat ${seat} has no socket path`);
  return url;
}

export function stub(matchId: string): DurableObjectStub<MatchObject> {
  return env.MATCH.getByName(matchId);
}

/** Fires the match object's alarm now (its due deadlines run as if their time had come). */
export async function fireAlarm(matchId: string): Promise<boolean> {
  // The alarm may be armed earlier than the earliest deadline (a spent turn's): it then
  // finds nothing due and arms the next one, which is fired in turn.
  const { meta, schedule, outbox } = await stored(matchId);
  const dues = [...Object.values(schedule), ...outbox.map((row) => row.due_at)];
  const target = dues.length > 0 ? Math.min(...dues) : null;
  let armed = meta.armed_at;
  for (let fired = 0; ; fired += 1) {
    if (!(await runDurableObjectAlarm(stub(matchId)))) return fired > 0;
    if (armed === null || target === null || armed >= target || fired >= 10) return true;
    armed = (await stored(matchId)).meta.armed_at;
  }
}

/** Reads the object's tables directly (inspection only). */
export async function inspect<T>(
  matchId: string,
  query: string,
  ...bindings: unknown[]
): Promise<T[]> {
  return runInDurableObject(
    stub(matchId),
    (_instance, state) => state.storage.sql.exec(query, ...bindings).toArray() as T[],
  );
}

/**
 * The match's state as committed to SQLite, not as the object holds it in memory: the
 * document and the engine of `match_state` (inspection only).
 */
export async function stored(
  matchId: string,
): Promise<MatchDoc & { engine: { hands_played: number } | null }> {
  const [row] = await inspect<{ doc: string; engine: string | null }>(
    matchId,
    "SELECT doc, engine FROM match_state",
  );
  if (!row) throw new Error(`match ${matchId} has no stored state`);
  return {
    ...(JSON.parse(row.doc) as MatchDoc),
    engine: row.engine === null ? null : (JSON.parse(row.engine) as { hands_played: number }),
  };
}

/** Every answered turn as committed: the finished hands' rows, then the hand in play's (the document's). */
export async function storedAnswers(matchId: string): Promise<AnswerRow[]> {
  const hands = await inspect<{ answers: string }>(
    matchId,
    "SELECT answers FROM hands WHERE answers IS NOT NULL ORDER BY hand_number",
  );
  return [
    ...hands.flatMap((row) => JSON.parse(row.answers) as AnswerRow[]),
    ...((await stored(matchId)).answered ?? []),
  ];
}

/** Runs `authenticate` + client `hello` and returns the server hello. */
export async function handshake(socket: TestSocket, matchId: string): Promise<Frame> {
  socket.send({ type: "authenticate", match_id: matchId, token: "" });
  const hello = await socket.next("the server hello");
  expect(hello.type).toBe("hello");
  socket.send({ type: "hello", match_id: matchId, supported_versions: ["1.0"] });
  return hello;
}

/** Opens the seat's socket with its bot token and completes the handshake. */
export async function connectSeat(
  match: DispatchResult,
  seat: number,
  token: string,
): Promise<TestSocket> {
  const socket = await TestSocket.open(seatPath(match, seat), { token });
  await handshake(socket, match.match_id);
  return socket;
}

/** Two remote bots in a dispatched match (jitter off unless configured). */
export async function twoBotMatch(config: MatchConfigInput = {}) {
  const alpha = await newBot("alpha");
  const bravo = await newBot("bravo");
  const match = await newMatch([alpha.botId, bravo.botId], {
    jitter_min_ms: 0,
    jitter_max_ms: 0,
    ...config,
  });
  return { alpha, bravo, match };
}

/** Answers turn requests with check-else-call until `match_end`; returns every frame. */
export async function playPassively(
  socket: TestSocket,
  matchId: string,
  timeoutMs = 20_000,
): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const frame = await socket.next("a frame while playing", Math.max(1, deadline - Date.now()));
    if (frame.type === "match_end") return frame;
    if (frame.type === "turn_request") {
      const valid = frame.valid_actions as string[];
      const action = valid.includes("check") ? "check" : "call";
      socket.send({
        type: "turn_action",
        match_id: matchId,
        request_id: frame.request_id,
        action,
        params: {},
      });
    }
  }
}
