/**
 * The agent handshake over real `ws` sockets (`TestSocket`): hello, the challenge, the
 * signed auth for this socket's endpoint and nonce, then everything up to `caught_up`.
 */
import { authSignedString } from "../../src/agents/signed-strings.ts";
import type { Agent } from "./agent.ts";
import type { Gateway } from "./gateway.ts";
import { type Frame, TestSocket } from "./ws-client.ts";

/** The optional parts of `hello`. */
export interface HelloOptions {
  session: string;
  since_seq?: number;
  invite?: string;
  echo?: boolean;
}

/** A socket after a successful handshake, with what the server sent up to `caught_up`. */
export interface Session {
  socket: TestSocket;
  established: Frame;
  /** Replayed `message` (channel) or `whisper` (inbox) frames, in order. */
  replayed: Frame[];
  caughtUp: Frame;
  path: string;
}

/** Opens a socket and sends `hello`; resolves with the `challenge`. */
export async function openAndHello(
  gateway: Gateway,
  endpoint: string,
  hello: HelloOptions,
): Promise<{ socket: TestSocket; challenge: Frame }> {
  const socket = await TestSocket.open(gateway.wsUrl(endpoint));
  socket.send({ type: "hello", protocol_version: 1, ...hello });
  const challenge = await socket.next(30_000, "the challenge");
  if (challenge.type !== "challenge") {
    throw new Error(`expected a challenge, got ${JSON.stringify(challenge)}`);
  }
  return { socket, challenge };
}

/** Signs the handshake for `endpoint` with `nonce` and sends `auth`. */
export function sendAuth(socket: TestSocket, agent: Agent, endpoint: string, nonce: string): void {
  socket.send({
    type: "auth",
    user: agent.user,
    machine: agent.machine,
    signature: agent.key.sign(authSignedString(endpoint, nonce)),
  });
}

/** Completes a handshake on `endpoint`; rejects with the server's error if it is refused. */
export async function connect(
  gateway: Gateway,
  agent: Agent,
  endpoint: string,
  hello: HelloOptions,
): Promise<Session> {
  const { socket, challenge } = await openAndHello(gateway, endpoint, hello);
  sendAuth(socket, agent, endpoint, String(challenge.nonce));
  const established = await socket.next(30_000, "established");
  if (established.type !== "established") {
    throw new Error(`handshake refused: ${JSON.stringify(established)}`);
  }
  const replayed: Frame[] = [];
  for (;;) {
    const frame = await socket.next(30_000, "caught_up");
    if (frame.type === "caught_up") {
      return { socket, established, replayed, caughtUp: frame, path: String(established.path) };
    }
    if (frame.type === "message" || frame.type === "whisper") replayed.push(frame);
  }
}

/**
 * Pings `session` every `everyMs` like a real client (`{"type":"ping"}`, which the runtime
 * answers with `{"type":"pong"}` and counts as a heartbeat), so the session outlives a short
 * heartbeat deadline however slowly the machine runs the test. Returns the function that
 * stops it; it also stops by itself when the socket closes.
 */
export function keepAlive(session: Session, everyMs = 250): () => void {
  const { socket } = session;
  const timer = setInterval(() => {
    if (socket.ws.readyState === socket.ws.OPEN) socket.send('{"type":"ping"}');
  }, everyMs);
  const stop = () => clearInterval(timer);
  socket.ws.once("close", stop);
  return stop;
}

/** A completed handshake on `/ws/channel/{channel}`. */
export function joinChannel(gateway: Gateway, agent: Agent, channel: string, hello: HelloOptions) {
  return connect(gateway, agent, `/ws/channel/${channel}`, hello);
}

/** A completed handshake on the agent's own inbox for `hello.session`. */
export function openInbox(gateway: Gateway, agent: Agent, hello: HelloOptions) {
  return connect(
    gateway,
    agent,
    `/ws/inbox/${agent.user}/${agent.machine}/${hello.session}`,
    hello,
  );
}

/** Posts and waits for the ack of this id. */
export async function post(session: Session, id: string, payload: unknown): Promise<Frame> {
  session.socket.send({ type: "post", id, payload });
  for (;;) {
    const frame = await session.socket.nextOfType("ack", 30_000);
    if (frame.id === id) return frame;
  }
}
