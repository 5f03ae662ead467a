/**
 * What one inbound frame is, decided before anything acts on it (operator gateway §1–§3):
 * a request to handle, an error answer that leaves the socket open, or a refusal that
 * closes it (with an answer first when the contract gives one). Pure, so every class of
 * bad input is unit-tested.
 */
import * as v from "valibot";
import {
  describeIssues,
  OperatorClose,
  type RequestFrame,
  RequestFrameSchema,
} from "../protocol/operator-frames.ts";

/** Largest inbound frame, bytes (`policy.maxPayload`; over it: close 1009). */
export const MAX_PAYLOAD = 262_144;

export type Intake =
  | { kind: "request"; frame: RequestFrame }
  /** A `res` error with this id; the socket stays. */
  | { kind: "answer"; id: string; message: string }
  /** Close with `code` (after the `answer`, when there is one). */
  | { kind: "refuse"; code: number; reason: string; answer?: { id: string; message: string } };

/** The `id` of something shaped like a request, for answering a malformed one. */
function frameIdOf(json: unknown): string | null {
  if (typeof json !== "object" || json === null) return null;
  const id = (json as { id?: unknown }).id;
  return typeof id === "string" && id.length > 0 && id.length <= 256 ? id : null;
}

function utf8Length(text: string): number {
  return text.length * 3 <= MAX_PAYLOAD ? text.length : new TextEncoder().encode(text).byteLength;
}

/**
 * Classifies a frame of a socket that is past `connect` (`live`) or not: before `connect`
 * anything but a request closes the socket without an answer, like the reference gateway.
 */
export function takeFrame(message: string | ArrayBuffer, live: boolean): Intake {
  if (typeof message !== "string") {
    const reason = "binary frames are not supported";
    return {
      kind: "refuse",
      code: OperatorClose.binary,
      reason,
      answer: { id: "invalid", message: reason },
    };
  }
  if (message.length > MAX_PAYLOAD || utf8Length(message) > MAX_PAYLOAD) {
    return { kind: "refuse", code: OperatorClose.tooLarge, reason: "frame too large" };
  }
  const notRequest = (message: string, id: string | null): Intake =>
    live
      ? { kind: "answer", id: id ?? "invalid", message }
      : { kind: "refuse", code: OperatorClose.policy, reason: "invalid request frame" };
  let json: unknown;
  try {
    json = JSON.parse(message);
  } catch {
    return notRequest("invalid request frame: not JSON", null);
  }
  const parsed = v.safeParse(RequestFrameSchema, json);
  if (!parsed.success) {
    return notRequest(`invalid request frame: ${describeIssues(parsed.issues)}`, frameIdOf(json));
  }
  return { kind: "request", frame: parsed.output };
}
