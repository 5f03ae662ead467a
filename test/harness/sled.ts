/**
 * A sled written from the contract (`shared/protocol/sled-uplink.md`), exactly the huskies
 * wire format: it dials `/api/sled-uplink?token=`, sends `identity` first, heartbeats every
 * 10 s, asks `perm_request`s and waits for the matching `perm_response`, and replays each
 * `mcp_request` body against its own local MCP HTTP endpoint (a real `@modelcontextprotocol/sdk`
 * server, stateless, JSON responses), answering `mcp_response` — or a JSON-RPC -32603 error
 * with `id: null` when the local call fails. Like a real sled, it denies its own in-flight
 * requests when the uplink drops and never expects an answer for them.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { z } from "zod";
import type { Gateway } from "./gateway.ts";
import { HANG_MS, until } from "./until.ts";
import { type Frame, TestSocket } from "./ws-client.ts";

export interface LocalMcp {
  url: string;
  /** How many requests the local endpoint answered. */
  served(): number;
  close(): Promise<void>;
}

/** The sled's own MCP tools: `echo`, `add` and `slow` (answers after `ms`). */
function toolServer(): McpServer {
  const server = new McpServer({ name: "test-sled", version: "1.0.0" });
  server.registerTool(
    "echo",
    { description: "Echoes text", inputSchema: { text: z.string() } },
    async ({ text }) => ({ content: [{ type: "text", text }] }),
  );
  server.registerTool(
    "add",
    { description: "Adds two numbers", inputSchema: { a: z.number(), b: z.number() } },
    async ({ a, b }) => ({ content: [{ type: "text", text: String(a + b) }] }),
  );
  server.registerTool(
    "slow",
    { description: "Answers after ms", inputSchema: { ms: z.number().int().min(0) } },
    async ({ ms }) => {
      await new Promise((resolve) => setTimeout(resolve, ms));
      return { content: [{ type: "text", text: `slept ${ms}` }] };
    },
  );
  return server;
}

/** Starts the sled's local MCP endpoint on a loopback port (one stateless server per request). */
export async function startLocalMcp(): Promise<LocalMcp> {
  let served = 0;
  const http: Server = createServer(async (req, res) => {
    const server = toolServer();
    // No session id generator: stateless, as a sled's local endpoint is replayed per request.
    const transport = new StreamableHTTPServerTransport({ enableJsonResponse: true });
    res.on("close", () => {
      void transport.close();
      void server.close();
    });
    served += 1;
    await server.connect(transport);
    await transport.handleRequest(req, res);
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    served: () => served,
    close: () => new Promise((resolve) => http.close(() => resolve())),
  };
}

export interface SledOptions {
  token: string;
  project: string;
  /** Identity sent on open (default: `project`); `null` sends none. */
  identity?: string | null;
  heartbeatMs?: number;
  /** The local MCP endpoint `mcp_request`s are replayed against; absent: -32603 errors. */
  mcpUrl?: string;
  /** Dial this origin (e.g. a cut proxy in front of the gateway) instead of the gateway. */
  origin?: string;
}

export interface PermVerdict {
  approved: boolean;
  always_allow: boolean;
}

export class TestSled {
  readonly socket: TestSocket;
  /** Every `mcp_request` received. */
  readonly mcpRequests: Frame[] = [];
  /** `false` leaves `mcp_request`s unanswered (to cut the uplink mid-call, or time out). */
  answering = true;
  #heartbeat: ReturnType<typeof setInterval> | null = null;
  readonly #options: SledOptions;

  private constructor(socket: TestSocket, options: SledOptions) {
    this.socket = socket;
    this.#options = options;
    socket.ws.on("message", (data) => {
      let frame: Frame;
      try {
        frame = JSON.parse(data.toString()) as Frame;
      } catch {
        return; // A sled ignores frames it cannot parse.
      }
      if (frame.type === "mcp_request") void this.#replay(frame);
    });
    socket.ws.on("close", () => this.stopHeartbeat());
  }

  /** Dials the uplink and sends `identity`; rejects when the upgrade is refused (e.g. 401). */
  static async connect(gateway: Gateway, options: SledOptions): Promise<TestSled> {
    const path = `/api/sled-uplink?token=${encodeURIComponent(options.token)}`;
    const url = options.origin
      ? new URL(path, options.origin).href.replace(/^http/, "ws")
      : gateway.wsUrl(path);
    const sled = new TestSled(await TestSocket.open(url), options);
    const identity = options.identity === undefined ? options.project : options.identity;
    if (identity !== null) {
      sled.send({ type: "identity", req_id: "identity", payload: { project: identity } });
    }
    sled.#heartbeat = setInterval(
      () => sled.send({ type: "heartbeat", req_id: "", payload: null }),
      options.heartbeatMs ?? 10_000,
    );
    return sled;
  }

  send(frame: unknown): void {
    if (this.socket.ws.readyState === this.socket.ws.OPEN) this.socket.send(frame);
  }

  /** Sends a `perm_request` (the sled chooses the id). */
  ask(reqId: string, toolName: string, toolInput: unknown): void {
    this.send({
      type: "perm_request",
      req_id: reqId,
      payload: { tool_name: toolName, tool_input: toolInput },
    });
  }

  /** Waits for the `perm_response` of `reqId`. */
  verdict(reqId: string, timeoutMs = HANG_MS): Promise<PermVerdict> {
    return until(
      () => this.verdictsFor(reqId)[0]?.payload as PermVerdict | undefined,
      `perm_response ${reqId}`,
      timeoutMs,
    );
  }

  /** Every `perm_response` received for `reqId` (a correct gateway sends at most one). */
  verdictsFor(reqId: string): Frame[] {
    return this.socket.frames.filter((f) => f.type === "perm_response" && f.req_id === reqId);
  }

  stopHeartbeat(): void {
    if (this.#heartbeat) clearInterval(this.#heartbeat);
    this.#heartbeat = null;
  }

  closed(timeoutMs = HANG_MS) {
    return this.socket.closed(timeoutMs);
  }

  /** Drops the TCP connection without a close handshake. */
  cut(): void {
    this.stopHeartbeat();
    this.socket.cut();
  }

  close(): void {
    this.stopHeartbeat();
    this.socket.close();
  }

  async #replay(frame: Frame): Promise<void> {
    this.mcpRequests.push(frame);
    if (!this.answering) return;
    const reqId = String(frame.req_id);
    const body = (frame.payload as { body?: unknown } | null)?.body;
    let payload: unknown;
    try {
      if (!this.#options.mcpUrl || typeof body !== "string") throw new Error("no local endpoint");
      const response = await fetch(this.#options.mcpUrl, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          accept: "application/json, text/event-stream",
        },
        body,
      });
      payload = await response.json();
    } catch (err) {
      payload = { jsonrpc: "2.0", id: null, error: { code: -32603, message: String(err) } };
    }
    this.send({ type: "mcp_response", req_id: reqId, payload });
  }
}

/** Registers a project and returns its uplink token. */
export async function registerSled(gateway: Gateway, project: string): Promise<string> {
  const response = await gateway.fetch("/api/sleds", {
    method: "POST",
    headers: { authorization: `Bearer ${gateway.adminToken}`, "content-type": "application/json" },
    body: JSON.stringify({ project }),
  });
  if (response.status !== 201) throw new Error(`register sled: ${response.status}`);
  return ((await response.json()) as { token: string }).token;
}
