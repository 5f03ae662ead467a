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
import {
  AgentUserSchema,
  createRegistrationCode,
  listUsers,
  RegistrationCodeSchema,
  registerAgent,
} from "../agents/registry";
import { registerSignedString } from "../agents/signed-strings";
import { listChannels, type Viewer } from "../channels/directory";
import { bearerCredential, requireAdmin } from "../http/auth";
import type { AppContext, AppEnv } from "../http/context";
import { ApiError, unauthorized } from "../http/errors";
import { route } from "../http/openapi";
import { ChannelInfoSchema } from "../protocol/channel-frames";

const UserName = v.pipe(v.string(), v.regex(USER_NAME, "1–32 of a-z 0-9 _ -, starting a-z 0-9"));
const MachineName = v.pipe(
  v.string(),
  v.regex(MACHINE_NAME, "1–32 of a-z 0-9 _ -, starting a-z 0-9"),
);
const PubKey = v.pipe(v.string(), v.maxLength(64));

const RegisterSchema = v.strictObject({
  user: UserName,
  machine: MachineName,
  /** base64url Ed25519 public key. */
  pubkey: PubKey,
  /** Ed25519 signature (base64url) over `botgate-register-v1\n{user}\n{machine}\n{pubkey}`. */
  signature: v.pipe(v.string(), v.maxLength(128)),
  /** A registration code, required when registration is invite-only. */
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

const NewRegistrationCodeSchema = v.strictObject({
  uses: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(1_000_000))),
  // Bounded like an invite's: an unbounded value overflowed to a code that never expires.
  expires_in_s: v.optional(
    v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(365 * 24 * 3600)),
  ),
});

const MachineAnswerSchema = v.strictObject({
  user: v.string(),
  name: v.string(),
  pubkey: v.string(),
});

const USER_PARAM = { description: "The user's name", pattern: USER_NAME };

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
export const agentRoutes = new Hono<AppEnv>().post(
  "/register",
  route({
    id: "registerAgent",
    summary: "Register a user and their first machine",
    description:
      "Self-registration, open, invite-only (with a code from `createRegistrationCode`) or closed per the `AGENT_REGISTRATION` setting.",
    tag: "Agents",
    auth: "public",
    body: RegisterSchema,
    responses: {
      201: {
        description: "Registered",
        body: v.strictObject({ user: v.string(), machine: v.string() }),
      },
    },
    errors: {
      400: ["INVALID_PUBKEY"],
      401: ["INVALID_SIGNATURE"],
      403: ["REGISTRATION_CLOSED", "REGISTRATION_CODE_REQUIRED", "REGISTRATION_CODE_INVALID"],
      409: ["USER_TAKEN", "MACHINE_TAKEN", "PUBKEY_TAKEN"],
    },
  }),
  async (c) => {
    const body = c.req.valid("json");
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
  },
);

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
export const channelDirectoryRoutes = new Hono<AppEnv>().get(
  "/",
  route({
    id: "listChannels",
    summary: "Discover channels",
    description:
      "Anonymous callers see public channels; a signed agent also sees the channels it belongs to or administers; the admin token sees every channel.",
    tag: "Agents",
    auth: ["public", "agentSignature", "admin"],
    responses: {
      200: {
        description: "The channels the caller may see, by name",
        body: v.strictObject({ channels: v.array(ChannelInfoSchema) }),
      },
    },
    errors: { 401: ["UNAUTHORIZED"] },
  }),
  async (c) => c.json({ channels: await listChannels(c.env.DB, await directoryViewer(c)) }),
);

/** `/api/admin`: server administration with the admin token (agent channels §8). */
export const agentAdminRoutes = new Hono<AppEnv>()
  .use(requireAdmin)
  .post(
    "/channels",
    route({
      id: "createChannel",
      summary: "Create a channel",
      tag: "Admin",
      auth: "admin",
      body: CreateChannelSchema,
      responses: {
        201: {
          description: "The new channel",
          body: v.strictObject({ ...ChannelInfoSchema.entries, admin: v.nullable(v.string()) }),
        },
      },
      errors: { 400: ["USER_NOT_FOUND"], 409: ["CHANNEL_EXISTS"] },
    }),
    async (c) => {
      const body = c.req.valid("json");
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
    },
  )
  .delete(
    "/channels/:name",
    route({
      id: "deleteChannel",
      summary: "Delete a channel",
      description: "Closes its sockets and removes its history.",
      tag: "Admin",
      auth: "admin",
      params: { name: { description: "The channel's name", pattern: CHANNEL_NAME } },
      responses: { 204: { description: "Deleted" } },
      errors: { 400: ["CHANNEL_NOT_FOUND"] },
    }),
    async (c) => {
      const name = c.req.param("name");
      if (!CHANNEL_NAME.test(name) || !(await deleteChannel(c.env, name))) {
        throw new ApiError(400, "CHANNEL_NOT_FOUND", "No channel with that name");
      }
      return c.body(null, 204);
    },
  )
  .get(
    "/users",
    route({
      id: "listUsers",
      summary: "List agent users and their machines",
      tag: "Admin",
      auth: "admin",
      responses: {
        200: {
          description: "Every user, by name",
          body: v.strictObject({ users: v.array(AgentUserSchema) }),
        },
      },
    }),
    async (c) => c.json({ users: await listUsers(c.env.DB) }),
  )
  .delete(
    "/users/:user",
    route({
      id: "deleteUser",
      summary: "Remove a user everywhere",
      description: "Removes their machines and drops every socket they hold.",
      tag: "Admin",
      auth: "admin",
      params: { user: USER_PARAM },
      responses: { 204: { description: "Removed" } },
      errors: { 400: ["USER_NOT_FOUND"] },
    }),
    async (c) => {
      const user = c.req.param("user");
      if (!USER_NAME.test(user) || !(await removeUserEverywhere(c.env, user))) throw userNotFound();
      return c.body(null, 204);
    },
  )
  .post(
    "/users/:user/machines",
    route({
      id: "addMachine",
      summary: "Enrol a machine for a user",
      tag: "Admin",
      auth: "admin",
      body: AddMachineSchema,
      params: { user: USER_PARAM },
      responses: { 201: { description: "Enrolled", body: MachineAnswerSchema } },
      errors: {
        400: ["USER_NOT_FOUND", "INVALID_PUBKEY"],
        409: ["MACHINE_TAKEN", "PUBKEY_TAKEN"],
      },
    }),
    async (c) => {
      const user = c.req.param("user");
      const body = c.req.valid("json");
      if (!USER_NAME.test(user)) throw userNotFound();
      const result = await enrolMachine(c.env, user, body.name, body.pubkey);
      if (result === "invalid_key") throw invalidPubkey();
      if (result !== "ok") {
        const [code, message] = CONFLICTS[result];
        throw new ApiError(409, code, message);
      }
      return c.json({ user, name: body.name, pubkey: body.pubkey }, 201);
    },
  )
  .delete(
    "/users/:user/machines/:name",
    route({
      id: "deleteMachine",
      summary: "Remove a machine everywhere",
      description: "Drops every socket the machine holds.",
      tag: "Admin",
      auth: "admin",
      params: {
        user: USER_PARAM,
        name: { description: "The machine's name", pattern: MACHINE_NAME },
      },
      responses: { 204: { description: "Removed" } },
      errors: { 400: ["MACHINE_NOT_FOUND"] },
    }),
    async (c) => {
      const { user, name } = c.req.param();
      if (
        !USER_NAME.test(user) ||
        !MACHINE_NAME.test(name) ||
        !(await removeMachineEverywhere(c.env, user, name))
      ) {
        throw new ApiError(400, "MACHINE_NOT_FOUND", "No machine with that name for that user");
      }
      return c.body(null, 204);
    },
  )
  .post(
    "/registration-codes",
    route({
      id: "createRegistrationCode",
      summary: "Issue a registration code",
      description: "For invite-only registration; the plaintext code is shown only here.",
      tag: "Admin",
      auth: "admin",
      body: NewRegistrationCodeSchema,
      responses: { 201: { description: "The new code", body: RegistrationCodeSchema } },
    }),
    async (c) => {
      const body = c.req.valid("json");
      const issued = await createRegistrationCode(c.env.DB, {
        ...(body.uses === undefined ? {} : { uses: body.uses }),
        ...(body.expires_in_s === undefined ? {} : { expiresInS: body.expires_in_s }),
      });
      return c.json(issued, 201);
    },
  );
