/**
 * A small test agent for the agent channels protocol: an Ed25519 key pair from
 * `node:crypto`, registration over HTTP, and the signed handshake on channel and inbox
 * sockets (real `ws` sockets through `TestSocket`). Signs exactly the strings the server
 * verifies (`src/agents/signed-strings.ts`).
 */
import { generateKeyPairSync, type KeyObject, sign } from "node:crypto";
import {
  authSignedString,
  httpSignedString,
  registerSignedString,
} from "../../src/agents/signed-strings.ts";
import { api, type Gateway } from "./gateway.ts";
import { type Frame, TestSocket } from "./ws-client.ts";

/** An Ed25519 key pair; the public key as unpadded base64url of its 32 raw bytes. */
export class AgentKey {
  private constructor(
    readonly pubkey: string,
    private readonly privateKey: KeyObject,
  ) {}

  static generate(): AgentKey {
    const { publicKey, privateKey } = generateKeyPairSync("ed25519");
    const jwk = publicKey.export({ format: "jwk" });
    if (typeof jwk.x !== "string") throw new Error("no raw public key in the JWK");
    return new AgentKey(jwk.x, privateKey);
  }

  /** Signature over the UTF-8 bytes of `text`, unpadded base64url. */
  sign(text: string): string {
    return sign(null, Buffer.from(text, "utf8"), this.privateKey).toString("base64url");
  }
}

/** A user and one of their machines, with the machine's key. */
export interface Agent {
  user: string;
  machine: string;
  key: AgentKey;
}

/** Registers `user` with a first machine through `POST /api/agents/register`. */
export async function registerAgent(
  gateway: Gateway,
  user: string,
  machine: string,
  options: { code?: string } = {},
): Promise<Agent> {
  const key = AgentKey.generate();
  const res = await api(gateway, "POST", "/api/agents/register", {
    token: null,
    body: {
      user,
      machine,
      pubkey: key.pubkey,
      signature: key.sign(registerSignedString(user, machine, key.pubkey)),
      ...options,
    },
  });
  if (res.status !== 201)
    throw new Error(`register ${user}: ${res.status} ${JSON.stringify(res.body)}`);
  return { user, machine, key };
}

/** Enrols a further machine for an existing user with the admin token. */
export async function addMachine(gateway: Gateway, user: string, machine: string): Promise<Agent> {
  const key = AgentKey.generate();
  const res = await api(gateway, "POST", `/api/admin/users/${user}/machines`, {
    body: { name: machine, pubkey: key.pubkey },
  });
  if (res.status !== 201) throw new Error(`add machine: ${res.status} ${JSON.stringify(res.body)}`);
  return { user, machine, key };
}

/** Creates a channel with the admin token (optionally with a channel admin). */
export async function createChannel(
  gateway: Gateway,
  name: string,
  visibility: "public" | "unlisted" | "private" = "public",
  admin?: string,
): Promise<void> {
  const res = await api(gateway, "POST", "/api/admin/channels", {
    body: { name, visibility, ...(admin ? { admin } : {}) },
  });
  if (res.status !== 201)
    throw new Error(`create channel: ${res.status} ${JSON.stringify(res.body)}`);
}

/** Headers of an agent-signed HTTP request. */
export function signedHeaders(agent: Agent, method: string, path: string): Record<string, string> {
  const timestamp = String(Date.now());
  return {
    "x-botgate-user": agent.user,
    "x-botgate-machine": agent.machine,
    "x-botgate-timestamp": timestamp,
    "x-botgate-signature": agent.key.sign(httpSignedString(method, path, timestamp)),
  };
}

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
  const challenge = await socket.next(5_000, "the challenge");
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
  const established = await socket.next(5_000, "established");
  if (established.type !== "established") {
    throw new Error(`handshake refused: ${JSON.stringify(established)}`);
  }
  const replayed: Frame[] = [];
  for (;;) {
    const frame = await socket.next(5_000, "caught_up");
    if (frame.type === "caught_up") {
      return { socket, established, replayed, caughtUp: frame, path: String(established.path) };
    }
    if (frame.type === "message" || frame.type === "whisper") replayed.push(frame);
  }
}

export function joinChannel(gateway: Gateway, agent: Agent, channel: string, hello: HelloOptions) {
  return connect(gateway, agent, `/ws/channel/${channel}`, hello);
}

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
    const frame = await session.socket.nextOfType("ack", 5_000);
    if (frame.id === id) return frame;
  }
}
