// Proves the approvals channel end to end: a sled registered with an approver gets a private
// channel `approvals-<project>`; each `perm_request` is posted there as `approval.requested`;
// a member's `approval.reply` (sent by the real `AgentClient`) resolves it once, the sled gets
// exactly one `perm_response`; a second reply gets the recorded outcome; someone who is not a
// member cannot join, so cannot answer; a reply for another project's approval or a malformed
// one grants nothing; a reply while the channel is not private counts for nothing; every
// resolution is posted as `approval.resolved`; and a request
// pending across an eviction of the sled object is still answered once from the channel.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AgentClient, type AgentEvent } from "../../src/client/agent-client.ts";
import { generateAgentKey, registerAgent } from "../../src/client/agent-keys.ts";
import { api, type Gateway, startGateway } from "../harness/gateway.ts";
import { TestSled } from "../harness/sled.ts";
import { until } from "../harness/until.ts";

let gateway: Gateway;
beforeAll(async () => {
  gateway = await startGateway({ vars: { SLED_APPROVAL_TIMEOUT_S: "600" } });
});
afterAll(async () => {
  await gateway?.close();
});

type Payload = Record<string, unknown>;

/** An agent on the real client, with every channel message it has heard. */
async function agent(user: string): Promise<{ client: AgentClient; heard: Payload[] }> {
  const key = await generateAgentKey();
  await registerAgent(gateway.url.href, { user, machine: "laptop", key });
  const client = new AgentClient({
    url: gateway.url.href,
    user,
    machine: "laptop",
    key,
    session: "s",
  });
  const heard: Payload[] = [];
  client.on((event: AgentEvent) => {
    if (event.type === "message") heard.push(event.payload as Payload);
  });
  return { client, heard };
}

async function register(project: string, approver?: string): Promise<string> {
  const res = await api(gateway, "POST", "/api/sleds", {
    body: { project, ...(approver ? { approver } : {}) },
  });
  expect(res.status).toBe(201);
  return (res.body as { token: string }).token;
}

function heardOne(heard: Payload[], type: string, id?: string): Promise<Payload> {
  return until(
    () => heard.find((p) => p.type === type && (id === undefined || p.id === id)),
    `${type} ${id ?? ""}`,
  );
}

describe("the approvals channel", () => {
  it("posts each request; a member's reply resolves it once; later and foreign replies grant nothing", async () => {
    const alice = await agent("alice");
    const mallory = await agent("mallory");
    await expect(
      api(gateway, "POST", "/api/sleds", { body: { project: "chan-x", approver: "nobody" } }),
    ).resolves.toMatchObject({ status: 400, body: { error_code: "USER_NOT_FOUND" } });
    const token = await register("chan-ok", "alice");
    await register("chan-other");
    await alice.client.join("approvals-chan-ok");
    await expect(mallory.client.join("approvals-chan-ok")).rejects.toThrow();

    const sled = await TestSled.connect(gateway, { token, project: "chan-ok", heartbeatMs: 1000 });
    sled.ask("r1", "Bash", { command: "rm -rf build" });
    const request = await heardOne(alice.heard, "approval.requested");
    expect(request).toMatchObject({ project: "chan-ok", toolName: "Bash" });
    expect(request.answer).toMatchObject({ type: "approval.reply", id: request.id });
    const id = request.id as string;

    // Malformed, and another project's id: answered with an error, nothing resolved.
    const bad = await alice.client.post("approvals-chan-ok", {
      type: "approval.reply",
      id,
      decision: "yes please",
    });
    const wrong = await alice.client.post("approvals-chan-ok", {
      type: "approval.reply",
      id: `chan-other:${id.split(":")[1]}`,
      decision: "allow-once",
    });
    const badAnswer = await until(
      () => alice.heard.find((p) => p.type === "approval.answer" && p.reply_to === bad.seq),
      "answer to the malformed reply",
    );
    expect(badAnswer).toMatchObject({ ok: false, error: "malformed", to: alice.client.path });
    const wrongAnswer = await until(
      () => alice.heard.find((p) => p.type === "approval.answer" && p.reply_to === wrong.seq),
      "answer to the foreign reply",
    );
    expect(wrongAnswer).toMatchObject({ ok: false, error: "unknown_approval" });
    expect(sled.verdictsFor("r1")).toEqual([]);

    const yes = await alice.client.post("approvals-chan-ok", {
      type: "approval.reply",
      id,
      decision: "allow-once",
    });
    expect(await sled.verdict("r1")).toEqual({ approved: true, always_allow: false });
    const answer = await until(
      () => alice.heard.find((p) => p.type === "approval.answer" && p.reply_to === yes.seq),
      "answer to the reply",
    );
    expect(answer).toMatchObject({ ok: true, applied: true, outcome: { decision: "allow-once" } });
    expect(await heardOne(alice.heard, "approval.resolved", id)).toMatchObject({
      decision: "allow-once",
      resolvedBy: "channel:alice",
    });

    // A second answer gets the recorded outcome; the sled still has exactly one answer.
    const late = await alice.client.post("approvals-chan-ok", {
      type: "approval.reply",
      id,
      decision: "deny",
    });
    const lateAnswer = await until(
      () => alice.heard.find((p) => p.type === "approval.answer" && p.reply_to === late.seq),
      "answer to the late reply",
    );
    expect(lateAnswer).toMatchObject({
      ok: true,
      applied: false,
      outcome: { decision: "allow-once" },
    });
    const record = await api(gateway, "GET", `/api/approvals/${encodeURIComponent(id)}`);
    expect(record.body).toMatchObject({ status: "allowed", resolvedBy: "channel:alice" });
    expect(sled.verdictsFor("r1")).toHaveLength(1);

    sled.close();
    alice.client.close();
    mallory.client.close();
  });

  it("answers once from the channel a request kept pending across an eviction of the sled object", async () => {
    const bob = await agent("bob");
    const token = await register("chan-evict", "bob");
    await bob.client.join("approvals-chan-evict");
    const sled = await TestSled.connect(gateway, {
      token,
      project: "chan-evict",
      heartbeatMs: 1000,
    });
    sled.ask("r1", "Write", { path: "/etc/hosts" });
    const request = await heardOne(bob.heard, "approval.requested");
    await gateway.evict("SLED", "chan-evict");
    await bob.client.post("approvals-chan-evict", {
      type: "approval.reply",
      id: request.id,
      decision: "deny",
    });
    expect(await sled.verdict("r1")).toEqual({ approved: false, always_allow: false });
    await heardOne(bob.heard, "approval.resolved", request.id as string);
    expect(sled.verdictsFor("r1")).toHaveLength(1);
    sled.close();
    bob.client.close();
  });

  it("resolves nothing from a reply while the channel is not private", async () => {
    const carol = await agent("carol");
    const token = await register("chan-pub", "carol");
    await carol.client.join("approvals-chan-pub");
    const sled = await TestSled.connect(gateway, { token, project: "chan-pub", heartbeatMs: 1000 });
    sled.ask("r1", "Bash", { command: "make deploy" });
    const request = await heardOne(carol.heard, "approval.requested");
    await carol.client.admin("approvals-chan-pub", "set_visibility", { visibility: "public" });
    await carol.client.post("approvals-chan-pub", {
      type: "approval.reply",
      id: request.id,
      decision: "allow-always",
    });
    await carol.client.admin("approvals-chan-pub", "set_visibility", { visibility: "private" });
    // Replies resolve in order: had the public one counted, this one would find it decided.
    const second = await carol.client.post("approvals-chan-pub", {
      type: "approval.reply",
      id: request.id,
      decision: "deny",
    });
    const answer = await until(
      () => carol.heard.find((p) => p.type === "approval.answer" && p.reply_to === second.seq),
      "answer to the reply in the private channel",
    );
    expect(answer).toMatchObject({ ok: true, applied: true, outcome: { decision: "deny" } });
    expect(await sled.verdict("r1")).toEqual({ approved: false, always_allow: false });
    expect(carol.heard.filter((p) => p.type === "approval.answer")).toHaveLength(1);
    sled.close();
    carol.client.close();
  });
});
