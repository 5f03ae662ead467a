/**
 * The per-project approvals channel (docs/sleds.md, "Approve from a channel"): a private agent
 * channel `approvals-<project>` where every request is posted as a structured message and
 * where a member answers with a structured reply. Membership of that private channel is the
 * approvals right (server admins may post anywhere, so they hold it too). The sled object
 * stays the only judge: a reply resolves through `SledObject.resolveApproval`, first answer
 * wins, and the channel is told the outcome of every reply and of every resolution.
 */
import { createChannel } from "../agents/admin-ops.ts";
import { describeError, log } from "../lib/log.ts";
import {
  APPROVALS_SENDER,
  type ApprovalReply,
  answerPayload,
  approvalsChannel,
  parseReply,
  projectOfChannel,
  type ReplyAnswer,
  requestPayload,
  resolvedPayload,
} from "./approval-messages.ts";
import { projectOfApproval } from "./approval-views.ts";
import type { ApprovalRecord } from "./approvals.ts";

/** Posts one of botgate's messages to the project's channel, creating the channel if needed. */
async function post(env: Env, project: string, id: string, payload: unknown): Promise<void> {
  const channel = approvalsChannel(project);
  if (!channel) return;
  const stub = () => env.CHANNEL.getByName(channel);
  const message = { from: APPROVALS_SENDER, id, payload };
  try {
    if (await stub().operatorPost(message)) return;
    await ensureApprovalsChannel(env, project, null);
    await stub().operatorPost(message);
  } catch (err) {
    // The channel is one of several ways to answer: its failure never blocks the approval.
    log("warn", "approvals_channel_post_failed", { project, error: describeError(err) });
  }
}

/** Creates the private approvals channel (idempotent); `approver` becomes its channel admin. */
export async function ensureApprovalsChannel(
  env: Env,
  project: string,
  approver: string | null,
): Promise<"created" | "exists" | "admin_not_found" | "unavailable"> {
  const name = approvalsChannel(project);
  if (!name) return "unavailable";
  const result = await createChannel(env, {
    name,
    visibility: "private",
    topic: `Approvals for sled ${project}`,
    admin: approver,
  });
  return result.status;
}

export function postRequested(env: Env, record: ApprovalRecord): Promise<void> {
  return post(env, record.project, `approval:${record.id}:requested`, requestPayload(record));
}

export function postResolved(env: Env, record: ApprovalRecord): Promise<void> {
  return post(env, record.project, `approval:${record.id}:resolved`, resolvedPayload(record));
}

/**
 * A member's reply in `channel`: resolves the approval on the project's sled object as
 * `channel:<user>` and returns what to tell the member. An approval of another project is
 * unknown here, so no channel can answer for another project's sled.
 */
export async function resolveReply(
  env: Env,
  channel: string,
  user: string,
  reply: ApprovalReply,
): Promise<ReplyAnswer> {
  const project = projectOfChannel(channel);
  if (!project || projectOfApproval(reply.id) !== project) {
    return { error: "unknown_approval", message: "No such approval in this project" };
  }
  const result = await env.SLED.getByName(project).resolveApproval(reply.id, reply.decision, {
    kind: "channel",
    id: `channel:${user}`,
  });
  return result ?? { error: "unknown_approval", message: "No such approval in this project" };
}

/**
 * The channel object's hook for a stored post: in an approvals channel that is private, a
 * reply is resolved and answered with an `approval.answer` post (`postBack`). `null` for any
 * other post (checked by name first, so ordinary channels pay one string comparison).
 */
export function onApprovalsPost(
  env: Env,
  channel: string,
  message: { seq: number; from: string; payload: unknown },
  channelSide: {
    isPrivate: () => boolean;
    postBack: (id: string, payload: unknown) => Promise<unknown>;
  },
): Promise<void> | null {
  if (!projectOfChannel(channel) || message.from === APPROVALS_SENDER) return null;
  const reply = parseReply(message.payload);
  if (!reply || !channelSide.isPrivate()) return null;
  const user = message.from.split("/")[0] ?? message.from;
  const id = "error" in reply ? null : reply.id;
  const answered: Promise<ReplyAnswer> =
    "error" in reply
      ? Promise.resolve({ error: "malformed", message: reply.error })
      : resolveReply(env, channel, user, reply);
  return answered
    .then((answer) =>
      channelSide.postBack(`answer:${message.seq}`, answerPayload({ ...message, id }, answer)),
    )
    .then(
      () => undefined,
      (err) => log("warn", "approvals_reply_failed", { channel, error: describeError(err) }),
    );
}

/** Posts requests and resolutions to the channel in the order they happened. */
export class ApprovalsChannelPoster {
  readonly #env: Env;
  readonly #waitUntil: (p: Promise<unknown>) => void;
  #tail: Promise<void> = Promise.resolve();

  constructor(env: Env, waitUntil: (p: Promise<unknown>) => void) {
    this.#env = env;
    this.#waitUntil = waitUntil;
  }

  requested(record: ApprovalRecord): void {
    this.#then(() => postRequested(this.#env, record));
  }

  resolved(records: readonly ApprovalRecord[]): void {
    for (const record of records) this.#then(() => postResolved(this.#env, record));
  }

  #then(step: () => Promise<void>): void {
    this.#tail = this.#tail.then(step);
    this.#waitUntil(this.#tail);
  }
}
