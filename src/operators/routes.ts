/**
 * `GET /ws/operator`: the operator gateway. The Worker checks only that it is an upgrade
 * and forwards the raw request to the one hub, which accepts the socket itself (so it can
 * hibernate) and runs the handshake.
 */
import { Hono } from "hono";
import type { AppEnv } from "../http/context.ts";
import { ApiError } from "../http/errors.ts";
import { HUB_NAME } from "./hub-types.ts";

export const operatorSocketRoutes = new Hono<AppEnv>().get("/ws/operator", (c) => {
  if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
    throw new ApiError(426, "UPGRADE_REQUIRED", "This endpoint only accepts WebSocket upgrades");
  }
  return c.env.OPERATOR_HUB.getByName(HUB_NAME).fetch(c.req.raw);
});
