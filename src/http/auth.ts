import { createMiddleware } from "hono/factory";
import { timingSafeEqualText } from "../lib/crypto";
import { log } from "../lib/log";
import { holds, type Scope } from "../operators/scopes";
import { verifyOperatorToken } from "../registry/operator-tokens";
import { isBotTokenShaped, recordTokenUse, verifyBotToken } from "../registry/tokens";
import type { AppEnv } from "./context";
import { unauthorized } from "./errors";

/** The credential of an `Authorization: Bearer …` header, or `null`. */
export function bearerCredential(header: string | undefined): string | null {
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header ?? "");
  return match?.[1] ?? null;
}

/**
 * Admin routes: the `ADMIN_TOKEN` secret, compared in constant time. A bot
 * token is refused here (bot tokens only serve the four bot routes).
 */
export const requireAdmin = createMiddleware<AppEnv>(async (c, next) => {
  const presented = bearerCredential(c.req.header("authorization"));
  const expected = c.env.ADMIN_TOKEN;
  if (!expected) {
    log("error", "admin_token_unset", { request_id: c.get("requestId") });
    throw unauthorized();
  }
  if (!presented || isBotTokenShaped(presented)) throw unauthorized();
  if (!(await timingSafeEqualText(presented, expected))) throw unauthorized();
  await next();
});

/**
 * Bot-token routes (bot protocol §8.1): only a valid, unrevoked `cz_extbot_`
 * token; anything else — the admin credential included — is the same 401.
 */
export const requireBotToken = createMiddleware<AppEnv>(async (c, next) => {
  const presented = bearerCredential(c.req.header("authorization"));
  const verified = presented ? await verifyBotToken(c.env.DB, presented) : null;
  if (!verified) throw unauthorized();
  recordTokenUse(c.env.DB, verified, Date.now(), c.executionCtx);
  c.set("bot", { botId: verified.botId, tokenId: verified.tokenId });
  await next();
});

/**
 * Who `presented` is as an operator holding `scope`: the `ADMIN_TOKEN` (label `admin`), or
 * an unrevoked operator token whose scopes hold `scope` (label: the token's name); else null.
 */
export async function operatorCredential(
  env: { ADMIN_TOKEN?: string; DB: D1Database },
  presented: string,
  scope: Scope,
): Promise<{ label: string; tokenId: string | null } | null> {
  if (isBotTokenShaped(presented)) return null;
  const expected = env.ADMIN_TOKEN;
  if (expected && (await timingSafeEqualText(presented, expected))) {
    return { label: "admin", tokenId: null };
  }
  const token = await verifyOperatorToken(env.DB, presented);
  return token && holds(token.scopes, scope) ? { label: token.name, tokenId: token.id } : null;
}

/**
 * Operator routes (docs/sleds.md; the match reads, docs/match.md): the `ADMIN_TOKEN` or an
 * operator token holding `scope` (`operatorCredential`). Anything else is the same 401.
 */
export function requireOperator(scope: Scope) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const presented = bearerCredential(c.req.header("authorization"));
    const operator = presented ? await operatorCredential(c.env, presented, scope) : null;
    if (!operator) throw unauthorized();
    c.set("operator", operator);
    await next();
  });
}
