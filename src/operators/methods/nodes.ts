/**
 * Sleds as nodes (operator gateway §4): `node.list`, `node.describe` (connected and known
 * sleds, `nodeId` = project, the tools of the last relayed `tools/list`) and `node.invoke`
 * (an MCP call relayed to the sled as `mcp_request`, once per idempotency key). Owns the
 * `sled:` presence: rebuilt from the directory and each sled's object.
 */
import * as v from "valibot";
import { describeError, log } from "../../lib/log.ts";
import { mapLimit } from "../../lib/pool.ts";
import { strict } from "../../protocol/operator-frames.ts";
import { isProjectName, sledProjects, sledStub } from "../../sleds/directory.ts";
import { relayed } from "../../sleds/mcp-answer.ts";
import type { RelayOutcome } from "../../sleds/mcp-relay.ts";
import type { SledStatus } from "../../sleds/sled-state.ts";
import { PRESENCE_PREFIX, sledPresence } from "../presence-kinds.ts";
import { REBUILD_CONCURRENCY } from "./agents.ts";
import {
  defineMethod,
  MethodError,
  type MethodGroup,
  NoParams,
  notFound,
  unavailable,
} from "./registry.ts";

const NodeId = v.pipe(v.string(), v.minLength(1), v.maxLength(64));
const DescribeParams = strict({ nodeId: NodeId });
const InvokeParams = strict({
  nodeId: NodeId,
  command: v.pipe(v.string(), v.minLength(1)),
  params: v.optional(v.unknown()),
  timeoutMs: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
  idempotencyKey: v.pipe(v.string(), v.minLength(1), v.maxLength(128)),
  sessionKey: v.optional(v.pipe(v.string(), v.minLength(1))),
  turnSourceChannel: v.optional(v.string()),
  turnSourceTo: v.optional(v.string()),
  turnSourceAccountId: v.optional(v.string()),
  turnSourceThreadId: v.optional(v.union([v.string(), v.number()])),
});
const ToolCall = strict({
  name: v.pipe(v.string(), v.minLength(1)),
  arguments: v.optional(v.record(v.string(), v.unknown())),
});
const JsonRpcRequest = v.looseObject({
  jsonrpc: v.literal("2.0"),
  method: v.string(),
  id: v.union([v.string(), v.number()]),
});

export const NODE_COMMANDS = ["mcp.tools.call.v1", "mcp.request"] as const;

function node(status: SledStatus) {
  return {
    nodeId: status.project,
    displayName: status.project,
    kind: "sled",
    connected: status.connected,
    paired: true,
    commands: [...NODE_COMMANDS],
    ...(status.connectedAt === null ? {} : { connectedAtMs: status.connectedAt }),
    ...(status.lastSeenAtMs === null ? {} : { lastSeenAtMs: status.lastSeenAtMs }),
    ...(status.lastSeenReason === null ? {} : { lastSeenReason: status.lastSeenReason }),
    ...(status.toolsJson === null ? {} : { tools: JSON.parse(status.toolsJson) as unknown }),
    pendingApprovals: status.pendingApprovals,
  };
}

async function statusOf(env: Env, project: string): Promise<SledStatus> {
  try {
    return await sledStub(env, project).status();
  } catch (err) {
    log("warn", "sled_status_failed", { project, error: describeError(err) });
    throw unavailable("the sled could not be reached");
  }
}

async function known(env: Env, nodeId: string): Promise<void> {
  const found = isProjectName(nodeId) && (await sledProjects(env.DB)).includes(nodeId);
  if (!found) throw notFound("NODE_NOT_FOUND", "no such node");
}

/** The JSON-RPC request a `node.invoke` relays. */
function rpcBody(command: string, params: unknown, key: string): { body: string; method: string } {
  if (command === "mcp.tools.call.v1") {
    const call = v.safeParse(ToolCall, params);
    if (!call.success)
      throw new MethodError(
        "INVALID_REQUEST",
        "invalid node.invoke params: mcp.tools.call.v1 takes {name, arguments?}",
      );
    const body = {
      jsonrpc: "2.0",
      id: key,
      method: "tools/call",
      params: { name: call.output.name, arguments: call.output.arguments ?? {} },
    };
    return { body: JSON.stringify(body), method: "tools/call" };
  }
  if (command === "mcp.request") {
    let parsed: unknown = params;
    if (typeof params === "string") {
      try {
        parsed = JSON.parse(params);
      } catch {
        parsed = null;
      }
    }
    const request = v.safeParse(JsonRpcRequest, parsed);
    if (!request.success)
      throw new MethodError(
        "INVALID_REQUEST",
        "invalid node.invoke params: mcp.request takes a JSON-RPC 2.0 request with an id",
      );
    return { body: JSON.stringify(request.output), method: request.output.method };
  }
  throw new MethodError("INVALID_REQUEST", `unknown node command: ${command.slice(0, 64)}`, {
    code: "UNKNOWN_COMMAND",
    commands: [...NODE_COMMANDS],
  });
}

function failure(outcome: Extract<RelayOutcome, { ok: false }>): MethodError {
  if (outcome.error === "sled timeout") return new MethodError("AGENT_TIMEOUT", "sled timeout");
  return new MethodError(
    "UNAVAILABLE",
    outcome.error,
    { code: outcome.error === "sled offline" ? "NODE_NOT_CONNECTED" : "NODE_DISCONNECTED" },
    { retryAfterMs: 1000 },
  );
}

export const nodesGroup: MethodGroup = {
  name: "nodes",
  methods: [
    defineMethod({
      name: "node.list",
      scope: "operator.read",
      params: NoParams,
      async handler(_params, ctx) {
        const projects = await sledProjects(ctx.env.DB);
        const statuses = await mapLimit(projects, REBUILD_CONCURRENCY, (p) => statusOf(ctx.env, p));
        return { ts: Date.now(), nodes: statuses.map(node) };
      },
    }),
    defineMethod({
      name: "node.describe",
      scope: "operator.read",
      params: DescribeParams,
      async handler(params, ctx) {
        await known(ctx.env, params.nodeId);
        return { ts: Date.now(), ...node(await statusOf(ctx.env, params.nodeId)) };
      },
    }),
    defineMethod({
      name: "node.invoke",
      scope: "operator.write",
      params: InvokeParams,
      async handler(params, ctx) {
        await known(ctx.env, params.nodeId);
        const { body, method } = rpcBody(params.command, params.params, params.idempotencyKey);
        const outcome = await relayed(params.nodeId, () =>
          sledStub(ctx.env, params.nodeId).invoke(params.idempotencyKey, body, method),
        );
        if (!outcome.ok) throw failure(outcome);
        return {
          ok: true,
          nodeId: params.nodeId,
          command: params.command,
          payload: JSON.parse(outcome.response) as unknown,
        };
      },
    }),
  ],
  events: [{ name: "node.presence", scope: "operator.read" }],
  presence: {
    prefix: PRESENCE_PREFIX.sled,
    async list(env) {
      const projects = await sledProjects(env.DB);
      const statuses = await mapLimit(projects, REBUILD_CONCURRENCY, (p) =>
        sledStub(env, p).status(),
      );
      return statuses.flatMap((s) =>
        s.connected ? [sledPresence(s.project, s.connectedAt ?? Date.now())] : [],
      );
    },
  },
  async agents(ctx) {
    return (await sledProjects(ctx.env.DB)).map((project) => ({
      id: `sled:${project}`,
      name: project,
      kind: "agent" as const,
    }));
  },
};
