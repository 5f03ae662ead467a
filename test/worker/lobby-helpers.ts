/**
 * Helpers for the lobby tests inside workerd: bots and tokens in D1, lobby sockets opened
 * through the Worker's real `fetch`, and deterministic control of the bot object's clock
 * (deadlines are moved into the past, then the alarm is fired with runDurableObjectAlarm).
 */
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { MATCHMAKING_QUEUE } from "../../src/lobby/matchmaker-object";
import { createBot } from "../../src/registry/bots";
import { issueToken } from "../../src/registry/tokens";
import { fetchChecked } from "./contract-fetch";
import { type Frame, ORIGIN, TestSocket } from "./test-socket";

export { type Frame, TestSocket } from "./test-socket";

/** The lobby's resume settle window in this configuration (wrangler.toml). */
export const SETTLE_MS = Number(env.LOBBY_RESUME_SETTLE_MS);

let counter = 0;
/** A fresh client IP per call, so tests never share a connect-rate window by accident. */
export function freshIp(): string {
  counter += 1;
  return `198.51.${Math.floor(counter / 250)}.${counter % 250}`;
}

/** A new external bot with one token, of its own owner (the queue never pairs one owner's bots). */
export async function newBot(): Promise<{ botId: string; token: string; tokenId: string }> {
  counter += 1;
  const suffix = `${counter}-${crypto.randomUUID().slice(0, 8)}`;
  const bot = await createBot(env.DB, `lobby-${suffix}`, `t-${suffix}`);
  if (!bot) throw new Error("bot name collision");
  const issued = await issueToken(env.DB, bot.id);
  return { botId: bot.id, token: issued.token, tokenId: issued.token_id };
}

/** Opens a WebSocket through the Worker from a fresh client IP unless told otherwise. */
export function openSocket(
  path: string,
  options: { ip?: string; protocols?: string } = {},
): Promise<TestSocket> {
  return TestSocket.open(path, {
    headers: {
      "cf-connecting-ip": options.ip ?? freshIp(),
      ...(options.protocols ? { "sec-websocket-protocol": options.protocols } : {}),
    },
  });
}

/** Opens a lobby socket, authenticates, and returns it with the hello already read. */
export async function connectLobby(
  bot: { botId: string; token: string },
  options: { ip?: string } = {},
): Promise<{ client: TestSocket; hello: Frame }> {
  const client = await openSocket(`/ws/external/bot/${bot.botId}`, options);
  client.send({ type: "authenticate", token: bot.token });
  const hello = await client.next("the lobby hello");
  return { client, hello };
}

export function botStub(botId: string) {
  return env.BOT.getByName(botId);
}

/**
 * Pretends `ms` passed for what the alarm acts on — every schedule row, and the storage time
 * of every `matched` notice (the resume window compares it), move `ms` earlier — then fires
 * the object's alarm. Socket timestamps are untouched.
 */
export async function elapse(stub: DurableObjectStub, ms: number): Promise<void> {
  await runInDurableObject(stub, (_instance, state) => {
    state.storage.sql.exec("UPDATE schedule SET due_at = due_at - ?", ms);
    state.storage.sql.exec("UPDATE matched_notices SET created_at = created_at - ?", ms);
  });
  await runDurableObjectAlarm(stub);
}

/**
 * Moves the matchmaking queue's clock `ms` forward — every entry's join and expiry and every
 * deadline — then fires its alarm.
 */
export async function elapseQueue(ms: number): Promise<void> {
  const matchmaker = env.MATCHMAKER.getByName(MATCHMAKING_QUEUE);
  await runInDurableObject(matchmaker, (_i, state) => {
    state.storage.sql.exec(
      "UPDATE queue SET joined_at = joined_at - ?1, expires_at = expires_at - ?1",
      ms,
    );
    state.storage.sql.exec("UPDATE schedule SET due_at = due_at - ?", ms);
  });
  await runDurableObjectAlarm(matchmaker);
}

/** Polls `check` (inside the object) until it holds; every wait says what it waited for. */
export async function waitInObject(
  stub: DurableObjectStub,
  check: (state: DurableObjectState) => boolean,
  what: string,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await runInDurableObject(stub, (_instance, state) => check(state)))) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Resolves after `ms` of real time (used only to show that nothing arrives). */
export function quiet(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A JSON call through the Worker; `token` defaults to the test admin credential. */
export async function call(
  method: string,
  path: string,
  options: { body?: unknown; token?: string | null } = {},
): Promise<{ status: number; json: Record<string, unknown> }> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  const token = options.token === undefined ? "test-admin-token" : options.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  const response = await fetchChecked(`${ORIGIN}${path}`, {
    method,
    headers,
    ...(options.body === undefined
      ? {}
      : { body: typeof options.body === "string" ? options.body : JSON.stringify(options.body) }),
  });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : {} };
}
