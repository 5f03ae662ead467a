/**
 * `/api/operators`: operator tokens for the operator gateway (minted with a name and a
 * scope set, shown once, stored hashed, listed, revoked — revoking closes that token's live
 * sockets with 1008 at once) and the planned close before a deploy. Admin credential only.
 */
import { Hono } from "hono";
import * as v from "valibot";
import { USER_NAME } from "../agents/names";
import { requireAdmin } from "../http/auth";
import { readJsonBody } from "../http/body";
import type { AppEnv } from "../http/context";
import { ApiError } from "../http/errors";
import { describeError, log } from "../lib/log";
import { HUB_NAME } from "../operators/hub-types";
import { SCOPES } from "../operators/scopes";
import {
  issueOperatorToken,
  listOperatorTokens,
  revokeOperatorToken,
} from "../registry/operator-tokens";
import { TOKEN_WARNING } from "../registry/tokens";

const IssueSchema = v.strictObject({
  name: v.pipe(
    v.string(),
    v.regex(USER_NAME, "1–32 of a-z 0-9 _ -, starting with a letter or digit"),
  ),
  scopes: v.pipe(v.array(v.picklist(SCOPES)), v.minLength(1), v.maxLength(SCOPES.length)),
});

const ShutdownSchema = v.strictObject({
  reason: v.pipe(v.string(), v.minLength(1), v.maxLength(200)),
  restart_expected_ms: v.optional(
    v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(3_600_000)),
  ),
});

export const operatorRoutes = new Hono<AppEnv>()
  .use(requireAdmin)
  .post("/tokens", async (c) => {
    const body = await readJsonBody(c, IssueSchema);
    const issued = await issueOperatorToken(c.env.DB, body);
    return c.json({ ...issued, warning: TOKEN_WARNING }, 201);
  })
  .get("/tokens", async (c) => c.json({ tokens: await listOperatorTokens(c.env.DB) }))
  .delete("/tokens/:id", async (c) => {
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
  })
  .post("/shutdown", async (c) => {
    const body = await readJsonBody(c, ShutdownSchema);
    const closed = await c.env.OPERATOR_HUB.getByName(HUB_NAME).shutdown({
      reason: body.reason,
      ...(body.restart_expected_ms === undefined
        ? {}
        : { restartExpectedMs: body.restart_expected_ms }),
    });
    return c.json({ closed });
  });
