// Proves the MCP relay with the real `@modelcontextprotocol/sdk` client: `Client` +
// `StreamableHTTPClientTransport` on `/mcp/sleds/{project}` runs initialize, tools/list and
// tools/call through botgate to the test sled's own local MCP server (a real SDK server),
// concurrent calls correlate, and every failure is an error at once, never a hang: the sled
// offline, the uplink cut mid-call, no answer within the timeout. `node.*` on the operator
// gateway reaches the same tools.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, type Gateway, startGateway, waitForLog } from "../harness/gateway.ts";
import { connectRealClient } from "../harness/operator.ts";
import { type LocalMcp, registerSled, startLocalMcp, TestSled } from "../harness/sled.ts";
import { until } from "../harness/until.ts";

let gateway: Gateway;
let local: LocalMcp;
beforeAll(async () => {
  gateway = await startGateway({ vars: { SLED_MCP_TIMEOUT_MS: "3000" } });
  local = await startLocalMcp();
});
afterAll(async () => {
  await gateway?.close();
  await local?.close();
});

async function mcpClient(project: string, token = gateway.adminToken): Promise<Client> {
  const client = new Client({ name: "relay-test", version: "1.0.0" });
  const transport = new StreamableHTTPClientTransport(
    new URL(`/mcp/sleds/${project}`, gateway.url),
    {
      requestInit: { headers: { authorization: `Bearer ${token}` } },
    },
  );
  await client.connect(transport);
  return client;
}

async function liveSled(project: string): Promise<{ sled: TestSled; token: string }> {
  const token = await registerSled(gateway, project);
  const sled = await TestSled.connect(gateway, {
    token,
    project,
    heartbeatMs: 1000,
    mcpUrl: local.url,
  });
  await waitForLog(gateway, "sled_connected", (f) => f.project === project);
  return { sled, token };
}

const text = (result: unknown) =>
  ((result as { content: Array<{ text: string }> }).content[0] ?? { text: "" }).text;

describe("the MCP relay", () => {
  it("runs initialize, tools/list and tools/call through botgate to the sled's tools", async () => {
    const { sled } = await liveSled("mcp-a");
    const client = await mcpClient("mcp-a");
    expect(client.getServerVersion()).toMatchObject({ name: "test-sled" });
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(["add", "echo", "slow"]);
    expect(text(await client.callTool({ name: "echo", arguments: { text: "hi" } }))).toBe("hi");
    // Concurrent calls, each answered with its own result (correlated by req_id).
    const sums = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        client.callTool({ name: "add", arguments: { a: i, b: 100 } }),
      ),
    );
    expect(sums.map(text)).toEqual(Array.from({ length: 12 }, (_, i) => String(i + 100)));
    await client.close();
    sled.close();
  });

  it("answers at once with an error when the sled is offline", async () => {
    const { sled } = await liveSled("mcp-off");
    const client = await mcpClient("mcp-off");
    sled.close();
    await sled.closed();
    await waitForLog(gateway, "sled_disconnected", (f) => f.project === "mcp-off");
    await expect(client.callTool({ name: "echo", arguments: { text: "x" } })).rejects.toMatchObject(
      {
        code: -32001,
        message: expect.stringContaining("sled offline"),
      },
    );
    await client.close();
  });

  it("errors at once when the uplink drops mid-call, and at the timeout when no answer comes", async () => {
    const { sled, token } = await liveSled("mcp-cut");
    const client = await mcpClient("mcp-cut");
    sled.answering = false;
    const asked = sled.mcpRequests.length;
    const call = client.callTool({ name: "slow", arguments: { ms: 0 } }, undefined, {
      timeout: 60_000,
    });
    await until(() => (sled.mcpRequests.length > asked ? true : undefined), "the relayed call");
    sled.cut();
    await expect(call).rejects.toMatchObject({ code: -32002 });

    const quiet = await TestSled.connect(gateway, { token, project: "mcp-cut", heartbeatMs: 1000 });
    quiet.answering = false;
    await waitForLog(
      gateway,
      "sled_connected",
      (f) => f.project === "mcp-cut" && f.conn_id !== undefined,
    );
    await until(
      () =>
        gateway.harness
          .getLogs()
          .filter((l) => l.message.includes('"sled_connected"') && l.message.includes("mcp-cut"))
          .length >= 2
          ? true
          : undefined,
      "the second uplink",
    );
    await expect(
      client.callTool({ name: "echo", arguments: { text: "late" } }, undefined, {
        timeout: 60_000,
      }),
    ).rejects.toMatchObject({ code: -32003 });
    // A response after the timeout, and one for an id nobody asked for, are ignored.
    const late = quiet.mcpRequests.at(-1);
    quiet.send({
      type: "mcp_response",
      req_id: late?.req_id,
      payload: { jsonrpc: "2.0", id: 1, result: {} },
    });
    quiet.send({ type: "mcp_response", req_id: "nobody", payload: {} });
    await waitForLog(gateway, "sled_mcp_response_unknown");
    expect(quiet.socket.isClosed).toBe(false);
    await client.close();
    quiet.close();
  });

  it("refuses callers without the right credential and unknown sleds", async () => {
    const body = { jsonrpc: "2.0", id: 1, method: "tools/list" };
    const none = await api(gateway, "POST", "/mcp/sleds/mcp-a", { body, token: null });
    expect(none.status).toBe(401);
    const minted = await api(gateway, "POST", "/api/operators/tokens", {
      body: { name: "ro", scopes: ["operator.read"] },
    });
    const ro = await api(gateway, "POST", "/mcp/sleds/mcp-a", {
      body,
      token: (minted.body as { token: string }).token,
    });
    expect(ro.status).toBe(401);
    const unknown = await api(gateway, "POST", "/mcp/sleds/nobody-here", { body });
    expect(unknown).toMatchObject({ status: 400, body: { error_code: "SLED_NOT_FOUND" } });
    const stream = await api(gateway, "GET", "/mcp/sleds/mcp-a");
    expect(stream.status).toBe(405);
  });

  it("node.list, node.describe and node.invoke reach the same tools, once per idempotency key", async () => {
    const { sled } = await liveSled("mcp-node");
    const client = await mcpClient("mcp-node");
    await client.listTools();
    const op = await connectRealClient(gateway, { token: gateway.adminToken });
    const described = await op.request<{ connected: boolean; tools: Array<{ name: string }> }>(
      "node.describe",
      { nodeId: "mcp-node" },
    );
    expect(described.connected).toBe(true);
    expect(described.tools.map((t) => t.name).sort()).toEqual(["add", "echo", "slow"]);
    const invoke = {
      nodeId: "mcp-node",
      command: "mcp.tools.call.v1",
      params: { name: "add", arguments: { a: 2, b: 3 } },
      idempotencyKey: "k1",
    };
    const served = local.served();
    const first = await op.request<{ payload: { result: unknown } }>("node.invoke", invoke);
    expect(text(first.payload.result)).toBe("5");
    const repeat = await op.request<{ payload: { result: unknown } }>("node.invoke", invoke);
    expect(repeat).toEqual(first);
    expect(local.served()).toBe(served + 1);
    const raw = await op.request<{ payload: { result: { tools: unknown[] } } }>("node.invoke", {
      nodeId: "mcp-node",
      command: "mcp.request",
      params: { jsonrpc: "2.0", id: 7, method: "tools/list" },
      idempotencyKey: "k2",
    });
    expect(raw.payload.result.tools).toHaveLength(3);
    await expect(
      op.request("node.invoke", { ...invoke, nodeId: "nope", idempotencyKey: "k3" }),
    ).rejects.toMatchObject({
      details: { code: "NODE_NOT_FOUND" },
    });
    sled.close();
    await waitForLog(gateway, "sled_disconnected", (f) => f.project === "mcp-node");
    await expect(
      op.request("node.invoke", { ...invoke, idempotencyKey: "k4" }),
    ).rejects.toMatchObject({
      gatewayCode: "UNAVAILABLE",
    });
    await op.stop();
    await client.close();
  });
});
