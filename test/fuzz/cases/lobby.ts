/**
 * The lobby socket `/ws/external/bot/{bot_id}` (bot protocol §3, docs/lobby.md): hostile
 * ids, every broken first frame, other bots' and revoked tokens, silence, garbage after the
 * handshake, subprotocol variants and floods, all aimed at one bot's `BotObject`, which
 * must then take that bot online and deliver a `matched` it plays to the end.
 */
import assert from "node:assert/strict";
import { constants, inflateRawSync } from "node:zlib";
import { deflateAnswer } from "../../../src/lib/websocket-deflate.ts";
import { api } from "../../harness/gateway.ts";
import { type CaseContext, defineGroup, type FixedCase } from "../case.ts";
import {
  assertClosed,
  assertEnvelope,
  assertSilent,
  eventually,
  inParallel,
  nextJson,
} from "../checks.ts";
import {
  extensionOffers,
  HOSTILE_SEGMENTS,
  isDotSegment,
  randomSegment,
  subprotocolVariants,
} from "../hostile.ts";
import { Invalid, mutate, type Shape } from "../mutate.ts";
import { Opcode, type RawSocket } from "../raw-socket.ts";
import { type BotCreds, lobbyFlow, type World } from "../world.ts";

interface LobbyState {
  bot: BotCreds;
}
type Ctx = CaseContext<LobbyState>;

const SENTINEL = "chipzen-bot-token";
const isPing = (frame: Record<string, unknown>) => frame.type === "ping";

function lobbyPath(state: LobbyState): string {
  return `/ws/external/bot/${state.bot.botId}`;
}

/** A lobby socket that answers the server's pings, as any bot must. */
async function openLobby(world: World, path: string, headers: Array<[string, string]> = []) {
  const socket = await world.socket(path, headers);
  socket.onFrame((frame) => {
    if (frame.opcode === Opcode.text && frame.payload.toString() === '{"type":"ping"}') {
      socket.sendJson({ type: "pong" });
    }
  });
  return socket;
}

/** Sends `first` as the first frame and expects the documented 4001 with no frame. */
async function refusedFirst(ctx: Ctx, first: string | Uint8Array, binary = false): Promise<void> {
  const socket = await openLobby(ctx.world, lobbyPath(ctx.state));
  socket.send(first, binary ? Opcode.binary : Opcode.text);
  await assertClosed(socket, { code: 4001, reason: "auth_failed", errors: [] }, ctx.world.secrets);
}

/** Authenticates a raw lobby socket; resolves once the hello arrived. */
async function authenticated(ctx: Ctx, headers: Array<[string, string]> = []): Promise<RawSocket> {
  const socket = await openLobby(ctx.world, lobbyPath(ctx.state), headers);
  socket.sendJson({ type: "authenticate", token: ctx.state.bot.token });
  const hello = await nextJson(socket, 15_000, "the lobby hello");
  assert.equal(hello.type, "hello");
  assert.equal(hello.match_id, ctx.state.bot.botId);
  return socket;
}

async function online(ctx: Ctx, botId: string): Promise<boolean> {
  const res = await api(ctx.world.gateway, "GET", `/api/bots/${botId}/presence`);
  return (res.body as { online: boolean }).online;
}

/** The documented lobby `authenticate` (§3.1): strict, optional SDK identity fields. */
function authenticateShape(): Shape {
  return {
    type: "authenticate",
    knownTypes: ["authenticate", "pong"],
    fields: {
      token: { required: true, invalid: [...Invalid.notString] },
      client_name: { invalid: [...Invalid.notString, JSON.stringify("n".repeat(65))] },
      client_version: { invalid: [...Invalid.notString, JSON.stringify("v".repeat(33))] },
      match_id: { invalid: [...Invalid.notString], opaque: false },
    },
    strict: true,
    maxBytes: 4096,
  };
}

const firstFrames: Array<[string, string, string | Uint8Array, boolean?]> = [
  ["not-json", "the text `authenticate`", "authenticate"],
  ["binary", "the valid authenticate JSON as a binary frame", "", true],
  ["array", "`[authenticate]` (an array)", "[]"],
  ["invalid-utf8", "a text frame of invalid UTF-8 bytes", Buffer.from([0x7b, 0xff, 0xfe, 0x7d])],
  ["no-token", '`{"type":"authenticate"}`', '{"type":"authenticate"}'],
  ["token-number", "`token: 123`", '{"type":"authenticate","token":123}'],
  ["token-null", "`token: null`", '{"type":"authenticate","token":null}'],
  ["upper-type", '`type: "AUTHENTICATE"`', ""],
  ["pong-first", '`{"type":"pong"}` first', '{"type":"pong"}'],
  ["hello-first", "a match-leg `hello` first", '{"type":"hello","supported_versions":["1.0"]}'],
  ["unknown-field", "the valid authenticate plus `evil: 1`", ""],
  ["oversize", "the valid authenticate padded with whitespace past 4096 bytes", ""],
  [
    "multibyte-oversize",
    "a valid authenticate whose `match_id` is 1,400 `中` (4,200+ UTF-8 bytes)",
    "",
  ],
];

const tokenCases: Array<[string, string, (ctx: Ctx) => string]> = [
  ["other-bot", "another bot's valid token", (ctx) => ctx.world.attacker.token],
  ["revoked", "a revoked token", (ctx) => ctx.world.revokedToken],
  ["admin", "the admin token", (ctx) => ctx.world.gateway.adminToken],
  ["trailing-space", "the bot's token with a trailing space", (ctx) => `${ctx.state.bot.token} `],
  ["uppercased", "the bot's token upper-cased", (ctx) => ctx.state.bot.token.toUpperCase()],
  ["zeros", "`cz_extbot_` + 32 zeros", () => `cz_extbot_${"0".repeat(32)}`],
  ["empty", 'an empty token ""', () => ""],
  ["long", "a 4,000-character token", () => "cz_extbot_".padEnd(4000, "A")],
];

const cases: FixedCase<LobbyState>[] = [
  {
    id: "not-upgrade",
    input: "a plain GET of the lobby path",
    expected: "426 UPGRADE_REQUIRED envelope",
    async run(ctx) {
      const answer = await ctx.world.request("GET", lobbyPath(ctx.state));
      assertEnvelope(answer, 426, "UPGRADE_REQUIRED", ctx.world.secrets);
    },
  },
  {
    id: "path",
    input: `every hostile bot id (${HOSTILE_SEGMENTS.length} fixed: traversal, %2e%2e, %00, %2f, bad escapes, 5,000 chars, unicode), plus the id upper-cased`,
    expected:
      "101 then close 4001 with no frame (a malformed id creates no object); a dot segment leaves the route: 404 NOT_FOUND",
    async run(ctx) {
      const segments = [...HOSTILE_SEGMENTS, ctx.state.bot.botId.toUpperCase()];
      await inParallel(segments, 6, (segment) => hostileId(ctx, segment));
    },
  },
  {
    id: "encoded-id",
    input: "the bot id with its first character percent-encoded",
    expected: "the same bot's lobby: authenticate → hello",
    async run(ctx) {
      const id = ctx.state.bot.botId;
      const encoded = `%${id.charCodeAt(0).toString(16)}${id.slice(1)}`;
      const socket = await openLobby(ctx.world, `/ws/external/bot/${encoded}`);
      socket.sendJson({ type: "authenticate", token: ctx.state.bot.token });
      const hello = await nextJson(socket, 15_000, "the lobby hello");
      assert.equal(hello.match_id, id);
      socket.close();
    },
  },
  ...firstFrames.map(
    ([id, input, text, binary]): FixedCase<LobbyState> => ({
      id: `first-frame.${id}`,
      input: `first frame: ${input}`,
      expected: "close 4001 `auth_failed`, no frame",
      async run(ctx) {
        const token = ctx.state.bot.token;
        const valid = JSON.stringify({ type: "authenticate", token });
        const frames: Record<string, string> = {
          binary: valid,
          "upper-type": JSON.stringify({ type: "AUTHENTICATE", token }),
          "unknown-field": JSON.stringify({ type: "authenticate", token, evil: 1 }),
          oversize: `${valid}${" ".repeat(4100)}`,
          "multibyte-oversize": JSON.stringify({
            type: "authenticate",
            token,
            match_id: "中".repeat(1400),
          }),
        };
        const frame = frames[id] ?? text;
        await refusedFirst(ctx, binary ? Buffer.from(frame) : frame, binary);
      },
    }),
  ),
  ...tokenCases.map(
    ([id, input, token]): FixedCase<LobbyState> => ({
      id: `token.${id}`,
      input: `authenticate with ${input}`,
      expected: "close 4001 `auth_failed`, no frame; the bot stays offline",
      async run(ctx) {
        await refusedFirst(ctx, JSON.stringify({ type: "authenticate", token: token(ctx) }));
        assert.equal(await online(ctx, ctx.state.bot.botId), false, "the bot stayed offline");
      },
    }),
  ),
  {
    id: "silence",
    input: "an open socket that never sends anything",
    expected: "close 4001 `auth_timeout` at the authenticate deadline (LOBBY_AUTH_TIMEOUT_MS)",
    async run(ctx) {
      const socket = await openLobby(ctx.world, lobbyPath(ctx.state));
      await assertClosed(
        socket,
        { code: 4001, reason: "auth_timeout", errors: [], timeoutMs: 8000 },
        ctx.world.secrets,
      );
    },
  },
  {
    id: "after-auth",
    input:
      "after a good handshake: garbage text, a binary frame, unknown types, a turn_action, a 5,000-byte frame, a second authenticate with another bot's token, a pong with an extra field",
    expected:
      "all dropped silently (no frame, no close, §3.3); the bot stays online and the other bot offline",
    async run(ctx) {
      const socket = await authenticated(ctx);
      socket.send("not json at all");
      socket.send(Buffer.from([0, 1, 2, 255]), Opcode.binary);
      socket.sendJson({ type: "dance" });
      socket.sendJson({ type: "turn_action", request_id: "req_000000000000", action: "fold" });
      socket.send(JSON.stringify({ type: "pong", pad: "x".repeat(5000) }));
      socket.sendJson({ type: "authenticate", token: ctx.world.attacker.token });
      socket.sendJson({ type: "pong", extra: true });
      await assertSilent(socket, 400, isPing);
      assert.equal(await online(ctx, ctx.state.bot.botId), true, "the bot is online");
      assert.equal(await online(ctx, ctx.world.attacker.botId), false, "no identity switch");
      socket.close();
      await eventually(
        async () => !(await online(ctx, ctx.state.bot.botId)),
        "offline after close",
      );
    },
  },
  {
    id: "attacker-takeover",
    input: "while the bot is online, another bot's token on its lobby",
    expected: "the intruder is closed 4001; the bot's own lobby is not evicted",
    async run(ctx) {
      const own = await authenticated(ctx);
      const intruder = await openLobby(ctx.world, lobbyPath(ctx.state));
      intruder.sendJson({ type: "authenticate", token: ctx.world.attacker.token });
      await assertClosed(intruder, { code: 4001, errors: [] }, ctx.world.secrets);
      await assertSilent(own, 200, isPing);
      own.close();
    },
  },
  {
    id: "subprotocol",
    input:
      "Sec-WebSocket-Protocol variants around the sentinel and the token (order, spacing, repeats, case, junk, 8,000 bytes)",
    expected:
      "101 answered with exactly `chipzen-bot-token` when the list holds it, no subprotocol otherwise, the token never echoed; the handshake then proceeds",
    async run(ctx) {
      for (const value of subprotocolVariants(SENTINEL, ctx.state.bot.token)) {
        const answer = await ctx.world.upgrade(lobbyPath(ctx.state), [
          ["Sec-WebSocket-Protocol", value],
        ]);
        assert.equal(answer.status, 101, `${value.slice(0, 40)}: HTTP ${answer.status}`);
        const offered = value.split(",").map((v) => v.trim());
        const expected = offered.includes(SENTINEL) ? SENTINEL : undefined;
        assert.equal(
          answer.headers["sec-websocket-protocol"],
          expected,
          `answer to ${value.slice(0, 60)}`,
        );
        const socket = answer.socket;
        assert.ok(socket);
        socket.sendJson({ type: "authenticate", token: ctx.state.bot.token });
        assert.equal((await nextJson(socket, 15_000, "hello")).type, "hello");
        socket.close();
      }
    },
  },
  {
    id: "extensions",
    input:
      "Sec-WebSocket-Extensions offers: what clients send, RFC 7692 parameters and fallbacks, unknown parameters, bad window bits, junk, 8,000 bytes",
    expected:
      "101; an offer botgate can answer gets permessage-deflate with 4 kB windows (src/lib/websocket-deflate.ts), any other is left to the runtime; the handshake then proceeds, the hello readable whether or not it is compressed",
    async run(ctx) {
      for (const offer of extensionOffers()) {
        const answer = await ctx.world.upgrade(lobbyPath(ctx.state), [
          ["Sec-WebSocket-Extensions", offer],
        ]);
        const what = `offer ${offer.slice(0, 60)}`;
        assert.equal(answer.status, 101, `${what}: HTTP ${answer.status}`);
        const ours = deflateAnswer(offer);
        const negotiated = answer.headers["sec-websocket-extensions"];
        if (ours !== null) {
          const params = (header = "") =>
            header
              .split(";")
              .map((p) => p.trim())
              .sort();
          assert.deepEqual(params(negotiated), params(ours), what);
        }
        const socket = answer.socket;
        assert.ok(socket);
        socket.sendJson({ type: "authenticate", token: ctx.state.bot.token });
        const frame = await socket.next(15_000, `the hello after ${what}`);
        assert.equal(frame.compressed, negotiated !== undefined, `${what}: RSV1`);
        // The first message of a stream: decodable without earlier context (RFC 7692 §7.2.2).
        const text = frame.compressed
          ? inflateRawSync(Buffer.concat([frame.payload, Buffer.from([0, 0, 0xff, 0xff])]), {
              finishFlush: constants.Z_SYNC_FLUSH,
            })
          : frame.payload;
        assert.equal((JSON.parse(text.toString("utf8")) as { type?: string }).type, "hello", what);
        socket.close();
      }
    },
  },
  {
    id: "flood.frames",
    input: "2,000 garbage and valid-looking frames in one burst after the handshake",
    expected: "all dropped silently; the socket stays open and a pong is still accepted",
    async run(ctx) {
      const socket = await authenticated(ctx);
      for (let i = 0; i < 2000; i += 1) {
        socket.send(
          i % 3 === 0 ? `{"type":"pong","n":${i}}` : i % 3 === 1 ? "{" : '{"type":"pong"}',
        );
      }
      await assertSilent(socket, 300, isPing);
      assert.equal(await online(ctx, ctx.state.bot.botId), true);
      socket.close();
    },
  },
  {
    id: "flood.connects",
    input: "31 upgrades in a minute from one client address (limit 30), the sentinel offered",
    expected: "the first 30 open; the rest are finished and closed 1008 with the sentinel echoed",
    async run(ctx) {
      const ip = `10.77.${ctx.rng.int(0, 255)}.${ctx.rng.int(0, 255)}`;
      const headers: Array<[string, string]> = [
        ["CF-Connecting-IP", ip],
        ["Sec-WebSocket-Protocol", SENTINEL],
      ];
      const open: RawSocket[] = [];
      try {
        for (let i = 0; i < 30; i += 1) {
          const answer = await ctx.world.upgrade(lobbyPath(ctx.state), headers);
          assert.ok(answer.socket, `connect ${i + 1} of 30`);
          open.push(answer.socket);
        }
        const refused = await ctx.world.upgrade(lobbyPath(ctx.state), headers);
        assert.equal(refused.headers["sec-websocket-protocol"], SENTINEL);
        assert.ok(refused.socket);
        await assertClosed(refused.socket, { code: 1008, errors: [] }, ctx.world.secrets);
        // The first 30 were let in: none was closed by the limit (one that waited longer than
        // the authenticate deadline while the rest opened may have been closed 4001 for that).
        for (const socket of open) {
          if (socket.isClosed) assert.notEqual((await socket.closed(15_000)).code, 1008);
        }
      } finally {
        for (const socket of open) socket.cut();
      }
    },
  },
];

/** A hostile id: refused in the Worker with 4001, or a 404 once the URL parser moved it. */
async function hostileId(ctx: Ctx, segment: string): Promise<void> {
  const answer = await ctx.world.upgrade(`/ws/external/bot/${segment}`);
  if (isDotSegment(segment)) {
    assertEnvelope(answer, 404, "NOT_FOUND", ctx.world.secrets);
    return;
  }
  assert.equal(
    answer.status,
    101,
    `${segment.slice(0, 40)}: HTTP ${answer.status} ${answer.body.slice(0, 200)}`,
  );
  assert.ok(answer.socket);
  await assertClosed(answer.socket, { code: 4001, errors: [] }, ctx.world.secrets);
}

export const lobbyGroup = defineGroup<LobbyState>({
  id: "lobby",
  entry: "/ws/external/bot/{bot_id}",
  ref: "bot protocol §3, §9; docs/lobby.md",
  target: "the BotObject of one bot",
  legitFlow:
    "that bot authenticates (hello, presence online), a match against a house bot is dispatched, `matched` arrives on the lobby and the bot plays it to `match_end` with chips conserved",
  async setup(world) {
    return { bot: await world.bot("lobby") };
  },
  objects: (state) => [{ binding: "BOT", name: state.bot.botId }],
  cases,
  families: [
    {
      id: "first-frame.mutations",
      input: "seeded mutations of the valid first `authenticate` frame",
      outcomes: {
        valid: "hello (the bot is online), then closed by the client",
        "anything else": "close 4001 `auth_failed`, no frame",
      },
      async run(ctx, count, record) {
        const shape = authenticateShape();
        for (let i = 0; i < count; i += 1) {
          const mutation = mutate(
            { type: "authenticate", token: ctx.state.bot.token },
            shape,
            ctx.rng,
          );
          const label = `${mutation.ops.join(" + ")} → ${mutation.outcome}`;
          try {
            const socket = await openLobby(ctx.world, lobbyPath(ctx.state));
            socket.send(mutation.text);
            if (mutation.outcome === "valid") {
              const hello = await nextJson(socket, 15_000, "the lobby hello");
              assert.equal(hello.type, "hello");
              socket.close();
            } else {
              await assertClosed(socket, { code: 4001, errors: [] }, ctx.world.secrets);
            }
          } catch (err) {
            record(label, err);
          }
        }
        return count;
      },
    },
    {
      id: "after-auth.mutations",
      input: "seeded mutations of `authenticate` and `pong` on an authenticated lobby",
      outcomes: { any: "dropped silently: no frame, no close; the bot stays online" },
      async run(ctx, count, record) {
        const socket = await authenticated(ctx);
        const shape = authenticateShape();
        const pong: Shape = {
          type: "pong",
          knownTypes: ["authenticate", "pong"],
          fields: { match_id: { invalid: [...Invalid.notString] } },
          strict: true,
          maxBytes: 4096,
        };
        for (let i = 0; i < count; i += 1) {
          const base =
            i % 2 === 0
              ? { type: "pong" }
              : { type: "authenticate", token: ctx.world.attacker.token };
          const mutation = mutate(base, i % 2 === 0 ? pong : shape, ctx.rng);
          socket.send(mutation.text);
        }
        try {
          await assertSilent(socket, 300, isPing);
          assert.equal(await online(ctx, ctx.state.bot.botId), true);
        } catch (err) {
          record(`${count} frames`, err);
        }
        socket.close();
        return count;
      },
    },
    {
      id: "path.random",
      input: "seeded random bot ids (random bytes percent-encoded, random printable text)",
      outcomes: { any: "101 then close 4001, or 404 NOT_FOUND when the path no longer matches" },
      async run(ctx, count, record) {
        for (let i = 0; i < count; i += 1) {
          const segment = randomSegment(ctx.rng);
          try {
            const answer = await ctx.world.upgrade(`/ws/external/bot/${segment}`);
            if (answer.status === 404) assertEnvelope(answer, 404, "NOT_FOUND", ctx.world.secrets);
            else {
              assert.equal(
                answer.status,
                101,
                `HTTP ${answer.status} ${answer.body.slice(0, 200)}`,
              );
              assert.ok(answer.socket);
              await assertClosed(answer.socket, { code: 4001, errors: [] }, ctx.world.secrets);
            }
          } catch (err) {
            record(segment, err);
          }
        }
        return count;
      },
    },
  ],
  legit: (world, state) => lobbyFlow(world, state.bot),
});
