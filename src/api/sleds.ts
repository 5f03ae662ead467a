/**
 * `/api/sleds` (admin): register a project and mint its uplink token (shown once, stored
 * hashed), list, rotate, revoke — rotating or revoking closes the live uplink with 1008 at
 * once (the object re-checks its token every 30 s should that call be lost).
 * `/api/approvals/{id}` (admin, or an operator token with `operator.approvals`): read and
 * resolve one approval, for scripts (docs/sleds.md).
 */
import { Hono } from "hono";
import * as v from "valibot";
import { USER_NAME } from "../agents/names";
import { userExists } from "../agents/registry";
import { requireAdmin, requireOperator } from "../http/auth";
import type { AppEnv } from "../http/context";
import { ApiError } from "../http/errors";
import { route } from "../http/openapi";
import { describeError, log } from "../lib/log";
import {
  IssuedSledTokenSchema,
  issueSledToken,
  listSleds,
  PROJECT_NAME,
  revokeSledTokens,
  rotateSledToken,
  SledInfoSchema,
} from "../registry/sled-tokens";
import { TOKEN_WARNING } from "../registry/tokens";
import { approvalView, projectOfApproval } from "../sleds/approval-views";
import { type ApprovalRecord, DECISIONS } from "../sleds/approvals";
import { ensureApprovalsChannel } from "../sleds/approvals-channel";

type Resolved = { applied: boolean; record: ApprovalRecord };

const ProjectParam = { project: { description: "The sled's project", pattern: PROJECT_NAME } };
const RegisterSchema = v.strictObject({
  project: v.pipe(
    v.string(),
    v.regex(PROJECT_NAME, "1–64 of a-z 0-9 _ -, starting with a letter or digit"),
    v.description("The project the sled serves; its `identity` frame must name it"),
  ),
  approver: v.optional(
    v.pipe(
      v.string(),
      v.regex(USER_NAME, "an agent user name"),
      v.description(
        "An agent user who becomes admin (and first member) of the private approvals channel `approvals-<project>`; members answer requests there (docs/sleds.md)",
      ),
    ),
  ),
});

const ApprovalSchema = v.pipe(
  v.strictObject({
    id: v.string(),
    kind: v.literal("exec"),
    project: v.string(),
    nodeId: v.string(),
    toolName: v.string(),
    toolInput: v.unknown(),
    inputSummary: v.string(),
    status: v.picklist(["pending", "allowed", "denied", "expired", "cancelled"]),
    decision: v.nullable(v.picklist(DECISIONS)),
    reason: v.nullable(v.picklist(["user", "expired", "cancelled"])),
    resolvedBy: v.nullable(v.string()),
    resolvedAtMs: v.nullable(v.number()),
    createdAtMs: v.number(),
    expiresAtMs: v.number(),
    urlPath: v.string(),
  }),
  v.metadata({ ref: "Approval" }),
);

async function closeUplinks(env: Env, project: string, reason: string): Promise<void> {
  try {
    await env.SLED.getByName(project).closeUplinks(reason);
  } catch (err) {
    log("warn", "sled_close_failed", { project, error: describeError(err) });
  }
}

export const sledRoutes = new Hono<AppEnv>()
  .use(requireAdmin)
  .post(
    "/",
    route({
      id: "registerSled",
      summary: "Register a sled and mint its uplink token",
      description: "The plaintext appears only in this answer; D1 keeps its SHA-256.",
      tag: "Sleds",
      auth: "admin",
      body: RegisterSchema,
      responses: { 201: { description: "The new token", body: IssuedSledTokenSchema } },
      errors: { 400: ["USER_NOT_FOUND"], 409: ["SLED_EXISTS"] },
    }),
    async (c) => {
      const { project, approver } = c.req.valid("json");
      if (approver !== undefined && !(await userExists(c.env.DB, approver))) {
        throw new ApiError(400, "USER_NOT_FOUND", "No user with that name (approver)");
      }
      const issued = await issueSledToken(c.env.DB, project);
      if (!issued)
        throw new ApiError(409, "SLED_EXISTS", "That project is registered; rotate its token");
      await ensureApprovalsChannel(c.env, project, approver ?? null);
      return c.json({ ...issued, warning: TOKEN_WARNING }, 201);
    },
  )
  .get(
    "/",
    route({
      id: "listSleds",
      summary: "List sleds",
      tag: "Sleds",
      auth: "admin",
      responses: {
        200: {
          description: "Every sled",
          body: v.strictObject({ sleds: v.array(SledInfoSchema) }),
        },
      },
    }),
    async (c) => c.json({ sleds: await listSleds(c.env.DB) }),
  )
  .post(
    "/:project/rotate",
    route({
      id: "rotateSledToken",
      summary: "Replace a sled's uplink token",
      description:
        "The old token stops working and its live uplink closes with `1008 token revoked`.",
      tag: "Sleds",
      auth: "admin",
      params: ProjectParam,
      responses: { 201: { description: "The new token", body: IssuedSledTokenSchema } },
      errors: { 400: ["SLED_NOT_FOUND"] },
    }),
    async (c) => {
      const project = c.req.param("project");
      const issued = await rotateSledToken(c.env.DB, project);
      if (!issued) throw new ApiError(400, "SLED_NOT_FOUND", "No sled with that project");
      await closeUplinks(c.env, project, "token revoked");
      return c.json({ ...issued, warning: TOKEN_WARNING }, 201);
    },
  )
  .delete(
    "/:project",
    route({
      id: "revokeSled",
      summary: "Revoke a sled's uplink token",
      description: "Idempotent. The live uplink closes with `1008 token revoked` right away.",
      tag: "Sleds",
      auth: "admin",
      params: ProjectParam,
      responses: { 204: { description: "Revoked (or already revoked)" } },
      errors: { 400: ["SLED_NOT_FOUND"] },
    }),
    async (c) => {
      const project = c.req.param("project");
      if (!(await revokeSledTokens(c.env.DB, project))) {
        throw new ApiError(400, "SLED_NOT_FOUND", "No sled with that project");
      }
      await closeUplinks(c.env, project, "token revoked");
      return c.body(null, 204);
    },
  );

const ResolveSchema = v.strictObject({
  decision: v.pipe(v.picklist(DECISIONS), v.description("`allow-once`, `allow-always` or `deny`")),
});

function sledOf(env: Env, id: string) {
  const project = projectOfApproval(id);
  if (!project) throw new ApiError(400, "APPROVAL_NOT_FOUND", "No approval with that id");
  return env.SLED.getByName(project);
}

export const approvalRoutes = new Hono<AppEnv>()
  .use(requireOperator("operator.approvals"))
  .get(
    "/:id",
    route({
      id: "getApproval",
      summary: "One approval",
      tag: "Sleds",
      auth: ["admin", "operatorToken"],
      params: { id: { description: "The approval's id (`<project>:<uuid>`)" } },
      responses: { 200: { description: "The approval", body: ApprovalSchema } },
      errors: { 400: ["APPROVAL_NOT_FOUND"] },
    }),
    async (c) => {
      const record = await sledOf(c.env, c.req.param("id")).approval(c.req.param("id"));
      if (!record) throw new ApiError(400, "APPROVAL_NOT_FOUND", "No approval with that id");
      return c.json(approvalView(record));
    },
  )
  .post(
    "/:id/resolve",
    route({
      id: "resolveApproval",
      summary: "Answer an approval (first answer wins)",
      description:
        "`applied: false` when it was already decided (by someone else, a timeout or a dropped uplink): the answer carries the recorded outcome. Needs the admin token or an operator token with `operator.approvals`; recorded as `http:<token name>`.",
      tag: "Sleds",
      auth: ["admin", "operatorToken"],
      params: { id: { description: "The approval's id (`<project>:<uuid>`)" } },
      body: ResolveSchema,
      responses: {
        200: {
          description: "The recorded outcome",
          body: v.strictObject({ applied: v.boolean(), approval: ApprovalSchema }),
        },
      },
      errors: { 400: ["APPROVAL_NOT_FOUND"] },
    }),
    async (c) => {
      const id = c.req.param("id");
      const who = c.get("operator");
      const result: Resolved | null = await sledOf(c.env, id).resolveApproval(
        id,
        c.req.valid("json").decision,
        { kind: "runtime", id: `http:${who.label}` },
      );
      if (!result) throw new ApiError(400, "APPROVAL_NOT_FOUND", "No approval with that id");
      return c.json({ applied: result.applied, approval: approvalView(result.record) });
    },
  );
