/**
 * A small test agent for the agent channels protocol: an Ed25519 key pair from
 * `node:crypto`, registration and admin calls over HTTP, and signed HTTP headers. Signs
 * exactly the strings the server verifies (`src/agents/signed-strings.ts`). Plain enough
 * for Node's type stripping, so benchmarks import it too; the socket handshake helpers
 * are in `agent-socket.ts`.
 */
import { generateKeyPairSync, type KeyObject, sign } from "node:crypto";
import { httpSignedString, registerSignedString } from "../../src/agents/signed-strings.ts";
import { api, type Gateway } from "./gateway.ts";

/** An Ed25519 key pair; the public key as unpadded base64url of its 32 raw bytes. */
export class AgentKey {
  readonly pubkey: string;
  readonly #privateKey: KeyObject;

  private constructor(pubkey: string, privateKey: KeyObject) {
    this.pubkey = pubkey;
    this.#privateKey = privateKey;
  }

  static generate(): AgentKey {
    const { publicKey, privateKey } = generateKeyPairSync("ed25519");
    const jwk = publicKey.export({ format: "jwk" });
    if (typeof jwk.x !== "string") throw new Error("no raw public key in the JWK");
    return new AgentKey(jwk.x, privateKey);
  }

  /** Signature over the UTF-8 bytes of `text`, unpadded base64url. */
  sign(text: string): string {
    return sign(null, Buffer.from(text, "utf8"), this.#privateKey).toString("base64url");
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
