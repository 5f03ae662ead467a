/**
 * What every agent socket answers besides its own frames (channel and inbox alike): a
 * whisper, stored in the target's inbox object, and the server-wide admin ops. Each returns
 * the one frame to send back; the socket object sends it.
 */
import {
  createChannel,
  enrolMachine,
  removeMachineEverywhere,
  removeUserEverywhere,
} from "../agents/admin-ops";
import { listUsers } from "../agents/registry";
import type { ServerAdminOp, ServerFrame, WhisperRequest } from "../protocol/channel-frames";
import type { Identity } from "./connection";

const SERVER_OPS: ReadonlySet<string> = new Set([
  "create_channel",
  "list_users",
  "remove_user",
  "add_machine",
  "remove_machine",
]);

const ENROL_ERRORS = {
  invalid_key: "pubkey is not a valid base64url Ed25519 public key",
  user_taken: "That user name is taken",
  machine_taken: "That machine name is taken for this user",
  pubkey_taken: "That public key is already enrolled",
} as const;

/** Server-wide admin ops are handled by the core on every kind of socket. */
export function isServerOp(frame: { type: string }): frame is ServerAdminOp {
  const op = (frame as { op?: unknown }).op;
  return frame.type === "admin" && typeof op === "string" && SERVER_OPS.has(op);
}

/** Stores the whisper in the target's inbox object; the answer says where it is. */
export async function whisperAnswer(
  env: Env,
  from: string,
  frame: WhisperRequest,
): Promise<ServerFrame> {
  const result = await env.INBOX.getByName(frame.target).deliver({
    from,
    id: frame.id,
    payload: frame.payload,
  });
  if (result === "not_found") {
    return { type: "error", code: "not_found", message: "No such user or machine", id: frame.id };
  }
  return { type: "whisper_ack", id: frame.id, status: result };
}

/** Runs a server-wide admin op for `identity`: server admins, or a user on their own machines. */
export async function serverAdminAnswer(
  env: Env,
  identity: Identity,
  frame: ServerAdminOp,
): Promise<ServerFrame> {
  const selfService =
    (frame.op === "add_machine" || frame.op === "remove_machine") && frame.user === identity.user;
  if (!identity.serverAdmin && !selfService) {
    return { type: "error", code: "forbidden", message: "Server admins only", id: frame.id };
  }
  const fail = (code: "malformed" | "not_found", message: string): ServerFrame => ({
    type: "error",
    code,
    message,
    id: frame.id,
  });
  const ok = (fields: Record<string, unknown> = {}): ServerFrame => ({
    type: "admin_result",
    id: frame.id,
    ok: true,
    op: frame.op,
    ...fields,
  });
  switch (frame.op) {
    case "create_channel": {
      const result = await createChannel(env, {
        name: frame.name,
        visibility: frame.visibility,
        topic: frame.topic ?? "",
        admin: identity.user,
      });
      if (result.status === "created") return ok({ channel: result.channel });
      return fail("malformed", "A channel with that name already exists");
    }
    case "list_users":
      return ok({ users: await listUsers(env.DB) });
    case "remove_user":
      return (await removeUserEverywhere(env, frame.user))
        ? ok({ user: frame.user })
        : fail("not_found", "No such user");
    case "add_machine": {
      const result = await enrolMachine(env, frame.user, frame.name, frame.pubkey);
      if (result === "ok") return ok({ user: frame.user, name: frame.name });
      return fail("malformed", ENROL_ERRORS[result]);
    }
    case "remove_machine":
      return (await removeMachineEverywhere(env, frame.user, frame.name))
        ? ok({ user: frame.user, name: frame.name })
        : fail("not_found", "No such machine");
  }
}
