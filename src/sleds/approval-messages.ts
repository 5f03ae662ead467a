/**
 * The approvals channel's messages (docs/sleds.md, "Approve from a channel"): its name, the
 * structured request and resolution botgate posts, which payloads are a member's reply, and
 * what a reply is answered with. Pure.
 */
import { CHANNEL_NAME } from "../agents/names.ts";
import { requestedEvent, resolvedEvent } from "./approval-views.ts";
import { type ApprovalRecord, DECISIONS, type Decision } from "./approvals.ts";

const PREFIX = "approvals-";

/** The sender of botgate's own posts in an approvals channel. */
export const APPROVALS_SENDER = "botgate/approvals";

/** `approvals-<project>`, or `null` when the project's name is too long for a channel name. */
export function approvalsChannel(project: string): string | null {
  const name = `${PREFIX}${project}`;
  return CHANNEL_NAME.test(name) ? name : null;
}

/** The project an approvals channel serves, or `null` for any other channel. */
export function projectOfChannel(channel: string): string | null {
  return channel.startsWith(PREFIX) ? channel.slice(PREFIX.length) || null : null;
}

/** A member's answer: `{"type":"approval.reply","id":"<approval id>","decision":"allow-once"}`. */
export interface ApprovalReply {
  id: string;
  decision: Decision;
}

/**
 * Reads a channel payload as a reply. `null` when it is not one (ordinary chat in the
 * channel is left alone); `{error}` when it is meant as one but is malformed.
 */
export function parseReply(payload: unknown): ApprovalReply | { error: string } | null {
  if (typeof payload !== "object" || payload === null || Array.isArray(payload)) return null;
  const p = payload as Record<string, unknown>;
  if (p.type !== "approval.reply") return null;
  if (typeof p.id !== "string" || p.id.length === 0 || p.id.length > 200) {
    return { error: "id must be an approval id" };
  }
  if (!(DECISIONS as readonly unknown[]).includes(p.decision)) {
    return { error: `decision must be one of ${DECISIONS.join(", ")}` };
  }
  return { id: p.id, decision: p.decision as Decision };
}

/** The request as posted: the operator event's fields and how to answer. */
export function requestPayload(record: ApprovalRecord): Record<string, unknown> {
  return {
    type: "approval.requested",
    ...requestedEvent(record),
    answer: { type: "approval.reply", id: record.id, decision: DECISIONS },
  };
}

/** A resolution, however it came (a member, an operator, HTTP, expiry, a dropped uplink). */
export function resolvedPayload(record: ApprovalRecord): Record<string, unknown> {
  return { type: "approval.resolved", ...resolvedEvent(record) };
}

/** What one reply did, posted back to the channel for the member who sent it. */
export type ReplyAnswer =
  | { applied: boolean; record: ApprovalRecord }
  | { error: "unknown_approval" | "malformed"; message: string };

export function answerPayload(
  reply: { seq: number; from: string; id: string | null },
  answer: ReplyAnswer,
): Record<string, unknown> {
  const base = { type: "approval.answer", reply_to: reply.seq, to: reply.from, id: reply.id };
  if ("error" in answer)
    return { ...base, ok: false, error: answer.error, message: answer.message };
  return { ...base, ok: true, applied: answer.applied, outcome: resolvedEvent(answer.record) };
}
