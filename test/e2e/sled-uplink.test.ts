// Proves the sled uplink against the real runtime with a sled written from the contract
// (test/harness/sled.ts, the huskies wire format): tokens are checked before the upgrade,
// `identity` must come first and name the token's project, the newest uplink replaces the
// old (4000), a silent sled goes stale (1001), and revoking or rotating the token closes the
// live uplink (1008). Operators see the sled come and go (`node.presence`, `node.list`).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, type Gateway, startGateway, waitForLog } from "../harness/gateway.ts";
import { connectRealClient } from "../harness/operator.ts";
import { registerSled, TestSled } from "../harness/sled.ts";
import { HANG_MS } from "../harness/until.ts";
import { TestSocket } from "../harness/ws-client.ts";

let gateway: Gateway;
beforeAll(async () => {
  gateway = await startGateway({
    vars: {
      SLED_IDENTITY_TIMEOUT_MS: "1500",
      SLED_STALE_AFTER_MS: "2500",
      OPERATOR_TICK_INTERVAL_MS: "5000",
    },
  });
});
afterAll(async () => {
  await gateway?.close();
});

describe("sled tokens and the uplink", () => {
  it("refuses an unknown, missing or revoked token before the upgrade (401)", async () => {
    const url = (token: string) => gateway.wsUrl(`/api/sled-uplink?token=${token}`);
    await expect(TestSocket.open(url(`bgsled_${"x".repeat(32)}`))).rejects.toThrow(/HTTP 401/);
    await expect(TestSocket.open(gateway.wsUrl("/api/sled-uplink"))).rejects.toThrow(/HTTP 401/);
    const token = await registerSled(gateway, "revoked-one");
    expect((await api(gateway, "DELETE", "/api/sleds/revoked-one")).status).toBe(204);
    await expect(TestSocket.open(url(token))).rejects.toThrow(/HTTP 401/);
  });

  it("registers once, lists without secrets, refuses a second registration", async () => {
    await registerSled(gateway, "listed");
    const again = await api(gateway, "POST", "/api/sleds", { body: { project: "listed" } });
    expect(again).toMatchObject({ status: 409, body: { error_code: "SLED_EXISTS" } });
    const bad = await api(gateway, "POST", "/api/sleds", { body: { project: "Not Valid" } });
    expect(bad.status).toBe(400);
    const list = await api(gateway, "GET", "/api/sleds");
    const row = (list.body as { sleds: Array<Record<string, unknown>> }).sleds.find(
      (s) => s.project === "listed",
    );
    expect(row).toMatchObject({ project: "listed", revoked: false, token_id: expect.any(String) });
    expect(JSON.stringify(list.body)).not.toContain("bgsled_");
    expect((await api(gateway, "GET", "/api/sleds", { token: null })).status).toBe(401);
  });

  it("goes live on identity, heartbeats, and shows up for operators", async () => {
    const token = await registerSled(gateway, "alpha");
    const op = await connectRealClient(gateway, { token: gateway.adminToken });
    const sled = await TestSled.connect(gateway, { token, project: "alpha", heartbeatMs: 500 });
    await op.waitFor(
      (e) => e.event === "node.presence" && (e.payload as { nodeId: string }).nodeId === "alpha",
      HANG_MS,
      "alpha online",
    );
    const list = await op.request<{ nodes: Array<Record<string, unknown>> }>("node.list");
    expect(list.nodes.find((n) => n.nodeId === "alpha")).toMatchObject({ connected: true });
    // Heartbeats keep it alive past the staleness limit (2.5 s here): seen later than that.
    const first = list.nodes.find((n) => n.nodeId === "alpha") as { connectedAtMs: number };
    for (;;) {
      const node = await op.request<{ connected: boolean; lastSeenAtMs: number }>("node.describe", {
        nodeId: "alpha",
      });
      expect(node.connected).toBe(true);
      if (node.lastSeenAtMs - first.connectedAtMs > 3000) break;
      await op.waitFor((e) => e.event === "tick", HANG_MS, "a tick between polls");
    }
    expect(sled.socket.isClosed).toBe(false);
    sled.close();
    const gone = await op.waitFor(
      (e) =>
        e.event === "node.presence" &&
        (e.payload as { nodeId: string; connected: boolean }).nodeId === "alpha" &&
        !(e.payload as { connected: boolean }).connected,
      HANG_MS,
      "alpha offline",
    );
    expect(gone.payload).toMatchObject({ connected: false, reason: "disconnected" });
    await op.stop();
  });

  it("closes 1008 for another project's identity and for no identity at all", async () => {
    const token = await registerSled(gateway, "beta");
    const wrong = await TestSled.connect(gateway, { token, project: "beta", identity: "gamma" });
    expect(await wrong.closed()).toMatchObject({ code: 1008, reason: "project mismatch" });
    const silent = await TestSled.connect(gateway, { token, project: "beta", identity: null });
    // Frames before identity are ignored, not accepted.
    silent.send({ type: "perm_request", req_id: "early", payload: { tool_name: "Bash" } });
    silent.send("not json");
    expect(await silent.closed()).toMatchObject({ code: 1008, reason: "identity timeout" });
    expect(silent.verdictsFor("early")).toEqual([]);
  });

  it("replaces the old uplink with the new one (4000)", async () => {
    const token = await registerSled(gateway, "delta");
    const first = await TestSled.connect(gateway, { token, project: "delta", heartbeatMs: 500 });
    await waitForLog(gateway, "sled_connected", (f) => f.project === "delta");
    const second = await TestSled.connect(gateway, { token, project: "delta", heartbeatMs: 500 });
    expect(await first.closed()).toMatchObject({ code: 4000, reason: "replaced" });
    expect(second.socket.isClosed).toBe(false);
    second.close();
  });

  it("closes a silent sled as stale (1001) from the alarm", async () => {
    const token = await registerSled(gateway, "epsilon");
    const sled = await TestSled.connect(gateway, {
      token,
      project: "epsilon",
      heartbeatMs: 3_600_000,
    });
    expect(await sled.closed(HANG_MS)).toMatchObject({ code: 1001, reason: "stale" });
  });

  it("closes the live uplink when the token is revoked or rotated (1008)", async () => {
    const token = await registerSled(gateway, "zeta");
    const sled = await TestSled.connect(gateway, { token, project: "zeta", heartbeatMs: 500 });
    await waitForLog(gateway, "sled_connected", (f) => f.project === "zeta");
    const rotated = await api(gateway, "POST", "/api/sleds/zeta/rotate");
    expect(rotated.status).toBe(201);
    expect(await sled.closed()).toMatchObject({ code: 1008, reason: "token revoked" });
    const fresh = (rotated.body as { token: string }).token;
    await expect(TestSocket.open(gateway.wsUrl(`/api/sled-uplink?token=${token}`))).rejects.toThrow(
      /HTTP 401/,
    );
    const again = await TestSled.connect(gateway, {
      token: fresh,
      project: "zeta",
      heartbeatMs: 500,
    });
    await waitForLog(
      gateway,
      "sled_connected",
      (f) => f.project === "zeta" && f.conn_id !== undefined,
    );
    expect((await api(gateway, "DELETE", "/api/sleds/zeta")).status).toBe(204);
    expect(await again.closed()).toMatchObject({ code: 1008, reason: "token revoked" });
  });
});
