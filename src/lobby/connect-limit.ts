/**
 * The per-IP WebSocket connect rate limit on `/ws/external/*` (bot protocol §3.7, §4: 1008).
 * Counters live in one `ConnectLimiterObject` per client IP, so a flood from one address
 * only ever loads its own object — never a bot's lobby or a match.
 */
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../http/context";
import { describeError, log } from "../lib/log";
import { refuseUpgrade } from "../match/upgrade";
import { CloseCode } from "../protocol/bot-frames";
import { lobbyConfig } from "./config";
import { echoedProtocol, isWebSocketUpgrade } from "./upgrade";

/** The client address as the edge reports it (`CF-Connecting-IP`, also set by `wrangler dev`). */
function clientIp(request: Request): string {
  return request.headers.get("cf-connecting-ip") ?? "unknown";
}

/**
 * Middleware for the WebSocket endpoints: over the limit, the upgrade is finished and closed
 * with 1008 so the client sees the code. If the limiter cannot be reached the connect goes
 * through (logged): the limit protects capacity, it must not become an outage of its own.
 */
export const wsConnectRateLimit = createMiddleware<AppEnv>(async (c, next) => {
  if (!isWebSocketUpgrade(c.req.raw)) return next();
  const ip = clientIp(c.req.raw);
  let allowed = true;
  try {
    allowed = await c.env.CONNECT_LIMITER.getByName(ip).take(
      lobbyConfig(c.env).connectsPerIpPerMinute,
    );
  } catch (err) {
    log("error", "connect_limiter_failed", { error: describeError(err) });
  }
  if (!allowed) {
    log("warn", "ws_connect_rate_limited", { request_id: c.get("requestId") });
    return refuseUpgrade(CloseCode.policy, echoedProtocol(c.req.raw));
  }
  await next();
});
