// Proves that a restart of the runtime (every socket dropped, storage kept) loses no match:
// the bot reconnects its lobby, gets `matched` again with `resume: true`, dials and plays the
// match to the end.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, createBotWithToken, type Gateway, startGateway } from "../harness/gateway.ts";
import { dialMatch, openLobby, play } from "./lobby-bot.ts";

let gateway: Gateway;
beforeAll(async () => {
  gateway = await startGateway();
});
afterAll(async () => {
  await gateway?.close();
});

describe("lobby across a runtime restart", () => {
  it("re-announces an in-flight match with resume:true after the restart, and it finishes", async () => {
    const bot = await createBotWithToken(gateway, "e2e-restart");
    const before = await openLobby(gateway, bot);
    const challenge = await api(gateway, "POST", "/api/external-api/challenges/house-bot", {
      token: bot.token,
    });
    expect(challenge.status).toBe(200);
    const matched = await before.lobby.nextOfType("matched", 10_000);

    // Same configuration, fresh runtime: in-memory state and every socket are gone.
    await gateway.harness.update((options) => options);
    expect((await before.lobby.closed(10_000)).code).toBe(1006);

    const after = await openLobby(gateway, bot);
    expect(await after.lobby.nextOfType("matched", 10_000)).toEqual({ ...matched, resume: true });
    const socket = await dialMatch(gateway, bot.token, matched);
    expect(await play(socket)).toMatchObject({ type: "match_end", reason: "complete" });
    after.lobby.close();
  });
});
