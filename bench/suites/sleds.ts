/**
 * Sled benchmark, on one local runtime:
 * - approval round trip: a contract sled sends `perm_request`, the real operator client
 *   receives `exec.approval.requested`, resolves it (`exec.approval.resolve`), the sled
 *   receives `perm_response`; one request at a time;
 * - MCP relay overhead: `tools/call` through `POST /mcp/sleds/{project}` vs the same body
 *   posted straight to the sled's local MCP endpoint, and a bare loopback HTTP hop, in the
 *   same run;
 * - memory per idle sled: workerd RSS delta over 200 connected, heartbeating sleds.
 * Loopback only; every wait bounded.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { type Gateway, startGateway, waitForLog } from "../../test/harness/gateway.ts";
import { connectRealClient, type RealClient } from "../../test/harness/operator.ts";
import { type LocalMcp, registerSled, startLocalMcp, TestSled } from "../../test/harness/sled.ts";
import {
  type Figure,
  launchedWorkerd,
  percentile,
  pool,
  round,
  type Suite,
  sleep,
  totalRssKb,
} from "../lib.ts";

const APPROVALS = Number(process.env.SLEDS_BENCH_APPROVALS ?? 100);
const CALLS = Number(process.env.SLEDS_BENCH_CALLS ?? 200);
const IDLE_SLEDS = Number(process.env.SLEDS_BENCH_IDLE ?? 200);
const SETTLE_MS = Number(process.env.SLEDS_BENCH_SETTLE_MS ?? 10_000);
const WAIT_MS = 60_000;

type Json = Record<string, unknown>;

async function connectedSled(gateway: Gateway, project: string, mcpUrl?: string) {
  const token = await registerSled(gateway, project);
  const sled = await TestSled.connect(gateway, {
    token,
    project,
    heartbeatMs: 10_000,
    ...(mcpUrl ? { mcpUrl } : {}),
  });
  await waitForLog(gateway, "sled_connected", (f) => f.project === project, WAIT_MS);
  return sled;
}

async function approvalRoundTrips(gateway: Gateway, op: RealClient): Promise<number[]> {
  const sled = await connectedSled(gateway, "bench-appr");
  const samples: number[] = [];
  try {
    for (let i = 0; i < APPROVALS + 5; i++) {
      const reqId = `r${i}`;
      const started = performance.now();
      const asked = op.waitFor(
        (e) =>
          e.event === "exec.approval.requested" && (e.payload as Json).project === "bench-appr",
        WAIT_MS,
        "exec.approval.requested",
      );
      sled.ask(reqId, "Bash", { command: `echo ${i}` });
      const id = String(((await asked).payload as Json).id);
      await op.request("exec.approval.resolve", { id, decision: "allow-once" });
      await sled.verdict(reqId, WAIT_MS);
      // The first few warm the objects and code paths up.
      if (i >= 5) samples.push(performance.now() - started);
    }
  } finally {
    sled.close();
  }
  return samples;
}

const callBody = (i: number) =>
  JSON.stringify({
    jsonrpc: "2.0",
    id: i,
    method: "tools/call",
    params: { name: "echo", arguments: { text: `hi ${i}` } },
  });

async function timedPost(url: string, body: string, headers: Record<string, string> = {}) {
  const started = performance.now();
  const response = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      ...headers,
    },
    body,
  });
  const text = await response.text();
  if (!response.ok || !text.includes('"result"')) {
    throw new Error(`bench: ${url} answered ${response.status} ${text.slice(0, 200)}`);
  }
  return performance.now() - started;
}

/** A bare loopback HTTP server answering a fixed JSON body: the cost of one hop. */
async function loopbackServer(): Promise<{ url: string; close(): Promise<void> }> {
  const http = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      res.setHeader("content-type", "application/json");
      res.end('{"jsonrpc":"2.0","id":1,"result":{}}');
    });
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise((resolve) => http.close(() => resolve())),
  };
}

interface RelaySamples {
  relay: number[];
  direct: number[];
  hop: number[];
  /** A bare request through the gateway (`GET /health`): the Worker's own cost per request. */
  gatewayHop: number[];
}

async function timedGet(url: string) {
  const started = performance.now();
  const response = await fetch(url);
  await response.text();
  if (!response.ok) throw new Error(`bench: ${url} answered ${response.status}`);
  return performance.now() - started;
}

/** Interleaved, one call at a time, so load swings hit all three alike. */
async function relayOverhead(gateway: Gateway, local: LocalMcp): Promise<RelaySamples> {
  const sled = await connectedSled(gateway, "bench-mcp", local.url);
  const hopServer = await loopbackServer();
  const relayUrl = new URL("/mcp/sleds/bench-mcp", gateway.url).href;
  const auth = { authorization: `Bearer ${gateway.adminToken}` };
  const healthUrl = new URL("/health", gateway.url).href;
  const samples: RelaySamples = { relay: [], direct: [], hop: [], gatewayHop: [] };
  try {
    for (let i = 0; i < CALLS + 10; i++) {
      const relay = await timedPost(relayUrl, callBody(i), auth);
      const direct = await timedPost(local.url, callBody(i));
      const hop = await timedPost(hopServer.url, callBody(i));
      const gatewayHop = await timedGet(healthUrl);
      if (i < 10) continue;
      samples.relay.push(relay);
      samples.direct.push(direct);
      samples.hop.push(hop);
      samples.gatewayHop.push(gatewayHop);
    }
  } finally {
    sled.close();
    await hopServer.close();
  }
  return samples;
}

async function idleSleds(gateway: Gateway, pids: number[]) {
  const sleds: TestSled[] = [];
  try {
    // One first, so the sled object's code is loaded before the baseline.
    sleds.push(await connectedSled(gateway, "bench-idle-base"));
    await sleep(1000);
    const before = totalRssKb(pids);
    const tokens: Array<[string, string]> = [];
    await pool(
      IDLE_SLEDS,
      20,
      async (i) => {
        tokens.push([`bench-idle-${i}`, await registerSled(gateway, `bench-idle-${i}`)]);
      },
      Date.now() + WAIT_MS,
    );
    await pool(
      tokens.length,
      20,
      async (i) => {
        const [project, token] = tokens[i] ?? ["", ""];
        sleds.push(await TestSled.connect(gateway, { token, project, heartbeatMs: 10_000 }));
      },
      Date.now() + WAIT_MS,
    );
    await sleep(SETTLE_MS);
    const held = sleds.slice(1).filter((s) => s.socket.ws.readyState === s.socket.ws.OPEN).length;
    const after = totalRssKb(pids);
    return { held, before, after };
  } finally {
    for (const sled of sleds) sled.close();
  }
}

const suite: Suite = async () => {
  const { value: gateway, pids } = await launchedWorkerd(() => startGateway());
  const local = await startLocalMcp();
  let op: RealClient | undefined;
  try {
    op = await connectRealClient(gateway, { token: gateway.adminToken });
    const approvals = await approvalRoundTrips(gateway, op);
    const relay = await relayOverhead(gateway, local);
    const idle = await idleSleds(gateway, pids);
    const ms = (xs: number[], p: number) => round(percentile(xs, p), 1);
    const fig = (
      figure: string,
      value: number,
      unit: string,
      method: string,
      comparisons?: Figure["comparisons"],
      better: Figure["better"] = "lower",
    ): Figure => ({
      suite: "sleds",
      figure,
      value,
      unit,
      better,
      ...(comparisons ? { comparisons } : {}),
      method,
    });
    const APPROVAL_METHOD = `${APPROVALS} approvals one at a time (after 5 warm-up): a contract sled's perm_request → the real @openclaw/gateway-client sees exec.approval.requested → exec.approval.resolve allow-once → the sled's perm_response`;
    const RELAY_METHOD = `${CALLS} tools/call (echo) one at a time (after 10 warm-up), interleaved: through POST /mcp/sleds/{project} (gateway → sled DO → uplink → contract sled → its local SDK MCP server and back) vs the same body posted straight to that local MCP server vs a bare Node loopback HTTP server (one hop) vs GET /health on the gateway (one hop through the Worker)`;
    const MEMORY_METHOD = `${IDLE_SLEDS} sleds registered and connected (identity sent, heartbeat every 10 s), held ${SETTLE_MS / 1000} s; workerd RSS after minus before (with one sled connected), divided by the sleds still open (${idle.held})`;
    return [
      fig("approval round trip p50", ms(approvals, 50), "ms", APPROVAL_METHOD),
      fig("approval round trip p99", ms(approvals, 99), "ms", APPROVAL_METHOD),
      fig("MCP tools/call through the relay p50", ms(relay.relay, 50), "ms", RELAY_METHOD, [
        { against: "sled's local MCP direct", value: ms(relay.direct, 50) },
        { against: "bare loopback hop", value: ms(relay.hop, 50) },
        { against: "gateway hop (GET /health)", value: ms(relay.gatewayHop, 50) },
      ]),
      fig("MCP tools/call through the relay p99", ms(relay.relay, 99), "ms", RELAY_METHOD, [
        { against: "sled's local MCP direct", value: ms(relay.direct, 99) },
        { against: "bare loopback hop", value: ms(relay.hop, 99) },
        { against: "gateway hop (GET /health)", value: ms(relay.gatewayHop, 99) },
      ]),
      fig(
        `idle sleds held (of ${IDLE_SLEDS})`,
        idle.held,
        "sleds",
        MEMORY_METHOD,
        undefined,
        "higher",
      ),
      fig(
        "memory per idle sled",
        round((idle.after - idle.before) / Math.max(1, idle.held), 1),
        "kB",
        MEMORY_METHOD,
      ),
    ];
  } finally {
    await op?.stop();
    await local.close();
    await gateway.close();
  }
};

export default suite;
