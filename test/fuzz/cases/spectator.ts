/**
 * The spectator socket `/ws/match/{match_id}/spectate` (docs/match.md "Spectators"): missing,
 * wrong and misplaced credentials, subprotocol variants, hostile and unknown match ids, and
 * everything a spectator might send (junk, binary, oversize, floods, seat frames). Only the
 * admin credential opens it, nothing it sends is acted on, and afterwards a spectator
 * watches the same match to `match_end` while a bot plays it.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { type CaseContext, defineGroup, type FixedCase } from "../case.ts";
import { assertClosed, assertEnvelope, assertSilent, inParallel, nextJson } from "../checks.ts";
import { HOSTILE_SEGMENTS, isDotSegment } from "../hostile.ts";
import { Opcode, type RawSocket } from "../raw-socket.ts";
import { ignoringColumns } from "../snapshot.ts";
import { type Dispatched, playOut, QUICK_MATCH } from "../world.ts";

interface SpectatorState {
  match: Dispatched;
}
type Ctx = CaseContext<SpectatorState>;

const SENTINEL = "botgate-admin";

function spectatePath(state: SpectatorState): string {
  return `/ws/match/${state.match.match_id}/spectate`;
}

async function refused(
  ctx: Ctx,
  path: string,
  code: number,
  headers: Array<[string, string]> = [],
) {
  const answer = await ctx.world.upgrade(path, headers);
  assert.equal(answer.status, 101, `${path.slice(0, 80)}: HTTP ${answer.status}`);
  const offered = headers.some(
    ([n, v]) =>
      n === "Sec-WebSocket-Protocol" &&
      v
        .split(",")
        .map((x) => x.trim())
        .includes(SENTINEL),
  );
  assert.equal(answer.headers["sec-websocket-protocol"], offered ? SENTINEL : undefined);
  assert.ok(answer.socket);
  await assertClosed(answer.socket, { code, errors: [] }, ctx.world.secrets);
}

/** An admitted spectator: `spectator_hello` with the public view only. */
async function watch(ctx: Ctx, headers: Array<[string, string]>, query = ""): Promise<RawSocket> {
  const answer = await ctx.world.upgrade(`${spectatePath(ctx.state)}${query}`, headers);
  assert.equal(answer.status, 101);
  assert.ok(answer.socket);
  const hello = await nextJson(answer.socket, 15_000, "spectator_hello");
  assert.equal(hello.type, "spectator_hello", JSON.stringify(hello));
  assert.ok(!JSON.stringify(hello).includes("hole_cards"));
  return answer.socket;
}

const cases: FixedCase<SpectatorState>[] = [
  {
    id: "credentials",
    input:
      "no credential; `?token=` garbage; a bot token, the admin token with one character changed, under the admin sentinel; the admin token under the bot sentinel, and alone without a sentinel",
    expected:
      "101 then close 4001 `auth_failed`, no frame; `botgate-admin` echoed only when offered",
    async run(ctx) {
      const path = spectatePath(ctx.state);
      const admin = ctx.world.gateway.adminToken;
      await refused(ctx, path, 4001);
      await refused(ctx, `${path}?token=garbage`, 4001);
      for (const token of [ctx.world.victim.token, `${admin.slice(0, -1)}x`]) {
        await refused(ctx, path, 4001, [["Sec-WebSocket-Protocol", `${SENTINEL}, ${token}`]]);
      }
      await refused(ctx, path, 4001, [["Sec-WebSocket-Protocol", `chipzen-bot-token, ${admin}`]]);
      await refused(ctx, path, 4001, [["Sec-WebSocket-Protocol", admin]]);
    },
  },
  {
    id: "path",
    input: `each hostile segment (${HOSTILE_SEGMENTS.length}) and an unknown well-formed id as the match id, with the admin credential`,
    expected: "101 then close 4002, no frame; a dot segment leaves the route: 404 NOT_FOUND",
    async run(ctx) {
      const header: [string, string] = [
        "Sec-WebSocket-Protocol",
        `${SENTINEL}, ${ctx.world.gateway.adminToken}`,
      ];
      await inParallel([...HOSTILE_SEGMENTS, randomUUID()], 6, async (segment) => {
        const path = `/ws/match/${segment}/spectate`;
        if (isDotSegment(segment)) {
          assertEnvelope(
            await ctx.world.upgrade(path, [header]),
            404,
            "NOT_FOUND",
            ctx.world.secrets,
          );
        } else {
          await refused(ctx, path, 4002, [header]);
        }
      });
    },
  },
  {
    id: "admitted",
    input:
      "the admin credential as `botgate-admin, <token>`, as `<token>, botgate-admin` and in `?token=`",
    expected: "101 (`botgate-admin` echoed when offered), `spectator_hello` without hole cards",
    async run(ctx) {
      const admin = ctx.world.gateway.adminToken;
      for (const [headers, query] of [
        [[["Sec-WebSocket-Protocol", `${SENTINEL}, ${admin}`]], ""],
        [[["Sec-WebSocket-Protocol", `${SENTINEL},${admin}`]], ""],
        [[], `?token=${admin}`],
      ] as Array<[Array<[string, string]>, string]>) {
        (await watch(ctx, headers, query)).close();
      }
    },
  },
  {
    id: "input-ignored",
    input:
      "from an admitted spectator: junk text, a binary frame, a 10,000-byte frame, a 500-frame burst, `authenticate` with a bot's token, a `turn_action`",
    expected: "all ignored: no frame, no close; nothing is applied to the match",
    async run(ctx) {
      const socket = await watch(ctx, [
        ["Sec-WebSocket-Protocol", `${SENTINEL}, ${ctx.world.gateway.adminToken}`],
      ]);
      socket.send("junk");
      socket.send(Buffer.from([0xff, 0xfe]), Opcode.binary);
      socket.send("x".repeat(10_000));
      for (let i = 0; i < 500; i += 1) socket.send('{"type":"pong"}');
      socket.sendJson({ type: "authenticate", token: ctx.world.victim.token });
      socket.sendJson({ type: "hello", supported_versions: ["1.0"] });
      socket.sendJson({
        type: "turn_action",
        match_id: "",
        request_id: "req_000000000000",
        action: "fold",
      });
      await assertSilent(socket, 300);
      socket.close();
    },
  },
];

export const spectatorGroup = defineGroup<SpectatorState>({
  id: "spectator",
  entry: "/ws/match/{match_id}/spectate",
  ref: "docs/match.md (Connecting, Spectators)",
  target: "the MatchObject of a dispatched match (a bot against a house bot)",
  legitFlow:
    "a spectator connects, the bot plays the match to `match_end`; the spectator gets `match_start`, every `round_start` without hole cards, `turn_result`s, `round_result`s and `match_end` with strictly increasing `seq`, never a `turn_request`, then close 1000",
  async setup(world) {
    return {
      match: await world.dispatch([world.victim.botId, "house-calling-station"], {
        ...QUICK_MATCH,
        connection_wait_ms: 60_000,
      }),
    };
  },
  objects: (state) => [{ binding: "MATCH", name: state.match.match_id }],
  cases,
  families: [],
  // Admitted spectators (the admin) advance the spectator counter; nothing else may move.
  explain: (diff) => ignoringColumns(diff, "meta", ["spectator_seq"]),
  async legit(world, state) {
    const answer = await world.upgrade(spectatePath(state), [
      ["Sec-WebSocket-Protocol", `${SENTINEL}, ${world.gateway.adminToken}`],
    ]);
    const watcher = answer.socket;
    assert.ok(watcher);
    world.keep(watcher);
    assert.equal((await nextJson(watcher, 15_000, "spectator_hello")).type, "spectator_hello");
    const seat = await world.dial(state.match.seats[0]?.gateway_ws_url ?? "", world.victim.token);
    const played = await playOut(seat);
    assert.equal(played.end.reason, "complete");
    const closed = await watcher.closed(10_000);
    assert.equal(closed.code, 1000);
    const frames = watcher.texts(true);
    const types = frames.map((f) => String(f.type));
    assert.equal(types[0], "match_start");
    assert.equal(types.at(-1), "match_end");
    assert.ok(!types.includes("turn_request"), "a spectator never gets a turn_request");
    assert.ok(types.includes("round_result") && types.includes("turn_result"));
    for (const frame of frames.filter((f) => f.type === "round_start")) {
      assert.ok(!("your_hole_cards" in (frame.state as object)), "round_start without hole cards");
    }
    const seqs = frames.map((f) => f.seq as number);
    assert.ok(
      seqs.every((s, i) => i === 0 || s > (seqs[i - 1] ?? 0)),
      "spectator seq strictly increases",
    );
    assert.deepEqual((frames.at(-1) as { results: unknown }).results, played.end.results);
  },
});
