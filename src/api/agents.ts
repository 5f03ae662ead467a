import { Hono } from "hono";
import * as v from "valibot";
import {
  createChannel,
  deleteChannel,
  enrolMachine,
  removeMachineEverywhere,
  removeUserEverywhere,
} from "../agents/admin-ops";
import { registrationMode } from "../agents/config";
import { isValidPublicKey, verifyEd25519 } from "../agents/ed25519";
import { verifyAgentRequest } from "../agents/http-signature";
import { CHANNEL_NAME, MACHINE_NAME, USER_NAME, VISIBILITIES } from "../agents/names";
import { createRegistrationCode, listUsers, registerAgent } from "../agents/registry";
import { registerSignedString } from "../agents/signed-strings";
import { listChannels, type Viewer } from "../channels/directory";
import { bearerCredential, requireAdmin } from "../http/auth";
import { readJsonBody } from "../http/body";
import type { AppContext, AppEnv } from "../http/context";
import { ApiError, unauthorized } from "../http/errors";

const UserName = v.pipe(v.string(), v.regex(USER_NAME, "1–32 of a-z 0-9 _ -, starting a-z 0-9"));
const MachineName = v.pipe(
  v.string(),
  v.regex(MACHINE_NAME, "1–32 of a-z 0-9 _ -, starting a-z 0-9"),
);
const PubKey = v.pipe(v.string(), v.maxLength(64));

const RegisterSchema = v.strictObject({
  user: UserName,
  machine: MachineName,
  pubkey: PubKey,
  signature: v.pipe(v.string(), v.maxLength(128)),
  code: v.optional(v.pipe(v.string(), v.maxLength(128))),
});

const CreateChannelSchema = v.strictObject({
  name: v.pipe(v.string(), v.regex(CHANNEL_NAME, "1–64 of a-z 0-9 . _ -, starting a-z 0-9")),
  visibility: v.picklist(VISIBILITIES),
  topic: v.optional(v.pipe(v.string(), v.maxLength(256))),
  /** The channel admin (an existing user); without it only server admins administer it. */
  admin: v.optional(UserName),
});

const AddMachineSchema = v.strictObject({ name: MachineName, pubkey: PubKey });

const RegistrationCodeSchema = v.strictObject({
  uses: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(1_000_000))),
  // Bounded like an invite's: an unbounded value overflowed to a code that never expires.
  expires_in_s: v.optional(
    v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(365 * 24 * 3600)),
  ),
});

const CONFLICTS = {
  user_taken: ["USER_TAKEN", "That user name is taken"],
  machine_taken: ["MACHINE_TAKEN", "That machine name is taken for this user"],
  pubkey_taken: ["PUBKEY_TAKEN", "That public key is already enrolled"],
} as const;

function invalidPubkey(): ApiError {
  return new ApiError(400, "INVALID_PUBKEY", "pubkey must be a base64url Ed25519 public key");
}

function userNotFound(): ApiError {
  return new ApiError(400, "USER_NOT_FOUND", "No user with that name");
}

/** `/api/agents`: self-registration (agent channels §3.3). */
export const agentRoutes = new Hono<AppEnv>().post("/register", async (c) => {
  const body = await readJsonBody(c, RegisterSchema);
  const mode = registrationMode(c.env);
  if (mode === "closed") {
    throw new ApiError(403, "REGISTRATION_CLOSED", "Registration is closed; ask an admin");
  }
  if (mode === "invite" && body.code === undefined) {
    throw new ApiError(403, "REGISTRATION_CODE_REQUIRED", "Registration needs a code");
  }
  if (!(await isValidPublicKey(body.pubkey))) throw invalidPubkey();
  const signed = registerSignedString(body.user, body.machine, body.pubkey);
  if (!(await verifyEd25519(body.pubkey, signed, body.signature))) {
    throw new ApiError(401, "INVALID_SIGNATURE", "signature does not verify with pubkey");
  }
  const result = await registerAgent(c.env.DB, {
    user: body.user,
    machine: body.machine,
    pubkey: body.pubkey,
    ...(mode === "invite" && body.code !== undefined ? { code: body.code } : {}),
  });
  if (result === "code_invalid") {
    throw new ApiError(403, "REGISTRATION_CODE_INVALID", "Unknown, used-up or expired code");
  }
  if (result !== "ok") {
    const [code, message] = CONFLICTS[result];
    throw new ApiError(409, code, message);
  }
  return c.json({ user: body.user, machine: body.machine }, 201);
});

/** Who is asking for the directory: admin token, a signed agent, or nobody in particular. */
async function directoryViewer(c: AppContext): Promise<Viewer> {
  if (bearerCredential(c.req.header("authorization"))) {
    // The admin check throws the usual 401 for any other credential.
    await requireAdmin(c, async () => {});
    return { kind: "admin" };
  }
  const agent = await verifyAgentRequest(c.env.DB, c.req.raw);
  if (agent === "invalid") throw unauthorized("Invalid agent signature headers");
  return agent ? { kind: "agent", user: agent.user } : { kind: "anonymous" };
}

/** `/api/channels`: discovery that never shows private or unlisted names to non-members. */
export const channelDirectoryRoutes = new Hono<AppEnv>().get("/", async (c) =>
  c.json({ channels: await listChannels(c.env.DB, await directoryViewer(c)) }),
);

/** `/api/admin`: server administration with the admin token (agent channels §8). */
export const agentAdminRoutes = new Hono<AppEnv>()
  .use(requireAdmin)
  .post("/channels", async (c) => {
    const body = await readJsonBody(c, CreateChannelSchema);
    const result = await createChannel(c.env, {
      name: body.name,
      visibility: body.visibility,
      topic: body.topic ?? "",
      admin: body.admin ?? null,
    });
    if (result.status !== "created") {
      if (result.status === "admin_not_found") throw userNotFound();
      throw new ApiError(409, "CHANNEL_EXISTS", "A channel with that name already exists");
    }
    return c.json({ ...result.channel, admin: body.admin ?? null }, 201);
  })
  .delete("/channels/:name", async (c) => {
    const name = c.req.param("name");
    if (!CHANNEL_NAME.test(name) || !(await deleteChannel(c.env, name))) {
      throw new ApiError(400, "CHANNEL_NOT_FOUND", "No channel with that name");
    }
    return c.body(null, 204);
  })
  .get("/users", async (c) => c.json({ users: await listUsers(c.env.DB) }))
  .delete("/users/:user", async (c) => {
    const user = c.req.param("user");
    if (!USER_NAME.test(user) || !(await removeUserEverywhere(c.env, user))) throw userNotFound();
    return c.body(null, 204);
  })
  .post("/users/:user/machines", async (c) => {
    const user = c.req.param("user");
    const body = await readJsonBody(c, AddMachineSchema);
    if (!USER_NAME.test(user)) throw userNotFound();
    const result = await enrolMachine(c.env, user, body.name, body.pubkey);
    if (result === "invalid_key") throw invalidPubkey();
    if (result !== "ok") {
      const [code, message] = CONFLICTS[result];
      throw new ApiError(409, code, message);
    }
    return c.json({ user, name: body.name, pubkey: body.pubkey }, 201);
  })
  .delete("/users/:user/machines/:name", async (c) => {
    const { user, name } = c.req.param();
    if (
      !USER_NAME.test(user) ||
      !MACHINE_NAME.test(name) ||
      !(await removeMachineEverywhere(c.env, user, name))
    ) {
      throw new ApiError(400, "MACHINE_NOT_FOUND", "No machine with that name for that user");
    }
    return c.body(null, 204);
  })
  .post("/registration-codes", async (c) => {
    const body = await readJsonBody(c, RegistrationCodeSchema);
    const issued = await createRegistrationCode(c.env.DB, {
      ...(body.uses === undefined ? {} : { uses: body.uses }),
      ...(body.expires_in_s === undefined ? {} : { expiresInS: body.expires_in_s }),
    });
    return c.json(issued, 201);
  });
