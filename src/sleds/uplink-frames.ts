/**
 * The huskies sled uplink's wire format (sled-uplink.md): one JSON envelope per text frame,
 * `{type, req_id, payload}`. Pure: parses what the sled sends, builds what botgate sends.
 */
import * as v from "valibot";
import { MAX_FRAME_BYTES } from "./config.ts";

/** Close codes of the uplink (sled-uplink.md §1). */
export const SledClose = {
  stale: { code: 1001, reason: "stale" },
  policy: 1008,
  tooLarge: { code: 1009, reason: "frame too large" },
  replaced: { code: 4000, reason: "replaced" },
} as const;

const Envelope = v.object({
  type: v.string(),
  req_id: v.optional(v.string(), ""),
  payload: v.optional(v.unknown()),
});

const IdentityPayload = v.object({ project: v.string() });
const PermRequestPayload = v.object({
  tool_name: v.pipe(v.string(), v.minLength(1), v.maxLength(256)),
  tool_input: v.optional(v.unknown()),
});

/** What one frame from the sled means. */
export type UplinkFrame =
  | { kind: "identity"; project: string }
  | { kind: "heartbeat" }
  | { kind: "perm_request"; reqId: string; toolName: string; toolInput: unknown }
  /** A `perm_request` with a `req_id` but an unusable payload: denied at once (fail closed). */
  | { kind: "bad_perm_request"; reqId: string }
  | { kind: "mcp_response"; reqId: string; payload: unknown }
  /** Unparsable, unknown, or gateway-to-sled types sent by the sled: logged and dropped. */
  | { kind: "ignored"; why: string };

/** Reads one frame. Never throws. */
export function parseUplinkFrame(message: string | ArrayBuffer): UplinkFrame {
  if (typeof message !== "string") return { kind: "ignored", why: "binary frame" };
  let json: unknown;
  try {
    json = JSON.parse(message);
  } catch {
    return { kind: "ignored", why: "unparsable" };
  }
  const envelope = v.safeParse(Envelope, json);
  if (!envelope.success) return { kind: "ignored", why: "not an envelope" };
  const { type, req_id: reqId, payload } = envelope.output;
  switch (type) {
    case "identity": {
      const identity = v.safeParse(IdentityPayload, payload);
      return identity.success
        ? { kind: "identity", project: identity.output.project }
        : { kind: "ignored", why: "identity without a project" };
    }
    case "heartbeat":
      return { kind: "heartbeat" };
    case "perm_request": {
      if (reqId === "" || reqId.length > 256) return { kind: "ignored", why: "perm_request id" };
      const request = v.safeParse(PermRequestPayload, payload);
      return request.success
        ? {
            kind: "perm_request",
            reqId,
            toolName: request.output.tool_name,
            toolInput: request.output.tool_input ?? null,
          }
        : { kind: "bad_perm_request", reqId };
    }
    case "mcp_response":
      return { kind: "mcp_response", reqId, payload: payload ?? null };
    default:
      return { kind: "ignored", why: `type ${type.slice(0, 32)}` };
  }
}

/** Whether a text frame is over the uplink's size limit (close 1009). */
export function tooLarge(message: string | ArrayBuffer): boolean {
  const size = typeof message === "string" ? message.length : message.byteLength;
  // UTF-16 length ≤ UTF-8 length ≤ 3 × UTF-16 length: encode only when it could matter.
  if (size * 3 <= MAX_FRAME_BYTES) return false;
  if (typeof message !== "string") return size > MAX_FRAME_BYTES;
  return new TextEncoder().encode(message).byteLength > MAX_FRAME_BYTES;
}

export function permResponseText(reqId: string, approved: boolean, alwaysAllow: boolean): string {
  return JSON.stringify({
    type: "perm_response",
    req_id: reqId,
    payload: { approved, always_allow: alwaysAllow },
  });
}

export function mcpRequestText(reqId: string, body: string): string {
  return JSON.stringify({ type: "mcp_request", req_id: reqId, payload: { body } });
}
