/**
 * `/api/operators`: operator tokens for the operator gateway (minted with a name and a
 * scope set, shown once, stored hashed, listed, revoked — revoking closes that token's live
 * sockets with 1008 at once) and the planned close before a deploy. Admin credential only.
 */
import { Hono } from "hono";
import * as v from "valibot";
import { USER_NAME } from "../agents/names";
import { requireAdmin } from "../http/auth";
import type { AppEnv } from "../http/context";
import { ApiError } from "../http/errors";
import { route } from "../http/openapi";
import { describeError, log } from "../lib/log";
import { HUB_NAME } from "../operators/hub-types";
import { SCOPES } from "../operators/scopes";
import {
  IssuedOperatorTokenSchema,
  issueOperatorToken,
  listOperatorTokens,
  OperatorTokenInfoSchema,
  revokeOperatorToken,
} from "../registry/operator-tokens";
import { TOKEN_WARNING } from "../registry/tokens";

const IssueSchema = v.strictObject({
  name: v.pipe(
    v.string(),
    v.regex(USER_NAME, "1–32 of a-z 0-9 _ -, starting with a letter or digit"),
    v.description("Who holds the token (shown as `resolvedBy` and in presence)"),
  ),
  scopes: v.pipe(
    v.array(v.picklist(SCOPES)),
    v.minLength(1),
    v.maxLength(SCOPES.length),
    v.description("`operator.admin` implies every other scope"),
  ),
});

const ShutdownSchema = v.strictObject({
  reason: v.pipe(v.string(), v.minLength(1), v.maxLength(200)),
  restart_expected_ms: v.optional(
    v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(3_600_000)),
  ),
});

export const operatorRoutes = new Hono<AppEnv>()
  .use(requireAdmin)
  .post(
    "/tokens",
    route({
      id: "issueOperatorToken",
      summary: "Mint an operator token",
      description:
        "For the operator gateway (`/ws/operator`, docs/operator-gateway.md). The plaintext appears only in this answer; D1 keeps its SHA-256.",
      tag: "Operators",
      auth: "admin",
      body: IssueSchema,
      responses: { 201: { description: "The new token", body: IssuedOperatorTokenSchema } },
    }),
    async (c) => {
      const issued = await issueOperatorToken(c.env.DB, c.req.valid("json"));
      return c.json({ ...issued, warning: TOKEN_WARNING }, 201);
    },
  )
  .get(
    "/tokens",
    route({
      id: "listOperatorTokens",
      summary: "List operator tokens",
      description:
        "Newest first, revoked ones included with their revocation time; never a plaintext.",
      tag: "Operators",
      auth: "admin",
      responses: {
        200: {
          description: "Every operator token",
          body: v.strictObject({ tokens: v.array(OperatorTokenInfoSchema) }),
        },
      },
    }),
    async (c) => c.json({ tokens: await listOperatorTokens(c.env.DB) }),
  )
  .delete(
    "/tokens/:id",
    route({
      id: "revokeOperatorToken",
      summary: "Revoke an operator token",
      description:
        "Idempotent. The token's live operator sockets close with `1008 token revoked` right away; the hub's next tick catches them should that call be lost.",
      tag: "Operators",
      auth: "admin",
      params: { id: { description: "The token's id" } },
      responses: { 204: { description: "Revoked (or already revoked)" } },
      errors: { 400: ["TOKEN_NOT_FOUND"] },
    }),
    async (c) => {
      const id = c.req.param("id");
      if (!(await revokeOperatorToken(c.env.DB, id))) {
        throw new ApiError(400, "TOKEN_NOT_FOUND", "No operator token with that id");
      }
      try {
        await c.env.OPERATOR_HUB.getByName(HUB_NAME).closeToken(id);
      } catch (err) {
        // The hub re-checks every live token on its next tick, within seconds.
        log("warn", "operator_token_close_failed", { token_id: id, error: describeError(err) });
      }
      return c.body(null, 204);
    },
  )
  .post(
    "/shutdown",
    route({
      id: "shutdownOperators",
      summary: "Close every operator socket before a planned restart",
      description:
        "Each operator gets a `shutdown` event (`{reason, restartExpectedMs?}`), then its socket closes with `1012 service restart`.",
      tag: "Operators",
      auth: "admin",
      body: ShutdownSchema,
      responses: {
        200: {
          description: "How many sockets were closed",
          body: v.strictObject({ closed: v.pipe(v.number(), v.integer(), v.minValue(0)) }),
        },
      },
    }),
    async (c) => {
      const body = c.req.valid("json");
      const closed = await c.env.OPERATOR_HUB.getByName(HUB_NAME).shutdown({
        reason: body.reason,
        ...(body.restart_expected_ms === undefined
          ? {}
          : { restartExpectedMs: body.restart_expected_ms }),
      });
      return c.json({ closed });
    },
  );
