// Proves durable, fail-closed approvals end to end: a contract-written sled asks, the real
// `@openclaw/gateway-client` receives `exec.approval.requested` and resolves it, the sled
// gets exactly one `perm_response`. Also: a deny over HTTP, a timeout (`expired`), a request
// in flight when the uplink is cut (`cancelled`, never answered, later resolves refused), one
// across an eviction with the socket hibernating (still pending, answered once), one across
// a runtime restart (the socket is gone: `cancelled`), and who may not answer.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, type Gateway, startGateway, waitForLog } from "../harness/gateway.ts";
import { assertOfficial, connectRealClient, type RealClient } from "../harness/operator.ts";
import { registerSled, TestSled } from "../harness/sled.ts";
import { HANG_MS } from "../harness/until.ts";
import type { Frame } from "../harness/ws-client.ts";

// Approvals here outlive any test's waits (the default 120 s): on a busy machine the few round
// trips between a request and its answer took longer than a short timeout, and the answer then
// found it `expired` (`applied: false`). Only the expiry test runs on a gateway with 6 s.
let gateway: Gateway;
let op: RealClient;
beforeAll(async () => {
  gateway = await startGateway();
  op = await connectRealClient(gateway, { token: gateway.adminToken });
});
afterAll(async () => {
  await op?.stop();
  await gateway?.close();
});

interface Requested {
  id: string;
  project: string;
  toolName: string;
  inputSummary: string;
  expiresAtMs: number;
}

/** A gateway and the real operator client on it. */
interface Rig {
  gateway: Gateway;
  op: RealClient;
}
const main = (): Rig => ({ gateway, op });

async function connected(
  project: string,
  rig = main(),
): Promise<{ sled: TestSled; token: string }> {
  const token = await registerSled(rig.gateway, project);
  const sled = await TestSled.connect(rig.gateway, { token, project, heartbeatMs: 1000 });
  await waitForLog(rig.gateway, "sled_connected", (f) => f.project === project, HANG_MS);
  return { sled, token };
}

function requested(project: string, toolName: string, rig = main()): Promise<Requested> {
  return rig.op
    .waitFor(
      (e) =>
        e.event === "exec.approval.requested" &&
        (e.payload as Requested).project === project &&
        (e.payload as Requested).toolName === toolName,
      HANG_MS,
      `exec.approval.requested ${project}/${toolName}`,
    )
    .then((e: Frame) => e.payload as Requested);
}

function resolved(id: string, rig = main()): Promise<Record<string, unknown>> {
  return rig.op
    .waitFor(
      (e) => e.event === "exec.approval.resolved" && (e.payload as { id: string }).id === id,
      HANG_MS,
      `exec.approval.resolved ${id}`,
    )
    .then((e: Frame) => e.payload as Record<string, unknown>);
}

describe("approvals", () => {
  it("the real operator client receives a request, resolves it, the sled gets one answer", async () => {
    const { sled } = await connected("appr-ok");
    const asked = requested("appr-ok", "Bash");
    sled.ask("r1", "Bash", { command: "rm -rf build" });
    const event = await asked;
    expect(event).toMatchObject({ project: "appr-ok", inputSummary: '{"command":"rm -rf build"}' });
    const pending = await op.request<{ approvals: Array<{ id: string }> }>("exec.approval.list", {
      project: "appr-ok",
    });
    expect(pending.approvals.map((a) => a.id)).toEqual([event.id]);
    assertOfficial("ApprovalGetResult", await op.request("approval.get", { id: event.id }));

    const done = resolved(event.id);
    const first = await op.request<{ applied: boolean }>("exec.approval.resolve", {
      id: event.id,
      decision: "allow-once",
    });
    expect(first.applied).toBe(true);
    expect(await sled.verdict("r1")).toEqual({ approved: true, always_allow: false });
    expect(await done).toMatchObject({
      decision: "allow-once",
      reason: "user",
      resolvedBy: "operator:admin",
    });

    // A second answer gets the recorded outcome and changes nothing.
    const second = await op.request<Record<string, unknown>>("approval.resolve", {
      id: event.id,
      kind: "exec",
      decision: "deny",
    });
    assertOfficial("ApprovalResolveResult", second);
    expect(second).toMatchObject({
      applied: false,
      approval: { status: "allowed", decision: "allow-once" },
    });
    const history = await op.request<{ items: Array<{ id: string }> }>("approval.history", {
      limit: 10,
    });
    assertOfficial("ApprovalHistoryResult", history);
    expect(history.items.map((i) => i.id)).toContain(event.id);
    expect(sled.verdictsFor("r1")).toHaveLength(1);
    sled.close();
  });

  it("denies over HTTP, allows always from the operator, ignores duplicates and sled-sent answers", async () => {
    const { sled } = await connected("appr-http");
    const asked = requested("appr-http", "Write");
    sled.ask("w1", "Write", { path: "/etc/hosts" });
    sled.ask("w1", "Write", { path: "/etc/passwd" }); // duplicate req_id: ignored
    sled.send({
      type: "perm_response",
      req_id: "w1",
      payload: { approved: true, always_allow: true },
    });
    const { id } = await asked;
    const denied = await api(gateway, "POST", `/api/approvals/${encodeURIComponent(id)}/resolve`, {
      body: { decision: "deny" },
    });
    expect(denied).toMatchObject({
      status: 200,
      body: {
        applied: true,
        approval: { status: "denied", resolvedBy: "http:admin", toolInput: { path: "/etc/hosts" } },
      },
    });
    expect(await sled.verdict("w1")).toEqual({ approved: false, always_allow: false });
    const listed = await op.request<{ approvals: unknown[] }>("exec.approval.list", {
      project: "appr-http",
    });
    expect(listed.approvals).toEqual([]);

    const always = requested("appr-http", "Edit");
    sled.ask("e1", "Edit", "x");
    const edit = await always;
    await op.request("exec.approval.resolve", { id: edit.id, decision: "allow-always" });
    expect(await sled.verdict("e1")).toEqual({ approved: true, always_allow: true });
    expect(sled.verdictsFor("w1")).toHaveLength(1);
    sled.close();
  });

  it("refuses answers from someone without the approvals right, and unknown ids", async () => {
    const { sled } = await connected("appr-scope");
    const asked = requested("appr-scope", "Bash");
    sled.ask("s1", "Bash", "ls");
    const { id } = await asked;
    const minted = await api(gateway, "POST", "/api/operators/tokens", {
      body: { name: "reader", scopes: ["operator.read"] },
    });
    const readToken = (minted.body as { token: string }).token;
    const reader = await connectRealClient(gateway, { token: readToken });
    await expect(
      reader.request("exec.approval.resolve", { id, decision: "allow-once" }),
    ).rejects.toMatchObject({
      gatewayCode: "FORBIDDEN",
    });
    await reader.stop();
    const http = await api(gateway, "POST", `/api/approvals/${encodeURIComponent(id)}/resolve`, {
      body: { decision: "allow-once" },
      token: readToken,
    });
    expect(http.status).toBe(401);
    await expect(
      op.request("exec.approval.resolve", { id: "appr-scope:nope", decision: "deny" }),
    ).rejects.toMatchObject({
      details: { code: "APPROVAL_NOT_FOUND" },
    });
    await expect(
      op.request("exec.approval.resolve", { id, decision: "maybe" }),
    ).rejects.toMatchObject({
      gatewayCode: "INVALID_REQUEST",
    });
    const unknown = await api(gateway, "POST", "/api/approvals/nope/resolve", {
      body: { decision: "deny" },
    });
    expect(unknown).toMatchObject({ status: 400, body: { error_code: "APPROVAL_NOT_FOUND" } });
    expect((await op.request<{ status: string }>("exec.approval.get", { id })).status).toBe(
      "pending",
    );
    expect(sled.verdictsFor("s1")).toEqual([]);
    sled.close();
  });

  it("expires an unanswered request as deny (expired)", async () => {
    const short = await startGateway({ vars: { SLED_APPROVAL_TIMEOUT_S: "6" } });
    const rig = { gateway: short, op: await connectRealClient(short, { token: short.adminToken }) };
    try {
      const { sled } = await connected("appr-exp", rig);
      const asked = requested("appr-exp", "Bash", rig);
      sled.ask("x1", "Bash", "sleep");
      const { id } = await asked;
      const done = resolved(id, rig);
      expect(await sled.verdict("x1", HANG_MS)).toEqual({ approved: false, always_allow: false });
      expect(await done).toMatchObject({
        decision: "deny",
        reason: "expired",
        resolvedBy: "system",
      });
      const late = await rig.op.request<{ applied: boolean; approval: { status: string } }>(
        "exec.approval.resolve",
        { id, decision: "allow-once" },
      );
      expect(late).toMatchObject({ applied: false, approval: { status: "expired" } });
      expect(sled.verdictsFor("x1")).toHaveLength(1);
      sled.close();
    } finally {
      await rig.op.stop();
      await short.close();
    }
  });

  it("cancels a request in flight when the uplink is cut, and never answers it later", async () => {
    const { sled, token } = await connected("appr-cut");
    const asked = requested("appr-cut", "Bash");
    sled.ask("c1", "Bash", "deploy");
    const { id } = await asked;
    const done = resolved(id);
    sled.cut();
    expect(await done).toMatchObject({ decision: "deny", reason: "cancelled" });
    const record = await op.request<{ status: string }>("exec.approval.get", { id });
    expect(record.status).toBe("cancelled");
    const again = await TestSled.connect(gateway, {
      token,
      project: "appr-cut",
      heartbeatMs: 1000,
    });
    await waitForLog(
      gateway,
      "sled_connected",
      (f) => f.project === "appr-cut" && f.conn_id !== undefined,
      HANG_MS,
    );
    const late = await op.request<{ applied: boolean }>("exec.approval.resolve", {
      id,
      decision: "allow-once",
    });
    expect(late.applied).toBe(false);
    // The new connection asks with the same id: a new request, not the old one's answer.
    const reasked = requested("appr-cut", "Bash");
    again.ask("c1", "Bash", "deploy");
    const fresh = await reasked;
    expect(fresh.id).not.toBe(id);
    expect(again.verdictsFor("c1")).toEqual([]);
    await op.request("exec.approval.resolve", { id: fresh.id, decision: "deny" });
    expect(await again.verdict("c1")).toEqual({ approved: false, always_allow: false });
    expect(again.verdictsFor("c1")).toHaveLength(1);
    again.close();
  });

  it("keeps a request pending across an eviction with the socket hibernating, answers it once", async () => {
    const { sled } = await connected("appr-evict");
    const asked = requested("appr-evict", "Bash");
    sled.ask("v1", "Bash", "make");
    const { id } = await asked;
    await gateway.evict("SLED", "appr-evict");
    expect((await op.request<{ status: string }>("exec.approval.get", { id })).status).toBe(
      "pending",
    );
    await op.request("exec.approval.resolve", { id, decision: "allow-once" });
    expect(await sled.verdict("v1")).toEqual({ approved: true, always_allow: false });
    await gateway.evict("SLED", "appr-evict");
    await op.request("exec.approval.resolve", { id, decision: "deny" });
    sled.ask("v2", "Bash", "after");
    await requested("appr-evict", "Bash");
    expect(sled.verdictsFor("v1")).toHaveLength(1);
    sled.close();
  });

  // Last: restarts the runtime.
  it("cancels a request in flight across a runtime restart (its socket is gone)", async () => {
    const { sled } = await connected("appr-restart");
    const asked = requested("appr-restart", "Bash");
    sled.ask("t1", "Bash", "ship");
    const { id } = await asked;
    await gateway.harness.update((options) => options);
    expect((await sled.closed(HANG_MS)).code).toBe(1006);
    const after = await api(gateway, "GET", `/api/approvals/${encodeURIComponent(id)}`);
    expect(after).toMatchObject({
      status: 200,
      body: { status: "cancelled", decision: "deny", reason: "cancelled" },
    });
    const snapshot = await api(
      gateway,
      "POST",
      `/api/approvals/${encodeURIComponent(id)}/resolve`,
      {
        body: { decision: "allow-once" },
      },
    );
    expect(snapshot).toMatchObject({
      status: 200,
      body: { applied: false, approval: { status: "cancelled" } },
    });
    expect(sled.verdictsFor("t1")).toEqual([]);
    // The operator client reconnects by itself; the official snapshot names the restart.
    await op.nthHello(2, HANG_MS);
    const official = await op.request<Record<string, unknown>>("approval.get", { id });
    assertOfficial("ApprovalGetResult", official);
    expect(official).toMatchObject({
      approval: { status: "cancelled", reason: "gateway-restart" },
    });
  });
});
