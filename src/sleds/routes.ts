/**
 * The sled's two public doors: `GET /api/sled-uplink?token=` (the huskies uplink; the Worker
 * checks the token before the upgrade, 401 without a socket) and `POST /mcp/sleds/{project}`
 * (a Streamable HTTP MCP endpoint relaying each JSON-RPC request to the sled).
 */
import { Hono } from "hono";
import * as v from "valibot";
import { requireOperator } from "../http/auth.ts";
import type { AppEnv } from "../http/context.ts";
import { ApiError, unauthorized } from "../http/errors.ts";
import { route } from "../http/openapi.ts";
import { sledExists, verifySledToken } from "../registry/sled-tokens.ts";
import { sledStub } from "./directory.ts";
import { classify, relayAnswer, relayed } from "./mcp-answer.ts";
import { SLED_PROJECT_HEADER, SLED_TOKEN_HEADER } from "./sled-object.ts";

const UplinkQuery = v.strictObject({
  token: v.optional(v.pipe(v.string(), v.description("The sled's uplink token (`bgsled_…`)"))),
});

/** A JSON-RPC 2.0 request or notification; the relay forwards it as it came. */
const JsonRpcMessage = v.strictObject({
  jsonrpc: v.literal("2.0"),
  method: v.pipe(v.string(), v.minLength(1)),
  id: v.optional(v.union([v.string(), v.number(), v.null()])),
  params: v.optional(v.unknown()),
});

export const sledUplinkRoutes = new Hono<AppEnv>().get(
  "/api/sled-uplink",
  route({
    id: "connectSledUplink",
    summary: "A sled's uplink socket (huskies sled protocol)",
    description:
      "docs/sleds.md: the sled's first frame is `identity` for the token's project; then heartbeats, `perm_request` and `mcp_response`; botgate sends `perm_response` and `mcp_request`. An unknown or revoked token is refused before the upgrade (401).",
    tag: "WebSockets",
    auth: "public",
    upgrade: true,
    query: UplinkQuery,
    responses: { 101: { description: "Upgraded" } },
  }),
  async (c) => {
    if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
      throw new ApiError(426, "UPGRADE_REQUIRED", "This endpoint only accepts WebSocket upgrades");
    }
    const presented = c.req.valid("query").token;
    const verified = presented ? await verifySledToken(c.env.DB, presented) : null;
    if (!verified) throw unauthorized();
    const headers = new Headers(c.req.raw.headers);
    headers.set(SLED_PROJECT_HEADER, verified.project);
    headers.set(SLED_TOKEN_HEADER, verified.tokenId);
    return c.env.SLED.getByName(verified.project).fetch(new Request(c.req.raw, { headers }));
  },
);

export const sledMcpRoutes = new Hono<AppEnv>()
  .use("/sleds/*", requireOperator("operator.write"))
  .post(
    "/sleds/:project",
    route({
      id: "relaySledMcp",
      summary: "A sled's MCP tools (Streamable HTTP, JSON responses)",
      description:
        "docs/sleds.md: each JSON-RPC request is relayed to the sled as `mcp_request` and answered with its `mcp_response` (`application/json`). Notifications are accepted (202) and not relayed. A sled that is offline, drops mid-call or does not answer in 30 s is answered at once with a JSON-RPC error (-32001 offline, -32002 disconnected, -32003 timeout, -32004 busy). Needs the admin token or an operator token with `operator.write`.",
      tag: "Sleds",
      auth: ["admin", "operatorToken"],
      params: { project: { description: "The sled's project" } },
      body: JsonRpcMessage,
      responses: {
        200: { description: "The JSON-RPC response", media: "application/json" },
        202: { description: "A notification, accepted" },
      },
      errors: { 400: ["SLED_NOT_FOUND"] },
    }),
    async (c) => {
      const project = c.req.param("project");
      if (!(await sledExists(c.env.DB, project))) {
        throw new ApiError(400, "SLED_NOT_FOUND", "No sled with that project");
      }
      const message = c.req.valid("json");
      const { id, method, notification } = classify(message);
      if (notification) return c.body(null, 202);
      const outcome = await relayed(project, () =>
        sledStub(c.env, project).mcp(JSON.stringify(message), method),
      );
      return c.body(relayAnswer(outcome, id), 200, { "content-type": "application/json" });
    },
  )
  .get(
    "/sleds/:project",
    route({
      id: "sledMcpStream",
      summary: "No server-to-client stream",
      description: "The relay answers every request inline; MCP clients treat 405 as no stream.",
      tag: "Sleds",
      auth: ["admin", "operatorToken"],
      params: { project: { description: "The sled's project" } },
      responses: {},
      errors: { 405: ["METHOD_NOT_ALLOWED"] },
    }),
    () => {
      throw new ApiError(405, "METHOD_NOT_ALLOWED", "POST JSON-RPC messages to this endpoint");
    },
  );
