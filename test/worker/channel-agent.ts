/**
 * Test agents inside workerd for the channel tests: Ed25519 keys from WebCrypto, HTTP
 * calls and WebSockets (`TestSocket`, test-socket.ts) through the Worker's real `fetch`.
 */
import { vi } from "vitest";
import { toBase64Url } from "../../src/agents/ed25519";
import { authSignedString, registerSignedString } from "../../src/agents/signed-strings";
import { fetchChecked } from "./contract-fetch";
import { type Frame, ORIGIN, TestSocket } from "./test-socket";

export { type Frame, TestSocket } from "./test-socket";

export const ADMIN = "test-admin-token";

/**
 * Runs `fn` with the clock (Date only) set to `at`. The objects run in this isolate, so
 * their deadlines see the same clock; waits restore real time first.
 */
export async function atTime<T>(at: number, fn: () => Promise<T>): Promise<T> {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(at);
  try {
    return await fn();
  } finally {
    vi.useRealTimers();
  }
}

let counter = 0;
/** A name no other test uses (objects and D1 rows persist across tests in a file). */
export function unique(prefix: string): string {
  counter += 1;
  return `${prefix}-${counter}-${Math.random().toString(36).slice(2, 8)}`;
}

export async function call(
  method: string,
  path: string,
  options: { body?: unknown; token?: string | null; headers?: Record<string, string> } = {},
): Promise<{ status: number; json: Record<string, unknown> & { error_code?: string } }> {
  const headers: Record<string, string> = { ...options.headers };
  const token = options.token === undefined ? ADMIN : options.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  const response = await fetchChecked(`${ORIGIN}${path}`, {
    method,
    headers,
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : null };
}

/** An Ed25519 key pair made with WebCrypto. */
export class Key {
  private constructor(
    readonly pubkey: string,
    private readonly privateKey: CryptoKey,
  ) {}

  static async generate(): Promise<Key> {
    const pair = (await crypto.subtle.generateKey({ name: "Ed25519" }, true, [
      "sign",
      "verify",
    ])) as CryptoKeyPair;
    const raw = (await crypto.subtle.exportKey("raw", pair.publicKey)) as ArrayBuffer;
    return new Key(toBase64Url(new Uint8Array(raw)), pair.privateKey);
  }

  async sign(text: string): Promise<string> {
    const signature = await crypto.subtle.sign(
      "Ed25519",
      this.privateKey,
      new TextEncoder().encode(text),
    );
    return toBase64Url(new Uint8Array(signature));
  }
}

export interface Agent {
  user: string;
  machine: string;
  key: Key;
}

/** Registers a fresh user (named from `prefix`) with one machine. */
export async function newAgent(prefix = "u", machine = "m1"): Promise<Agent> {
  const user = unique(prefix).slice(0, 32);
  const key = await Key.generate();
  const res = await call("POST", "/api/agents/register", {
    token: null,
    body: {
      user,
      machine,
      pubkey: key.pubkey,
      signature: await key.sign(registerSignedString(user, machine, key.pubkey)),
    },
  });
  if (res.status !== 201) throw new Error(`register: ${res.status} ${JSON.stringify(res.json)}`);
  return { user, machine, key };
}

/** Enrols another machine for `user` with the admin token. */
export async function newMachine(user: string, machine: string): Promise<Agent> {
  const key = await Key.generate();
  const res = await call("POST", `/api/admin/users/${user}/machines`, {
    body: { name: machine, pubkey: key.pubkey },
  });
  if (res.status !== 201) throw new Error(`add machine: ${res.status} ${JSON.stringify(res.json)}`);
  return { user, machine, key };
}

/** Creates a channel with the admin token; returns its name. */
export async function newChannel(
  visibility: "public" | "unlisted" | "private" = "public",
  admin?: string,
): Promise<string> {
  const name = unique("ch");
  const res = await call("POST", "/api/admin/channels", {
    body: { name, visibility, ...(admin ? { admin } : {}) },
  });
  if (res.status !== 201)
    throw new Error(`create channel: ${res.status} ${JSON.stringify(res.json)}`);
  return name;
}

export interface HelloOptions {
  session: string;
  since_seq?: number;
  invite?: string;
  echo?: boolean;
}

export interface Session {
  socket: TestSocket;
  established: Frame;
  replayed: Frame[];
  caughtUp: Frame;
}

/** Opens `endpoint` and sends hello; returns the socket and the challenge nonce. */
export async function hello(
  endpoint: string,
  options: HelloOptions,
): Promise<{ socket: TestSocket; nonce: string }> {
  const socket = await TestSocket.open(endpoint);
  socket.send({ type: "hello", protocol_version: 1, ...options });
  const challenge = await socket.nextOf("challenge");
  return { socket, nonce: String(challenge.nonce) };
}

export async function auth(socket: TestSocket, agent: Agent, endpoint: string, nonce: string) {
  socket.send({
    type: "auth",
    user: agent.user,
    machine: agent.machine,
    signature: await agent.key.sign(authSignedString(endpoint, nonce)),
  });
}

/** A full handshake; throws with the server's answer when refused. */
export async function connect(agent: Agent, endpoint: string, options: HelloOptions) {
  const { socket, nonce } = await hello(endpoint, options);
  await auth(socket, agent, endpoint, nonce);
  const established = await socket.next("established");
  if (established.type !== "established") {
    throw new Error(`refused: ${JSON.stringify(established)}`);
  }
  const replayed: Frame[] = [];
  for (;;) {
    const frame = await socket.next("caught_up");
    if (frame.type === "caught_up") return { socket, established, replayed, caughtUp: frame };
    replayed.push(frame);
  }
}

export function join(agent: Agent, channel: string, options: HelloOptions): Promise<Session> {
  return connect(agent, `/ws/channel/${channel}`, options);
}

export function inbox(agent: Agent, options: HelloOptions): Promise<Session> {
  return connect(agent, `/ws/inbox/${agent.user}/${agent.machine}/${options.session}`, options);
}

/** Runs a handshake that must be refused; returns the error frame and the close code. */
export async function refused(agent: Agent, endpoint: string, options: HelloOptions) {
  const { socket, nonce } = await hello(endpoint, options);
  await auth(socket, agent, endpoint, nonce);
  const error = await socket.nextOf("error");
  return { error, close: (await socket.closed()).code };
}

export async function post(session: Session, id: string, payload: unknown): Promise<Frame> {
  session.socket.send({ type: "post", id, payload });
  for (;;) {
    const frame = await session.socket.nextOf("ack");
    if (frame.id === id) return frame;
  }
}

/** Sends an admin op and waits for its result or error (matched by id). */
export async function admin(session: Session, op: string, fields: Record<string, unknown> = {}) {
  const id = unique("op");
  session.socket.send({ type: "admin", id, op, ...fields });
  for (;;) {
    const frame = await session.socket.next(`the answer to ${op}`);
    if (frame.id === id && (frame.type === "admin_result" || frame.type === "error")) return frame;
  }
}
