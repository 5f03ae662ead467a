/**
 * A scripted raw-JSON bot for the lobby end-to-end tests, speaking the wire protocol like an
 * SDK client: a lobby socket that answers pings, and a match player that dials the
 * `gateway_ws_url` of a `matched` frame, does the handshake and shoves every hand all-in
 * (so matches against anyone end within a few hands).
 */
import { expect } from "vitest";
import type { Gateway } from "../harness/gateway.ts";
import { HANG_MS } from "../harness/until.ts";
import { type Frame, TestSocket } from "../harness/ws-client.ts";

/** Opens and authenticates a lobby socket that answers every ping with a pong. */
export async function openLobby(
  gateway: Gateway,
  bot: { botId: string; token: string },
): Promise<{ lobby: TestSocket; hello: Frame }> {
  const lobby = await TestSocket.open(gateway.wsUrl(`/ws/external/bot/${bot.botId}`));
  lobby.ws.on("message", (data) => {
    if (data.toString() === '{"type":"ping"}') lobby.send({ type: "pong" });
  });
  lobby.send({ type: "authenticate", token: bot.token });
  const hello = await lobby.next(HANG_MS, "the lobby hello");
  expect(hello).toMatchObject({ type: "hello", endpoint: "lobby", match_id: bot.botId });
  return { lobby, hello };
}

/** Dials a seat from its `matched` frame and completes the match-leg handshake. */
export async function dialMatch(
  gateway: Gateway,
  token: string,
  matched: Frame,
): Promise<TestSocket> {
  const socket = await TestSocket.open(gateway.wsUrl(String(matched.gateway_ws_url)), {
    protocols: ["chipzen-bot-token", token],
  });
  expect(socket.protocol).toBe("chipzen-bot-token");
  socket.send({ type: "authenticate", match_id: matched.match_id, token: "" });
  expect((await socket.nextOfType("hello", HANG_MS)).type).toBe("hello");
  socket.send({ type: "hello", match_id: matched.match_id, supported_versions: ["1.0"] });
  return socket;
}

/** The all-in answer to a turn request: the largest raise if offered, else call or check. */
function allIn(request: Frame): Record<string, unknown> {
  const valid = request.valid_actions as string[];
  const state = request.state as { max_raise: number };
  const base = { type: "turn_action", match_id: request.match_id, request_id: request.request_id };
  if (valid.includes("raise") && state.max_raise > 0) {
    return { ...base, action: "raise", params: { amount: state.max_raise } };
  }
  return { ...base, action: valid.includes("call") ? "call" : "check", params: {} };
}

/**
 * Plays on an open match socket until `match_end`, which it returns after the close 1000
 * that follows it. `onTurn` sees every turn request first.
 */
export async function play(
  socket: TestSocket,
  options: { timeoutMs?: number; onTurn?: (request: Frame) => void } = {},
): Promise<Frame> {
  const deadline = Date.now() + (options.timeoutMs ?? 90_000);
  for (;;) {
    const frame = await socket.next(Math.max(1, deadline - Date.now()), "the next match frame");
    if (frame.type === "turn_request") {
      options.onTurn?.(frame);
      socket.send(allIn(frame));
    }
    if (frame.type === "match_end") {
      expect((await socket.closed(HANG_MS)).code).toBe(1000);
      return frame;
    }
  }
}
