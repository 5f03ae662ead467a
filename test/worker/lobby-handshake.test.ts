// Proves the lobby connect inside workerd (bot protocol §3.1, §3.3, §3.7): the exact hello,
// every authentication failure closing 4001, the subprotocol echo, and ignored input.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { issueToken, revokeToken } from "../../src/registry/tokens";
import { fetchChecked } from "./contract-fetch";
import { botStub, connectLobby, newBot, openSocket, quiet } from "./lobby-helpers";

const ISO_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

describe("lobby handshake", () => {
  it("answers a valid authenticate with the exact lobby hello and marks the bot online", async () => {
    const bot = await newBot();
    expect(await botStub(bot.botId).isOnline()).toBe(false);
    const { client, hello } = await connectLobby(bot);
    expect(hello).toEqual({
      type: "hello",
      match_id: bot.botId,
      seq: 1,
      server_ts: expect.stringMatching(ISO_MS),
      supported_versions: ["1.0"],
      selected_version: "1.0",
      server_name: "chipzen",
      endpoint: "lobby",
    });
    expect(await botStub(bot.botId).isOnline()).toBe(true);
    client.close();
  });

  it("records the token's last use after the hello, at most once an hour", async () => {
    const bot = await newBot();
    const lastUsed = () =>
      env.DB.prepare("SELECT last_used_at FROM tokens WHERE id = ?")
        .bind(bot.tokenId)
        .first<{ last_used_at: string | null }>()
        .then((row) => row?.last_used_at ?? null);
    expect(await lastUsed()).toBeNull();
    const first = await connectLobby(bot);
    let recorded: string | null = null;
    for (let i = 0; i < 100 && recorded === null; i += 1) {
      recorded = await lastUsed();
      if (recorded === null) await quiet(20);
    }
    expect(recorded).toMatch(/^\d{4}-\d\d-\d\dT/);
    first.client.close();
    const second = await connectLobby(bot);
    await quiet(100);
    expect(await lastUsed()).toBe(recorded);
    second.client.close();
  });

  it("echoes the chipzen-bot-token sentinel when offered and nothing otherwise", async () => {
    const bot = await newBot();
    const offered = await openSocket(`/ws/external/bot/${bot.botId}`, {
      protocols: `chipzen-bot-token, ${bot.token}`,
    });
    expect(offered.protocol).toBe("chipzen-bot-token");
    const plain = await openSocket(`/ws/external/bot/${bot.botId}`);
    expect(plain.protocol).toBeNull();
  });

  it("closes 4001 for a malformed, unknown or revoked token", async () => {
    const bot = await newBot();
    const revoked = await issueToken(env.DB, bot.botId);
    await revokeToken(env.DB, revoked.token_id);
    for (const token of ["nope", `cz_extbot_${"A".repeat(32)}`, revoked.token, 42]) {
      const client = await openSocket(`/ws/external/bot/${bot.botId}`);
      client.send({ type: "authenticate", token });
      expect(await client.closed()).toEqual({ code: 4001, reason: "auth_failed" });
      expect(client.frames).toEqual([]);
    }
    expect(await botStub(bot.botId).isOnline()).toBe(false);
  });

  it("closes 4001 when the token belongs to another bot than the URL's", async () => {
    const alpha = await newBot();
    const bravo = await newBot();
    const client = await openSocket(`/ws/external/bot/${alpha.botId}`);
    client.send({ type: "authenticate", token: bravo.token });
    expect((await client.closed()).code).toBe(4001);
    expect(await botStub(alpha.botId).isOnline()).toBe(false);
  });

  it("closes 4001 when the first frame is not an authenticate", async () => {
    const bot = await newBot();
    for (const first of ["not json", { type: "pong" }, { type: "authenticate" }, [1, 2]]) {
      const client = await openSocket(`/ws/external/bot/${bot.botId}`);
      client.send(first);
      expect((await client.closed()).code).toBe(4001);
    }
  });

  it("counts the 4096-byte frame limit in UTF-8 bytes (found by the fuzz suite)", async () => {
    const bot = await newBot();
    // 1,400 three-byte characters: under 4096 UTF-16 units, over 4096 bytes.
    const frame = { type: "authenticate", token: bot.token, match_id: "中".repeat(1400) };
    const client = await openSocket(`/ws/external/bot/${bot.botId}`);
    client.send(frame);
    expect(await client.closed()).toEqual({ code: 4001, reason: "auth_failed" });
    expect(client.frames).toEqual([]);
  });

  it("closes 4001 at once for a malformed bot id, without creating an object", async () => {
    const client = await openSocket("/ws/external/bot/not-a-uuid");
    expect(await client.closed()).toEqual({ code: 4001, reason: "auth_failed" });
  });

  it("serves a percent-encoded bot id as the same bot's lobby (found by the fuzz suite: was 500)", async () => {
    const bot = await newBot();
    const encoded = `%${bot.botId.charCodeAt(0).toString(16)}${bot.botId.slice(1)}`;
    const client = await openSocket(`/ws/external/bot/${encoded}`);
    client.send({ type: "authenticate", token: bot.token });
    expect(await client.next("the lobby hello")).toMatchObject({
      type: "hello",
      match_id: bot.botId,
    });
    expect(await botStub(bot.botId).isOnline()).toBe(true);
    client.close();
  });

  it("answers a non-upgrade request on the lobby path with 426 in the envelope", async () => {
    const bot = await newBot();
    const response = await fetchChecked(`http://botgate.test/ws/external/bot/${bot.botId}`);
    expect(response.status).toBe(426);
    expect(await response.json()).toMatchObject({ error_code: "UPGRADE_REQUIRED" });
  });

  it("drops game frames, junk, binary and a repeated authenticate silently", async () => {
    const bot = await newBot();
    const { client } = await connectLobby(bot);
    client.send({ type: "turn_action", match_id: bot.botId, request_id: "req_1", action: "fold" });
    client.send({ type: "hello", supported_versions: ["1.0"] });
    client.send({ type: "authenticate", token: "garbage" });
    client.send("{{{");
    client.send("x".repeat(10_000));
    client.ws.send(new Uint8Array([1, 2, 3]));
    client.send({ type: "no_such_type" });
    await quiet(200);
    expect(client.unread).toEqual([]);
    expect(client.closeEvent).toBeNull();
    expect(await botStub(bot.botId).isOnline()).toBe(true);
    client.close();
  });
});
