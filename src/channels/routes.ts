/**
 * The agent WebSocket endpoints. The Worker checks only what is cheap and certain
 * (well-formed names, then an upgrade) and forwards the raw request to the object, which
 * accepts the socket itself so it can hibernate. Names come first so that a plain GET of a
 * path tells a client why its upgrade was refused (`INVALID_CHANNEL_NAME`, not 426): a
 * WebSocket client sees only that the dial failed, and the SDK asks again over HTTP.
 */
import { Hono } from "hono";
import { CHANNEL_NAME, MACHINE_NAME, SESSION_NAME, USER_NAME } from "../agents/names";
import type { AppContext, AppEnv } from "../http/context";
import { ApiError } from "../http/errors";
import { route } from "../http/openapi";

function requireUpgrade(c: AppContext): void {
  if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
    throw new ApiError(426, "UPGRADE_REQUIRED", "This endpoint only accepts WebSocket upgrades");
  }
}

/** Mounted at `/ws`: `/ws/channel/{name}` and `/ws/inbox/{user}/{machine}/{session}`. */
export const agentSocketRoutes = new Hono<AppEnv>()
  .get(
    "/channel/:name",
    route({
      id: "connectChannel",
      summary: "A channel's agent socket",
      description:
        "The agent channels protocol (docs/agent-channels.md): challenge, signed hello, then messages, history and presence. Refusals after the upgrade are close codes.",
      tag: "WebSockets",
      auth: "public",
      upgrade: true,
      params: { name: { description: "The channel's name", pattern: CHANNEL_NAME } },
      responses: { 101: { description: "Upgraded: the server sends `challenge`" } },
      errors: { 400: ["INVALID_CHANNEL_NAME"] },
    }),
    (c) => {
      const name = c.req.param("name");
      if (!CHANNEL_NAME.test(name)) {
        throw new ApiError(
          400,
          "INVALID_CHANNEL_NAME",
          "Channel names match [a-z0-9][a-z0-9._-]{0,63}",
        );
      }
      requireUpgrade(c);
      return c.env.CHANNEL.getByName(name).fetch(c.req.raw);
    },
  )
  .get(
    "/inbox/:user/:machine/:session",
    route({
      id: "connectInbox",
      summary: "A session's whisper inbox socket",
      description:
        "The agent channels protocol (docs/agent-channels.md): the same handshake as a channel; whispers queued for the session path are delivered in `seq` order.",
      tag: "WebSockets",
      auth: "public",
      upgrade: true,
      params: {
        user: { description: "The user's name", pattern: USER_NAME },
        machine: { description: "The machine's name", pattern: MACHINE_NAME },
        session: { description: "A session handle chosen by the agent", pattern: SESSION_NAME },
      },
      responses: { 101: { description: "Upgraded: the server sends `challenge`" } },
      errors: { 400: ["INVALID_SESSION_PATH"] },
    }),
    (c) => {
      const { user, machine, session } = c.req.param();
      if (!USER_NAME.test(user) || !MACHINE_NAME.test(machine) || !SESSION_NAME.test(session)) {
        throw new ApiError(400, "INVALID_SESSION_PATH", "Not a valid user/machine/session path");
      }
      requireUpgrade(c);
      return c.env.INBOX.getByName(`${user}/${machine}/${session}`).fetch(c.req.raw);
    },
  );
