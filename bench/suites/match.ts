/**
 * The match gateway under load, against the real Worker on a loopback port (the same
 * runtime as `npm start`), with instant raw-JSON bots and jitter off:
 * - per-turn server overhead: a bot's `turn_action` sent → the next `turn_request` received
 *   (same hand), measured client-side, p50/p99 — with the bots offering `permessage-deflate`
 *   and again, in a second match, offering none;
 * - hands per second for one match of two instant bots;
 * - the runtime's CPU time per turn event (/proc), for those two matches and the 50 below;
 * - total hands per second for 50 concurrent matches;
 * - reconnect: a bot's match socket is cut mid-turn (no close handshake) and re-dialled at
 *   once; time until the same pending `turn_request` (same `request_id`) arrives, p50/p99.
 * Each is compared with the floor (bench/floor): the least a durable turn costs on the same
 * runtime, driven by the same client in the same run (see `playFloor`).
 * Bounded: fixed hand caps, a timeout on every match, loopback only.
 */
import WebSocket from "ws";
import { api, createBotWithToken, type Gateway, startGateway } from "../../test/harness/gateway.ts";
import { playFloor, startFloor } from "../floor/client.ts";
import {
  type Comparison,
  cpuMs,
  type Figure,
  launchedWorkerd,
  percentile,
  pool,
  round,
  type Suite,
} from "../lib.ts";

const SINGLE_HANDS = Number(process.env.MATCH_BENCH_SINGLE_HANDS ?? 300);
const CONCURRENT_MATCHES = Number(process.env.MATCH_BENCH_MATCHES ?? 50);
const CONCURRENT_HANDS = Number(process.env.MATCH_BENCH_CONCURRENT_HANDS ?? 30);
/** Reconnect samples; half are cut on each seat (the per-seat budget is at most 100). */
const RECONNECTS = Number(process.env.MATCH_BENCH_RECONNECTS ?? 100);
const MATCH_TIMEOUT_MS = 120_000;
/** After a refused re-dial (the old socket's close not yet seen), the bot tries again after this. */
const REDIAL_BACKOFF_MS = 10;
/** Client options of the run whose sockets offer no compression. */
const NO_COMPRESSION: WebSocket.ClientOptions = { perMessageDeflate: false };

/** Instant bots, no jitter, a stack deep enough that the hand cap ends the match. */
const BENCH_CONFIG = {
  jitter_min_ms: 0,
  jitter_max_ms: 0,
  starting_stack: 1_000_000,
  // Instant bots answer far faster than the 10 messages/s a real match allows (§5.10).
  max_messages_per_second: 1000,
  turn_timeout_ms: 30_000,
};

interface Bot {
  botId: string;
  token: string;
}

interface Dispatched {
  match_id: string;
  seats: { gateway_ws_url: string | null }[];
}

/** What one match measured. */
interface MatchRun {
  hands: number;
  /** `turn_action` frames the bots sent: the inbound events of the match. */
  actions: number;
  /** `match_start` → the last close. */
  elapsedMs: number;
  /** turn_action sent → next turn_request received, same hand; only in matches without cuts. */
  turnMs: number[];
  /** Cut → the same pending turn_request received on the new socket. */
  reconnectMs: number[];
  /** Re-dials refused with `duplicate_participant` (the old socket still counted as live). */
  refused: number;
}

/** The timing state the two seats of one match share. */
interface Shared extends MatchRun {
  started: number;
  /** When the last `turn_action` went out, until the next `turn_request` (null across hands). */
  sentAt: number | null;
}

/**
 * Plays one seat with an instant check/call bot, re-dialling after each of its `cuts`: the
 * first `cuts` turn requests it receives are not answered; the socket is terminated instead
 * (a network cut as the server sees it) and dialled again at once. A refused re-dial is
 * retried; the clock of a reconnect sample runs from the cut to the re-sent turn request.
 */
function playSeat(
  gateway: Gateway,
  match: Dispatched,
  seat: number,
  token: string,
  cuts: number,
  shared: Shared,
  options: WebSocket.ClientOptions,
): Promise<void> {
  const url = gateway.wsUrl(match.seats[seat]?.gateway_ws_url ?? "");
  const send = (ws: WebSocket, frame: unknown) => ws.send(JSON.stringify(frame));
  return new Promise<void>((resolve, reject) => {
    let cutsLeft = cuts;
    let cut: { at: number; requestId: unknown } | null = null;
    let current: WebSocket | null = null;
    let refusedNow = false;
    /** Set once the seat is settled either way: no re-dial after that. */
    let over = false;
    const fail = (err: Error) => {
      over = true;
      clearTimeout(timer);
      current?.terminate();
      reject(err);
    };
    const timer = setTimeout(
      () => fail(new Error(`seat ${seat}: match timed out`)),
      MATCH_TIMEOUT_MS,
    );

    const dial = () => {
      if (over) return;
      const ws = new WebSocket(url, ["chipzen-bot-token", token], options);
      current = ws;
      refusedNow = false;
      ws.on("open", () => send(ws, { type: "authenticate", match_id: match.match_id, token: "" }));
      ws.on("message", (data) => {
        const now = performance.now();
        const frame = JSON.parse(data.toString()) as Record<string, unknown>;
        switch (frame.type) {
          case "hello":
            send(ws, { type: "hello", match_id: match.match_id, supported_versions: ["1.0"] });
            break;
          case "error":
            if (frame.code === "duplicate_participant") {
              refusedNow = true;
              shared.refused += 1;
            }
            break;
          case "match_start":
            if (shared.started === 0) shared.started = now;
            break;
          case "round_start":
            shared.sentAt = null;
            break;
          case "turn_request": {
            if (cut !== null) {
              if (frame.request_id !== cut.requestId) {
                fail(new Error(`seat ${seat}: a different turn_request after the reconnect`));
                return;
              }
              shared.reconnectMs.push(now - cut.at);
              cut = null;
            } else if (cutsLeft > 0) {
              cutsLeft -= 1;
              cut = { at: performance.now(), requestId: frame.request_id };
              ws.terminate();
              dial();
              return;
            } else if (cuts === 0 && shared.sentAt !== null) {
              shared.turnMs.push(now - shared.sentAt);
            }
            const valid = frame.valid_actions as string[];
            shared.sentAt = performance.now();
            shared.actions += 1;
            send(ws, {
              type: "turn_action",
              match_id: match.match_id,
              request_id: frame.request_id,
              action: valid.includes("check") ? "check" : "call",
              params: {},
            });
            break;
          }
          case "match_end":
            shared.hands = frame.total_hands_played as number;
            break;
        }
      });
      ws.on("close", (code) => {
        if (ws !== current) return; // a socket this bot cut on purpose
        if (code === 4011 && refusedNow) {
          setTimeout(dial, REDIAL_BACKOFF_MS);
          return;
        }
        if (code !== 1000) return fail(new Error(`seat ${seat} closed with ${code}`));
        over = true;
        clearTimeout(timer);
        resolve();
      });
      ws.on("error", (err) => {
        if (ws === current) fail(err);
      });
    };
    dial();
  });
}

/**
 * Dispatches a match for `pair` through the admin API and plays both seats to `match_end`;
 * the bots' sockets offer `permessage-deflate` (as `ws`, browsers and Python `websockets` do)
 * unless `options` say otherwise.
 */
async function playMatch(
  gateway: Gateway,
  pair: Bot[],
  hands: number,
  cutsPerSeat = 0,
  options: WebSocket.ClientOptions = {},
): Promise<MatchRun> {
  const created = await api(gateway, "POST", "/api/matches", {
    body: {
      bots: pair.map((bot) => bot.botId),
      config: {
        ...BENCH_CONFIG,
        hand_cap: hands,
        ...(cutsPerSeat > 0 ? { reconnect_budget: cutsPerSeat } : {}),
      },
    },
  });
  if (created.status !== 201) throw new Error(`dispatch failed: ${JSON.stringify(created.body)}`);
  const match = created.body as Dispatched;
  const shared: Shared = {
    hands: 0,
    actions: 0,
    elapsedMs: 0,
    turnMs: [],
    reconnectMs: [],
    refused: 0,
    started: 0,
    sentAt: null,
  };
  await Promise.all(
    pair.map(({ token }, seat) =>
      playSeat(gateway, match, seat, token, cutsPerSeat, shared, options),
    ),
  );
  shared.elapsedMs = performance.now() - shared.started;
  return shared;
}

async function bots(gateway: Gateway, count: number): Promise<Bot[]> {
  const stamp = Date.now();
  return pool(count, 10, (i) => createBotWithToken(gateway, `bench-${i}-${stamp}`));
}

const TURN_METHOD =
  "client-side over loopback: a bot sends turn_action → the next turn_request (to either bot) arrives, within a hand (samples spanning a new hand are dropped); both bots answer at once with check-else-call; includes the server's validation, one SQLite transaction (one statement: the answer, engine state, next turn and its deadline; the alarm only when it must move earlier), the output gate's wait for durability and the frames out, plus two loopback hops and the client's JSON parse; jitter off; the bots' sockets offer permessage-deflate, as ws, browsers and Python websockets do (the runtime compresses each frame out, the client inflates it)";
const PLAIN_METHOD = `as the per-turn overhead above, with bots (and floor clients) whose sockets offer no permessage-deflate, right after it: the runtime sends every frame uncompressed and the client has nothing to inflate (the match sends three frames a turn, turn_result to both seats and the turn_request; the floor one, the second floor three)`;
const CPU_METHOD =
  "user + system CPU time of the local runtime's processes (every thread: the isolate, SQLite's commit and fsync, socket writes and compression; /proc/<pid>/stat, 10 ms ticks) over the whole run — dispatch, connects, every hand — ÷ its turn_action frames; the floor's over its run ÷ the frames it answered. What a turn costs the runtime, apart from the client and from queueing";
const HANDS_METHOD =
  "hands played ÷ wall time from match_start to the last close, two instant check/call bots per match, jitter off, hand cap ends the match";
const CONCURRENT_METHOD =
  "all matches dispatched together (two instant check/call bots each, jitter off, hand cap ends each match): total hands played ÷ wall time from the first dispatch to the last close; the per-turn figures pool every match's samples";
const RECONNECT_METHOD = `a bot receives a turn_request and, instead of answering, terminates its match socket (TCP destroyed, no close handshake) and re-dials the same URL at once: time from the cut to the same request_id arriving on the new socket — TCP + upgrade (per-IP limit, D1 token and seat checks) + authenticate → hello → hello, the re-send; a re-dial refused as duplicate_participant (the server had not yet seen the old socket close) is retried after ${REDIAL_BACKOFF_MS} ms inside the same sample; ${RECONNECTS} cuts, half per seat, in one match`;

const FLOOR_METHOD =
  "the floor (bench/floor/worker.js) on the same runtime, driven by the same client in the same run: one Durable Object per room with two hibernatable sockets; each inbound frame is one SQLite transaction writing one small row, then one frame to the other socket, which answers at once; its round trip is timed as the per-turn overhead is (sent → the next frame received). 'floor, 3 frames a turn': the same, but sending what the match protocol sends a turn — a turn_result-sized frame to both sockets, then the answer-me frame at a turn_request's size — each parsed by the client. 1 match: as many events as that match had, right after it; concurrent matches: as many rooms at once, each with the mean events of a match, right after them. Its hands/s is its events/s ÷ the match's turn events per hand (turn_action frames ÷ hands of the 1-match run)";

const suite: Suite = async () => {
  // 100+ bots dial from one loopback address: lift the per-IP connect limit (a deployment
  // sees them from as many addresses).
  const { value: gateway, pids: gatewayPids } = await launchedWorkerd(() =>
    startGateway({ vars: { WS_CONNECTS_PER_IP_PER_MINUTE: "100000" } }),
  );
  const { value: floorRuntime, pids: floorPids } = await launchedWorkerd(() => startFloor());
  /** Runs `play` and returns what it returned with the CPU time `pids` spent meanwhile. */
  const timed = async <T>(pids: number[], play: () => Promise<T>) => {
    const before = cpuMs(pids);
    const value = await play();
    return { value, cpuMs: cpuMs(pids) - before };
  };
  try {
    const floorUrl = floorRuntime.wsUrl;
    const pair = await bots(gateway, 2);
    // Warm-up: the first match pays for bundling caches and object creation paths.
    await playMatch(gateway, pair, 20);
    await playFloor(floorUrl, "warm-up", 200, MATCH_TIMEOUT_MS);
    const { value: single, cpuMs: singleCpu } = await timed(gatewayPids, () =>
      playMatch(gateway, pair, SINGLE_HANDS),
    );
    // The floor right after, for as many events as the match had; then the floor sending
    // the protocol's three frames a turn.
    const { value: floorSingle, cpuMs: floorSingleCpu } = await timed(floorPids, () =>
      playFloor(floorUrl, "single", single.actions, MATCH_TIMEOUT_MS),
    );
    const { value: floor3Single, cpuMs: floor3SingleCpu } = await timed(floorPids, () =>
      playFloor(floorUrl, "single-3", single.actions, MATCH_TIMEOUT_MS, {}, 3),
    );
    const eventsPerHand = single.actions / single.hands;
    // Again with clients that offer no compression: the runtime deflates every frame out and
    // the client inflates it, three frames a turn here against the floor's one.
    const { value: plain, cpuMs: plainCpu } = await timed(gatewayPids, () =>
      playMatch(gateway, pair, SINGLE_HANDS, 0, NO_COMPRESSION),
    );
    const { value: floorPlain, cpuMs: floorPlainCpu } = await timed(floorPids, () =>
      playFloor(floorUrl, "single-plain", plain.actions, MATCH_TIMEOUT_MS, NO_COMPRESSION),
    );
    const { value: floor3Plain, cpuMs: floor3PlainCpu } = await timed(floorPids, () =>
      playFloor(floorUrl, "single-plain-3", plain.actions, MATCH_TIMEOUT_MS, NO_COMPRESSION, 3),
    );

    const perSeat = Math.ceil(RECONNECTS / 2);
    // Each seat acts about four times a hand: enough hands for every cut, then a few more.
    const reconnect = await playMatch(gateway, pair, Math.ceil(perSeat / 4) + 5, perSeat);

    const poolBots = await bots(gateway, CONCURRENT_MATCHES * 2);
    const startedAll = performance.now();
    const { value: runs, cpuMs: manyCpu } = await timed(gatewayPids, () =>
      Promise.all(
        Array.from({ length: CONCURRENT_MATCHES }, (_, i) =>
          playMatch(gateway, poolBots.slice(2 * i, 2 * i + 2), CONCURRENT_HANDS),
        ),
      ),
    );
    const elapsedAll = performance.now() - startedAll;
    const handsAll = runs.reduce((sum, run) => sum + run.hands, 0);
    const concurrentTurns = runs.flatMap((run) => run.turnMs);
    const many = `${CONCURRENT_MATCHES} concurrent matches`;

    // The floor with as many rooms at once, each with a match's events (the mean per match).
    const floorEvents = Math.round(runs.reduce((sum, run) => sum + run.actions, 0) / runs.length);
    const startedFloor = performance.now();
    const { value: floorRuns, cpuMs: floorManyCpu } = await timed(floorPids, () =>
      Promise.all(
        Array.from({ length: CONCURRENT_MATCHES }, (_, i) =>
          playFloor(floorUrl, `many-${i}`, floorEvents, MATCH_TIMEOUT_MS),
        ),
      ),
    );
    const manyActions = runs.reduce((sum, run) => sum + run.actions, 0);
    const floorManyEvents = floorRuns.reduce((sum, run) => sum + run.events, 0);
    const floorPerS = floorManyEvents / ((performance.now() - startedFloor) / 1000);
    const startedFloor3 = performance.now();
    const { value: floor3Runs, cpuMs: floor3ManyCpu } = await timed(floorPids, () =>
      Promise.all(
        Array.from({ length: CONCURRENT_MATCHES }, (_, i) =>
          playFloor(floorUrl, `many-3-${i}`, floorEvents, MATCH_TIMEOUT_MS, {}, 3),
        ),
      ),
    );
    const floor3ManyEvents = floor3Runs.reduce((sum, run) => sum + run.events, 0);
    const floor3PerS = floor3ManyEvents / ((performance.now() - startedFloor3) / 1000);
    /** The floor's figure, then the same floor's sending the protocol's three frames a turn. */
    const floor = (value: number, three: number): Comparison[] => [
      { against: "floor", value: round(value, 2) },
      { against: "floor, 3 frames a turn", value: round(three, 2) },
    ];
    /** The per-turn overhead's p50 and p99 for `label`, each beside the floors'. */
    const overhead = (
      label: string,
      samples: number[],
      floors: [number[], number[]],
      method: string,
    ) =>
      [50, 99].map((p) =>
        figure(
          `per-turn overhead p${p}, ${label}`,
          percentile(samples, p),
          "ms",
          "lower",
          method,
          floor(percentile(floors[0], p), percentile(floors[1], p)),
        ),
      );
    const perHand = (run: { events: number; elapsedMs: number }) =>
      run.events / (run.elapsedMs / 1000) / eventsPerHand;

    return [
      ...overhead("1 match", single.turnMs, [floorSingle.rttMs, floor3Single.rttMs], TURN_METHOD),
      ...overhead(
        "1 match, no compression offered",
        plain.turnMs,
        [floorPlain.rttMs, floor3Plain.rttMs],
        PLAIN_METHOD,
      ),
      figure(
        `hands/s, 1 match (${single.hands} hands)`,
        single.hands / (single.elapsedMs / 1000),
        "hands/s",
        "higher",
        HANDS_METHOD,
        floor(perHand(floorSingle), perHand(floor3Single)),
      ),
      ...overhead(
        many,
        concurrentTurns,
        [floorRuns.flatMap((run) => run.rttMs), floor3Runs.flatMap((run) => run.rttMs)],
        TURN_METHOD,
      ),
      figure(
        `hands/s, ${many} × ${CONCURRENT_HANDS} hands (total)`,
        handsAll / (elapsedAll / 1000),
        "hands/s",
        "higher",
        CONCURRENT_METHOD,
        floor(floorPerS / eventsPerHand, floor3PerS / eventsPerHand),
      ),
      figure(
        "runtime CPU per turn event, 1 match",
        singleCpu / single.actions,
        "ms",
        "lower",
        CPU_METHOD,
        floor(floorSingleCpu / floorSingle.events, floor3SingleCpu / floor3Single.events),
      ),
      figure(
        "runtime CPU per turn event, 1 match, no compression offered",
        plainCpu / plain.actions,
        "ms",
        "lower",
        CPU_METHOD,
        floor(floorPlainCpu / floorPlain.events, floor3PlainCpu / floor3Plain.events),
      ),
      figure(
        `runtime CPU per turn event, ${many}`,
        manyCpu / manyActions,
        "ms",
        "lower",
        CPU_METHOD,
        floor(floorManyCpu / floorManyEvents, floor3ManyCpu / floor3ManyEvents),
      ),
      figure(
        "turn events per hand (turn_action frames)",
        eventsPerHand,
        "events",
        undefined,
        FLOOR_METHOD,
      ),
      figure(
        `reconnect → same turn_request p50 (${reconnect.reconnectMs.length} cuts)`,
        percentile(reconnect.reconnectMs, 50),
        "ms",
        "lower",
        RECONNECT_METHOD,
      ),
      figure(
        `reconnect → same turn_request p99 (${reconnect.reconnectMs.length} cuts)`,
        percentile(reconnect.reconnectMs, 99),
        "ms",
        "lower",
        RECONNECT_METHOD,
      ),
      figure(
        "re-dials refused as duplicate_participant",
        reconnect.refused,
        "dials",
        "lower",
        RECONNECT_METHOD,
      ),
    ];
  } finally {
    await Promise.all([gateway.close(), floorRuntime.close()]);
  }
};

function figure(
  name: string,
  value: number,
  unit: string,
  better: Figure["better"],
  method: string,
  comparisons?: Comparison[],
): Figure {
  return {
    suite: "match",
    figure: name,
    value: round(value, 2),
    unit,
    ...(better ? { better } : {}),
    ...(comparisons ? { comparisons } : {}),
    method,
  };
}

export default suite;
