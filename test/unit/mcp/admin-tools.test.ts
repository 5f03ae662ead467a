// Proves the admin tools of `botgate mcp`: hidden until the server says this user is an
// admin (server admin on the inbox, channel admin on a join), announced with
// tools/list_changed when that changes, validated, and mapped to the admin ops.
import { afterEach, describe, expect, it } from "vitest";
import { RequestFailed } from "../../../src/client/agent-link.ts";
import { type FakeAgent, type UnitBridge, unitBridge, until } from "./fakes.ts";

let b: UnitBridge;
afterEach(async () => {
  await b?.close();
});

const names = async () => (await b.client.listTools()).tools.map((t) => t.name);
const agent = () => b.agents[0] as FakeAgent;
const ADMIN = ["create_channel", "invite", "kick", "ban"];

describe("admin tools", () => {
  it("are not listed for a user who is no admin, and refuse to run", async () => {
    b = await unitBridge();
    const listed = await names();
    for (const tool of ADMIN) expect(listed).not.toContain(tool);
    const answer = await b.call("kick", { channel: "ops", path: "bob/box/mcp" });
    expect(answer).toMatchObject({ isError: true, text: "MCP error -32602: Tool kick disabled" });
  });

  it("appear for a server admin once the inbox says so, all four", async () => {
    b = await unitBridge({
      prepare: (a) => (a.inboxAnswer = () => Promise.resolve({ admin: true })),
    });
    await until(
      () => b.notifications.some((n) => n.method === "notifications/tools/list_changed"),
      "tools/list_changed",
    );
    expect(await names()).toEqual(expect.arrayContaining(ADMIN));
  });

  it("appear for a channel admin after the join, and go when the channel is left", async () => {
    b = await unitBridge({
      prepare: (a) => {
        a.joinAnswer = (channel) =>
          Promise.resolve({
            channel: { name: channel, visibility: "private", topic: "" },
            seq: 0,
            admin: true,
          });
      },
    });
    await b.call("join", { channel: "ops" });
    const listed = await names();
    expect(listed).toEqual(expect.arrayContaining(["invite", "kick", "ban"]));
    expect(listed).not.toContain("create_channel");
    await b.call("leave", { channel: "ops" });
    expect(await names()).not.toContain("kick");
  });

  it("validate their arguments and map to the admin ops", async () => {
    b = await unitBridge({
      prepare: (a) => {
        a.inboxAnswer = () => Promise.resolve({ admin: true });
        a.adminAnswer = (op) =>
          Promise.resolve(
            op === "invite_create"
              ? { invite: "tok123", invite_id: "inv1", uses_left: 2, expires_at: null }
              : op === "ban"
                ? { user: "bob", dropped: 1 }
                : { op },
          );
      },
    });
    await until(() => agent().calls.some(([n]) => n === "openInbox"), "the inbox");
    await b.call("join", { channel: "ops" });
    for (const [tool, args, message] of [
      ["create_channel", { name: "New Room" }, /a channel name/],
      ["create_channel", { name: "room", visibility: "secret" }, /visibility/],
      ["create_channel", { name: "room", topic: "t".repeat(257) }, /topic/],
      ["invite", { channel: "ops", uses: 0 }, /uses/],
      ["invite", { channel: "ops", expires_in_s: 1.5 }, /expires_in_s/],
      ["kick", { channel: "ops", path: "bob" }, /session path/],
      ["ban", { channel: "ops", user: "Bob!" }, /user name/],
    ] as const) {
      const answer = await b.call(tool, args);
      expect(answer.isError, `${tool}: ${answer.text}`).toBe(true);
      expect(answer.text).toMatch(message);
    }
    expect((await b.call("create_channel", { name: "room", topic: "hi" })).text).toBe(
      "Created #room (public); join it to post there.",
    );
    expect(agent().calls).toContainEqual([
      "admin",
      null,
      "create_channel",
      { name: "room", visibility: "public", topic: "hi" },
    ]);
    expect((await b.call("invite", { channel: "ops", uses: 2 })).text).toBe(
      "Invite for #ops: tok123 (id inv1, 2 use(s) left). Pass it to join as invite.",
    );
    expect((await b.call("kick", { channel: "ops", path: "bob/box/mcp" })).text).toBe(
      "Kicked bob/box/mcp from #ops.",
    );
    expect((await b.call("ban", { channel: "ops", user: "bob" })).text).toBe(
      "Banned bob from #ops (1 session(s) disconnected).",
    );
    expect((await b.call("kick", { channel: "dev", path: "bob/box/mcp" })).text).toBe(
      "not in #dev: call join first",
    );
  });

  it("say which role an op needs when the server refuses it", async () => {
    b = await unitBridge({
      prepare: (a) => {
        a.joinAnswer = (channel) =>
          Promise.resolve({
            channel: { name: channel, visibility: "public", topic: "" },
            seq: 0,
            admin: true,
          });
        a.adminAnswer = () => Promise.reject(new RequestFailed("forbidden", "Channel admin only"));
      },
    });
    await b.call("join", { channel: "ops" });
    expect((await b.call("ban", { channel: "ops", user: "bob" })).text).toBe(
      "ban needs the channel admin of #ops or a server admin: Channel admin only",
    );
    agent().adminAnswer = () => Promise.reject(new RequestFailed("not_found", "Not connected"));
    expect((await b.call("kick", { channel: "ops", path: "bob/box/mcp" })).text).toBe(
      "not found: Not connected",
    );
  });
});
