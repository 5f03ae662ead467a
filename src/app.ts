import { Hono } from "hono";
import * as v from "valibot";
import { agentAdminRoutes, agentRoutes, channelDirectoryRoutes } from "./api/agents";
import { botLobbyRoutes } from "./api/bot-lobby";
import { botRoutes } from "./api/bots";
import { externalRoutes } from "./api/external";
import { matchRoutes } from "./api/matches";
import { apiDocument, OPENAPI_PATH, REFERENCE_PATH } from "./api/openapi";
import { operatorRoutes } from "./api/operators";
import { ratingRoutes } from "./api/ratings";
import { approvalRoutes, sledRoutes } from "./api/sleds";
import { tokenRoutes } from "./api/tokens";
import { tournamentEntryRoutes, tournamentRoutes } from "./api/tournaments";
import { agentSocketRoutes } from "./channels/routes";
import type { AppEnv } from "./http/context";
import { ApiError, type ErrorEnvelope } from "./http/errors";
import { route } from "./http/openapi";
import { requestId } from "./http/request-id";
import { describeError, log } from "./lib/log";
import { wsConnectRateLimit } from "./lobby/connect-limit";
import { lobbyRoutes } from "./lobby/lobby-route";
import { matchSocketRoutes } from "./match/gateway";
import { operatorSocketRoutes } from "./operators/routes";
import { sledMcpRoutes, sledUplinkRoutes } from "./sleds/routes";

/** The Worker's router: HTTP API and WebSocket upgrades, one error envelope everywhere. */
export const app = new Hono<AppEnv>()
  .use(requestId)
  .use("/ws/external/*", wsConnectRateLimit)
  .use("/ws/match/*", wsConnectRateLimit)
  .get(
    "/health",
    route({
      id: "getHealth",
      summary: "Liveness",
      tag: "Service",
      auth: "public",
      responses: {
        200: { description: "Up", body: v.strictObject({ status: v.literal("ok") }) },
      },
    }),
    (c) => c.json({ status: "ok" }),
  )
  // Public reads first: the admin /api/bots group below guards every path under it.
  .route("/api", ratingRoutes)
  .route("/api/bots", botRoutes)
  .route("/api/bots", botLobbyRoutes)
  .route("/api/external-api", tokenRoutes)
  .route("/api/external-api", externalRoutes)
  .route("/api/external-api", tournamentEntryRoutes)
  .route("/api/matches", matchRoutes)
  .route("/api/tournaments", tournamentRoutes)
  .route("/", lobbyRoutes)
  .route("/", matchSocketRoutes)
  .route("/api/agents", agentRoutes)
  .route("/api/channels", channelDirectoryRoutes)
  .route("/api/admin", agentAdminRoutes)
  .route("/ws", agentSocketRoutes)
  .route("/api/operators", operatorRoutes)
  .route("/", operatorSocketRoutes)
  .route("/", sledUplinkRoutes)
  .route("/api/sleds", sledRoutes)
  .route("/api/approvals", approvalRoutes)
  .route("/mcp", sledMcpRoutes);

// Registered after the chain: the handler reads the finished app.
app.get(
  OPENAPI_PATH,
  route({
    id: "getOpenApiDocument",
    summary: "This document (OpenAPI 3.1)",
    description: `The browsable reference of the same document is served at \`${REFERENCE_PATH}\`.`,
    tag: "Service",
    auth: "public",
    responses: { 200: { description: "The OpenAPI 3.1 document", media: "application/json" } },
  }),
  async (c) => c.json(await apiDocument(app)),
);

/** `/` and every `/console/...` path are the web console's one page (docs/console.md). */
const CONSOLE_PATH = /^\/(?:console(?:\/.*)?)?$/;

// No route: a GET or HEAD may be a static asset (public/, wrangler.toml [assets]) or a page
// of the console (its router reads the path in the browser); a miss there, and any other
// method, is the 404 envelope.
app.notFound(async (c) => {
  if (c.req.method === "GET" || c.req.method === "HEAD") {
    const asset = await c.env.ASSETS.fetch(c.req.raw);
    if (asset.status !== 404) return asset;
    if (CONSOLE_PATH.test(new URL(c.req.url).pathname)) {
      const page = new URL("/console/", c.req.url);
      return c.env.ASSETS.fetch(new Request(page, { method: c.req.method }));
    }
  }
  return c.json(
    {
      error_code: "NOT_FOUND",
      message: `No route for ${c.req.method} ${new URL(c.req.url).pathname}`,
      request_id: c.get("requestId"),
    } satisfies ErrorEnvelope,
    404,
  );
});

app.onError((err, c) => {
  const request_id = c.get("requestId");
  if (err instanceof ApiError) {
    return c.json(
      { error_code: err.code, message: err.message, request_id } satisfies ErrorEnvelope,
      err.status,
    );
  }
  // Log the full error server-side; the client gets a generic message.
  log("error", "unhandled_error", { request_id, error: describeError(err) });
  return c.json(
    { error_code: "INTERNAL_ERROR", message: "Internal error", request_id } satisfies ErrorEnvelope,
    500,
  );
});
