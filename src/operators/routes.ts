/**
 * `GET /ws/operator`: the operator gateway. The Worker checks only that it is an upgrade
 * and forwards the raw request to the one hub, which accepts the socket itself (so it can
 * hibernate) and runs the handshake.
 */
import { Hono } from "hono";
import type { AppEnv } from "../http/context.ts";
import { ApiError } from "../http/errors.ts";
import { route } from "../http/openapi.ts";
import { HUB_NAME } from "./hub-types.ts";

export const operatorSocketRoutes = new Hono<AppEnv>().get(
  "/ws/operator",
  route({
    id: "connectOperator",
    summary: "The operator gateway socket (OpenClaw gateway protocol)",
    description:
      "docs/operator-gateway.md: the server sends `connect.challenge`, the client's first frame is a `connect` request carrying the credential (the admin token or an operator token) and optionally an Ed25519 device proof; then `req`/`res` and `event` frames. Refusals after the upgrade are `res` errors and close codes.",
    tag: "WebSockets",
    auth: "public",
    upgrade: true,
    responses: { 101: { description: "Upgraded: the server sends `connect.challenge`" } },
  }),
  (c) => {
    if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
      throw new ApiError(426, "UPGRADE_REQUIRED", "This endpoint only accepts WebSocket upgrades");
    }
    return c.env.OPERATOR_HUB.getByName(HUB_NAME).fetch(c.req.raw);
  },
);
