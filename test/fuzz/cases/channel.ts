/**
 * The channel socket `/ws/channel/{name}` (agent channels §3–§10, docs/agent-channels.md).
 * Two groups: the handshake of a private channel (hostile names, frames before `hello`,
 * version and shape errors, forged, replayed and misdirected signatures, non-members,
 * silence, oversize), which must store nothing; and an authenticated non-admin on a public
 * channel (a forged `from`, moderation and server ops it may not use, bad history ranges,
 * oversize, floods past the rate limit, seeded mutations of every frame), which may store
 * exactly the posts it was acked for, stamped with its own path.
 */
import assert from "node:assert/strict";
import { AgentKey } from "../../harness/agent.ts";
import { type CaseContext, defineGroup, type FixedCase } from "../case.ts";
import {
  assertClosed,
  assertEnvelope,
  assertSilent,
  inParallel,
  nextError,
  nextJson,
} from "../checks.ts";
import { HOSTILE_SEGMENTS, isDotSegment, randomSegment } from "../hostile.ts";
import { HOSTILE_STRINGS, Invalid, mutate, type Outcome, type Shape } from "../mutate.ts";
import { Opcode, type RawSocket } from "../raw-socket.ts";
import { channelFlow, type World } from "../world.ts";
import { authFrame, established, helloed, type Json } from "./agent-raw.ts";

const CHANNEL_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const MAX_FRAME = 16_384;

function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

// ---- the handshake of a private channel ----

interface HandshakeState {
  path: string;
}
type HCtx = CaseContext<HandshakeState>;

async function refusedAuth(ctx: HCtx, socket: RawSocket, auth: Json, close: number, code: string) {
  socket.sendJson(auth);
  await assertClosed(socket, { code: close, errors: [code] }, ctx.world.secrets);
}

const handshakeCases: FixedCase<HandshakeState>[] = [
  {
    id: "not-upgrade",
    input: "a plain GET of the channel path",
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
    id: "names",
    input: `each hostile segment (${HOSTILE_SEGMENTS.length}) as the channel name`,
    expected:
      "400 INVALID_CHANNEL_NAME unless the decoded name is well-formed (then the socket opens, for an unknown channel); a dot segment leaves the route: 404 NOT_FOUND",
    async run(ctx) {
      await inParallel(HOSTILE_SEGMENTS, 6, (segment) => hostileName(ctx.world, segment));
    },
  },
  {
    id: "before-hello",
    input: "before `hello`: a `post` with an id, an `auth`, a `who`, junk text",
    expected:
      "`error` `unauthorized` (`id` echoed) for each frame, `malformed` for the junk; the socket stays open",
    async run(ctx) {
      const socket = await ctx.world.socket(ctx.state.path);
      socket.sendJson({ type: "post", id: "p-1", payload: 1 });
      assert.equal((await nextError(socket, "unauthorized", "post before hello")).id, "p-1");
      socket.sendJson(authFrame(ctx.world.member, ctx.state.path, "nonce"));
      await nextError(socket, "unauthorized", "auth before hello");
      socket.sendJson({ type: "who", id: "w-1" });
      assert.equal((await nextError(socket, "unauthorized", "who before hello")).id, "w-1");
      socket.send("{junk");
      await nextError(socket, "malformed", "junk");
      await assertSilent(socket, 100);
      socket.close();
    },
  },
  {
    id: "hello-shapes",
    input:
      '`hello` with `protocol_version` 2 (also with an unknown field), `"1"`, a bad session name, an unknown field, a 65-character invite',
    expected:
      "`version_mismatch` with `supported_versions: [1]` then close 4013 for version 2 (answered before strict validation); `malformed` / `malformed` / `unknown_field` / `malformed` otherwise, the socket staying open",
    async run(ctx) {
      for (const hello of [{ protocol_version: 2 }, { protocol_version: 2, future_field: true }]) {
        const socket = await ctx.world.socket(ctx.state.path);
        socket.sendJson({ type: "hello", session: "s", ...hello });
        const [error] = await assertClosed(
          socket,
          { code: 4013, errors: ["version_mismatch"] },
          ctx.world.secrets,
        );
        assert.deepEqual(error?.supported_versions, [1]);
      }
      const shapes: Array<[Json, string]> = [
        [{ protocol_version: "1", session: "s" }, "malformed"],
        [{ protocol_version: 1, session: "Bad Session" }, "malformed"],
        [{ protocol_version: 1, session: "s", zz: 1 }, "unknown_field"],
        [{ protocol_version: 1, session: "s", invite: "i".repeat(65) }, "malformed"],
      ];
      for (const [hello, code] of shapes) {
        const socket = await ctx.world.socket(ctx.state.path);
        socket.sendJson({ type: "hello", ...hello });
        await nextError(socket, code, JSON.stringify(hello));
        await assertSilent(socket, 50);
        socket.close();
      }
    },
  },
  {
    id: "second-hello",
    input: "a second `hello` after the challenge",
    expected: "`error` `malformed`; the socket stays open",
    async run(ctx) {
      const { socket } = await helloed(ctx.world, ctx.state.path, { session: "s" });
      socket.sendJson({ type: "hello", protocol_version: 1, session: "s" });
      await nextError(socket, "malformed", "second hello");
      socket.close();
    },
  },
  {
    id: "signatures",
    input:
      "`auth` signed with a random 86-character string, with another agent's key, over another socket's nonce, over another endpoint path, over the decoded path of a percent-encoded URL, for an unknown user and an unknown machine",
    expected: "`error` `unauthorized` then close 4001 (one opaque answer for every cause)",
    async run(ctx) {
      const { world } = ctx;
      const path = ctx.state.path;
      const member = world.member;
      const variants: Array<(nonce: string, other: string) => Json> = [
        () => ({
          type: "auth",
          user: member.user,
          machine: member.machine,
          signature: "A".repeat(86),
        }),
        (nonce) => ({
          ...authFrame(world.intruder, path, nonce),
          user: member.user,
          machine: member.machine,
        }),
        (_nonce, other) => authFrame(member, path, other),
        (nonce) => authFrame(member, `/ws/channel/${world.publicChannel}`, nonce),
        (nonce) => authFrame(member, path, `${nonce}x`),
        (nonce) => ({ ...authFrame(member, path, nonce), user: "nosuchuser" }),
        (nonce) => ({ ...authFrame(member, path, nonce), machine: "nosuchmachine" }),
      ];
      for (const variant of variants) {
        const first = await helloed(world, path, { session: "s" });
        const second = await helloed(world, path, { session: "t" });
        await refusedAuth(
          ctx,
          first.socket,
          variant(first.nonce, second.nonce),
          4001,
          "unauthorized",
        );
        second.socket.close();
      }
      const encoded = path.replace("/ws/channel/", "/ws/channel/%66").replace("%66f", "%66");
      const raw = await helloed(world, encoded, { session: "s" });
      await refusedAuth(ctx, raw.socket, authFrame(member, path, raw.nonce), 4001, "unauthorized");
    },
  },
  {
    id: "non-member",
    input:
      "a valid handshake by a non-member of the private channel: without an invite, and with a well-formed unknown invite",
    expected: "`error` `forbidden` then close 4003",
    async run(ctx) {
      for (const hello of [
        { session: "s" },
        { session: "s", invite: AgentKey.generate().pubkey.slice(0, 32) },
      ]) {
        const { socket, nonce } = await helloed(ctx.world, ctx.state.path, hello);
        await refusedAuth(
          ctx,
          socket,
          authFrame(ctx.world.intruder, ctx.state.path, nonce),
          4003,
          "forbidden",
        );
      }
    },
  },
  {
    id: "silence",
    input: "`hello`, then nothing",
    expected:
      "`error` `unauthorized` then close 4007 at the handshake deadline (AGENT_HANDSHAKE_TIMEOUT_MS)",
    async run(ctx) {
      const { socket } = await helloed(ctx.world, ctx.state.path, { session: "s" });
      await assertClosed(
        socket,
        { code: 4007, errors: ["unauthorized"], timeoutMs: 8000 },
        ctx.world.secrets,
      );
    },
  },
  {
    id: "oversize-and-binary",
    input:
      "a binary frame, a text frame of invalid UTF-8 bytes, then a 16,385-byte text frame (multibyte characters)",
    expected:
      "`malformed` for the binary frame and for the invalid bytes (the runtime delivers them as text that is not JSON; the socket stays), then `too_large` and close 4008",
    async run(ctx) {
      const socket = await ctx.world.socket(ctx.state.path);
      socket.send(Buffer.from('{"type":"hello"}'), Opcode.binary);
      await nextError(socket, "malformed", "binary");
      socket.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]));
      await nextError(socket, "malformed", "invalid UTF-8");
      socket.send(JSON.stringify({ type: "hello", pad: "é".repeat(8200) }));
      await assertClosed(socket, { code: 4008, errors: ["too_large"] }, ctx.world.secrets);
    },
  },
];

/** A hostile channel name: the documented answer by what the name decodes to. */
async function hostileName(world: World, segment: string): Promise<void> {
  const answer = await world.upgrade(`/ws/channel/${segment}`);
  if (isDotSegment(segment)) {
    assertEnvelope(answer, 404, "NOT_FOUND", world.secrets);
  } else if (CHANNEL_NAME.test(decoded(segment))) {
    assert.equal(answer.status, 101, `${segment}: HTTP ${answer.status}`);
    answer.socket?.cut();
  } else {
    assertEnvelope(answer, 400, "INVALID_CHANNEL_NAME", world.secrets);
  }
}

export const channelHandshakeGroup = defineGroup<HandshakeState>({
  id: "channel-handshake",
  entry: "/ws/channel/{name} (handshake)",
  ref: "agent channels §3, §10; docs/agent-channels.md (Sockets, Handshake, Frames)",
  target: "the ChannelObject of a private channel",
  legitFlow:
    "its admin and a member join, one posts, the other receives the message from the right path; `who` lists both, `history` returns the post",
  async setup(world) {
    const path = `/ws/channel/${world.privateChannel}`;
    const owner = await established(world, path, world.owner, { session: "setup" });
    owner.socket.sendJson({ type: "admin", id: "acl", op: "acl_add", user: world.member.user });
    const result = await nextJson(owner.socket, 15_000, "admin_result");
    assert.equal(result.type, "admin_result", JSON.stringify(result));
    owner.socket.close();
    // Each principal's first handshake here records its machine for the kill switch (a
    // documented write): done before the snapshot, so the cases themselves store nothing.
    (await established(world, path, world.member, { session: "setup" })).socket.close();
    const refused = await helloed(world, path, { session: "setup" });
    refused.socket.sendJson(authFrame(world.intruder, path, refused.nonce));
    await refused.socket.closed(15_000);
    return { path };
  },
  objects: (state) => [{ binding: "CHANNEL", name: state.path.slice("/ws/channel/".length) }],
  cases: handshakeCases,
  families: [
    {
      id: "names.random",
      input: "seeded random channel names (random bytes percent-encoded, random printable text)",
      outcomes: {
        any: "400 INVALID_CHANNEL_NAME, 404 NOT_FOUND, or an open socket for a well-formed name",
      },
      async run(ctx, count, record) {
        for (let i = 0; i < count; i += 1) {
          const segment = randomSegment(ctx.rng);
          try {
            const answer = await ctx.world.upgrade(`/ws/channel/${segment}`);
            if (answer.status === 101) {
              assert.ok(CHANNEL_NAME.test(decoded(segment)), `opened for ${segment}`);
              answer.socket?.cut();
            } else {
              assertEnvelope(
                answer,
                [400, 404],
                ["INVALID_CHANNEL_NAME", "NOT_FOUND"],
                ctx.world.secrets,
              );
            }
          } catch (err) {
            record(segment, err);
          }
        }
        return count;
      },
    },
  ],
  legit: (world) => channelFlow(world, world.privateChannel, world.owner, world.member),
});

// ---- an authenticated non-admin on a public channel ----

interface LiveState {
  path: string;
  hostile: RawSocket;
  /** The member's socket, receiving every broadcast. */
  watcher: RawSocket;
  intruderPath: string;
  /** Posts acked to the hostile socket, by seq: the only changes it may make. */
  acked: Map<number, string>;
  /**
   * The payload each seeded post must be delivered with: the JSON value the text holds
   * (numbers are doubles, so `1e400` is `null` once re-serialised), by seq.
   */
  payloads: Map<number, string>;
}
type LCtx = CaseContext<LiveState>;

async function hostileSocket(world: World, path: string): Promise<RawSocket> {
  const { socket } = await established(world, path, world.intruder, { session: "hostile" });
  world.keep(socket);
  return socket;
}

/** The hostile socket, re-established if a case closed it. */
async function live(ctx: LCtx): Promise<RawSocket> {
  if (ctx.state.hostile.isClosed)
    ctx.state.hostile = await hostileSocket(ctx.world, ctx.state.path);
  return ctx.state.hostile;
}

/** Sends and waits for the next frame that is not a presence broadcast. */
async function ask(socket: RawSocket, frame: Json | string, what: string): Promise<Json> {
  socket.send(typeof frame === "string" ? frame : JSON.stringify(frame));
  for (;;) {
    const answer = await nextJson(socket, 15_000, what);
    if (answer.type !== "presence" && answer.type !== "message") return answer;
  }
}

const liveCases: FixedCase<LiveState>[] = [
  {
    id: "forged-from",
    input: "a `post` carrying `from` set to the channel admin's path",
    expected: "`error` `unknown_field` with the id; nothing stored or delivered",
    async run(ctx) {
      const socket = await live(ctx);
      const from = `${ctx.world.owner.user}/${ctx.world.owner.machine}/main`;
      const answer = await ask(
        socket,
        { type: "post", id: "forged", payload: "x", from },
        "the refusal",
      );
      assert.deepEqual([answer.type, answer.code, answer.id], ["error", "unknown_field", "forged"]);
    },
  },
  {
    id: "handshake-again",
    input: "`hello` and `auth` on an established socket",
    expected: "`error` `malformed` each; the socket stays established",
    async run(ctx) {
      const socket = await live(ctx);
      const hello = await ask(
        socket,
        { type: "hello", protocol_version: 1, session: "other" },
        "hello",
      );
      assert.deepEqual([hello.type, hello.code], ["error", "malformed"]);
      const auth = await ask(socket, authFrame(ctx.world.owner, ctx.state.path, "n"), "auth");
      assert.deepEqual([auth.type, auth.code], ["error", "malformed"]);
    },
  },
  {
    id: "moderation",
    input:
      "every channel op by a non-admin: set_topic, set_visibility private, acl_add, acl_remove and ban of the admin, kick of the admin's path, invite_create/revoke/list, unban, ban_list, delete_channel",
    expected: "`error` `forbidden` with the id each time; nothing changes",
    async run(ctx) {
      const socket = await live(ctx);
      const owner = ctx.world.owner.user;
      const ops: Json[] = [
        { op: "set_topic", topic: "pwned" },
        { op: "set_visibility", visibility: "private" },
        { op: "acl_add", user: ctx.world.intruder.user },
        { op: "acl_remove", user: owner },
        { op: "ban", user: owner },
        { op: "unban", user: owner },
        { op: "ban_list" },
        { op: "kick", path: `${owner}/${ctx.world.owner.machine}/legit-a` },
        { op: "invite_create", uses: 5 },
        { op: "invite_revoke", invite_id: "inv_x" },
        { op: "invite_list" },
        { op: "delete_channel" },
      ];
      for (const [i, op] of ops.entries()) {
        const answer = await ask(socket, { type: "admin", id: `m${i}`, ...op }, String(op.op));
        assert.deepEqual(
          [answer.type, answer.code, answer.id],
          ["error", "forbidden", `m${i}`],
          JSON.stringify(op),
        );
      }
    },
  },
  {
    id: "server-ops",
    input:
      "server-wide ops by a non-admin: create_channel, list_users, remove_user of another user, add_machine and remove_machine on another user",
    expected:
      "`error` `forbidden` with the id each time (a user may manage only their own machines)",
    async run(ctx) {
      const socket = await live(ctx);
      const victim = ctx.world.member.user;
      const ops: Json[] = [
        { op: "create_channel", name: `evil-${ctx.world.tag}`, visibility: "public" },
        { op: "list_users" },
        { op: "remove_user", user: victim },
        { op: "add_machine", user: victim, name: "evil", pubkey: AgentKey.generate().pubkey },
        { op: "remove_machine", user: victim, name: ctx.world.member.machine },
      ];
      for (const [i, op] of ops.entries()) {
        const answer = await ask(socket, { type: "admin", id: `s${i}`, ...op }, String(op.op));
        assert.deepEqual(
          [answer.type, answer.code, answer.id],
          ["error", "forbidden", `s${i}`],
          JSON.stringify(op),
        );
      }
    },
  },
  {
    id: "whispers",
    input:
      "`whisper` to hostile targets (traversal, NUL, RTL, 300 chars, missing parts) and to an unknown user",
    expected:
      "`malformed` for a target that is not a session path, `not_found` for an unknown user; nothing stored",
    async run(ctx) {
      const socket = await live(ctx);
      const targets = [
        "../../x",
        "a/b",
        "a/b/c/d",
        "a\u0000/b/c",
        "\u202ea/b/c",
        `${"a".repeat(300)}/b/c`,
        "A/B/C",
        "",
      ];
      for (const [i, target] of targets.entries()) {
        const answer = await ask(
          socket,
          { type: "whisper", id: `w${i}`, target, payload: 1 },
          target,
        );
        assert.deepEqual(
          [answer.type, answer.code, answer.id],
          ["error", "malformed", `w${i}`],
          target,
        );
      }
      const unknown = await ask(
        socket,
        { type: "whisper", id: "wu", target: "nosuchuser/desk/s", payload: 1 },
        "unknown",
      );
      assert.deepEqual([unknown.type, unknown.code, unknown.id], ["error", "not_found", "wu"]);
    },
  },
  {
    id: "history-ranges",
    input:
      '`history` with `limit` 0, 1001, 1.5, "5", `before_seq` -1, `after_seq` 1e400, and `since`-style junk fields; then `limit` 1000',
    expected:
      "`malformed` (or `unknown_field` for the junk field) with the id; the valid one answers `history`",
    async run(ctx) {
      const socket = await live(ctx);
      const bad: Array<[string, string]> = [
        ['"limit":0', "malformed"],
        ['"limit":1001', "malformed"],
        ['"limit":1.5', "malformed"],
        ['"limit":"5"', "malformed"],
        ['"before_seq":-1', "malformed"],
        ['"after_seq":1e400', "malformed"],
        ['"since_seq":3', "unknown_field"],
      ];
      for (const [i, [field, code]] of bad.entries()) {
        const answer = await ask(socket, `{"type":"history","id":"h${i}",${field}}`, field);
        assert.deepEqual([answer.type, answer.code, answer.id], ["error", code, `h${i}`], field);
      }
      const ok = await ask(socket, { type: "history", id: "hok", limit: 1000 }, "history");
      assert.equal(ok.type, "history");
      assert.equal(ok.id, "hok");
    },
  },
  {
    id: "repost",
    input: "a `post`, then the same id again with another payload",
    expected: "the original `ack` (same seq) both times; one message stored and delivered",
    async run(ctx) {
      const socket = await live(ctx);
      const id = `re-${ctx.rng.string(8)}`;
      const first = await ask(socket, { type: "post", id, payload: { n: 1 } }, "ack");
      const second = await ask(socket, { type: "post", id, payload: { n: 2 } }, "ack");
      assert.equal(first.type, "ack");
      assert.deepEqual(second, first);
      ctx.state.acked.set(first.seq as number, id);
    },
  },
  {
    id: "oversize",
    input: "a `post` of 16,385 bytes",
    expected: "`error` `too_large` then close 4008 (nothing stored); the agent may reconnect",
    async run(ctx) {
      const socket = await live(ctx);
      socket.send(JSON.stringify({ type: "post", id: "big", payload: "x".repeat(MAX_FRAME) }));
      await assertClosed(
        socket,
        { code: 4008, errors: ["too_large"] },
        ctx.world.secrets,
        (f) => f.type === "presence" || f.type === "message",
      );
    },
  },
  {
    id: "flood",
    input: "600 posts in one burst (burst limit 200, 100 a second)",
    expected:
      "acks for the frames within the limit, then `rate_limited` warnings carrying the dropped frames' ids, close 4009 at the 5th violation; exactly the acked posts are stored",
    async run(ctx) {
      const socket = await live(ctx);
      const prefix = `fl-${ctx.rng.string(6)}-`;
      for (let i = 0; i < 600; i += 1)
        socket.sendJson({ type: "post", id: `${prefix}${i}`, payload: i });
      const closed = await socket.closed(10_000);
      assert.equal(closed.code, 4009);
      const frames = socket.texts(true).filter((f) => f.type === "ack" || f.type === "error");
      const acks = frames.filter((f) => f.type === "ack");
      const warnings = frames.filter((f) => f.type === "error");
      assert.equal(warnings.length, 5, JSON.stringify(warnings).slice(0, 300));
      assert.ok(
        warnings.every((w) => w.code === "rate_limited" && String(w.id).startsWith(prefix)),
      );
      assert.ok(acks.length >= 200, `${acks.length} acks`);
      const ackedIds = new Set(acks.map((a) => String(a.id)));
      assert.ok(
        warnings.every((w) => !ackedIds.has(String(w.id))),
        "a warned frame was also acked",
      );
      for (const ack of acks) ctx.state.acked.set(ack.seq as number, String(ack.id));
    },
  },
];

/** Shapes of every client frame of a channel socket (§3–§9), as documented. */
function channelShapes(world: World): Array<{ base: Json; shape: Shape }> {
  const known = ["hello", "auth", "post", "history", "who", "ping", "whisper", "admin"];
  const id = {
    required: true,
    invalid: [...Invalid.notString, '""', JSON.stringify("i".repeat(65))],
  };
  const seq = { invalid: [...Invalid.notNumber, ...Invalid.notInteger, "-1", "9007199254740993"] };
  return [
    {
      base: { type: "post", id: "x", payload: { text: "hi" } },
      shape: {
        type: "post",
        knownTypes: known,
        fields: { id, payload: { required: true, opaque: true } },
        strict: true,
        maxBytes: MAX_FRAME,
      },
    },
    {
      base: { type: "history", id: "h", limit: 2, after_seq: 0 },
      shape: {
        type: "history",
        knownTypes: known,
        fields: {
          id: { invalid: id.invalid },
          limit: { invalid: [...Invalid.notNumber, ...Invalid.notInteger, "0", "1001"] },
          before_seq: seq,
          after_seq: seq,
        },
        strict: true,
        maxBytes: MAX_FRAME,
      },
    },
    {
      base: { type: "who", id: "w" },
      shape: {
        type: "who",
        knownTypes: known,
        fields: { id: { invalid: id.invalid } },
        strict: true,
        maxBytes: MAX_FRAME,
      },
    },
    {
      base: { type: "whisper", id: "x", target: `nosuch${world.tag}/m/s`, payload: 1 },
      shape: {
        type: "whisper",
        knownTypes: known,
        fields: {
          id,
          target: { required: true, invalid: [...HOSTILE_STRINGS, ...Invalid.notString] },
          payload: { required: true, opaque: true },
        },
        strict: true,
        maxBytes: MAX_FRAME,
      },
    },
    {
      base: { type: "admin", id: "a", op: "set_topic", topic: "t" },
      shape: {
        type: "admin",
        knownTypes: known,
        fields: {
          id,
          op: {
            required: true,
            discriminator: true,
            invalid: [...Invalid.notString, '"set_topics"', '""', '"SET_TOPIC"'],
          },
          topic: {
            required: true,
            invalid: [...Invalid.notString, JSON.stringify("t".repeat(257))],
          },
        },
        strict: true,
        maxBytes: MAX_FRAME,
      },
    },
  ];
}

/** The documented error code of each class of invalid frame (§10 table). */
const ERROR_OF: Record<Exclude<Outcome, "valid" | "too_large" | "version_mismatch">, string> = {
  not_json: "malformed",
  not_object: "malformed",
  no_type: "malformed",
  unknown_type: "unknown_type",
  unknown_field: "unknown_field",
  invalid_field: "malformed",
};

/** The `id` an error must echo: the final frame's string `id` of at most 64 characters. */
function echoedId(text: string): string | undefined {
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
    const id = (value as { id?: unknown }).id;
    return typeof id === "string" && id.length <= 64 ? id : undefined;
  } catch {
    return undefined;
  }
}

/** The normal answer to a valid mutated frame of `type` from a non-admin. */
function checkValid(ctx: LCtx, type: string, text: string, answer: Json): void {
  const frame = JSON.parse(text) as Json;
  switch (type) {
    case "post":
      assert.equal(answer.type, "ack", JSON.stringify(answer));
      assert.equal(answer.id, frame.id);
      if (!ctx.state.acked.has(answer.seq as number)) {
        ctx.state.acked.set(answer.seq as number, String(frame.id));
        ctx.state.payloads.set(answer.seq as number, JSON.stringify(frame.payload));
      }
      return;
    case "history":
    case "who":
      assert.equal(answer.type, type, JSON.stringify(answer));
      if (frame.id !== undefined) assert.equal(answer.id, frame.id);
      return;
    case "whisper":
      assert.deepEqual([answer.type, answer.code, answer.id], ["error", "not_found", frame.id]);
      return;
    default:
      assert.deepEqual([answer.type, answer.code, answer.id], ["error", "forbidden", frame.id]);
  }
}

export const channelLiveGroup = defineGroup<LiveState>({
  id: "channel-live",
  entry: "/ws/channel/{name} (established)",
  ref: "agent channels §4–§10; docs/agent-channels.md (Frames, Messages, Moderation)",
  target: "the ChannelObject of a public channel, with a non-admin agent established on it",
  legitFlow:
    "two members post and receive on the same channel (`who`, `history` work); a member who watched throughout received every post acked to the hostile agent exactly once, in `seq` order, stamped with the hostile agent's own path",
  async setup(world) {
    const path = `/ws/channel/${world.publicChannel}`;
    const watcher = (await established(world, path, world.member, { session: "watch" })).socket;
    world.keep(watcher);
    const hostile = await hostileSocket(world, path);
    return {
      path,
      hostile,
      watcher,
      intruderPath: `${world.intruder.user}/${world.intruder.machine}/hostile`,
      acked: new Map(),
      payloads: new Map(),
    };
  },
  objects: (state) => [{ binding: "CHANNEL", name: state.path.slice("/ws/channel/".length) }],
  cases: liveCases,
  families: [
    {
      id: "live.mutations",
      input:
        "seeded mutations of `post`, `history`, `who`, `whisper` and `admin` on the established socket",
      outcomes: {
        valid:
          "the frame's own answer: `ack` (stored), `history`, `who`, `not_found` (unknown whisper target), `forbidden` (admin op)",
        too_large: "`too_large`, close 4008 (the agent reconnects)",
        unknown_type: "`unknown_type`",
        unknown_field: "`unknown_field`",
        "anything else": "`malformed`; every error echoes the frame's `id`",
      },
      async run(ctx, count, record) {
        const shapes = channelShapes(ctx.world);
        for (let i = 0; i < count; i += 1) {
          const picked = ctx.rng.pick(shapes);
          const shape = picked.shape;
          const base: Json = {
            ...picked.base,
            id: `${String(picked.base.id)}-${ctx.rng.string(10)}`,
          };
          const mutation = mutate(base, shape, ctx.rng);
          const label = `${String(base.type)}: ${mutation.ops.join(" + ")} → ${mutation.outcome}`;
          try {
            const socket = await live(ctx);
            if (mutation.outcome === "too_large") {
              socket.send(mutation.text);
              await assertClosed(
                socket,
                { code: 4008, errors: ["too_large"] },
                ctx.world.secrets,
                (f) => f.type === "presence" || f.type === "message",
              );
              continue;
            }
            const answer = await ask(socket, mutation.text, label);
            if (mutation.outcome === "valid") {
              checkValid(ctx, String(base.type), mutation.text, answer);
            } else {
              const code = ERROR_OF[mutation.outcome as keyof typeof ERROR_OF];
              assert.deepEqual(
                [answer.type, answer.code],
                ["error", code],
                JSON.stringify(answer).slice(0, 200),
              );
              assert.equal(answer.id, echoedId(mutation.text), "the error echoes the frame's id");
            }
          } catch (err) {
            record(label, err);
          }
        }
        return count;
      },
    },
  ],
  explain(diff, state) {
    return diff.filter((line) => {
      const json = line.replace(/^.*? (lost|gained) /, "");
      if (line.includes(".seq_logs ")) return false;
      if (line.includes(".presence ")) return !json.includes(`"${state.intruderPath}"`);
      if (line.includes(".messages gained ")) {
        const row = JSON.parse(json) as { seq: number; sender: string; client_id: string };
        return !(row.sender === state.intruderPath && state.acked.get(row.seq) === row.client_id);
      }
      return true;
    });
  },
  async legit(world, state) {
    await channelFlow(world, world.publicChannel, world.member, world.owner);
    // Every acked post reached the watcher once, in seq order, from the hostile path.
    const delivered = state.watcher
      .texts()
      .filter((f) => f.type === "message" && f.from === state.intruderPath)
      .map((f) => f.seq as number);
    const acked = [...state.acked.keys()].sort((a, b) => a - b);
    assert.deepEqual(delivered, acked, "deliveries of the hostile agent's acked posts");
    // A seeded post is delivered with exactly the JSON value it was posted with.
    for (const message of state.watcher.texts().filter((f) => f.type === "message")) {
      const expected = state.payloads.get(message.seq as number);
      if (expected !== undefined) {
        assert.equal(
          JSON.stringify(message.payload),
          expected,
          `payload of seq ${String(message.seq)}`,
        );
      }
    }
    state.watcher.close();
    state.hostile.close();
  },
});
