/**
 * The operator gateway `/ws/operator` (operator gateway §1–§6, docs/operator-gateway.md):
 * broken first frames and `connect` params, every kind of wrong credential, replayed,
 * stale and tampered device signatures, scope escalation, floods, oversized and binary
 * frames, garbage after the handshake, and seeded mutations of all of it, aimed at the one
 * `OperatorHubObject`. Operator tokens must be unchanged, no other data touched, and a real
 * `@openclaw/gateway-client` must then connect and see a bot come online.
 */
import assert from "node:assert/strict";
import { api } from "../../harness/gateway.ts";
import {
  connectParams,
  connectRealClient,
  newDeviceIdentity,
  signedDevice,
} from "../../harness/operator.ts";
import { type CaseContext, defineGroup, type FixedCase } from "../case.ts";
import { assertClosed, assertEnvelope, assertNoLeak, nextJson } from "../checks.ts";
import { Invalid, mutate, type Shape } from "../mutate.ts";
import { Opcode, type RawSocket } from "../raw-socket.ts";
import type { BotCreds, World } from "../world.ts";

type Json = Record<string, unknown>;
type Identity = ReturnType<typeof newDeviceIdentity>;

interface OperatorState {
  /** Tokens by what they allow; `revoked` was revoked before the traffic. */
  read: string;
  approvals: string;
  write: string;
  revoked: string;
  device: Identity;
  /** A bot whose lobby the scopes case opens (made before the snapshot). */
  bot: BotCreds;
}
type Ctx = CaseContext<OperatorState>;

const PATH = "/ws/operator";
const MAX_PAYLOAD = 262_144;

let failureAddress = 0;
/**
 * A fresh client address for an attempt that fails authentication: failures are counted per
 * address (10 a minute), and only the rate-limit case means to exceed that.
 */
function failingIp(): string {
  failureAddress += 1;
  return `10.77.${(failureAddress >> 8) & 255}.${failureAddress & 255}`;
}

const ip = (address: string): Array<[string, string]> => [["CF-Connecting-IP", address]];

/** A raw socket with the challenge read. */
async function challenged(
  world: World,
  address?: string,
): Promise<{ socket: RawSocket; nonce: string; ts: number }> {
  const socket = await world.socket(PATH, address ? ip(address) : []);
  const challenge = await nextJson(socket, 5000, "connect.challenge");
  assert.equal(challenge.event, "connect.challenge");
  assert.equal(challenge.seq, undefined, "the challenge carries no seq");
  const payload = challenge.payload as { nonce: string; ts: number };
  assert.ok(typeof payload.nonce === "string" && payload.nonce.length > 0);
  assert.ok(Number.isSafeInteger(payload.ts));
  return { socket, nonce: payload.nonce, ts: payload.ts };
}

/** Sends `connect` with `params` and returns the `res`. */
async function connectWith(socket: RawSocket, params: unknown, id = "c"): Promise<Json> {
  socket.sendJson({ type: "req", id, method: "connect", params });
  const res = await nextJson(socket, 10_000, "the connect response");
  assert.equal(res.type, "res");
  assert.equal(res.id, id);
  return res;
}

/** A socket past `connect` with `token`. */
async function live(world: World, token: string, overrides: Json = {}): Promise<RawSocket> {
  const { socket } = await challenged(world);
  const res = await connectWith(socket, connectParams(token, overrides));
  assert.equal(res.ok, true, `connect: ${JSON.stringify(res).slice(0, 300)}`);
  return socket;
}

/** The next `res` with `id` (events in between are skipped). */
async function resOf(socket: RawSocket, id: string, what: string): Promise<Json> {
  for (;;) {
    const frame = await nextJson(socket, 10_000, what);
    if (frame.type === "res" && frame.id === id) return frame;
  }
}

async function request(socket: RawSocket, id: string, method: string, params?: unknown) {
  socket.sendJson({ type: "req", id, method, ...(params === undefined ? {} : { params }) });
  return resOf(socket, id, `the res of ${method}`);
}

/** A `res` error with this `code` and `details.code`. */
function assertError(res: Json, code: string, detail?: string, message?: RegExp): void {
  assert.equal(res.ok, false, `expected an error, got ${JSON.stringify(res).slice(0, 300)}`);
  const error = res.error as Json;
  assert.equal(error.code, code, `error ${JSON.stringify(error).slice(0, 300)}`);
  if (detail !== undefined) assert.equal((error.details as Json | undefined)?.code, detail);
  if (message) assert.match(String(error.message), message);
}

/** The connect is refused with `detail` and the socket closed with `close`. */
async function refused(
  ctx: Ctx,
  params: unknown,
  detail: string,
  close = 1008,
  address = failingIp(),
): Promise<void> {
  const { socket } = await challenged(ctx.world, address);
  const res = await connectWith(socket, params);
  assertError(res, "INVALID_REQUEST", detail);
  assertNoLeak(JSON.stringify(res), ctx.world.secrets, "connect error");
  assert.equal((await socket.closed(5000)).code, close);
}

/** The documented `req` envelope (schema `RequestFrame`): strict. */
const REQUEST_SHAPE: Shape = {
  type: "req",
  knownTypes: ["req"],
  fields: {
    id: { required: true, invalid: [...Invalid.notString, '""'] },
    method: { required: true, invalid: [...Invalid.notString, '""'] },
    params: { opaque: true },
    traceparent: { invalid: [...Invalid.notString, JSON.stringify("t".repeat(129))] },
  },
  strict: true,
  maxBytes: MAX_PAYLOAD,
};

/** The documented `connect` params (schema `ConnectParams`, with the client leniency). */
const CONNECT_SHAPE: Shape = {
  fields: {
    minProtocol: {
      required: true,
      invalid: [...Invalid.notNumber, ...Invalid.notInteger, "0", "-3"],
    },
    maxProtocol: { required: true, invalid: [...Invalid.notNumber, ...Invalid.notInteger, "0"] },
    client: {
      required: true,
      invalid: [
        "null",
        "[]",
        "{}",
        '"cli"',
        '{"id":"cli","version":"1","platform":"linux"}',
        '{"id":"","version":"1","platform":"linux","mode":"cli"}',
        '{"id":"cli","version":"1","platform":"linux","mode":"cli","extra":1}',
      ],
    },
    role: { invalid: [...Invalid.notString, '""'] },
    scopes: {
      invalid: ['"operator.read"', "[1]", '[""]', "{}", JSON.stringify(Array(33).fill("x"))],
    },
    caps: { invalid: ['"x"', "[1]", '[""]', "{}"] },
    commands: { invalid: ['"x"', "[null]"] },
    permissions: { invalid: ['{"a":1}', "[]", '"x"'] },
    pathEnv: { invalid: [...Invalid.notString] },
    computerUse: { opaque: true },
    workerRuns: { opaque: true },
    device: { invalid: ["null", "1", "{}", '{"id":"x"}'] },
    auth: { invalid: ["null", "[]", '"token"', '{"token":1}', '{"user":"x"}'] },
    locale: { invalid: [...Invalid.notString] },
    userAgent: { invalid: [...Invalid.notString] },
  },
  strict: true,
  maxBytes: MAX_PAYLOAD - 100,
};

const cases: FixedCase<OperatorState>[] = [
  {
    id: "not-upgrade",
    input: "a plain GET of /ws/operator",
    expected: "426 UPGRADE_REQUIRED envelope",
    async run(ctx) {
      assertEnvelope(
        await ctx.world.request("GET", PATH),
        426,
        "UPGRADE_REQUIRED",
        ctx.world.secrets,
      );
    },
  },
  {
    id: "first-not-connect",
    input:
      "a `status` request as the first frame; then a `res` and an `event` frame as the first frame",
    expected:
      '`res` INVALID_REQUEST "invalid handshake: first request must be connect" then close 1008; a non-request first frame: close 1008, no `res`',
    async run(ctx) {
      const { socket } = await challenged(ctx.world);
      socket.sendJson({ type: "req", id: "s", method: "status" });
      const res = await nextJson(socket, 5000, "the refusal");
      assertError(
        res,
        "INVALID_REQUEST",
        undefined,
        /^invalid handshake: first request must be connect$/,
      );
      assert.equal((await socket.closed(5000)).code, 1008);
      for (const frame of [
        { type: "res", id: "x", ok: true },
        { type: "event", event: "tick" },
        "not json",
      ]) {
        const other = await challenged(ctx.world);
        other.socket.send(typeof frame === "string" ? frame : JSON.stringify(frame));
        await assertClosed(
          other.socket,
          { code: 1008, reason: "invalid request frame", errors: [] },
          ctx.world.secrets,
        );
      }
    },
  },
  {
    id: "binary-and-large",
    input: "a binary frame before and after connect; a 300 KB text frame before and after connect",
    expected: "binary: `res` id `invalid` then close 1003; over 262,144 bytes: close 1009",
    async run(ctx) {
      for (const before of [true, false]) {
        const socket = before
          ? (await challenged(ctx.world)).socket
          : await live(ctx.world, ctx.state.read);
        socket.send(new Uint8Array([1, 2, 3]), Opcode.binary);
        const res = await resOf(socket, "invalid", "the binary refusal");
        assertError(res, "INVALID_REQUEST", undefined, /binary/);
        assert.equal((await socket.closed(5000)).code, 1003);
        const big = before
          ? (await challenged(ctx.world)).socket
          : await live(ctx.world, ctx.state.read);
        big.send(
          JSON.stringify({
            type: "req",
            id: "b",
            method: "status",
            params: { x: "y".repeat(300_000) },
          }),
        );
        assert.equal((await big.closed(5000)).code, 1009);
      }
    },
  },
  {
    id: "protocol",
    input: "version ranges 5–9, 1–2 and 9–5",
    expected: "INVALID_REQUEST `PROTOCOL_MISMATCH` (details.expectedProtocol 4) then close 1002",
    async run(ctx) {
      for (const [minProtocol, maxProtocol] of [
        [5, 9],
        [1, 2],
        [9, 5],
      ]) {
        const { socket } = await challenged(ctx.world);
        const res = await connectWith(
          socket,
          connectParams(ctx.state.read, { minProtocol, maxProtocol }),
        );
        assertError(res, "INVALID_REQUEST", "PROTOCOL_MISMATCH", /^protocol mismatch$/);
        assert.equal(((res.error as Json).details as Json).expectedProtocol, 4);
        assert.equal((await socket.closed(5000)).code, 1002);
      }
    },
  },
  {
    id: "connect-params",
    input: "`connect` with an unknown top-level key, without `client`, with `role: node`",
    expected: "INVALID_REQUEST `invalid connect params: …` / `ROLE_NOT_SUPPORTED`, then close 1008",
    async run(ctx) {
      const { socket } = await challenged(ctx.world);
      const res = await connectWith(socket, { ...connectParams(ctx.state.read), admin: true });
      assertError(
        res,
        "INVALID_REQUEST",
        undefined,
        /^invalid connect params: unexpected property admin$/,
      );
      assert.equal((await socket.closed(5000)).code, 1008);
      const { client: _dropped, ...noClient } = connectParams(ctx.state.read);
      const second = await challenged(ctx.world);
      assertError(
        await connectWith(second.socket, noClient),
        "INVALID_REQUEST",
        undefined,
        /^invalid connect params/,
      );
      assert.equal((await second.socket.closed(5000)).code, 1008);
      await refused(ctx, connectParams(ctx.state.read, { role: "node" }), "ROLE_NOT_SUPPORTED");
    },
  },
  {
    id: "credentials",
    input:
      "no token, an empty one, a bot token, an agent public key, a revoked operator token, the admin token with a suffix, a well-formed random operator token",
    expected: "`AUTH_TOKEN_MISSING` / `AUTH_TOKEN_MISMATCH` then close 1008; no token row changes",
    async run(ctx) {
      const { world, state } = ctx;
      await refused(ctx, connectParams("", { auth: {} }), "AUTH_TOKEN_MISSING");
      await refused(ctx, connectParams(""), "AUTH_TOKEN_MISSING");
      for (const token of [
        world.victim.token,
        world.member.key.pubkey,
        state.revoked,
        `${world.gateway.adminToken}x`,
        `bgop_${"A".repeat(32)}`,
      ]) {
        await refused(ctx, connectParams(token), "AUTH_TOKEN_MISMATCH");
      }
    },
  },
  {
    id: "device",
    input:
      "a device proof replayed on another socket, signed 121 s ago, for other scopes, with another device id, with a garbage key",
    expected:
      "`DEVICE_AUTH_NONCE_MISMATCH` / `_SIGNATURE_EXPIRED` / `_SIGNATURE_INVALID` / `_DEVICE_ID_MISMATCH` / `_PUBLIC_KEY_INVALID`, then close 1008",
    async run(ctx) {
      const { state } = ctx;
      const params = connectParams(state.read, { scopes: ["operator.read"] });
      // A valid proof made for socket A, replayed on socket B.
      const a = await challenged(ctx.world);
      const replayed = signedDevice(state.device, params, a.nonce, a.ts);
      a.socket.cut();
      await refused(ctx, { ...params, device: replayed }, "DEVICE_AUTH_NONCE_MISMATCH");
      const each: Array<[string, (nonce: string, ts: number) => Json]> = [
        [
          "DEVICE_AUTH_SIGNATURE_EXPIRED",
          (n, ts) => ({ ...params, device: signedDevice(state.device, params, n, ts - 121_000) }),
        ],
        [
          "DEVICE_AUTH_SIGNATURE_INVALID",
          (n, ts) => ({
            ...params,
            scopes: ["operator.admin"],
            device: signedDevice(state.device, params, n, ts),
          }),
        ],
        [
          "DEVICE_AUTH_DEVICE_ID_MISMATCH",
          (n, ts) => ({
            ...params,
            device: { ...signedDevice(state.device, params, n, ts), id: "0".repeat(64) },
          }),
        ],
        [
          "DEVICE_AUTH_PUBLIC_KEY_INVALID",
          (n, ts) => ({
            ...params,
            device: { ...signedDevice(state.device, params, n, ts), publicKey: "bm90IGEga2V5" },
          }),
        ],
      ];
      for (const [code, build] of each) {
        const { socket, nonce, ts } = await challenged(ctx.world, failingIp());
        assertError(await connectWith(socket, build(nonce, ts)), "INVALID_REQUEST", code);
        assert.equal((await socket.closed(5000)).code, 1008);
      }
    },
  },
  {
    id: "rate-limited",
    input: "10 wrong tokens from one address, then the right one from it",
    expected: "the 11th attempt: `AUTH_RATE_LIMITED` (retryable, retryAfterMs) then close 1008",
    async run(ctx) {
      const address = failingIp();
      for (let i = 0; i < 10; i += 1) {
        await refused(
          ctx,
          connectParams(`bgop_${"B".repeat(32)}`),
          "AUTH_TOKEN_MISMATCH",
          1008,
          address,
        );
      }
      const { socket } = await challenged(ctx.world, address);
      const res = await connectWith(socket, connectParams(ctx.state.read));
      assertError(res, "INVALID_REQUEST", "AUTH_RATE_LIMITED");
      const error = res.error as Json;
      assert.equal(error.retryable, true);
      assert.ok(Number(error.retryAfterMs) > 0 && Number(error.retryAfterMs) <= 60_000);
      assert.equal((await socket.closed(5000)).code, 1008);
    },
  },
  {
    id: "after-connect",
    input:
      "a second `connect` (with the admin token), a method without its scope, an unknown method, bad params, non-JSON",
    expected:
      '"already connected" (scopes unchanged), `FORBIDDEN` `MISSING_SCOPE`, "unknown method: …", "invalid … params", `res` id `invalid`; the socket stays',
    async run(ctx) {
      const socket = await live(ctx.world, ctx.state.read, { scopes: ["operator.admin"] });
      const again = await connectWith(socket, connectParams(ctx.world.gateway.adminToken), "c2");
      assertError(again, "INVALID_REQUEST", undefined, /^already connected$/);
      const refusedWrite = await request(socket, "w", "chat.send", {
        channel: "x",
        payload: 1,
        idempotencyKey: "k",
      });
      assertError(refusedWrite, "FORBIDDEN", "MISSING_SCOPE");
      assert.deepEqual((refusedWrite.error as Json).details, {
        code: "MISSING_SCOPE",
        missingScope: "operator.write",
        requiredScopes: ["operator.write"],
      });
      assertError(
        await request(socket, "u", "system.exec"),
        "INVALID_REQUEST",
        undefined,
        /^unknown method: system\.exec$/,
      );
      assertError(
        await request(socket, "p", "status", { verbose: true }),
        "INVALID_REQUEST",
        undefined,
        /^invalid status params/,
      );
      socket.send("{nope");
      assertError(
        await resOf(socket, "invalid", "the non-JSON answer"),
        "INVALID_REQUEST",
        undefined,
        /not JSON/,
      );
      assert.equal((await request(socket, "s", "status")).ok, true);
      socket.close();
    },
  },
  {
    id: "scopes",
    input: "an approvals-only token while a bot comes online; a read token asking for admin",
    expected:
      "no `presence` event without read (ticks and approval events only; `features` lists just the approval methods), hello-ok auth.scopes never beyond the token's",
    async run(ctx) {
      const socket = await live(ctx.world, ctx.state.approvals);
      const hello = socket.texts().find((f) => f.type === "res") as Json;
      const features = (hello.payload as Json).features as { methods: string[]; events: string[] };
      // Only what operator.approvals allows: the approval methods and their events.
      assert.deepEqual(features.methods, [
        "exec.approval.list",
        "exec.approval.get",
        "exec.approval.resolve",
        "approval.get",
        "approval.resolve",
        "approval.history",
      ]);
      assert.deepEqual(features.events, [
        "tick",
        "shutdown",
        "exec.approval.requested",
        "exec.approval.resolved",
      ]);
      const bot = ctx.state.bot;
      const lobby = await ctx.world.open(`/ws/external/bot/${bot.botId}`);
      lobby.send({ type: "authenticate", token: bot.token });
      await lobby.next(5000, "the lobby hello");
      // A reader sees the bot (in its snapshot or as it arrives) and then leave; the
      // approvals-only socket, opened first, sees neither.
      const reader = await live(ctx.world, ctx.state.read, { scopes: ["operator.admin"] });
      const readerHello = reader.texts().find((f) => f.type === "res") as Json;
      assert.deepEqual(((readerHello.payload as Json).auth as Json).scopes, ["operator.read"]);
      const mentions = (value: unknown) =>
        JSON.stringify(value ?? null).includes(`bot:${bot.botId}`);
      if (!mentions((readerHello.payload as Json).snapshot)) {
        for (;;) {
          const frame = await nextJson(reader, 10_000, "the bot online");
          if (frame.event === "presence" && mentions(frame.payload)) break;
        }
      }
      lobby.close();
      for (;;) {
        const frame = await nextJson(reader, 10_000, "the bot leaving");
        if (frame.event === "presence" && mentions((frame.payload as Json).removed)) break;
      }
      assert.deepEqual(
        socket
          .texts()
          .filter(
            (f) => f.type === "event" && f.event !== "tick" && f.event !== "connect.challenge",
          )
          .map((f) => f.event),
        [],
      );
      socket.close();
      reader.close();
    },
  },
  {
    id: "flood",
    input: "300 `status` requests sent at once",
    expected:
      "the first 100 accepted (answered while the socket lasts), then `UNAVAILABLE` `RATE_LIMITED` (retryable) three times, then close 1008",
    async run(ctx) {
      const socket = await live(ctx.world, ctx.state.read);
      for (let i = 0; i < 300; i += 1)
        socket.sendJson({ type: "req", id: `f${i}`, method: "status" });
      assert.equal((await socket.closed(15_000)).code, 1008);
      const answers = socket
        .texts()
        .filter((f) => f.type === "res" && String(f.id).startsWith("f"));
      const limited = answers.filter((f) => f.ok === false);
      assert.equal(limited.length, 3, `rate-limited answers: ${limited.length}`);
      for (const res of limited) assertError(res, "UNAVAILABLE", "RATE_LIMITED");
      assert.ok(answers.filter((f) => f.ok === true).length <= 100);
    },
  },
  {
    id: "silence",
    input: "a socket that never sends `connect`",
    expected: "close 1008 `handshake timeout` after OPERATOR_HANDSHAKE_TIMEOUT_MS (2 s here)",
    async run(ctx) {
      const { socket } = await challenged(ctx.world);
      await assertClosed(
        socket,
        { code: 1008, reason: "handshake timeout", timeoutMs: 10_000, errors: [] },
        ctx.world.secrets,
      );
    },
  },
];

/** What a live socket answers to one mutated request frame. */
async function checkMutatedRequest(socket: RawSocket, text: string, outcome: string, i: number) {
  socket.send(text);
  if (outcome === "too_large") {
    assert.equal((await socket.closed(5000)).code, 1009);
    return;
  }
  if (outcome === "not_json") {
    assertError(
      await resOf(socket, "invalid", "the not-JSON answer"),
      "INVALID_REQUEST",
      undefined,
      /not JSON/,
    );
    return;
  }
  const parsed = JSON.parse(text) as unknown;
  if (outcome !== "valid") {
    const id = (parsed as { id?: unknown } | null)?.id;
    const answerId = typeof id === "string" && id.length > 0 && id.length <= 256 ? id : "invalid";
    assertError(
      await resOf(socket, answerId, "the invalid-frame answer"),
      "INVALID_REQUEST",
      undefined,
      /^invalid request frame: /,
    );
    return;
  }
  const frame = parsed as { id: string; params?: unknown };
  const res = await resOf(socket, frame.id, `the answer to request ${i}`);
  const empty =
    frame.params === undefined ||
    (typeof frame.params === "object" &&
      frame.params !== null &&
      !Array.isArray(frame.params) &&
      Object.keys(frame.params).length === 0);
  if (empty) assert.equal(res.ok, true, JSON.stringify(res).slice(0, 300));
  else assertError(res, "INVALID_REQUEST", undefined, /^invalid status params: /);
}

export const operatorGroup = defineGroup<OperatorState>({
  id: "operator",
  entry: "/ws/operator",
  ref: "operator gateway §1–§6; docs/operator-gateway.md",
  target: "the one OperatorHubObject (`main`) and the operator tokens in D1",
  legitFlow:
    "the real @openclaw/gateway-client connects with a read token and a device identity, gets hello-ok, calls status and system-presence, and sees a bot come online",
  async setup(world, rng) {
    const mint = async (scopes: string[]) => {
      const res = await api(world.gateway, "POST", "/api/operators/tokens", {
        body: { name: `fuzz-${rng.string(6).toLowerCase()}`, scopes },
      });
      assert.equal(res.status, 201);
      return res.body as { token: string; id: string };
    };
    const revoked = await mint(["operator.admin"]);
    assert.equal(
      (await api(world.gateway, "DELETE", `/api/operators/tokens/${revoked.id}`)).status,
      204,
    );
    return {
      read: (await mint(["operator.read"])).token,
      approvals: (await mint(["operator.approvals"])).token,
      write: (await mint(["operator.read", "operator.write"])).token,
      revoked: revoked.token,
      device: newDeviceIdentity(),
      bot: await world.bot("op-scope"),
    };
  },
  objects: () => [{ binding: "OPERATOR_HUB", name: "main" }],
  explain(diff) {
    // Documented effects: the hub's presence is a cache of whatever is live (operators of
    // these cases came and went, and so did the scopes case's bot), and failed attempts are
    // counted per address. Every D1 table (operator tokens included) must be unchanged.
    return diff.filter(
      (line) =>
        !line.startsWith("OPERATOR_HUB:main.presence_facets ") &&
        !line.startsWith("OPERATOR_HUB:main.auth_failures "),
    );
  },
  cases,
  families: [
    {
      id: "request.mutations",
      input: "seeded mutations of a `status` request on a live connection",
      outcomes: {
        too_large: "close 1009",
        not_json: "`res` id `invalid` INVALID_REQUEST `invalid request frame: not JSON`",
        "not an object / wrong type / unknown or invalid field":
          "`res` (its id, else `invalid`) INVALID_REQUEST `invalid request frame: …`; the socket stays",
        valid:
          "the `status` result, or INVALID_REQUEST `invalid status params` for any params but `{}`",
      },
      async run(ctx, count, record) {
        let socket: RawSocket | null = null;
        for (let i = 0; i < count; i += 1) {
          // A fresh connection every 40 frames keeps the stream under the request rate limit.
          if (!socket || socket.isClosed || i % 40 === 0) {
            socket?.close();
            socket = await live(ctx.world, ctx.state.read);
          }
          const mutation = mutate(
            { type: "req", id: `m${i}`, method: "status", params: {} },
            REQUEST_SHAPE,
            ctx.rng,
          );
          try {
            await checkMutatedRequest(socket, mutation.text, mutation.outcome, i);
          } catch (err) {
            record(`${mutation.ops.join(" + ")} → ${mutation.outcome}`, err);
            socket.cut();
            socket = null;
          }
        }
        socket?.close();
        return count;
      },
    },
    {
      id: "connect.mutations",
      input: "seeded mutations of the `connect` params as the first frame",
      outcomes: {
        too_large: "close 1009",
        not_json: "close 1008 `invalid request frame`, no `res`",
        "not an object / unknown or invalid field":
          "INVALID_REQUEST `invalid connect params: …` then close 1008",
        valid: "hello-ok, or `AUTH_TOKEN_MISSING` when the mutation took the token away",
      },
      async run(ctx, count, record) {
        for (let i = 0; i < count; i += 1) {
          const base = connectParams(ctx.state.read);
          const mutation = mutate(base, CONNECT_SHAPE, ctx.rng);
          const label = `${mutation.ops.join(" + ")} → ${mutation.outcome}`;
          try {
            const { socket } = await challenged(ctx.world, failingIp());
            socket.send(`{"type":"req","id":"c","method":"connect","params":${mutation.text}}`);
            if (mutation.outcome === "too_large") {
              assert.equal((await socket.closed(5000)).code, 1009);
            } else if (mutation.outcome === "not_json") {
              await assertClosed(
                socket,
                { code: 1008, reason: "invalid request frame", errors: [] },
                ctx.world.secrets,
              );
            } else if (mutation.outcome !== "valid") {
              const res = await nextJson(socket, 5000, "the connect refusal");
              assertError(res, "INVALID_REQUEST", undefined, /^invalid connect params: /);
              assert.equal((await socket.closed(5000)).code, 1008);
            } else {
              const params = JSON.parse(mutation.text) as {
                auth?: { token?: string; password?: string };
              };
              const res = await nextJson(socket, 5000, "the connect answer");
              if (params.auth?.token || params.auth?.password) {
                assert.equal(res.ok, true, JSON.stringify(res).slice(0, 300));
                socket.close();
              } else {
                assertError(res, "INVALID_REQUEST", "AUTH_TOKEN_MISSING");
                assert.equal((await socket.closed(5000)).code, 1008);
              }
            }
          } catch (err) {
            record(label, err);
          }
        }
        return count;
      },
    },
    {
      id: "device.mutations",
      input:
        "a signed device proof with one seeded change: the clock (±300 s), the nonce, a signature byte, the id, the key, the signed scopes; or a valid v2 proof",
      outcomes: {
        "clock beyond ±120 s": "`DEVICE_AUTH_SIGNATURE_EXPIRED`",
        "clock within ±120 s (unsigned change)": "`DEVICE_AUTH_SIGNATURE_INVALID`",
        "another nonce": "`DEVICE_AUTH_NONCE_MISMATCH`",
        "a signature byte / the signed scopes": "`DEVICE_AUTH_SIGNATURE_INVALID`",
        "another id or another key": "`DEVICE_AUTH_DEVICE_ID_MISMATCH`",
        "a v2 proof": "hello-ok",
      },
      async run(ctx, count, record) {
        const { state, rng } = ctx;
        for (let i = 0; i < count; i += 1) {
          const kind = rng.pick([
            "clock",
            "nonce",
            "signature",
            "id",
            "key",
            "scopes",
            "v2",
          ] as const);
          try {
            const { socket, nonce, ts } = await challenged(ctx.world, failingIp());
            const params = connectParams(state.read, { scopes: ["operator.read"] });
            let device = signedDevice(state.device, params, nonce, ts);
            let expected: string | null = null;
            if (kind === "clock") {
              const skew = rng.int(-300_000, 300_000);
              device = { ...device, signedAt: Math.max(0, ts + skew) };
              expected =
                Math.abs(skew) > 120_000
                  ? "DEVICE_AUTH_SIGNATURE_EXPIRED"
                  : skew === 0
                    ? null
                    : "DEVICE_AUTH_SIGNATURE_INVALID";
            } else if (kind === "nonce") {
              device = { ...device, nonce: `${nonce}x` };
              expected = "DEVICE_AUTH_NONCE_MISMATCH";
            } else if (kind === "signature") {
              const sig = Buffer.from(String(device.signature), "base64url");
              const at = rng.int(0, sig.length - 1);
              sig[at] = (sig[at] ?? 0) ^ (1 << rng.int(0, 7));
              device = { ...device, signature: sig.toString("base64url") };
              expected = "DEVICE_AUTH_SIGNATURE_INVALID";
            } else if (kind === "id") {
              device = { ...device, id: rng.string(64, "0123456789abcdef") };
              expected = "DEVICE_AUTH_DEVICE_ID_MISMATCH";
            } else if (kind === "key") {
              device = { ...device, publicKey: newDeviceIdentity().publicKeyRaw };
              expected = "DEVICE_AUTH_DEVICE_ID_MISMATCH";
            } else if (kind === "scopes") {
              params.scopes = [
                rng.pick(["operator.admin", "operator.write", "operator.approvals"]),
              ];
              expected = "DEVICE_AUTH_SIGNATURE_INVALID";
            } else {
              const { buildDeviceAuthPayload } = await import("@openclaw/gateway-client");
              device = signedDevice(state.device, params, nonce, ts, buildDeviceAuthPayload);
            }
            const res = await connectWith(socket, { ...params, device });
            if (expected === null) {
              assert.equal(res.ok, true, JSON.stringify(res).slice(0, 300));
              socket.close();
            } else {
              assertError(res, "INVALID_REQUEST", expected);
              assert.equal((await socket.closed(5000)).code, 1008);
            }
          } catch (err) {
            record(kind, err);
          }
        }
        return count;
      },
    },
    {
      id: "first-frame.mutations",
      input: "seeded mutations of the `connect` request envelope (valid params) as the first frame",
      outcomes: {
        too_large: "close 1009",
        "not JSON / not a request": "close 1008 `invalid request frame`, no `res`",
        valid:
          "hello-ok for the request's id (INVALID_REQUEST `invalid connect params` and close 1008 when the mutation dropped the params)",
      },
      async run(ctx, count, record) {
        for (let i = 0; i < count; i += 1) {
          const mutation = mutate(
            { type: "req", id: `c${i}`, method: "connect", params: connectParams(ctx.state.read) },
            {
              ...REQUEST_SHAPE,
              fields: {
                ...REQUEST_SHAPE.fields,
                method: { required: true, invalid: [...Invalid.notString, '""'] },
                params: {},
              },
            },
            ctx.rng,
          );
          const label = `${mutation.ops.join(" + ")} → ${mutation.outcome}`;
          try {
            const { socket } = await challenged(ctx.world);
            socket.send(mutation.text);
            if (mutation.outcome === "too_large") {
              assert.equal((await socket.closed(5000)).code, 1009);
            } else if (mutation.outcome === "valid") {
              const frame = JSON.parse(mutation.text) as { id: string; params?: unknown };
              const res = await nextJson(socket, 5000, "hello-ok");
              if (frame.params === undefined) {
                // The envelope allows no params; `connect` does not.
                assertError(res, "INVALID_REQUEST", undefined, /^invalid connect params: /);
                assert.equal((await socket.closed(5000)).code, 1008);
                continue;
              }
              assert.deepEqual(
                [res.id, res.ok],
                [frame.id, true],
                JSON.stringify(res).slice(0, 300),
              );
              socket.close();
            } else {
              await assertClosed(
                socket,
                { code: 1008, reason: "invalid request frame", errors: [] },
                ctx.world.secrets,
              );
            }
          } catch (err) {
            record(label, err);
          }
        }
        return count;
      },
    },
    {
      id: "scopes.random",
      input:
        "a seeded token (read, approvals, read+write, admin) asking for a seeded scope set, then a seeded method",
      outcomes: {
        any: "hello-ok auth.scopes = asked ∩ allowed (admin implies all); features list exactly what those scopes allow; a method outside them is `FORBIDDEN` `MISSING_SCOPE`",
      },
      async run(ctx, count, record) {
        const { rng, state, world } = ctx;
        const all = ["operator.read", "operator.write", "operator.admin", "operator.approvals"];
        const tokens: Array<[string, string[]]> = [
          [state.read, ["operator.read"]],
          [state.approvals, ["operator.approvals"]],
          [state.write, ["operator.read", "operator.write"]],
          [world.gateway.adminToken, all],
        ];
        const expand = (scopes: string[]) =>
          scopes.includes("operator.admin") ? [...all] : scopes;
        const methods: Array<[string, string]> = [
          ["status", "operator.read"],
          ["system-presence", "operator.read"],
          ["chat.send", "operator.write"],
        ];
        for (let i = 0; i < count; i += 1) {
          const [token, allowed] = rng.pick(tokens);
          const asked = rng.chance(0.2)
            ? undefined
            : rng.sample([...all, "operator.pairing", "root"], rng.int(0, 4));
          const granted = expand(asked ?? allowed)
            .filter((s) => expand(allowed).includes(s))
            .sort();
          const [method, needs] = rng.pick(methods);
          try {
            const socket = await live(
              world,
              token,
              asked === undefined ? { scopes: undefined } : { scopes: asked },
            );
            const hello = socket.texts().find((f) => f.type === "res") as Json;
            const auth = (hello.payload as Json).auth as { scopes: string[] };
            assert.deepEqual(
              auth.scopes,
              granted,
              `asked ${JSON.stringify(asked)} with ${JSON.stringify(allowed)}`,
            );
            const features = (hello.payload as Json).features as { methods: string[] };
            const allowedHere = granted.includes(needs) || granted.includes("operator.admin");
            assert.equal(features.methods.includes(method), allowedHere, `features of ${method}`);
            const res = await request(
              socket,
              "m",
              method,
              method === "chat.send"
                ? { channel: world.publicChannel, payload: "scope-probe", idempotencyKey: `p${i}` }
                : {},
            );
            if (!allowedHere) assertError(res, "FORBIDDEN", "MISSING_SCOPE");
            else assert.equal(res.ok, true, JSON.stringify(res).slice(0, 300));
            socket.close();
          } catch (err) {
            record(`${JSON.stringify(asked)} on ${JSON.stringify(allowed)} → ${method}`, err);
          }
        }
        return count;
      },
    },
    {
      id: "credential.random",
      input:
        "seeded random credentials: random bytes, prefixes of real tokens, bot tokens, agent keys, real tokens with one character changed",
      outcomes: {
        any: "`AUTH_TOKEN_MISMATCH` (or `AUTH_TOKEN_MISSING` for an empty one) then close 1008",
      },
      async run(ctx, count, record) {
        const { world, state, rng } = ctx;
        const real = [state.read, state.write, world.gateway.adminToken];
        for (let i = 0; i < count; i += 1) {
          const base = rng.pick(real);
          const token = rng.pick([
            () => rng.string(rng.int(0, 80)),
            () => base.slice(0, rng.int(0, base.length - 1)),
            () => `${base}${rng.string(1)}`,
            () => {
              const at = rng.int(0, base.length - 1);
              const swap = base[at] === "A" ? "B" : "A";
              return `${base.slice(0, at)}${swap}${base.slice(at + 1)}`;
            },
            () => world.attacker.token,
            () => world.intruder.key.pubkey,
          ])();
          try {
            await refused(
              ctx,
              connectParams(token),
              token === "" ? "AUTH_TOKEN_MISSING" : "AUTH_TOKEN_MISMATCH",
            );
          } catch (err) {
            record(JSON.stringify(token).slice(0, 80), err);
          }
        }
        return count;
      },
    },
    {
      id: "method.random",
      input:
        "seeded calls of every registered method and of unknown names, with mutated params, on a read-only connection",
      outcomes: {
        "unknown method": "INVALID_REQUEST `unknown method: …`",
        "a method needing write, approvals or admin": "`FORBIDDEN` `MISSING_SCOPE`",
        "a read method":
          "a result, or INVALID_REQUEST (`invalid … params`, or a documented `details.code`); never another error",
      },
      async run(ctx, count, record) {
        const { rng } = ctx;
        const methods: Array<[string, string]> = [
          ["health", "read"],
          ["status", "read"],
          ["system-presence", "read"],
          ["agents.list", "read"],
          ["sessions.list", "read"],
          ["chat.history", "read"],
          ["chat.subscribe", "read"],
          ["chat.unsubscribe", "read"],
          ["botgate.matches.list", "read"],
          ["botgate.matches.get", "read"],
          ["botgate.bots.list", "read"],
          ["botgate.channels.list", "read"],
          ["botgate.tournaments.list", "read"],
          ["botgate.tournaments.get", "read"],
          ["node.list", "read"],
          ["node.describe", "read"],
          ["chat.send", "write"],
          ["node.invoke", "write"],
          ["exec.approval.list", "approvals"],
          ["exec.approval.resolve", "approvals"],
          ["approval.history", "approvals"],
        ];
        let socket: RawSocket | null = null;
        for (let i = 0; i < count; i += 1) {
          if (!socket || socket.isClosed || i % 40 === 0) {
            socket?.close();
            socket = await live(ctx.world, ctx.state.read);
          }
          const unknown = rng.chance(0.2);
          const [method, scope] = unknown
            ? [
                rng.pick([
                  "connect ",
                  "status.",
                  "__proto__",
                  "exec.approval",
                  "node.invoke.",
                  rng.string(12),
                ]),
                "none",
              ]
            : rng.pick(methods);
          const picked = rng.pick([
            "none",
            {},
            { channel: ctx.world.publicChannel },
            { sessionKey: `channel:${ctx.world.privateChannel}`, limit: rng.int(-5, 2000) },
            { matchId: rng.string(36, "0123456789abcdef-") },
            { tournamentId: rng.pick([crypto.randomUUID(), rng.string(36, "0123456789abcdef-")]) },
            { offset: rng.pick([-1, 0, 5, 100_001, 2.5, "1"]) },
            { status: rng.pick(["scheduled", "running", "completed", "cancelled", "done"]) },
            { limit: rng.pick([0, 1, 50, 1.5, "10", null]) },
            { status: rng.pick(["live", "recent", "all", "LIVE", 1]) },
            { channel: rng.pick(["../x", "", "A", "a".repeat(65), "no-such-channel"]) },
            [1, 2],
            "params",
            { [rng.string(5)]: rng.int(0, 9) },
          ]);
          const params = picked === "none" ? undefined : picked;
          try {
            const res = await request(socket, `r${i}`, method, params);
            if (scope === "none") {
              assertError(res, "INVALID_REQUEST", undefined, /^unknown method: /);
            } else if (scope === "write" || scope === "approvals") {
              assertError(res, "FORBIDDEN", "MISSING_SCOPE");
            } else if (res.ok !== true) {
              assert.equal(
                (res.error as Json).code,
                "INVALID_REQUEST",
                JSON.stringify(res).slice(0, 300),
              );
            }
            assertNoLeak(JSON.stringify(res), ctx.world.secrets, method);
          } catch (err) {
            record(`${method} ${JSON.stringify(params)?.slice(0, 80)}`, err);
            socket.cut();
            socket = null;
          }
        }
        socket?.close();
        return count;
      },
    },
  ],
  async legit(world, state) {
    const op = await connectRealClient(world.gateway, {
      token: state.read,
      device: state.device,
      scopes: ["operator.read"],
    });
    try {
      assert.deepEqual((op.hello.auth as Json).scopes, ["operator.read"]);
      const status = await op.request<Json>("status");
      assert.equal(typeof status.operators, "number");
      assert.ok(Array.isArray(await op.request("system-presence")));
      const bot = await world.bot("op-legit");
      const lobby = await world.open(`/ws/external/bot/${bot.botId}`);
      lobby.send({ type: "authenticate", token: bot.token });
      await lobby.next(5000, "the lobby hello");
      await op.waitFor(
        (e) => e.event === "presence" && JSON.stringify(e.payload).includes(`bot:${bot.botId}`),
        10_000,
        "the bot online",
      );
      lobby.close();
    } finally {
      await op.stop();
    }
  },
});
