// Proves the agent HTTP surface inside workerd: registration with proof of key possession,
// registration codes, discovery that never leaks private or unlisted names, and the admin
// routes, including removing a user, which force-drops their sockets everywhere.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createRegistrationCode, registerAgent } from "../../src/agents/registry";
import { httpSignedString, registerSignedString } from "../../src/agents/signed-strings";
import {
  type Agent,
  admin,
  call,
  inbox,
  join,
  Key,
  newAgent,
  newChannel,
  refused,
  unique,
} from "./channel-agent";

async function registration(user: string, machine = "m1", key?: Key) {
  const k = key ?? (await Key.generate());
  return {
    key: k,
    body: {
      user,
      machine,
      pubkey: k.pubkey,
      signature: await k.sign(registerSignedString(user, machine, k.pubkey)),
    },
  };
}

async function signedHeaders(agent: Agent, path = "/api/channels", at = Date.now()) {
  const timestamp = String(at);
  return {
    "x-botgate-user": agent.user,
    "x-botgate-machine": agent.machine,
    "x-botgate-timestamp": timestamp,
    "x-botgate-signature": await agent.key.sign(httpSignedString("GET", path, timestamp)),
  };
}

async function names(options: Parameters<typeof call>[2]): Promise<string[]> {
  const res = await call("GET", "/api/channels", options);
  expect(res.status).toBe(200);
  return (res.json.channels as Array<{ name: string }>).map((c) => c.name);
}

describe("POST /api/agents/register", () => {
  it("registers a user with a machine key signed by that key", async () => {
    const user = unique("reg");
    const { body } = await registration(user);
    const res = await call("POST", "/api/agents/register", { token: null, body });
    expect(res).toEqual({ status: 201, json: { user, machine: "m1" } });
    const again = await call("POST", "/api/agents/register", {
      token: null,
      body: (await registration(user)).body,
    });
    expect([again.status, again.json.error_code]).toEqual([409, "USER_TAKEN"]);
  });

  it("refuses a public key already enrolled, a bad signature and a bad key", async () => {
    const first = await registration(unique("reg"));
    await call("POST", "/api/agents/register", { token: null, body: first.body });
    const reused = await registration(unique("reg"), "m1", first.key);
    const taken = await call("POST", "/api/agents/register", { token: null, body: reused.body });
    expect([taken.status, taken.json.error_code]).toEqual([409, "PUBKEY_TAKEN"]);

    const other = await registration(unique("reg"));
    const forged = { ...other.body, user: unique("reg") };
    const badSig = await call("POST", "/api/agents/register", { token: null, body: forged });
    expect([badSig.status, badSig.json.error_code]).toEqual([401, "INVALID_SIGNATURE"]);

    const badKey = { ...other.body, pubkey: "A".repeat(42) };
    const res = await call("POST", "/api/agents/register", { token: null, body: badKey });
    expect([res.status, res.json.error_code]).toEqual([400, "INVALID_PUBKEY"]);
  });

  it("validates names and refuses unknown fields", async () => {
    const { body } = await registration("Bad Name");
    const bad = await call("POST", "/api/agents/register", { token: null, body });
    expect([bad.status, bad.json.error_code]).toEqual([400, "INVALID_BODY"]);
    const extra = await registration(unique("reg"));
    const unknown = await call("POST", "/api/agents/register", {
      token: null,
      body: { ...extra.body, admin: true },
    });
    expect([unknown.status, unknown.json.error_code]).toEqual([400, "UNKNOWN_FIELD"]);
  });
});

describe("registration codes", () => {
  it("issues codes shown once and consumes one use per registration, atomically", async () => {
    const issued = await call("POST", "/api/admin/registration-codes", { body: { uses: 1 } });
    expect(issued.status).toBe(201);
    expect(issued.json).toMatchObject({
      code: expect.stringMatching(/^bg_reg_[0-9A-Za-z]{32}$/),
      uses: 1,
      expires_at: null,
    });
    const code = String(issued.json.code);
    const first = await registration(unique("inv"));
    expect(await registerAgent(env.DB, { ...first.body, code })).toBe("ok");
    const second = await registration(unique("inv"));
    expect(await registerAgent(env.DB, { ...second.body, code })).toBe("code_invalid");
    // The refused registration left nothing behind.
    const users = await call("GET", "/api/admin/users");
    const listed = (users.json.users as Array<{ user: string }>).map((u) => u.user);
    expect(listed).toContain(first.body.user);
    expect(listed).not.toContain(second.body.user);
  });

  it("bounds expires_in_s to a year instead of issuing a code that never expires (found by the fuzz suite)", async () => {
    for (const expires_in_s of [1e308, 365 * 24 * 3600 + 1]) {
      const res = await call("POST", "/api/admin/registration-codes", { body: { expires_in_s } });
      expect([res.status, res.json.error_code]).toEqual([400, "INVALID_BODY"]);
    }
    const year = await call("POST", "/api/admin/registration-codes", {
      body: { expires_in_s: 365 * 24 * 3600 },
    });
    expect(year.status).toBe(201);
    expect(year.json.expires_at).toBeGreaterThan(Date.now());
  });

  it("refuses expired and unknown codes", async () => {
    const expired = await createRegistrationCode(env.DB, { expiresInS: 1 });
    await env.DB.prepare("UPDATE agent_registration_codes SET expires_at = 1 WHERE id = ?")
      .bind(expired.code_id)
      .run();
    const a = await registration(unique("inv"));
    expect(await registerAgent(env.DB, { ...a.body, code: expired.code })).toBe("code_invalid");
    expect(await registerAgent(env.DB, { ...a.body, code: "bg_reg_nope" })).toBe("code_invalid");
  });
});

describe("GET /api/channels", () => {
  it("shows public channels to everyone, and private or unlisted ones only to members", async () => {
    const member = await newAgent("member");
    const outsider = await newAgent("outsider");
    const pub = await newChannel("public");
    const unlisted = await newChannel("unlisted");
    const secret = await newChannel("private", member.user);
    const otherSecret = await newChannel("private");

    const anonymous = await names({ token: null });
    expect(anonymous).toContain(pub);
    expect(anonymous).not.toContain(unlisted);
    expect(anonymous).not.toContain(secret);

    const forOutsider = await names({ token: null, headers: await signedHeaders(outsider) });
    expect(forOutsider).toContain(pub);
    expect(forOutsider).not.toContain(unlisted);
    expect(forOutsider).not.toContain(secret);

    const forMember = await names({ token: null, headers: await signedHeaders(member) });
    expect(forMember).toContain(secret);
    expect(forMember).not.toContain(otherSecret);
    expect(forMember).not.toContain(unlisted);

    const forAdmin = await names({});
    expect(forAdmin).toEqual(expect.arrayContaining([pub, unlisted, secret, otherSecret]));
  });

  it("lists a private channel once an invite or acl_add makes the user a member", async () => {
    const owner = await newAgent("owner");
    const guest = await newAgent("guest");
    const secret = await newChannel("private", owner.user);
    const mod = await join(owner, secret, { session: "mod" });
    const invite = await admin(mod, "invite_create", { uses: 1 });
    (await join(guest, secret, { session: "g", invite: String(invite.invite) })).socket.close();
    await expect
      .poll(async () => names({ token: null, headers: await signedHeaders(guest) }))
      .toContain(secret);
  });

  it("answers 401 to bad, stale or misplaced credentials instead of a smaller listing", async () => {
    const agent = await newAgent();
    const stale = await signedHeaders(agent, "/api/channels", Date.now() - 120_000);
    const wrongPath = await signedHeaders(agent, "/api/other");
    const otherKey = { ...(await signedHeaders(await newAgent())), "x-botgate-user": agent.user };
    for (const headers of [stale, wrongPath, otherKey, { "x-botgate-user": agent.user }]) {
      const res = await call("GET", "/api/channels", { token: null, headers });
      expect([res.status, res.json.error_code]).toEqual([401, "UNAUTHORIZED"]);
    }
    const wrongAdmin = await call("GET", "/api/channels", { token: "not-the-admin-token" });
    expect(wrongAdmin.status).toBe(401);
  });
});

describe("admin routes", () => {
  it("require the admin token", async () => {
    for (const [method, path] of [
      ["POST", "/api/admin/channels"],
      ["DELETE", "/api/admin/channels/x"],
      ["GET", "/api/admin/users"],
      ["DELETE", "/api/admin/users/x"],
      ["POST", "/api/admin/users/x/machines"],
      ["DELETE", "/api/admin/users/x/machines/y"],
      ["POST", "/api/admin/registration-codes"],
    ] as const) {
      const res = await call(method, path, {
        token: null,
        ...(method === "POST" ? { body: {} } : {}),
      });
      expect([res.status, res.json.error_code]).toEqual([401, "UNAUTHORIZED"]);
    }
  });

  it("create and delete channels with clear errors", async () => {
    const name = unique("ch");
    const created = await call("POST", "/api/admin/channels", {
      body: { name, visibility: "unlisted", topic: "t" },
    });
    expect(created).toEqual({
      status: 201,
      json: { name, visibility: "unlisted", topic: "t", admin: null },
    });
    const dup = await call("POST", "/api/admin/channels", { body: { name, visibility: "public" } });
    expect([dup.status, dup.json.error_code]).toEqual([409, "CHANNEL_EXISTS"]);
    const badName = await call("POST", "/api/admin/channels", {
      body: { name: "Bad Name", visibility: "public" },
    });
    expect([badName.status, badName.json.error_code]).toEqual([400, "INVALID_BODY"]);
    const noAdmin = await call("POST", "/api/admin/channels", {
      body: { name: unique("ch"), visibility: "public", admin: "no-such-user" },
    });
    expect([noAdmin.status, noAdmin.json.error_code]).toEqual([400, "USER_NOT_FOUND"]);
    expect((await call("DELETE", `/api/admin/channels/${name}`)).status).toBe(204);
    const gone = await call("DELETE", `/api/admin/channels/${name}`);
    expect([gone.status, gone.json.error_code]).toEqual([400, "CHANNEL_NOT_FOUND"]);
  });

  it("enrol, list and remove machines, creating a user on first enrolment", async () => {
    const agent = await newAgent();
    const key = await Key.generate();
    const path = `/api/admin/users/${agent.user}/machines`;
    const added = await call("POST", path, { body: { name: "m2", pubkey: key.pubkey } });
    expect(added.status).toBe(201);
    const again = await call("POST", path, { body: { name: "m2", pubkey: key.pubkey } });
    expect([again.status, again.json.error_code]).toEqual([409, "MACHINE_TAKEN"]);
    const sameKey = await call("POST", path, { body: { name: "m3", pubkey: key.pubkey } });
    expect([sameKey.status, sameKey.json.error_code]).toEqual([409, "PUBKEY_TAKEN"]);
    const badKey = await call("POST", path, { body: { name: "m4", pubkey: "nope" } });
    expect([badKey.status, badKey.json.error_code]).toEqual([400, "INVALID_PUBKEY"]);
    // Enrolling for a new name creates the user (how admins enrol agents when registration is closed).
    const newcomer = unique("new");
    const created = await call("POST", `/api/admin/users/${newcomer}/machines`, {
      body: { name: "m", pubkey: (await Key.generate()).pubkey },
    });
    expect(created.status).toBe(201);
    const users = await call("GET", "/api/admin/users");
    expect(users.json.users).toContainEqual({
      user: agent.user,
      created_at: expect.any(String),
      machines: [
        { name: "m1", pubkey: agent.key.pubkey, created_at: expect.any(String) },
        { name: "m2", pubkey: key.pubkey, created_at: expect.any(String) },
      ],
    });
    expect((await call("DELETE", `${path}/m2`)).status).toBe(204);
    const missing = await call("DELETE", `${path}/m2`);
    expect([missing.status, missing.json.error_code]).toEqual([400, "MACHINE_NOT_FOUND"]);
  });

  it("removing a user force-drops every socket they hold and forgets their memberships", async () => {
    const agent = await newAgent("leaver");
    const secret = await newChannel("private", agent.user);
    const open = await newChannel("public");
    const sessions = [
      await join(agent, secret, { session: "a" }),
      await join(agent, open, { session: "b" }),
      await inbox(agent, { session: "a" }),
    ];
    const removed = await call("DELETE", `/api/admin/users/${agent.user}`);
    expect(removed.status).toBe(204);
    for (const session of sessions) expect((await session.socket.closed()).code).toBe(4010);
    const again = await call("DELETE", `/api/admin/users/${agent.user}`);
    expect([again.status, again.json.error_code]).toEqual([400, "USER_NOT_FOUND"]);
    // Someone registering the same name later inherits nothing.
    const { body, key } = await registration(agent.user);
    expect((await call("POST", "/api/agents/register", { token: null, body })).status).toBe(201);
    const heir = { user: agent.user, machine: "m1", key };
    expect(await refused(heir, `/ws/channel/${secret}`, { session: "a" })).toMatchObject({
      close: 4003,
    });
    expect(await names({ token: null, headers: await signedHeaders(heir) })).not.toContain(secret);
  });
});
