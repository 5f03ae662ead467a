import { Hono } from "hono";
import { requireAdmin } from "../http/auth";
import { EmptySchema, readJsonBody } from "../http/body";
import type { AppEnv } from "../http/context";
import { ApiError } from "../http/errors";
import { issueToken, listTokens, revokeToken, rotateToken } from "../registry/tokens";
import { requireBot } from "./bots";

function tokenNotFound(): ApiError {
  return new ApiError(400, "TOKEN_NOT_FOUND", "No active token with that id");
}

/** Token management under `/api/external-api` (bot protocol §8.2), admin credential only. */
export const tokenRoutes = new Hono<AppEnv>()
  .use("/bots/:bot_id/tokens", requireAdmin)
  .use("/tokens/*", requireAdmin)
  .post("/bots/:bot_id/tokens", async (c) => {
    // No parameters, but a body is still read strictly: unknown fields are refused.
    await readJsonBody(c, EmptySchema);
    const bot = await requireBot(c.env.DB, c.req.param("bot_id"));
    if (bot.kind !== "external_api") {
      throw new ApiError(
        403,
        "BOT_NOT_EXTERNAL_API",
        "Tokens are issued only for external_api bots",
      );
    }
    return c.json(await issueToken(c.env.DB, bot.id), 201);
  })
  .get("/bots/:bot_id/tokens", async (c) => {
    const bot = await requireBot(c.env.DB, c.req.param("bot_id"));
    return c.json({ tokens: await listTokens(c.env.DB, bot.id) });
  })
  .post("/tokens/:token_id/rotate", async (c) => {
    await readJsonBody(c, EmptySchema);
    const rotated = await rotateToken(c.env.DB, c.req.param("token_id"));
    if (!rotated) throw tokenNotFound();
    return c.json(rotated, 201);
  })
  .delete("/tokens/:token_id", async (c) => {
    if (!(await revokeToken(c.env.DB, c.req.param("token_id")))) throw tokenNotFound();
    return c.body(null, 204);
  });
