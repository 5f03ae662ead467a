// Proves the heartbeat sweep keeps its deadline when the heartbeat window is shorter than the
// handshake window (found by `npm run chaos`, which runs a 3 s heartbeat under the default 10 s
// handshake): a socket that goes silent right after its handshake is closed 4000 and leaves
// presence one heartbeat later, not only when its handshake deadline comes round.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createChannel, registerAgent } from "../harness/agent.ts";
import { joinChannel, keepAlive } from "../harness/agent-socket.ts";
import { type Gateway, startGateway } from "../harness/gateway.ts";

let gateway: Gateway;

beforeAll(async () => {
  gateway = await startGateway({
    vars: {
      AGENT_HEARTBEAT_TIMEOUT_MS: "1000",
      AGENT_HANDSHAKE_TIMEOUT_MS: "120000",
      AGENT_PRESENCE_BATCH_MS: "100",
    },
  });
});

afterAll(async () => {
  await gateway?.close();
});

describe("a heartbeat shorter than the handshake window", () => {
  it("closes a socket silent since its handshake after one heartbeat, and it leaves presence", async () => {
    await createChannel(gateway, "beat");
    const silent = await joinChannel(
      gateway,
      await registerAgent(gateway, "quiet", "box"),
      "beat",
      {
        session: "s",
      },
    );
    // It never pings: only the server's sweep can end it. One heartbeat (1 s) it must be: a
    // sweep kept at the handshake deadline (120 s) would not close it within this wait.
    expect((await silent.socket.closed(60_000)).code).toBe(4000);
    const asker = await joinChannel(gateway, await registerAgent(gateway, "asker", "box"), "beat", {
      session: "a",
    });
    // The asker must outlive the 1 s heartbeat however slow the machine: it pings.
    keepAlive(asker);
    asker.socket.send({ type: "who", id: "w" });
    const who = await asker.socket.nextOfType("who");
    expect((who.sessions as { path: string }[]).map((s) => s.path)).toEqual(["asker/box/a"]);
    asker.socket.close();
  });
});
