/**
 * Connecting to a match (bot protocol §4, §5.1, §9 item 1; docs/match.md "Connecting"):
 * hostile ids on both match paths, every wrong, misplaced or revoked credential in the
 * header, the query and the `authenticate` frame, subprotocol variants, frames before the
 * handshake, an oversized first frame and a house seat. None of it may bind a seat or
 * change the match's stored data; afterwards both bots play the same match to the end.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
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
import { HOSTILE_SEGMENTS, isDotSegment, randomSegment, subprotocolVariants } from "../hostile.ts";
import { Opcode } from "../raw-socket.ts";
import { assertFairEnd, type Dispatched, QUICK_MATCH, type World } from "../world.ts";
import { Autoplay, Seat } from "./seat.ts";

interface ConnectState {
  match: Dispatched;
  /** A match of the victim against a house bot, for the house seat's id. */
  house: Dispatched;
}
type Ctx = CaseContext<ConnectState>;

const SENTINEL = "chipzen-bot-token";
const TOKEN = /^cz_extbot_[0-9A-Za-z]{32}$/;

function seatPath(state: ConnectState, seat: number): string {
  const path = state.match.seats[seat]?.gateway_ws_url;
  assert.ok(path);
  return path;
}

const framePath = (path: string) => path.replace("/ws/external/match/", "/ws/match/");

/**
 * The credential a match upgrade carries, by the documented rule (§9 item 1): the element
 * after the sentinel, else the first element shaped like a token; `?token=` only when the
 * header has none.
 */
function documentedToken(header: string | null, query: string | null): string | null {
  const items = (header ?? "")
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");
  const at = items.indexOf(SENTINEL);
  const after = at >= 0 ? (items[at + 1] ?? null) : null;
  return after ?? items.find((item) => TOKEN.test(item)) ?? query;
}

/** An upgrade that must be finished and closed with `code`, with exactly `errors` first. */
async function refused(
  ctx: Ctx,
  path: string,
  code: number,
  headers: Array<[string, string]> = [],
  errors: string[] = [],
): Promise<void> {
  const answer = await ctx.world.upgrade(path, headers);
  assert.equal(
    answer.status,
    101,
    `${path.slice(0, 80)}: HTTP ${answer.status} ${answer.body.slice(0, 200)}`,
  );
  assert.ok(answer.socket);
  await assertClosed(answer.socket, { code, errors }, ctx.world.secrets);
}

/**
 * Frames of the seat's own verified sockets count against its rate limit (§5.10), across
 * sockets: accepted handshakes are paced so they stay under the contract's default of 10
 * a second, as a real bot would.
 */
const pace = () => new Promise((resolve) => setTimeout(resolve, 150));

/** The upgrade is accepted and `authenticate` answered with the server hello (seq 1). */
async function admitted(ctx: Ctx, path: string, headers: Array<[string, string]>, token = "") {
  const answer = await ctx.world.upgrade(path, headers);
  assert.equal(answer.status, 101);
  assert.ok(answer.socket);
  answer.socket.sendJson({ type: "authenticate", token });
  const hello = await nextJson(answer.socket, 15_000, "the server hello");
  assert.equal(hello.type, "hello", JSON.stringify(hello));
  assert.equal(hello.seq, 1);
  answer.socket.close();
  await pace();
  return answer;
}

const header = (token: string): [string, string] => [
  "Sec-WebSocket-Protocol",
  `${SENTINEL}, ${token}`,
];

function wrongTokens(world: World): Array<[string, string]> {
  return [
    ["the other seat's bot", world.bystander.token],
    ["a bot with no seat here", world.attacker.token],
    ["a revoked token", world.revokedToken],
    ["the admin token", world.gateway.adminToken],
    ["a well-shaped unknown token", `cz_extbot_${"0".repeat(32)}`],
    ["the seat's token upper-cased", world.victim.token.toUpperCase()],
  ];
}

const cases: FixedCase<ConnectState>[] = [
  {
    id: "not-upgrade",
    input: "plain GETs of `/ws/external/match/…`, `/ws/match/…` and the spectator path",
    expected: "426 UPGRADE_REQUIRED envelope",
    async run(ctx) {
      const path = seatPath(ctx.state, 0);
      for (const p of [path, framePath(path), `/ws/match/${ctx.state.match.match_id}/spectate`]) {
        assertEnvelope(
          await ctx.world.request("GET", p),
          426,
          "UPGRADE_REQUIRED",
          ctx.world.secrets,
        );
      }
    },
  },
  {
    id: "path",
    input: `each hostile segment (${HOSTILE_SEGMENTS.length}) as the match id and as the participant id, on both paths, with the seat's valid token`,
    expected:
      "101 then close 4002 `match_not_found`, no frame; a dot segment leaves the route: 404 NOT_FOUND",
    async run(ctx) {
      const { match_id } = ctx.state.match;
      const pid = ctx.state.match.seats[0]?.participant_id ?? "";
      await inParallel(HOSTILE_SEGMENTS, 6, async (segment) => {
        for (const base of ["/ws/external/match", "/ws/match"]) {
          for (const path of [`${base}/${segment}/${pid}`, `${base}/${match_id}/${segment}`]) {
            if (isDotSegment(segment)) {
              assertEnvelope(
                await ctx.world.upgrade(path, [header(ctx.world.victim.token)]),
                404,
                "NOT_FOUND",
                ctx.world.secrets,
              );
            } else {
              await refused(ctx, path, 4002, [header(ctx.world.victim.token)]);
            }
          }
        }
      });
    },
  },
  {
    id: "unknown-ids",
    input:
      "a well-formed unknown match id (both paths); an unknown participant of this match (both paths)",
    expected:
      "4002; 4001 on `/ws/external/match` (the token is checked before the seat), 4002 on `/ws/match` (the object has no such seat)",
    async run(ctx) {
      const pid = ctx.state.match.seats[0]?.participant_id ?? "";
      const token = header(ctx.world.victim.token);
      await refused(ctx, `/ws/external/match/${randomUUID()}/${pid}`, 4002, [token]);
      await refused(ctx, `/ws/match/${randomUUID()}/${pid}`, 4002);
      const stranger = "p_000000000000";
      await refused(ctx, `/ws/external/match/${ctx.state.match.match_id}/${stranger}`, 4001, [
        token,
      ]);
      await refused(ctx, `/ws/match/${ctx.state.match.match_id}/${stranger}`, 4002);
    },
  },
  {
    id: "header-token",
    input:
      "the seat dialled with no credential, and with each wrong token in the header: the other seat's bot, a bot with no seat, revoked, admin, unknown, upper-cased",
    expected: "101 then close 4001 `auth_failed`, no frame",
    async run(ctx) {
      const path = seatPath(ctx.state, 0);
      await refused(ctx, path, 4001);
      for (const [, token] of wrongTokens(ctx.world))
        await refused(ctx, path, 4001, [header(token)]);
    },
  },
  {
    id: "query-token",
    input:
      "the same wrong tokens in the deprecated `?token=`; a wrong header token with the right `?token=`; the sentinel alone with the right `?token=`",
    expected:
      "4001 for every wrong one and when the header carries a (wrong) token; the query is read only when the header has none: accepted",
    async run(ctx) {
      const path = seatPath(ctx.state, 0);
      for (const [, token] of wrongTokens(ctx.world)) {
        await refused(ctx, `${path}?token=${encodeURIComponent(token)}`, 4001);
      }
      await refused(ctx, `${path}?token=${ctx.world.victim.token}`, 4001, [
        header(ctx.world.attacker.token),
      ]);
      const answer = await admitted(ctx, `${path}?token=${ctx.world.victim.token}`, [
        ["Sec-WebSocket-Protocol", SENTINEL],
      ]);
      assert.equal(answer.headers["sec-websocket-protocol"], SENTINEL);
    },
  },
  {
    id: "subprotocol",
    input:
      "Sec-WebSocket-Protocol variants around the sentinel and the seat's token (order, spacing, repeats, case, junk, 8,000 bytes)",
    expected:
      "exactly `chipzen-bot-token` echoed when offered, nothing otherwise, never the token; the credential is the element after the sentinel, else the first token-shaped element: accepted when that is the seat's token, else 4001",
    async run(ctx) {
      const path = seatPath(ctx.state, 0);
      for (const value of subprotocolVariants(SENTINEL, ctx.world.victim.token)) {
        const answer = await ctx.world.upgrade(path, [["Sec-WebSocket-Protocol", value]]);
        const offered = value.split(",").map((v) => v.trim());
        assert.equal(answer.status, 101);
        assert.equal(
          answer.headers["sec-websocket-protocol"],
          offered.includes(SENTINEL) ? SENTINEL : undefined,
          value.slice(0, 60),
        );
        assert.ok(answer.socket);
        if (documentedToken(value, null) === ctx.world.victim.token) {
          answer.socket.sendJson({ type: "authenticate" });
          assert.equal((await nextJson(answer.socket, 15_000, "hello")).type, "hello", value);
          answer.socket.close();
          await pace();
        } else {
          await assertClosed(answer.socket, { code: 4001, errors: [] }, ctx.world.secrets);
        }
      }
    },
  },
  {
    id: "frame-credential",
    input:
      "`/ws/match/…` with `authenticate` carrying each wrong token, `token: 123`, no token, an empty and a 4,000-character token",
    expected: "close 4001 `auth_failed`, no frame; no seat state touched",
    async run(ctx) {
      const path = framePath(seatPath(ctx.state, 0));
      const tokens: unknown[] = [
        ...wrongTokens(ctx.world).map(([, t]) => t),
        123,
        undefined,
        "",
        "x".repeat(4000),
      ];
      for (const token of tokens) {
        const socket = await ctx.world.socket(path);
        socket.sendJson(
          token === undefined ? { type: "authenticate" } : { type: "authenticate", token },
        );
        await assertClosed(socket, { code: 4001, errors: [] }, ctx.world.secrets);
      }
    },
  },
  {
    id: "frame-oversize",
    input: "`/ws/match/…`: a 5,000-byte first frame, before any credential",
    expected:
      "`error` `message_too_large` with `seq: 1`, then close 4008; no seat counter or record touched",
    async run(ctx) {
      const socket = await ctx.world.socket(framePath(seatPath(ctx.state, 0)));
      socket.send(
        JSON.stringify({
          type: "authenticate",
          token: ctx.world.victim.token,
          pad: "x".repeat(5000),
        }),
      );
      const [error] = await assertClosed(
        socket,
        { code: 4008, errors: ["message_too_large"] },
        ctx.world.secrets,
      );
      assert.equal(error?.seq, 1);
    },
  },
  {
    id: "before-authenticate",
    input:
      "`/ws/match/…`: garbage, a binary frame, a client hello, a turn_action and a pong before `authenticate`, then `authenticate` with another bot's token",
    expected: "the early frames are dropped silently; the authenticate is refused with 4001",
    async run(ctx) {
      const socket = await ctx.world.socket(framePath(seatPath(ctx.state, 0)));
      socket.send("garbage");
      socket.send(Buffer.from([1, 2, 3]), Opcode.binary);
      socket.sendJson({ type: "hello", supported_versions: ["1.0"] });
      socket.sendJson({
        type: "turn_action",
        match_id: "",
        request_id: "req_000000000000",
        action: "fold",
      });
      socket.sendJson({ type: "pong" });
      await assertSilent(socket, 200);
      socket.sendJson({ type: "authenticate", token: ctx.world.bystander.token });
      await assertClosed(socket, { code: 4001, errors: [] }, ctx.world.secrets);
    },
  },
  {
    id: "handshake-order",
    input:
      "on the seat's own socket: a second authenticate, then a client hello without `supported_versions`; and on another: a hello offering only `2.0`",
    expected:
      "the repeated authenticate is ignored; an unusable hello closes 4013 `protocol_mismatch`",
    async run(ctx) {
      for (const hello of [{ type: "hello" }, { type: "hello", supported_versions: ["2.0"] }]) {
        const answer = await admittedOpen(ctx);
        answer.sendJson({ type: "authenticate", token: "" });
        answer.sendJson(hello);
        await assertClosed(answer, { code: 4013, errors: [] }, ctx.world.secrets);
        await pace();
      }
    },
  },
  {
    id: "house-seat",
    input: "the house bot's seat of another match, dialled with the victim's token on both paths",
    expected: "4001 (a house seat has no socket)",
    async run(ctx) {
      const house = ctx.state.house.seats.find((s) => s.gateway_ws_url === null);
      assert.ok(house);
      const path = `/ws/external/match/${ctx.state.house.match_id}/${house.participant_id}`;
      await refused(ctx, path, 4001, [header(ctx.world.victim.token)]);
      const socket = await ctx.world.socket(framePath(path));
      socket.sendJson({ type: "authenticate", token: ctx.world.victim.token });
      await assertClosed(socket, { code: 4001, errors: [] }, ctx.world.secrets);
    },
  },
  {
    id: "flood.connects",
    input: "31 upgrades in a minute from one address on `/ws/match/…` (limit 30)",
    expected: "the 31st is finished and closed 1008",
    async run(ctx) {
      const ip: [string, string] = [
        "CF-Connecting-IP",
        `10.78.${ctx.rng.int(0, 255)}.${ctx.rng.int(0, 255)}`,
      ];
      const path = framePath(seatPath(ctx.state, 0));
      for (let i = 0; i < 30; i += 1) {
        const answer = await ctx.world.upgrade(path, [ip]);
        assert.equal(answer.status, 101);
        answer.socket?.cut();
      }
      await refused(ctx, path, 1008, [ip]);
    },
  },
];

/** The seat's socket after the server hello, left open. */
async function admittedOpen(ctx: Ctx) {
  const answer = await ctx.world.upgrade(seatPath(ctx.state, 0), [header(ctx.world.victim.token)]);
  assert.ok(answer.socket);
  answer.socket.sendJson({ type: "authenticate" });
  assert.equal((await nextJson(answer.socket, 15_000, "hello")).type, "hello");
  return answer.socket;
}

export const matchConnectGroup = defineGroup<ConnectState>({
  id: "match-connect",
  entry: "/ws/external/match/{m}/{p}, /ws/match/{m}/{p}",
  ref: "bot protocol §4, §5.1, §5.11, §9; docs/match.md, docs/compatibility.md",
  target: "the MatchObject of one dispatched match (two remote seats, waiting for them)",
  legitFlow:
    "both seats dial with their own tokens (one by header, one by `authenticate` on `/ws/match`), the match starts and is played to `match_end`: chips conserved, each seat credited exactly its own actions, the record completed in D1",
  async setup(world) {
    const config = { ...QUICK_MATCH, connection_wait_ms: 600_000 };
    return {
      match: await world.dispatch([world.victim.botId, world.bystander.botId], config),
      house: await world.dispatch([world.victim.botId, "house-random"], config),
    };
  },
  objects: (state) => [{ binding: "MATCH", name: state.match.match_id }],
  cases,
  families: [
    {
      id: "path.random",
      input: "seeded random match and participant ids on both paths",
      outcomes: { any: "101 then close 4002, or 404 NOT_FOUND when the path no longer matches" },
      async run(ctx, count, record) {
        const pid = ctx.state.match.seats[0]?.participant_id ?? "";
        for (let i = 0; i < count; i += 1) {
          const segment = randomSegment(ctx.rng);
          const base = ctx.rng.pick(["/ws/external/match", "/ws/match"]);
          const path = ctx.rng.chance(0.5)
            ? `${base}/${segment}/${pid}`
            : `${base}/${ctx.state.match.match_id}/${segment}`;
          try {
            const answer = await ctx.world.upgrade(path, [header(ctx.world.victim.token)]);
            if (answer.status === 404) assertEnvelope(answer, 404, "NOT_FOUND", ctx.world.secrets);
            else {
              assert.equal(
                answer.status,
                101,
                `HTTP ${answer.status} ${answer.body.slice(0, 200)}`,
              );
              assert.ok(answer.socket);
              await assertClosed(answer.socket, { code: 4002, errors: [] }, ctx.world.secrets);
            }
          } catch (err) {
            record(path, err);
          }
        }
        return count;
      },
    },
  ],
  async legit(world, state) {
    const a = new Seat(world, 0, seatPath(state, 0), world.victim.token);
    const b = new Seat(world, 1, seatPath(state, 1), world.bystander.token);
    await a.connect("header");
    await b.connect("frame");
    const first = new Autoplay(a);
    const second = new Autoplay(b);
    const [endA, endB] = await Promise.all([first.done, second.done]);
    assert.deepEqual(endA.results, endB.results);
    assertFairEnd(
      [
        {
          seat: 0,
          played: {
            end: endA,
            results: a.frames.filter((f) => f.type === "turn_result"),
            answers: a.sent.map((s) => s.action),
            frames: a.frames,
          },
        },
        {
          seat: 1,
          played: {
            end: endB,
            results: b.frames.filter((f) => f.type === "turn_result"),
            answers: b.sent.map((s) => s.action),
            frames: b.frames,
          },
        },
      ],
      2000,
    );
    await eventually(async () => {
      const record = await api(world.gateway, "GET", `/api/matches/${state.match.match_id}`);
      return (record.body as { status: string }).status === "completed";
    }, "the match record to complete");
  },
});
