/**
 * The agent handshake (agent channels §3) over the raw client, so hostile cases can stop at
 * any step or sign the wrong thing: hello, challenge, a signed `auth` for an endpoint and a
 * nonce, `established`, then everything up to `caught_up`.
 */
import assert from "node:assert/strict";
import { authSignedString } from "../../../src/agents/signed-strings.ts";
import type { Agent } from "../../harness/agent.ts";
import { nextJson } from "../checks.ts";
import type { RawSocket } from "../raw-socket.ts";
import type { World } from "../world.ts";

export type Json = Record<string, unknown>;

/** Opens `path` and sends `hello`; resolves with the socket and its challenge. */
export async function helloed(
  world: World,
  path: string,
  hello: Json,
): Promise<{ socket: RawSocket; nonce: string }> {
  const socket = await world.socket(path);
  socket.sendJson({ type: "hello", protocol_version: 1, ...hello });
  const challenge = await nextJson(socket, 15_000, "the challenge");
  assert.equal(challenge.type, "challenge", JSON.stringify(challenge));
  return { socket, nonce: String(challenge.nonce) };
}

/** The `auth` frame of `agent` for `endpoint` and `nonce`. */
export function authFrame(agent: Agent, endpoint: string, nonce: string): Json {
  return {
    type: "auth",
    user: agent.user,
    machine: agent.machine,
    signature: agent.key.sign(authSignedString(endpoint, nonce)),
  };
}

/** A completed handshake: the socket after `caught_up`, with what came before it. */
export async function established(
  world: World,
  path: string,
  agent: Agent,
  hello: Json,
): Promise<{ socket: RawSocket; established: Json; replayed: Json[] }> {
  const { socket, nonce } = await helloed(world, path, hello);
  socket.sendJson(authFrame(agent, path, nonce));
  const first = await nextJson(socket, 15_000, "established");
  assert.equal(first.type, "established", `handshake on ${path}: ${JSON.stringify(first)}`);
  const replayed: Json[] = [];
  for (;;) {
    const frame = await nextJson(socket, 15_000, "caught_up");
    if (frame.type === "caught_up") return { socket, established: first, replayed };
    replayed.push(frame);
  }
}
