/**
 * The approvals channel `approvals-<project>` (docs/sleds.md): a member of a victim project's
 * private channel posts seeded hostile `approval.reply` payloads, someone who is not a member
 * tries to join, and a member of another project's channel answers with the victim's id. The
 * victim's approval must stay pending, every reply gets an `approval.answer` error, and the
 * legitimate reply then resolves it once.
 */
import assert from "node:assert/strict";
import { api } from "../../harness/gateway.ts";
import { TestSled } from "../../harness/sled.ts";
import { defineGroup, type FixedCase } from "../case.ts";
import { nextJson } from "../checks.ts";
import { HOSTILE_STRINGS } from "../mutate.ts";
import type { RawSocket } from "../raw-socket.ts";
import type { World } from "../world.ts";
import { authFrame, established, helloed } from "./agent-raw.ts";

interface ChannelState {
  project: string;
  sled: TestSled;
  reqId: string;
  approvalId: string;
  otherProject: string;
}

const channelPath = (project: string) => `/ws/channel/approvals-${project}`;

/** The approver in the victim's channel (the world closes sockets after every case). */
const memberSocket = async (world: World, state: ChannelState) =>
  (await established(world, channelPath(state.project), world.member, { session: "approver" }))
    .socket;

/** The intruder's refused handshake (its first one records its machine: done in setup). */
async function intrude(world: World, project: string): Promise<{ code: number }> {
  const path = channelPath(project);
  const { socket, nonce } = await helloed(world, path, { session: "nosy" });
  socket.sendJson(authFrame(world.intruder, path, nonce));
  return socket.closed(15_000);
}

async function register(world: World, project: string, approver: string): Promise<string> {
  const res = await api(world.gateway, "POST", "/api/sleds", { body: { project, approver } });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return (res.body as { token: string }).token;
}

/** Posts one reply and returns the channel's `approval.answer` to it. */
async function reply(
  socket: RawSocket,
  id: string,
  payload: unknown,
): Promise<Record<string, unknown>> {
  socket.sendJson({ type: "post", id, payload });
  let seq: number | null = null;
  for (;;) {
    const frame = await nextJson(socket, 15_000, `answer to ${id}`);
    if (frame.type === "ack" && frame.id === id) seq = frame.seq as number;
    const body = frame.payload as Record<string, unknown> | undefined;
    if (frame.type === "message" && body?.type === "approval.answer" && body.reply_to === seq) {
      return body;
    }
  }
}

function stillPending(state: ChannelState, what: string): void {
  assert.deepEqual(state.sled.verdictsFor(state.reqId), [], `${what}: the sled got an answer`);
}

const cases: FixedCase<ChannelState>[] = [
  {
    id: "non-member-join",
    input: "an enrolled user who is not a member joins the private approvals channel",
    expected: "error `forbidden`, close 4003; nothing resolved",
    async run(ctx) {
      assert.equal((await intrude(ctx.world, ctx.state.project)).code, 4003);
      stillPending(ctx.state, "non-member-join");
    },
  },
  {
    id: "other-project-id",
    input:
      "a member of another project's approvals channel replies there with the victim's approval id",
    expected: "`approval.answer` `ok:false`, `unknown_approval`; nothing resolved",
    async run(ctx) {
      const other = await established(
        ctx.world,
        channelPath(ctx.state.otherProject),
        ctx.world.owner,
        { session: "other" },
      );
      const answer = await reply(other.socket, `x-${ctx.rng.string(8)}`, {
        type: "approval.reply",
        id: ctx.state.approvalId,
        decision: "allow-always",
      });
      assert.equal(answer.ok, false);
      assert.equal(answer.error, "unknown_approval");
      stillPending(ctx.state, "other-project-id");
    },
  },
];

export const sledChannelGroup = defineGroup<ChannelState>({
  id: "sled-approvals-channel",
  entry: "/ws/channel/approvals-{project}",
  ref: "docs/sleds.md (approve from a channel)",
  target: "a victim project's SledObject holding one pending approval, and its approvals channel",
  legitFlow:
    "the approver replies `allow-once` with the real id; the sled gets exactly one approving `perm_response`; the reply's answer says `applied: true`",
  async setup(world, rng) {
    const suffix = `${world.tag}-${rng.string(6)}`;
    const project = `fzc-${suffix}`;
    const otherProject = `fzo-${suffix}`;
    const token = await register(world, project, world.member.user);
    await register(world, otherProject, world.owner.user);
    const member = (
      await established(world, channelPath(project), world.member, { session: "approver" })
    ).socket;
    // First handshakes record machines in D1 (documented writes): before the snapshot.
    (
      await established(world, channelPath(otherProject), world.owner, { session: "other" })
    ).socket.close();
    await intrude(world, project);
    const sled = await TestSled.connect(world.gateway, { token, project, heartbeatMs: 2000 });
    const reqId = `held-${rng.string(6)}`;
    sled.ask(reqId, "Bash", { command: "deploy" });
    let approvalId = "";
    for (;;) {
      const frame = await nextJson(member, 15_000, "approval.requested");
      const body = frame.payload as Record<string, unknown> | undefined;
      if (frame.type === "message" && body?.type === "approval.requested") {
        approvalId = body.id as string;
        break;
      }
    }
    member.close();
    return { project, sled, reqId, approvalId, otherProject };
  },
  objects: (state) => [{ binding: "SLED", name: state.project }],
  cases,
  families: [
    {
      id: "reply.random",
      input:
        "seeded `approval.reply` payloads from the approver: hostile ids (never the real one), ids of the right shape for no approval, hostile decisions",
      outcomes: {
        "decision not allow-once, allow-always or deny, or id not a string of 1–200":
          "`approval.answer` `ok:false`, `malformed`",
        otherwise: "`approval.answer` `ok:false`, `unknown_approval`",
      },
      async run(ctx, count, record) {
        const hostile = () => JSON.parse(ctx.rng.pick(HOSTILE_STRINGS)) as unknown;
        const member = await memberSocket(ctx.world, ctx.state);
        for (let i = 0; i < count; i += 1) {
          const id = ctx.rng.pick<() => unknown>([
            () => hostile(),
            () => `${ctx.state.project}:${crypto.randomUUID()}`,
            () => `${ctx.state.otherProject}:${ctx.rng.string(12)}`,
            () => ctx.rng.string(ctx.rng.int(0, 250), "ab:-"),
            () => ctx.rng.int(0, 9),
          ])();
          const decision = ctx.rng.pick<() => unknown>([
            () => hostile(),
            () => ctx.rng.pick(["allow-once", "allow-always", "deny"]),
            () => null,
          ])();
          const payload = { type: "approval.reply", id, decision };
          try {
            const answer = await reply(member, `r-${ctx.rng.string(10)}`, payload);
            const wellFormed =
              typeof id === "string" &&
              id.length >= 1 &&
              id.length <= 200 &&
              ["allow-once", "allow-always", "deny"].includes(decision as string);
            assert.equal(answer.ok, false, JSON.stringify(answer));
            assert.equal(answer.error, wellFormed ? "unknown_approval" : "malformed");
          } catch (err) {
            record(JSON.stringify(payload).slice(0, 200), err);
          }
        }
        stillPending(ctx.state, "reply.random");
        return count;
      },
    },
  ],
  async legit(world, state) {
    const answer = await reply(await memberSocket(world, state), "legit", {
      type: "approval.reply",
      id: state.approvalId,
      decision: "allow-once",
    });
    assert.equal(answer.ok, true, JSON.stringify(answer));
    assert.equal(answer.applied, true);
    assert.deepEqual(await state.sled.verdict(state.reqId), {
      approved: true,
      always_allow: false,
    });
    assert.equal(state.sled.verdictsFor(state.reqId).length, 1);
  },
  async teardown(state) {
    state.sled.close();
  },
});
