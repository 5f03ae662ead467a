import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Gateway, startGateway } from "../harness/gateway.ts";
import { assertOfficial, connectRealClient, newDeviceIdentity } from "../harness/operator.ts";

let gateway: Gateway;
beforeAll(async () => {
  gateway = await startGateway({ vars: { OPERATOR_TICK_INTERVAL_MS: "1000" } });
});
afterAll(async () => {
  await gateway?.close();
});

describe("smoke", () => {
  it("connects", async () => {
    const op = await connectRealClient(gateway, { token: gateway.adminToken });
    console.log(JSON.stringify(op.hello).slice(0, 1500));
    assertOfficial("HelloOk", op.hello);
    const status = await op.request("status");
    console.log(JSON.stringify(status));
    const tick = await op.waitFor((e) => e.event === "tick", 5000, "tick");
    console.log(JSON.stringify(tick));
    await op.stop();
    const dev = newDeviceIdentity();
    const op2 = await connectRealClient(gateway, { token: gateway.adminToken, device: dev });
    console.log(JSON.stringify(op2.hello.auth));
    await op2.stop();
    expect(1).toBe(1);
  });
});
