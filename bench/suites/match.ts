/**
 * The match gateway under load, against the real Worker on a loopback port (the same
 * runtime as `npm start`), with instant raw-JSON bots and jitter off:
 * - per-turn server overhead: a bot's `turn_action` sent → the next `turn_request` received
 *   (same hand), measured client-side, p50/p99;
 * - hands per second for one match of two instant bots;
 * - total hands per second for 50 concurrent matches.
 * Bounded: fixed hand caps, a timeout on every match, loopback only.
 */
import WebSocket from "ws";
import { api, createBotWithToken, type Gateway, startGateway } from "../../test/harness/gateway.ts";
import { type Figure, percentile, round, type Suite } from "../lib.ts";

const SINGLE_HANDS = Number(process.env.BENCH_SINGLE_HANDS ?? 300);
const CONCURRENT_MATCHES = Number(process.env.BENCH_MATCHES ?? 50);
const CONCURRENT_HANDS = 40;
const MATCH_TIMEOUT_MS = 120_000;

/** Instant bots, no jitter, a stack deep enough that the hand cap ends the match. */
const BENCH_CONFIG = {
  jitter_min_ms: 0,
  jitter_max_ms: 0,
  starting_stack: 1_000_000,
  // Instant bots answer far faster than the 10 messages/s a real match allows (§5.10).
  max_messages_per_second: 1000,
  turn_timeout_ms: 30_000,
};

interface MatchRun {
  hands: number;
  elapsedMs: number;
  /** Server overhead samples: turn_action sent → next turn_request received, same hand. */
  turnMs: number[];
}

interface Dispatched {
  match_id: string;
  seats: { gateway_ws_url: string | null }[];
}

/**
 * Plays one match with two instant check/call bots and times it. The clock of a turn sample
 * starts when either bot sends its action and stops at the next `turn_request` either bot
 * receives, unless a `round_start` came in between (a new hand is not a turn).
 */
async function playMatch(gateway: Gateway, pair: Bot[], hands: number): Promise<MatchRun> {
  const created = await api(gateway, "POST", "/api/matches", {
    body: { bots: pair.map((bot) => bot.botId), config: { ...BENCH_CONFIG, hand_cap: hands } },
  });
  if (created.status !== 201) throw new Error(`dispatch failed: ${JSON.stringify(created.body)}`);
  const match = created.body as Dispatched;
  const turnMs: number[] = [];
  let sentAt: number | null = null;
  let started = 0;
  let total = 0;
  const ended = Promise.all(
    pair.map(
      ({ token }, seat) =>
        new Promise<void>((resolve, reject) => {
          const ws = new WebSocket(gateway.wsUrl(match.seats[seat]?.gateway_ws_url ?? ""), [
            "chipzen-bot-token",
            token,
          ]);
          const timer = setTimeout(() => reject(new Error("match timed out")), MATCH_TIMEOUT_MS);
          ws.on("open", () =>
            ws.send(JSON.stringify({ type: "authenticate", match_id: match.match_id, token: "" })),
          );
          ws.on("message", (data) => {
            const now = performance.now();
            const frame = JSON.parse(data.toString()) as Record<string, unknown>;
            switch (frame.type) {
              case "hello":
                ws.send(
                  JSON.stringify({
                    type: "hello",
                    match_id: match.match_id,
                    supported_versions: ["1.0"],
                  }),
                );
                break;
              case "match_start":
                if (started === 0) started = now;
                break;
              case "round_start":
                sentAt = null;
                break;
              case "turn_request": {
                if (sentAt !== null) turnMs.push(now - sentAt);
                const valid = frame.valid_actions as string[];
                const action = valid.includes("check") ? "check" : "call";
                sentAt = performance.now();
                ws.send(
                  JSON.stringify({
                    type: "turn_action",
                    match_id: match.match_id,
                    request_id: frame.request_id,
                    action,
                    params: {},
                  }),
                );
                break;
              }
              case "match_end":
                total = frame.total_hands_played as number;
                break;
            }
          });
          ws.on("close", (code) => {
            clearTimeout(timer);
            if (code === 1000) resolve();
            else reject(new Error(`seat ${seat} closed with ${code}`));
          });
          ws.on("error", reject);
        }),
    ),
  );
  await ended;
  return { hands: total, elapsedMs: performance.now() - started, turnMs };
}

interface Bot {
  botId: string;
  token: string;
}

async function bots(gateway: Gateway, count: number): Promise<Bot[]> {
  const out: Bot[] = [];
  for (let i = 0; i < count; i++)
    out.push(await createBotWithToken(gateway, `bench-${i}-${Date.now()}`));
  return out;
}

const suite: Suite = async () => {
  // 100+ bots dial from one loopback address: lift the per-IP connect limit (a deployment
  // sees them from as many addresses).
  const gateway = await startGateway({ vars: { WS_CONNECTS_PER_IP_PER_MINUTE: "100000" } });
  try {
    const pair = await bots(gateway, 2);
    // Warm-up: the first match pays for bundling caches and object creation paths.
    await playMatch(gateway, pair, 20);
    const single = await playMatch(gateway, pair, SINGLE_HANDS);

    const pool = await bots(gateway, CONCURRENT_MATCHES * 2);
    const startedAll = performance.now();
    const runs = await Promise.all(
      Array.from({ length: CONCURRENT_MATCHES }, (_, i) =>
        playMatch(gateway, pool.slice(2 * i, 2 * i + 2), CONCURRENT_HANDS),
      ),
    );
    const elapsedAll = performance.now() - startedAll;
    const handsAll = runs.reduce((sum, run) => sum + run.hands, 0);
    const concurrentTurns = runs.flatMap((run) => run.turnMs);

    return [
      figure("per-turn overhead p50 (1 match)", percentile(single.turnMs, 50), "ms"),
      figure("per-turn overhead p99 (1 match)", percentile(single.turnMs, 99), "ms"),
      figure(
        "hands/s, 1 match of 2 instant bots",
        single.hands / (single.elapsedMs / 1000),
        "hands/s",
      ),
      figure(
        `hands/s, ${CONCURRENT_MATCHES} concurrent matches (total)`,
        handsAll / (elapsedAll / 1000),
        "hands/s",
      ),
      figure(
        `per-turn overhead p50 (${CONCURRENT_MATCHES} matches)`,
        percentile(concurrentTurns, 50),
        "ms",
      ),
      figure(
        `per-turn overhead p99 (${CONCURRENT_MATCHES} matches)`,
        percentile(concurrentTurns, 99),
        "ms",
      ),
    ];
  } finally {
    await gateway.close();
  }
};

function figure(name: string, value: number, unit: string): Figure {
  return { suite: "match", figure: name, value: round(value, 2), unit };
}

export default suite;
