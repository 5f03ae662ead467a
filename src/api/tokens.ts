import { Hono } from "hono";
import * as v from "valibot";
import { requireAdmin } from "../http/auth";
import { EmptySchema } from "../http/body";
import type { AppEnv } from "../http/context";
import { ApiError } from "../http/errors";
import { route } from "../http/openapi";
import {
  IssuedTokenSchema,
  issueToken,
  listTokens,
  revokeToken,
  rotateToken,
  TokenInfoSchema,
} from "../registry/tokens";
import { BOT_ID_PARAM, requireBot } from "./bots";

const TOKEN_ID_PARAM = { description: "The token's id (`token_id`)" };

function tokenNotFound(): ApiError {
  return new ApiError(400, "TOKEN_NOT_FOUND", "No active token with that id");
}

/** Token management under `/api/external-api` (bot protocol §8.2), admin credential only. */
export const tokenRoutes = new Hono<AppEnv>()
  .use("/bots/:bot_id/tokens", requireAdmin)
  .use("/tokens/*", requireAdmin)
  .post(
    "/bots/:bot_id/tokens",
    route({
      id: "issueToken",
      summary: "Issue a bot token",
      description:
        "The plaintext token appears only in this answer (and a rotation's). `token_id` is an extra field beyond the contract's shape, so a token can be revoked or rotated without listing first.",
      tag: "Tokens",
      auth: "admin",
      // No parameters, but a body is still read strictly: unknown fields are refused.
      body: EmptySchema,
      params: { bot_id: BOT_ID_PARAM },
      responses: { 201: { description: "The new token", body: IssuedTokenSchema } },
      errors: { 400: ["BOT_NOT_FOUND"], 403: ["BOT_NOT_EXTERNAL_API"] },
    }),
    async (c) => {
      const bot = await requireBot(c.env.DB, c.req.param("bot_id"));
      if (bot.kind !== "external_api") {
        throw new ApiError(
          403,
          "BOT_NOT_EXTERNAL_API",
          "Tokens are issued only for external_api bots",
        );
      }
      return c.json(await issueToken(c.env.DB, bot.id), 201);
    },
  )
  .get(
    "/bots/:bot_id/tokens",
    route({
      id: "listTokens",
      summary: "List a bot's active tokens",
      description: "Revoked tokens are left out; plaintexts are never shown again.",
      tag: "Tokens",
      auth: "admin",
      params: { bot_id: BOT_ID_PARAM },
      responses: {
        200: {
          description: "The bot's non-revoked tokens",
          body: v.strictObject({ tokens: v.array(TokenInfoSchema) }),
        },
      },
      errors: { 400: ["BOT_NOT_FOUND"] },
    }),
    async (c) => {
      const bot = await requireBot(c.env.DB, c.req.param("bot_id"));
      return c.json({ tokens: await listTokens(c.env.DB, bot.id) });
    },
  )
  .post(
    "/tokens/:token_id/rotate",
    route({
      id: "rotateToken",
      summary: "Rotate a token",
      description: "Revokes the old token and issues a new one in one transaction.",
      tag: "Tokens",
      auth: "admin",
      body: EmptySchema,
      params: { token_id: TOKEN_ID_PARAM },
      responses: { 201: { description: "The new token", body: IssuedTokenSchema } },
      errors: { 400: ["TOKEN_NOT_FOUND"] },
    }),
    async (c) => {
      const rotated = await rotateToken(c.env.DB, c.req.param("token_id"));
      if (!rotated) throw tokenNotFound();
      return c.json(rotated, 201);
    },
  )
  .delete(
    "/tokens/:token_id",
    route({
      id: "revokeToken",
      summary: "Revoke a token",
      description:
        "Idempotent: a revoked token answers 204 again. A lobby socket on it closes `4002` at its next heartbeat check.",
      tag: "Tokens",
      auth: "admin",
      params: { token_id: TOKEN_ID_PARAM },
      responses: { 204: { description: "Revoked (or already revoked)" } },
      errors: { 400: ["TOKEN_NOT_FOUND"] },
    }),
    async (c) => {
      if (!(await revokeToken(c.env.DB, c.req.param("token_id")))) throw tokenNotFound();
      return c.body(null, 204);
    },
  );
