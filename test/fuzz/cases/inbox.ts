/**
 * The inbox socket `/ws/inbox/{user}/{machine}/{session}` (agent channels §9, docs/agent-
 * channels.md "Whispers and inboxes"): hostile path parts, other users, machines and
 * sessions trying to open (and acknowledge) someone's inbox, channel-only frames, and
 * hostile whisper targets. A queued whisper must survive all of it and reach its owner.
 */
import assert from "node:assert/strict";
import { type Agent, addMachine } from "../../harness/agent.ts";
import { defineGroup, type FixedCase } from "../case.ts";
import { assertClosed, assertEnvelope, inParallel, nextJson } from "../checks.ts";
import { HOSTILE_SEGMENTS, isDotSegment, randomSegment } from "../hostile.ts";
import { inboxFlow, type World } from "../world.ts";
import { authFrame, established, helloed, type Json } from "./agent-raw.ts";

const NAME = /^[a-z0-9][a-z0-9_-]{0,31}$/;
const SESSION = /^[a-z0-9][a-z0-9_-]{0,63}$/;

interface InboxState {
  session: string;
  /** A second machine of the inbox owner's user. */
  sibling: Agent;
  path: string;
  /** The id of the whisper queued before the hostile traffic. */
  queued: string;
}

function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Whether `user/machine/session` (as sent) passes the documented name rules once decoded. */
function wellFormed(parts: string[]): boolean {
  const [user = "", machine = "", session = ""] = parts.map(decoded);
  return NAME.test(user) && NAME.test(machine) && SESSION.test(session);
}

async function hostilePart(world: World, state: InboxState, index: number, segment: string) {
  const parts = state.path.split("/").slice(3);
  parts[index] = segment;
  const answer = await world.upgrade(`/ws/inbox/${parts.join("/")}`);
  if (isDotSegment(segment)) {
    assertEnvelope(answer, 404, "NOT_FOUND", world.secrets);
  } else if (wellFormed(parts)) {
    assert.equal(answer.status, 101, `${parts.join("/")}: HTTP ${answer.status}`);
    answer.socket?.cut();
  } else {
    assertEnvelope(answer, [400, 404], ["INVALID_SESSION_PATH", "NOT_FOUND"], world.secrets);
  }
}

const cases: FixedCase<InboxState>[] = [
  {
    id: "not-upgrade",
    input: "a plain GET of the inbox path",
    expected: "426 UPGRADE_REQUIRED envelope",
    async run(ctx) {
      assertEnvelope(
        await ctx.world.request("GET", ctx.state.path),
        426,
        "UPGRADE_REQUIRED",
        ctx.world.secrets,
      );
    },
  },
  {
    id: "path",
    input: `each hostile segment (${HOSTILE_SEGMENTS.length}) as the user, the machine and the session`,
    expected:
      "400 INVALID_SESSION_PATH (404 NOT_FOUND when a segment changes the route), unless the decoded path is well-formed (then the socket opens)",
    async run(ctx) {
      await inParallel(HOSTILE_SEGMENTS, 6, async (segment) => {
        for (const index of [0, 1, 2]) await hostilePart(ctx.world, ctx.state, index, segment);
      });
    },
  },
  {
    id: "not-yours",
    input:
      "a valid handshake on this inbox by another user (with `since_seq` 1,000,000), by another machine of the same user, and by the right machine naming another session in `hello`",
    expected: "`error` `forbidden` then close 4003; nothing is acknowledged or deleted",
    async run(ctx) {
      const { world } = ctx;
      const attempts: Array<[Agent, Json]> = [
        [world.intruder, { session: ctx.state.session, since_seq: 1_000_000 }],
        [ctx.state.sibling, { session: ctx.state.session, since_seq: 1_000_000 }],
        [world.member, { session: "other", since_seq: 1_000_000 }],
      ];
      for (const [agent, hello] of attempts) {
        const { socket, nonce } = await helloed(world, ctx.state.path, hello);
        socket.sendJson(authFrame(agent, ctx.state.path, nonce));
        await assertClosed(socket, { code: 4003, errors: ["forbidden"] }, world.secrets);
      }
    },
  },
  {
    id: "replayed-signature",
    input:
      "the owner's valid `auth` for this inbox replayed on a second socket (another nonce), and one made for a channel path",
    expected: "`error` `unauthorized` then close 4001",
    async run(ctx) {
      const { world } = ctx;
      const first = await helloed(world, ctx.state.path, { session: "legit" });
      const second = await helloed(world, ctx.state.path, { session: "legit" });
      second.socket.sendJson(authFrame(world.member, ctx.state.path, first.nonce));
      await assertClosed(second.socket, { code: 4001, errors: ["unauthorized"] }, world.secrets);
      first.socket.sendJson(
        authFrame(world.member, `/ws/channel/${world.publicChannel}`, first.nonce),
      );
      await assertClosed(first.socket, { code: 4001, errors: ["unauthorized"] }, world.secrets);
    },
  },
  {
    id: "channel-frames",
    input:
      "on the owner's own established inbox (no `since_seq`, so nothing is acknowledged): `post`, `history`, `who`, a channel admin op",
    expected:
      "`unknown_type` for the channel-only frames, `malformed` for the channel op; the socket stays",
    async run(ctx) {
      const { world } = ctx;
      const { socket } = await established(world, ctx.state.path, world.member, {
        session: ctx.state.session,
      });
      const frames: Array<[Json, string]> = [
        [{ type: "post", id: "p", payload: 1 }, "unknown_type"],
        [{ type: "history", id: "h" }, "unknown_type"],
        [{ type: "who", id: "w" }, "unknown_type"],
        [{ type: "admin", id: "a", op: "set_topic", topic: "x" }, "malformed"],
      ];
      for (const [frame, code] of frames) {
        socket.sendJson(frame);
        const error = await nextJson(socket, 15_000, String(frame.type));
        assert.deepEqual([error.type, error.code, error.id], ["error", code, frame.id]);
      }
      socket.close();
    },
  },
];

export const inboxGroup = defineGroup<InboxState>({
  id: "inbox",
  entry: "/ws/inbox/{user}/{machine}/{session}",
  ref: "agent channels §9; docs/agent-channels.md (Whispers and inboxes)",
  target: "the InboxObject of one session, holding a queued whisper",
  legitFlow:
    "another agent whispers to that session; its owner opens the inbox and receives both the new whisper and the one queued before the hostile traffic",
  async setup(world, rng) {
    const session = `in${rng.string(6)}`;
    const path = `/ws/inbox/${world.member.user}/${world.member.machine}/${session}`;
    // A whisper waits in the inbox before the hostile traffic starts.
    const sender = await established(world, `/ws/channel/${world.publicChannel}`, world.owner, {
      session: "sender",
    });
    const queued = `q-${rng.string(8)}`;
    sender.socket.sendJson({
      type: "whisper",
      id: queued,
      target: `${world.member.user}/${world.member.machine}/${session}`,
      payload: { queued: true },
    });
    for (;;) {
      const frame = await nextJson(sender.socket, 15_000, "whisper_ack");
      if (frame.type === "whisper_ack") break;
    }
    sender.socket.close();
    // The intruder's first refused handshake here records its machine (a documented
    // write for the kill switch): done before the snapshot.
    const refused = await helloed(world, path, { session });
    refused.socket.sendJson(authFrame(world.intruder, path, refused.nonce));
    await refused.socket.closed(15_000);
    // So does the owner's first handshake (without since_seq: nothing is acknowledged).
    (await established(world, path, world.member, { session })).socket.close();
    const sibling = await addMachine(world.gateway, world.member.user, `lap${rng.string(8)}`);
    const probe = await helloed(world, path, { session });
    probe.socket.sendJson(authFrame(sibling, path, probe.nonce));
    await probe.socket.closed(15_000);
    return { session, sibling, path, queued };
  },
  objects: (state) => [{ binding: "INBOX", name: state.path.slice("/ws/inbox/".length) }],
  cases,
  families: [
    {
      id: "path.random",
      input: "seeded random user, machine and session segments",
      outcomes: {
        any: "400 INVALID_SESSION_PATH or 404 NOT_FOUND, or an open socket for a well-formed path",
      },
      async run(ctx, count, record) {
        for (let i = 0; i < count; i += 1) {
          const segment = randomSegment(ctx.rng);
          try {
            await hostilePart(ctx.world, ctx.state, ctx.rng.int(0, 2), segment);
          } catch (err) {
            record(segment, err);
          }
        }
        return count;
      },
    },
  ],
  async legit(world, state) {
    await inboxFlow(world, world.owner, world.member, state.session, [{ queued: true }]);
  },
});
