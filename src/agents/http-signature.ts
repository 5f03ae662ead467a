/**
 * Agent-signed HTTP requests (used by channel discovery): four headers carry the user,
 * the machine, a millisecond timestamp and an Ed25519 signature over
 * `botgate-http-v1\n{METHOD}\n{path}\n{timestamp}`. The timestamp must be within a minute
 * of the server's clock, which bounds replays of a captured read-only request.
 */
import { verifyEd25519 } from "./ed25519";
import { MACHINE_NAME, USER_NAME } from "./names";
import { findMachine } from "./registry";
import { httpSignedString } from "./signed-strings";

/** The request headers of an agent-signed HTTP request. */
export const AGENT_HEADERS = {
  user: "x-botgate-user",
  machine: "x-botgate-machine",
  timestamp: "x-botgate-timestamp",
  signature: "x-botgate-signature",
} as const;

const MAX_SKEW_MS = 60_000;

/**
 * `null` when the request carries no agent headers, the verified user and machine when
 * they check out, `"invalid"` for any failure (one opaque answer for every cause).
 */
export async function verifyAgentRequest(
  db: D1Database,
  request: Request,
  now: number = Date.now(),
): Promise<{ user: string; machine: string } | "invalid" | null> {
  const header = (name: string) => request.headers.get(name);
  const user = header(AGENT_HEADERS.user);
  const machine = header(AGENT_HEADERS.machine);
  const timestamp = header(AGENT_HEADERS.timestamp);
  const signature = header(AGENT_HEADERS.signature);
  if (user === null && machine === null && timestamp === null && signature === null) return null;
  if (!user || !machine || !timestamp || !signature) return "invalid";
  if (!USER_NAME.test(user) || !MACHINE_NAME.test(machine) || !/^\d{1,16}$/.test(timestamp)) {
    return "invalid";
  }
  if (Math.abs(now - Number(timestamp)) > MAX_SKEW_MS) return "invalid";
  const key = await findMachine(db, user, machine);
  if (!key) return "invalid";
  const path = new URL(request.url).pathname;
  const message = httpSignedString(request.method, path, timestamp);
  return (await verifyEd25519(key.pubkey, message, signature)) ? { user, machine } : "invalid";
}
