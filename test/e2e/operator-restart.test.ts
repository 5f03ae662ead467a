// Proves that a restart of the runtime (every socket dropped, no close events, storage kept)
// leaves operators with the truth: the real client reconnects by itself and its new
// hello-ok snapshot is rebuilt from D1 and the objects (the bot whose lobby died is gone,
// so is the old connection), stateVersion keeps growing, and seq starts over on the new
// connection without a gap.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBotWithToken, type Gateway, startGateway } from "../harness/gateway.ts";
import { assertOfficial, connectRealClient } from "../harness/operator.ts";
import { HANG_MS } from "../harness/until.ts";
import { openLobby } from "./lobby-bot.ts";

let gateway: Gateway;
beforeAll(async () => {
  // The real client drops a connection that hears no tick for 2 × the interval: 5 s keeps
  // that watchdog from firing on a busy machine (at 1 s it did, and the event fanned out to
  // nobody).
  gateway = await startGateway({ vars: { OPERATOR_TICK_INTERVAL_MS: "5000" } });
});
afterAll(async () => {
  await gateway?.close();
});

interface Snapshot {
  presence: Array<{ instanceId: string }>;
  stateVersion: { presence: number; health: number };
}

const ids = (hello: Record<string, unknown>) =>
  (hello.snapshot as Snapshot).presence.map((p) => p.instanceId);

describe("operators across a runtime restart", () => {
  it("reconnect to a snapshot rebuilt from the sources", async () => {
    const bot = await createBotWithToken(gateway, "restart-watched");
    const { lobby } = await openLobby(gateway, bot);
    const op = await connectRealClient(gateway, { token: gateway.adminToken });
    const before = op.hello;
    if (!ids(before).includes(`bot:${bot.botId}`)) {
      await op.waitFor(
        (e) =>
          e.event === "presence" &&
          ((e.payload as { added: Array<{ instanceId: string }> }).added ?? []).some(
            (a) => a.instanceId === `bot:${bot.botId}`,
          ),
        30_000,
        "the bot online",
      );
    }
    const oldConn = (before.server as { connId: string }).connId;
    await op.waitFor((e) => e.event === "tick", 30_000, "a tick on the first connection");

    await gateway.harness.update((options) => options);
    expect((await lobby.closed(HANG_MS)).code).toBe(1006);
    const after = await op.nthHello(2, 30_000);
    assertOfficial("HelloOk", after);
    const present = ids(after);
    expect(present).not.toContain(`bot:${bot.botId}`);
    expect(present).not.toContain(`operator:${oldConn}`);
    expect(present).toContain(`operator:${(after.server as { connId: string }).connId}`);
    const versions = [before, after].map((h) => (h.snapshot as Snapshot).stateVersion.presence);
    expect(versions[1]).toBeGreaterThan(versions[0] as number);

    // The bot comes back: the new connection sees it.
    const { lobby: again } = await openLobby(gateway, bot);
    await op.waitFor(
      (e) =>
        e.event === "presence" &&
        ((e.payload as { added: Array<{ instanceId: string }> }).added ?? []).some(
          (a) => a.instanceId === `bot:${bot.botId}`,
        ),
      HANG_MS,
      "the bot online again",
    );
    // Two connections, each counting 1, 2, 3 … with no gap.
    const runs: number[][] = [];
    for (const event of op.events) {
      if (event.seq === 1) runs.push([]);
      runs.at(-1)?.push(event.seq as number);
    }
    expect(runs).toHaveLength(2);
    for (const run of runs) expect(run).toEqual(run.map((_, i) => i + 1));
    expect(op.gaps).toEqual([]);
    again.close();
    await op.stop();
  });
});
