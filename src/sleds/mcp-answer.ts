/**
 * The JSON-RPC side of the MCP relay (pure): which requests need an answer, and the error
 * objects botgate answers with when the sled cannot (docs/sleds.md, "Failure answers").
 */
import { describeError, log } from "../lib/log.ts";
import type { RelayOutcome } from "./mcp-relay.ts";

/** JSON-RPC error codes of the relay (implementation-defined server errors, -32000…-32099). */
export const RELAY_ERRORS = {
  "sled offline": -32001,
  "sled disconnected": -32002,
  "sled timeout": -32003,
  "sled busy": -32004,
} as const;

type JsonRpcId = string | number | null;

/** What a relayed JSON-RPC message is: a request (answered) or a notification (202, not relayed). */
export function classify(message: { method: string; id?: JsonRpcId | undefined }): {
  id: JsonRpcId;
  method: string;
  notification: boolean;
} {
  const id = message.id ?? null;
  return { id, method: message.method, notification: message.id === undefined };
}

/** The JSON-RPC response for an outcome, as JSON text: the sled's own, or botgate's error. */
export function relayAnswer(outcome: RelayOutcome, id: JsonRpcId): string {
  if (outcome.ok) return outcome.response;
  return JSON.stringify({
    jsonrpc: "2.0",
    id,
    error: { code: RELAY_ERRORS[outcome.error], message: outcome.error },
  });
}

/**
 * A relayed MCP call that fails closed: when the sled's object cannot answer (it was reset
 * or overloaded, or the runtime restarted with the call in flight, so the RPC itself fails),
 * the call ends as `sled disconnected`, never as a server error or a hang.
 */
export async function relayed(
  project: string,
  call: () => Promise<RelayOutcome>,
): Promise<RelayOutcome> {
  try {
    return await call();
  } catch (err) {
    log("warn", "sled_relay_failed", { project, error: describeError(err) });
    return { ok: false, error: "sled disconnected" };
  }
}
