/**
 * The sled uplink `/api/sled-uplink` and the MCP relay `/mcp/sleds/{project}` (docs/sleds.md).
 * The uplink group attacks a victim project holding one pending approval with tokens,
 * identities and answers that are not its own, and throws garbage at an attacker project's
 * own identified uplink; the victim's approval must stay pending and be answered once by the
 * legitimate flow. The MCP group throws random credentials, paths and JSON bodies at the
 * relay; every answer is documented, the sled's object keeps its data, and the real MCP SDK
 * client then runs its flow through the same relay.
 */
import assert from "node:assert/strict";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { api } from "../../harness/gateway.ts";
import { type LocalMcp, registerSled, startLocalMcp, TestSled } from "../../harness/sled.ts";
import { defineGroup, type FixedCase } from "../case.ts";
import { assertEnvelope, assertNoLeak } from "../checks.ts";
import { garbageAuthorizations, randomSegment } from "../hostile.ts";
import { HOSTILE_STRINGS } from "../mutate.ts";
import type { Rng } from "../rng.ts";
import type { World } from "../world.ts";

interface UplinkState {
  victim: { project: string; token: string; sled: TestSled; approvalId: string; reqId: string };
  attacker: { project: string; token: string; sled: TestSled };
  /** A read-only operator token (no `operator.approvals`). */
  readerToken: string;
  /** The uplink token of a project that was revoked. */
  revokedToken: string;
}

const uplinkPath = (token: string) => `/api/sled-uplink?token=${encodeURIComponent(token)}`;

/** The oldest pending approval of a project, once there is one. */
async function pendingApproval(world: World, project: string): Promise<string> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const [id] = await approvalsOf(world, project);
    if (id) return id;
    if (Date.now() > deadline) throw new Error(`no pending approval of ${project}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Pending approval ids of a project, read from the object's storage. */
async function approvalsOf(world: World, project: string): Promise<string[]> {
  const sql = await world.gateway.harness
    .getWorker()
    .getDurableObjectStorage("SLED", { name: project });
  const rows: Array<{ id: string }> = await sql.exec(
    "SELECT id FROM approvals WHERE status = 'pending' ORDER BY created_at",
  );
  return rows.map((r) => r.id);
}

async function connectSled(world: World, project: string, token: string, mcpUrl?: string) {
  const sled = await TestSled.connect(world.gateway, {
    token,
    project,
    heartbeatMs: 2000,
    ...(mcpUrl ? { mcpUrl } : {}),
  });
  // A marker proves the uplink is live: a `perm_request` without a tool is denied at once.
  const marker = `live-${Math.random().toString(36).slice(2)}`;
  sled.send({ type: "perm_request", req_id: marker, payload: {} });
  await sled.verdict(marker);
  return sled;
}

/** Frames are processed in order: once a marker is answered, everything before it was read. */
async function drained(sled: TestSled, what: string): Promise<void> {
  const marker = `m-${Math.random().toString(36).slice(2)}`;
  sled.send({ type: "perm_request", req_id: marker, payload: { tool_name: "" } });
  const verdict = await sled.verdict(marker).catch((err: unknown) => {
    throw new Error(`${what}: the uplink did not answer the marker (${String(err)})`);
  });
  assert.deepEqual(verdict, { approved: false, always_allow: false });
  assert.equal(sled.socket.isClosed, false, `${what}: the uplink closed`);
}

/** One seeded hostile frame for an identified uplink: garbage, or an envelope gone wrong. */
function hostileFrame(rng: Rng): string {
  const hostile = () => JSON.parse(rng.pick(HOSTILE_STRINGS)) as string;
  const value = (): unknown =>
    rng.pick<() => unknown>([
      () => null,
      () => rng.int(-5, 5),
      () => hostile(),
      () => [hostile(), 1],
      () => ({ [hostile()]: hostile() }),
      () => true,
    ])();
  const type = rng.pick([
    "identity",
    "heartbeat",
    "perm_response",
    "mcp_request",
    "mcp_response",
    "PERM_REQUEST",
    "",
    hostile(),
  ]);
  return rng.pick<() => string>([
    () => rng.string(rng.int(0, 40), '{}[]":,abc\\ 0é'),
    () => JSON.stringify(value()),
    () => JSON.stringify({ type, req_id: value(), payload: value() }),
    () => JSON.stringify({ type: "mcp_response", req_id: `x-${rng.string(6)}`, payload: value() }),
    () => JSON.stringify({ type: "identity", req_id: "identity", payload: { project: hostile() } }),
    () => JSON.stringify({ type: "perm_request", req_id: value(), payload: value() }),
    () => JSON.stringify({ type: "perm_request", payload: { tool_name: 7 } }),
  ])();
}

const uplinkCases: FixedCase<UplinkState>[] = [
  {
    id: "not-upgrade",
    input: "a plain GET of `/api/sled-uplink` with a valid token",
    expected: "426 UPGRADE_REQUIRED envelope",
    async run(ctx) {
      const answer = await ctx.world.request("GET", uplinkPath(ctx.state.victim.token));
      assertEnvelope(answer, 426, "UPGRADE_REQUIRED", ctx.world.secrets);
    },
  },
  {
    id: "bad-token",
    input:
      "no token, an empty one, a bot token, the admin token, an operator token, a revoked sled token, the victim's token with a character changed or appended, and an unknown query key",
    expected: "401 UNAUTHORIZED before any socket (400 UNKNOWN_FIELD for the unknown key)",
    async run(ctx) {
      const { world, state } = ctx;
      const t = state.victim.token;
      const tokens = [
        "",
        world.victim.token,
        world.gateway.adminToken,
        state.readerToken,
        state.revokedToken,
        `${t.slice(0, -1)}x`,
        `${t}x`,
        t.toUpperCase(),
      ];
      for (const token of tokens) {
        assertEnvelope(await world.upgrade(uplinkPath(token)), 401, "UNAUTHORIZED", world.secrets);
      }
      assertEnvelope(await world.upgrade("/api/sled-uplink"), 401, "UNAUTHORIZED", world.secrets);
      assertEnvelope(
        await world.upgrade(`${uplinkPath(t)}&project=x`),
        400,
        "UNKNOWN_FIELD",
        world.secrets,
      );
    },
  },
  {
    id: "other-identity",
    input:
      "the attacker project's token with `identity` naming the victim project (and a hostile project name)",
    expected: "close 1008 `project mismatch`; the victim's uplink and approval are untouched",
    async run(ctx) {
      for (const project of [ctx.state.victim.project, "../victim", ""]) {
        const sled = await TestSled.connect(ctx.world.gateway, {
          token: ctx.state.attacker.token,
          project: ctx.state.attacker.project,
          identity: project,
        });
        assert.deepEqual(await sled.closed(), { code: 1008, reason: "project mismatch" });
      }
    },
  },
  {
    id: "before-identity",
    input:
      "a `perm_request`, an `mcp_response`, a heartbeat and garbage before any `identity`, then silence",
    expected:
      "all ignored (no `perm_response`); close 1008 `identity timeout` after SLED_IDENTITY_TIMEOUT_MS",
    async run(ctx) {
      const sled = await TestSled.connect(ctx.world.gateway, {
        token: ctx.state.attacker.token,
        project: ctx.state.attacker.project,
        identity: null,
        heartbeatMs: 3_600_000,
      });
      sled.ask("early", "Bash", "ls");
      sled.send({ type: "mcp_response", req_id: "early", payload: {} });
      sled.send({ type: "heartbeat", req_id: "", payload: null });
      sled.send("{");
      assert.deepEqual(await sled.closed(), { code: 1008, reason: "identity timeout" });
      assert.deepEqual(sled.verdictsFor("early"), []);
    },
  },
  {
    id: "forged-answer",
    input:
      "on the attacker's own uplink: a `perm_response` approving the victim's request id and approval id, and an `mcp_request`",
    expected: "ignored with a warning; the uplink stays; the victim's approval stays pending",
    async run(ctx) {
      const { attacker, victim } = ctx.state;
      for (const reqId of [victim.reqId, victim.approvalId]) {
        attacker.sled.send({
          type: "perm_response",
          req_id: reqId,
          payload: { approved: true, always_allow: true },
        });
      }
      attacker.sled.send({ type: "mcp_request", req_id: "x", payload: { body: "{}" } });
      await drained(attacker.sled, "forged-answer");
      assert.deepEqual(await approvalsOf(ctx.world, victim.project), [victim.approvalId]);
    },
  },
  {
    id: "resolve-unauthorized",
    input:
      "resolving the victim's approval over HTTP with no token, a bot token, a read-only operator token; and an unknown id with the admin token",
    expected:
      "401 UNAUTHORIZED for each credential; 400 APPROVAL_NOT_FOUND for the unknown id; nothing decided",
    async run(ctx) {
      const { world, state } = ctx;
      const path = `/api/approvals/${encodeURIComponent(state.victim.approvalId)}/resolve`;
      const body = JSON.stringify({ decision: "allow-always" });
      for (const auth of [null, world.victim.token, state.readerToken]) {
        const headers: Array<[string, string]> = [["content-type", "application/json"]];
        if (auth) headers.push(["authorization", `Bearer ${auth}`]);
        assertEnvelope(
          await world.request("POST", path, { headers, body }),
          401,
          "UNAUTHORIZED",
          world.secrets,
        );
      }
      for (const id of [
        `${state.victim.project}:nope`,
        "nope",
        `${state.attacker.project}:${state.victim.approvalId.split(":")[1]}`,
      ]) {
        const res = await api(
          world.gateway,
          "POST",
          `/api/approvals/${encodeURIComponent(id)}/resolve`,
          { body: { decision: "allow-once" } },
        );
        assert.equal(res.status, 400);
        assert.equal((res.body as { error_code: string }).error_code, "APPROVAL_NOT_FOUND");
      }
      assert.deepEqual(await approvalsOf(world, state.victim.project), [state.victim.approvalId]);
    },
  },
  {
    id: "huge-frame",
    input: "a 1.1 MiB text frame on a fresh identified attacker uplink",
    expected: "close 1009 `frame too large`",
    async run(ctx) {
      const sled = await connectSled(
        ctx.world,
        ctx.state.attacker.project,
        ctx.state.attacker.token,
      );
      sled.send(JSON.stringify({ type: "heartbeat", req_id: "", payload: "x".repeat(1_153_434) }));
      assert.equal((await sled.closed()).code, 1009);
      ctx.state.attacker.sled = await connectSled(
        ctx.world,
        ctx.state.attacker.project,
        ctx.state.attacker.token,
      );
    },
  },
  {
    id: "flood",
    input: "600 heartbeats at once on a fresh identified attacker uplink",
    expected: "close 1008 `flood`",
    async run(ctx) {
      const sled = await connectSled(
        ctx.world,
        ctx.state.attacker.project,
        ctx.state.attacker.token,
      );
      for (let i = 0; i < 600; i += 1) sled.send({ type: "heartbeat", req_id: "", payload: null });
      assert.deepEqual(await sled.closed(), { code: 1008, reason: "flood" });
      ctx.state.attacker.sled = await connectSled(
        ctx.world,
        ctx.state.attacker.project,
        ctx.state.attacker.token,
      );
    },
  },
];

export const sledUplinkGroup = defineGroup<UplinkState>({
  id: "sled-uplink",
  entry: "/api/sled-uplink",
  ref: "shared/protocol/sled-uplink.md; docs/sleds.md",
  target: "the SledObject of a victim project holding one pending approval",
  legitFlow:
    "the admin approves the victim's pending request over HTTP; its sled gets exactly one `perm_response` approving it; the attacker's own uplink still gets a request answered",
  async setup(world, rng) {
    const suffix = `${world.tag}-${rng.string(6)}`;
    const victimProject = `fzv-${suffix}`;
    const attackerProject = `fza-${suffix}`;
    const victimToken = await registerSled(world.gateway, victimProject);
    const attackerToken = await registerSled(world.gateway, attackerProject);
    const victim = await connectSled(world, victimProject, victimToken);
    const reqId = `held-${rng.string(6)}`;
    victim.ask(reqId, "Bash", { command: "deploy" });
    const approvalId = await pendingApproval(world, victimProject);
    const attacker = await connectSled(world, attackerProject, attackerToken);
    const revokedToken = await registerSled(world.gateway, `fzr-${suffix}`);
    await api(world.gateway, "DELETE", `/api/sleds/fzr-${suffix}`);
    const minted = await api(world.gateway, "POST", "/api/operators/tokens", {
      body: { name: `fzread${rng.string(4)}`, scopes: ["operator.read"] },
    });
    return {
      victim: { project: victimProject, token: victimToken, sled: victim, approvalId, reqId },
      attacker: { project: attackerProject, token: attackerToken, sled: attacker },
      readerToken: (minted.body as { token: string }).token,
      revokedToken,
    };
  },
  objects: (state) => [{ binding: "SLED", name: state.victim.project }],
  cases: uplinkCases,
  families: [
    {
      id: "frames.random",
      input: "seeded garbage and broken envelopes on the attacker's identified uplink",
      outcomes: {
        any: "ignored with a warning (a `perm_request` with a `req_id` but no usable tool: one deny at once); the uplink stays open",
      },
      async run(ctx, count, record) {
        const sled = ctx.state.attacker.sled;
        const sent: string[] = [];
        for (let i = 0; i < count; i += 1) {
          const frame = hostileFrame(ctx.rng);
          sent.push(frame);
          sled.send(frame);
          if (sent.length % 20 === 0)
            await drained(sled, "frames.random").catch((err) =>
              record(sent.slice(-20).join(" | ").slice(0, 300), err),
            );
        }
        await drained(sled, "frames.random").catch((err) =>
          record(sent.slice(-20).join(" | ").slice(0, 300), err),
        );
        for (const frame of sled.socket.frames) {
          if (frame.type === "perm_response") {
            const payload = frame.payload as { approved: boolean };
            if (payload.approved)
              record(JSON.stringify(frame), new Error("a garbage frame got an approval"));
          }
        }
        return count;
      },
    },
    {
      id: "perm_request.random",
      input:
        "seeded `perm_request` payloads on the attacker's uplink: tool names of every type and length, any tool input",
      outcomes: {
        "usable tool_name (a string of 1–256)": "a pending approval, no answer yet",
        otherwise: "one deny `perm_response` at once, nothing stored",
      },
      async run(ctx, count, record) {
        const sled = ctx.state.attacker.sled;
        const hostile = () => JSON.parse(ctx.rng.pick(HOSTILE_STRINGS)) as unknown;
        const expected = new Map<string, boolean>();
        for (let i = 0; i < count; i += 1) {
          const reqId = `pr-${ctx.rng.string(10)}`;
          const toolName = ctx.rng.pick<() => unknown>([
            () => hostile(),
            () => ctx.rng.string(ctx.rng.int(0, 300), "ab😀 "),
            () => ctx.rng.int(0, 9),
            () => null,
            () => ["Bash"],
          ])();
          const usable =
            typeof toolName === "string" && toolName.length >= 1 && toolName.length <= 256;
          expected.set(reqId, usable);
          sled.send({
            type: "perm_request",
            req_id: reqId,
            payload: { tool_name: toolName, tool_input: hostile() },
          });
        }
        await drained(sled, "perm_request.random");
        for (const [reqId, usable] of expected) {
          const answers = sled.verdictsFor(reqId);
          const ok = usable
            ? answers.length === 0
            : answers.length === 1 &&
              (answers[0]?.payload as { approved: boolean } | undefined)?.approved === false;
          if (!ok) record(reqId, new Error(`usable=${usable}: ${JSON.stringify(answers)}`));
        }
        return count;
      },
    },
    {
      id: "identity.random",
      input: "seeded project names in `identity` on the attacker's token",
      outcomes: {
        "another project": "close 1008 `project mismatch`",
        "its own project": "the new uplink replaces the old (4000)",
      },
      async run(ctx, count, record) {
        const { attacker } = ctx.state;
        for (let i = 0; i < count; i += 1) {
          const name = ctx.rng.chance(0.5)
            ? randomSegment(ctx.rng)
            : `${attacker.project}${ctx.rng.pick(["", " ", "x", "/", "\u0000"])}`;
          try {
            const sled = await TestSled.connect(ctx.world.gateway, {
              token: attacker.token,
              project: attacker.project,
              identity: name,
              heartbeatMs: 2000,
            });
            if (name === attacker.project) {
              assert.equal((await attacker.sled.closed()).code, 4000);
              attacker.sled = sled;
              await drained(sled, "identity.random");
            } else {
              assert.deepEqual(await sled.closed(), { code: 1008, reason: "project mismatch" });
            }
          } catch (err) {
            record(name, err);
          }
        }
        return count;
      },
    },
    {
      id: "tokens.random",
      input:
        "seeded random token strings (random characters, the `bgsled_` shape with random bodies)",
      outcomes: { any: "401 UNAUTHORIZED before any socket" },
      async run(ctx, count, record) {
        for (let i = 0; i < count; i += 1) {
          const token = ctx.rng.chance(0.5)
            ? `bgsled_${ctx.rng.string(32, "abcXYZ0189")}`
            : randomSegment(ctx.rng);
          try {
            const answer = await ctx.world.upgrade(uplinkPath(token));
            assertEnvelope(answer, 401, "UNAUTHORIZED", ctx.world.secrets);
          } catch (err) {
            record(token, err);
          }
        }
        return count;
      },
    },
  ],
  async legit(world, state) {
    const res = await api(
      world.gateway,
      "POST",
      `/api/approvals/${encodeURIComponent(state.victim.approvalId)}/resolve`,
      { body: { decision: "allow-once" } },
    );
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(await state.victim.sled.verdict(state.victim.reqId), {
      approved: true,
      always_allow: false,
    });
    assert.equal(state.victim.sled.verdictsFor(state.victim.reqId).length, 1);
    state.attacker.sled.ask("legit", "Edit", "x");
    const pending = await pendingApproval(world, state.attacker.project);
    await api(world.gateway, "POST", `/api/approvals/${encodeURIComponent(pending)}/resolve`, {
      body: { decision: "deny" },
    });
    assert.deepEqual(await state.attacker.sled.verdict("legit"), {
      approved: false,
      always_allow: false,
    });
  },
  async teardown(state) {
    state.victim.sled.close();
    state.attacker.sled.close();
  },
});

// ---- the MCP relay ----

interface McpState {
  project: string;
  sled: TestSled;
  local: LocalMcp;
  readerToken: string;
}

const JSONRPC_METHODS = [
  "initialize",
  "tools/call",
  "ping",
  "resources/list",
  "prompts/get",
  "nope",
  "",
  "notifications/x",
];

/** A seeded JSON body: valid JSON-RPC, JSON-RPC gone wrong, or not JSON-RPC at all. */
function hostileBody(rng: Rng): string {
  const hostile = () => JSON.parse(rng.pick(HOSTILE_STRINGS)) as string;
  const id = rng.chance(0.15)
    ? undefined
    : rng.pick<unknown>([1, "a", null, hostile(), 1.5, [], {}]);
  const method = rng.chance(0.8) ? rng.pick(JSONRPC_METHODS) : hostile();
  const params = rng.chance(0.2)
    ? undefined
    : rng.pick<unknown>([
        {},
        { name: hostile(), arguments: {} },
        { name: "echo", arguments: { text: hostile() } },
        [1],
        "x",
      ]);
  const message: Record<string, unknown> = {
    jsonrpc: rng.pick(["2.0", "2.0", "2.0", "1.0", 2]),
    method,
  };
  if (id !== undefined) message.id = id;
  if (params !== undefined) message.params = params;
  if (rng.chance(0.1)) message[hostile()] = 1;
  return rng.pick<() => string>([
    () => JSON.stringify(message),
    () => JSON.stringify(message),
    () => JSON.stringify(message),
    () => JSON.stringify([message]),
    () => rng.string(rng.int(0, 30), '{}[]":,abc 0'),
    () => JSON.stringify(hostile()),
  ])();
}

/** What the relay must answer for a body, checked against the served document and JSON-RPC. */
function checkRelayAnswer(
  body: string,
  answer: { status: number; headers: Record<string, string>; body: string },
  secrets: readonly string[],
): void {
  let parsed: unknown = {};
  try {
    // An empty body counts as `{}` (docs/http-api.md).
    if (body.trim() !== "") parsed = JSON.parse(body);
  } catch {
    assertEnvelope(answer, 400, "MALFORMED_JSON", secrets);
    return;
  }
  const m = parsed as Record<string, unknown>;
  const valid =
    typeof m === "object" &&
    m !== null &&
    !Array.isArray(m) &&
    m.jsonrpc === "2.0" &&
    typeof m.method === "string" &&
    m.method.length > 0 &&
    Object.keys(m).every((k) => ["jsonrpc", "method", "id", "params"].includes(k)) &&
    (!("id" in m) || m.id === null || typeof m.id === "string" || typeof m.id === "number");
  if (!valid) {
    assertEnvelope(answer, 400, ["INVALID_BODY", "UNKNOWN_FIELD"], secrets);
    return;
  }
  if (!("id" in m)) {
    assert.equal(answer.status, 202, `notification: HTTP ${answer.status}`);
    return;
  }
  assert.equal(answer.status, 200, `request: HTTP ${answer.status} ${answer.body.slice(0, 200)}`);
  assertNoLeak(answer.body, secrets, "relay answer");
  const response = JSON.parse(answer.body) as Record<string, unknown>;
  assert.equal(response.jsonrpc, "2.0");
  assert.ok(
    "result" in response || "error" in response,
    `not a JSON-RPC response: ${answer.body.slice(0, 200)}`,
  );
}

async function relay(
  world: World,
  project: string,
  body: string,
  auth: string | null,
): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  const headers: Array<[string, string]> = [
    ["content-type", "application/json"],
    ["accept", "application/json, text/event-stream"],
  ];
  if (auth !== null) headers.push(["authorization", auth]);
  return world.request("POST", `/mcp/sleds/${project}`, { headers, body });
}

const mcpCases: FixedCase<McpState>[] = [
  {
    id: "credentials",
    input:
      "no Authorization, a bot token, a sled token, a read-only operator token, garbage Authorization headers",
    expected: "401 UNAUTHORIZED; nothing relayed",
    async run(ctx) {
      const { world, state } = ctx;
      const body = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" });
      const served = state.local.served();
      for (const auth of [
        null,
        `Bearer ${world.victim.token}`,
        `Bearer ${state.readerToken}`,
        ...garbageAuthorizations(world.gateway.adminToken),
      ]) {
        if (auth === `Bearer ${world.gateway.adminToken}`) continue;
        assertEnvelope(
          await relay(world, state.project, body, auth),
          401,
          "UNAUTHORIZED",
          world.secrets,
        );
      }
      assert.equal(state.local.served(), served, "a refused call reached the sled");
    },
  },
  {
    id: "unknown-sled",
    input: "a valid request to a project nobody registered, and a malformed project",
    expected: "400 SLED_NOT_FOUND (404 for a path that is not the route)",
    async run(ctx) {
      const body = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" });
      for (const project of ["nobody-here", "UPPER", "a%20b"]) {
        assertEnvelope(
          await relay(ctx.world, project, body, `Bearer ${ctx.world.gateway.adminToken}`),
          400,
          "SLED_NOT_FOUND",
          ctx.world.secrets,
        );
      }
    },
  },
  {
    id: "batch-and-huge",
    input: "a JSON-RPC batch (array) and a body over MAX_BODY_BYTES",
    expected: "400 INVALID_BODY; 413 BODY_TOO_LARGE",
    async run(ctx) {
      const auth = `Bearer ${ctx.world.gateway.adminToken}`;
      assertEnvelope(
        await relay(
          ctx.world,
          ctx.state.project,
          JSON.stringify([{ jsonrpc: "2.0", id: 1, method: "ping" }]),
          auth,
        ),
        400,
        "INVALID_BODY",
        ctx.world.secrets,
      );
      const huge = JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "tools/call",
        params: { name: "echo", arguments: { text: "x".repeat(70_000) } },
      });
      assertEnvelope(
        await relay(ctx.world, ctx.state.project, huge, auth),
        413,
        "BODY_TOO_LARGE",
        ctx.world.secrets,
      );
    },
  },
];

export const sledMcpGroup = defineGroup<McpState>({
  id: "sled-mcp",
  entry: "/mcp/sleds/{project}",
  ref: "docs/sleds.md (Call a sled's tools from an MCP client)",
  target: "the SledObject of one project whose sled serves a real MCP server",
  legitFlow:
    "the real MCP SDK client runs initialize, tools/list and tools/call `echo` through the relay and gets the sled's answers",
  async setup(world, rng) {
    const project = `fzm-${world.tag}-${rng.string(6)}`;
    const token = await registerSled(world.gateway, project);
    const local = await startLocalMcp();
    const sled = await connectSled(world, project, token, local.url);
    const minted = await api(world.gateway, "POST", "/api/operators/tokens", {
      body: { name: `fzmr${rng.string(4)}`, scopes: ["operator.read", "operator.approvals"] },
    });
    return { project, sled, local, readerToken: (minted.body as { token: string }).token };
  },
  objects: (state) => [{ binding: "SLED", name: state.project }],
  cases: mcpCases,
  families: [
    {
      id: "body.random",
      input:
        "seeded JSON-RPC bodies: valid, with wrong versions, ids, methods or keys, batches, garbage",
      outcomes: {
        "not JSON": "400 MALFORMED_JSON",
        "not a JSON-RPC request or notification": "400 INVALID_BODY / UNKNOWN_FIELD",
        notification: "202, not relayed",
        request: "200 with the sled's JSON-RPC response (result or error)",
      },
      async run(ctx, count, record) {
        const auth = `Bearer ${ctx.world.gateway.adminToken}`;
        for (let i = 0; i < count; i += 1) {
          const body = hostileBody(ctx.rng);
          try {
            checkRelayAnswer(
              body,
              await relay(ctx.world, ctx.state.project, body, auth),
              ctx.world.secrets,
            );
          } catch (err) {
            record(body.slice(0, 200), err);
          }
        }
        return count;
      },
    },
    {
      id: "path.random",
      input: "seeded random project segments with a valid request",
      outcomes: { any: "400 SLED_NOT_FOUND, or 404 NOT_FOUND when the segment changes the route" },
      async run(ctx, count, record) {
        const body = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" });
        for (let i = 0; i < count; i += 1) {
          const segment = randomSegment(ctx.rng);
          try {
            const answer = await relay(
              ctx.world,
              segment,
              body,
              `Bearer ${ctx.world.gateway.adminToken}`,
            );
            assertEnvelope(answer, [400, 404], ["SLED_NOT_FOUND", "NOT_FOUND"], ctx.world.secrets);
          } catch (err) {
            record(segment, err);
          }
        }
        return count;
      },
    },
    {
      id: "auth.random",
      input: "seeded random Authorization values",
      outcomes: { any: "401 UNAUTHORIZED" },
      async run(ctx, count, record) {
        const body = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" });
        for (let i = 0; i < count; i += 1) {
          const auth = `${ctx.rng.pick(["Bearer ", "bearer ", "Basic ", ""])}${ctx.rng.chance(0.5) ? `bgop_${ctx.rng.string(32, "aZ09")}` : randomSegment(ctx.rng)}`;
          try {
            assertEnvelope(
              await relay(ctx.world, ctx.state.project, body, auth),
              401,
              "UNAUTHORIZED",
              ctx.world.secrets,
            );
          } catch (err) {
            record(auth, err);
          }
        }
        return count;
      },
    },
  ],
  async legit(world, state) {
    const client = new Client({ name: "fuzz-legit", version: "1.0.0" });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`/mcp/sleds/${state.project}`, world.gateway.url), {
        requestInit: { headers: { authorization: `Bearer ${world.gateway.adminToken}` } },
      }),
    );
    const { tools } = await client.listTools();
    assert.deepEqual(tools.map((t) => t.name).sort(), ["add", "echo", "slow"]);
    const result = (await client.callTool({ name: "echo", arguments: { text: "still here" } })) as {
      content: Array<{ text: string }>;
    };
    assert.equal(result.content[0]?.text, "still here");
    await client.close();
  },
  async teardown(state) {
    state.sled.close();
    await state.local.close();
  },
});
