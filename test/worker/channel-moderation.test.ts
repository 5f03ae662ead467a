// Proves moderation inside workerd (agent channels §7, §8): every channel admin op with its
// effect (topic, visibility, ACL, invites, kick, ban, delete) and force-drops (4010, 4004),
// that only channel admins may use them, and the server-wide ops a plain user may not use
// except on their own machines.
import { describe, expect, it } from "vitest";
import {
  admin,
  atTime,
  call,
  join,
  Key,
  newAgent,
  newChannel,
  post,
  refused,
  type Session,
} from "./channel-agent";

async function moderated(visibility: "public" | "private" = "public") {
  const owner = await newAgent("owner");
  const channel = await newChannel(visibility, owner.user);
  const mod = await join(owner, channel, { session: "mod" });
  expect(mod.established.admin).toBe(true);
  return { owner, channel, mod };
}

async function publicNames(): Promise<string[]> {
  const res = await call("GET", "/api/channels", { token: null });
  return (res.json.channels as Array<{ name: string }>).map((c) => c.name);
}

describe("rights", () => {
  it("refuses every channel op to a user who is not the channel admin", async () => {
    const { channel } = await moderated();
    const user = await join(await newAgent(), channel, { session: "u" });
    expect(user.established.admin).toBe(false);
    for (const [op, fields] of [
      ["set_topic", { topic: "x" }],
      ["set_visibility", { visibility: "private" }],
      ["acl_add", { user: "someone" }],
      ["acl_remove", { user: "someone" }],
      ["invite_create", {}],
      ["invite_revoke", { invite_id: "inv" }],
      ["invite_list", {}],
      ["kick", { path: "a/b/c" }],
      ["ban", { user: "someone" }],
      ["unban", { user: "someone" }],
      ["ban_list", {}],
      ["delete_channel", {}],
    ] as const) {
      expect(await admin(user, op, fields)).toMatchObject({ type: "error", code: "forbidden" });
    }
  });
});

describe("channel settings", () => {
  it("set_topic updates the channel, tells every subscriber and the directory", async () => {
    const { channel, mod } = await moderated();
    const user = await join(await newAgent(), channel, { session: "u" });
    const result = await admin(mod, "set_topic", { topic: "release train" });
    expect(result).toMatchObject({ type: "admin_result", ok: true, op: "set_topic" });
    expect(await user.socket.nextOf("channel_updated")).toEqual({
      type: "channel_updated",
      channel: { name: channel, visibility: "public", topic: "release train" },
    });
    const listed = await call("GET", "/api/channels", { token: null });
    expect(listed.json.channels).toContainEqual({
      name: channel,
      visibility: "public",
      topic: "release train",
    });
  });

  it("set_visibility private drops non-members with 4010 and unlists the channel", async () => {
    const { channel, mod } = await moderated();
    const member = await newAgent("member");
    expect(await admin(mod, "acl_add", { user: member.user })).toMatchObject({ ok: true });
    const memberSession = await join(member, channel, { session: "m" });
    const outsider = await join(await newAgent(), channel, { session: "o" });
    expect(await publicNames()).toContain(channel);
    await admin(mod, "set_visibility", { visibility: "private" });
    expect(await outsider.socket.nextOf("error")).toMatchObject({ code: "forbidden" });
    expect((await outsider.socket.closed()).code).toBe(4010);
    expect(memberSession.socket.isClosed).toBe(false);
    expect(mod.socket.isClosed).toBe(false);
    expect(await publicNames()).not.toContain(channel);
  });
});

describe("ACL", () => {
  it("acl_add admits a user to a private channel; unknown users are not_found", async () => {
    const { channel, mod } = await moderated("private");
    const guest = await newAgent("guest");
    expect(await refused(guest, `/ws/channel/${channel}`, { session: "g" })).toMatchObject({
      close: 4003,
    });
    expect(await admin(mod, "acl_add", { user: "no-such-user" })).toMatchObject({
      code: "not_found",
    });
    expect(await admin(mod, "acl_add", { user: guest.user })).toMatchObject({ ok: true });
    await expect(join(guest, channel, { session: "g" })).resolves.toBeTruthy();
  });

  it("acl_remove force-drops that user's sockets with 4010 and refuses them after", async () => {
    const { channel, mod } = await moderated("private");
    const guest = await newAgent("guest");
    await admin(mod, "acl_add", { user: guest.user });
    const first = await join(guest, channel, { session: "one" });
    const second = await join(guest, channel, { session: "two" });
    expect(await admin(mod, "acl_remove", { user: guest.user })).toMatchObject({
      ok: true,
      dropped: 2,
    });
    for (const session of [first, second]) expect((await session.socket.closed()).code).toBe(4010);
    expect(await refused(guest, `/ws/channel/${channel}`, { session: "one" })).toMatchObject({
      close: 4003,
    });
  });
});

describe("invites", () => {
  it("creates, lists, redeems (adding to the ACL) and uses up an invite", async () => {
    const { channel, mod } = await moderated("private");
    const created = await admin(mod, "invite_create", { uses: 1 });
    expect(created).toMatchObject({
      ok: true,
      invite: expect.stringMatching(/^[A-Za-z0-9_-]{32}$/),
      invite_id: expect.stringMatching(/^inv_/),
      uses_left: 1,
      expires_at: null,
    });
    const listed = await admin(mod, "invite_list");
    expect(listed.invites).toEqual([
      expect.objectContaining({ invite_id: created.invite_id, uses_left: 1 }),
    ]);
    expect(JSON.stringify(listed)).not.toContain(String(created.invite));
    const guest = await newAgent("guest");
    const session = await join(guest, channel, { session: "g", invite: String(created.invite) });
    session.socket.close();
    // Now a member: no invite needed any more.
    await expect(join(guest, channel, { session: "g2" })).resolves.toBeTruthy();
    const second = await newAgent("late");
    const refusal = await refused(second, `/ws/channel/${channel}`, {
      session: "s",
      invite: String(created.invite),
    });
    expect(refusal.close).toBe(4003);
  });

  it("refuses revoked and expired invites", async () => {
    const { channel, mod } = await moderated("private");
    const revoked = await admin(mod, "invite_create");
    expect(await admin(mod, "invite_revoke", { invite_id: revoked.invite_id })).toMatchObject({
      ok: true,
    });
    expect(await admin(mod, "invite_revoke", { invite_id: revoked.invite_id })).toMatchObject({
      code: "not_found",
    });
    const expiring = await admin(mod, "invite_create", { expires_in_s: 60 });
    const endpoint = `/ws/channel/${channel}`;
    expect(
      await refused(await newAgent(), endpoint, { session: "s", invite: String(revoked.invite) }),
    ).toMatchObject({ close: 4003 });
    const late = await newAgent();
    const result = await atTime(Date.now() + 61_000, () =>
      refused(late, endpoint, { session: "s", invite: String(expiring.invite) }),
    );
    expect(result.close).toBe(4003);
  });
});

describe("kick and ban", () => {
  it("kick closes one session with 4010 and it may rejoin", async () => {
    const { channel, mod } = await moderated();
    const agent = await newAgent();
    const victim = await join(agent, channel, { session: "v" });
    const bystander = await join(agent, channel, { session: "b" });
    expect(await admin(mod, "kick", { path: victim.established.path })).toMatchObject({ ok: true });
    expect(await victim.socket.nextOf("error")).toMatchObject({
      code: "forbidden",
      message: "Kicked by a channel admin",
    });
    expect((await victim.socket.closed()).code).toBe(4010);
    expect(bystander.socket.isClosed).toBe(false);
    await expect(join(agent, channel, { session: "v" })).resolves.toBeTruthy();
    expect(await admin(mod, "kick", { path: "no/such/session" })).toMatchObject({
      code: "not_found",
    });
  });

  it("ban drops the user now (4010), refuses them after (4003), until unban", async () => {
    const { channel, mod } = await moderated();
    const agent = await newAgent();
    const session = await join(agent, channel, { session: "s" });
    expect(await admin(mod, "ban", { user: agent.user })).toMatchObject({ ok: true, dropped: 1 });
    expect((await session.socket.closed()).code).toBe(4010);
    expect(await refused(agent, `/ws/channel/${channel}`, { session: "s" })).toMatchObject({
      error: { code: "forbidden", message: "Banned from this channel" },
      close: 4003,
    });
    const bans = await admin(mod, "ban_list");
    expect(bans.bans).toEqual([
      { user: agent.user, banned_by: expect.any(String), banned_at: expect.any(Number) },
    ]);
    expect(await admin(mod, "unban", { user: agent.user })).toMatchObject({ ok: true });
    expect(await admin(mod, "unban", { user: agent.user })).toMatchObject({ code: "not_found" });
    await expect(join(agent, channel, { session: "s" })).resolves.toBeTruthy();
  });
});

describe("delete_channel", () => {
  it("closes every socket with 4004, deletes the history and the directory entry", async () => {
    const { owner, channel, mod } = await moderated();
    const user = await join(await newAgent(), channel, { session: "u" });
    await post(mod, "m1", "soon gone");
    const result = await admin(mod, "delete_channel");
    expect(result).toMatchObject({ ok: true, op: "delete_channel" });
    for (const session of [mod, user] as Session[]) {
      expect((await session.socket.closed()).code).toBe(4004);
    }
    expect(await publicNames()).not.toContain(channel);
    expect(await refused(owner, `/ws/channel/${channel}`, { session: "x" })).toMatchObject({
      close: 4004,
    });
    // Created again under the same name, it starts from nothing.
    const again = await call("POST", "/api/admin/channels", {
      body: { name: channel, visibility: "public" },
    });
    expect(again.status).toBe(201);
    const fresh = await join(owner, channel, { session: "x", since_seq: 0 });
    expect(fresh.replayed).toEqual([]);
    expect(fresh.caughtUp).toEqual({ type: "caught_up", seq: 0, gap: false });
    expect(fresh.established.admin).toBe(false);
  });
});

describe("server-wide ops over a socket", () => {
  it("refuses them to a user who is not a server admin", async () => {
    const { mod } = await moderated();
    for (const [op, fields] of [
      ["create_channel", { name: "x", visibility: "public" }],
      ["list_users", {}],
      ["remove_user", { user: "someone" }],
      ["add_machine", { user: "someone", name: "m", pubkey: "x" }],
      ["remove_machine", { user: "someone", name: "m" }],
    ] as const) {
      expect(await admin(mod, op, fields)).toMatchObject({ type: "error", code: "forbidden" });
    }
  });

  it("lets a user enrol and remove their own machines, dropping the removed one's sockets", async () => {
    const { owner, channel, mod } = await moderated();
    const key = await Key.generate();
    expect(
      await admin(mod, "add_machine", { user: owner.user, name: "m2", pubkey: key.pubkey }),
    ).toMatchObject({ ok: true });
    expect(
      await admin(mod, "add_machine", { user: owner.user, name: "m3", pubkey: "not-a-key" }),
    ).toMatchObject({ code: "malformed" });
    const second = await join({ ...owner, machine: "m2", key }, channel, { session: "s" });
    expect(await admin(mod, "remove_machine", { user: owner.user, name: "m2" })).toMatchObject({
      ok: true,
    });
    expect((await second.socket.closed()).code).toBe(4010);
    expect(await admin(mod, "remove_machine", { user: owner.user, name: "m2" })).toMatchObject({
      code: "not_found",
    });
  });
});
