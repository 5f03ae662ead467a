/**
 * Channel fan-out: one channel, 1,000 subscribers and one poster. Measures, in the same run,
 * a botgate channel (Ed25519 handshake; every message stored in SQLite before its ack)
 * against minimal rooms that store nothing: partyserver on the same local runtime, in its
 * hibernating and in-memory modes, and socket.io as a plain Node server on loopback:
 * - the time for 1,000 sockets to connect (and, for botgate, authenticate);
 * - post→ack latency p50/p99 of sequential posts, each fanned out to all 1,000;
 * - deliveries per second for a pipelined burst of posts, counted at the subscribers.
 * Rounds interleave the systems. Loopback only, every wait bounded.
 */
import type WebSocket from "ws";
import { bounded, type Figure, percentile, pool, round, type Suite } from "../lib.ts";
import { botgateChannel, partyserverRoom, type Room, socketioRoom, type Wire } from "../rooms.ts";

const SUBSCRIBERS = 1_000;
const ROUNDS = Number(process.env.CHANNELS_BENCH_ROUNDS ?? 3);
const SEQUENTIAL_POSTS = Number(process.env.CHANNELS_BENCH_POSTS ?? 100);
const BURST_POSTS = 100;
const CONNECT_CONCURRENCY = 50;
const WAIT_MS = 120_000;

/** A lean client: counts deliveries by prefix, resolves acks by post id. */
class BenchSocket {
  readonly ws: WebSocket;
  deliveries = 0;
  readonly #acks = new Map<string, () => void>();
  readonly #wire: Wire;
  #waiter: { target: number; resolve: () => void } | null = null;

  constructor(ws: WebSocket, wire: Wire) {
    this.ws = ws;
    this.#wire = wire;
    ws.on("message", (data) => {
      const text = data.toString();
      if (wire.isDelivery(text)) {
        this.deliveries += 1;
        if (this.#waiter && this.deliveries >= this.#waiter.target) {
          this.#waiter.resolve();
          this.#waiter = null;
        }
        return;
      }
      const id = wire.ackId(text);
      if (id !== null) {
        this.#acks.get(id)?.();
        this.#acks.delete(id);
        return;
      }
      const reply = wire.reply(text);
      if (reply !== null) ws.send(reply);
    });
  }

  /** Resolves once `count` deliveries have arrived in total. */
  received(count: number): Promise<void> {
    if (this.deliveries >= count) return Promise.resolve();
    return bounded(
      new Promise<void>((resolve) => {
        this.#waiter = { target: count, resolve };
      }),
      WAIT_MS,
      `${count} deliveries`,
    );
  }

  /** Posts and resolves when its ack arrives. */
  post(id: string, payload: unknown): Promise<void> {
    const acked = new Promise<void>((resolve) => this.#acks.set(id, resolve));
    this.ws.send(this.#wire.post(id, payload));
    return bounded(acked, WAIT_MS, `the ack of ${id}`);
  }
}

/** A room with its subscribers and one poster connected. */
interface Connected {
  room: Room;
  connectMs: number;
  subscribers: BenchSocket[];
  poster: BenchSocket;
  /** Deliveries each subscriber has had so far. */
  expected: number;
  latencies: number[];
  deliveriesPerS: number[];
}

async function connectAll(room: Room): Promise<Connected> {
  const started = performance.now();
  const sockets = await pool(SUBSCRIBERS, CONNECT_CONCURRENCY, (i) => room.open(i));
  const connectMs = performance.now() - started;
  const poster = new BenchSocket(await room.open(SUBSCRIBERS), room.wire);
  return {
    room,
    connectMs,
    subscribers: sockets.map((ws) => new BenchSocket(ws, room.wire)),
    poster,
    expected: 0,
    latencies: [],
    deliveriesPerS: [],
  };
}

/** Sequential posts (post→ack latency), then a pipelined burst (deliveries per second). */
async function runRound(system: Connected, index: number): Promise<void> {
  const { poster, subscribers } = system;
  for (let i = 0; i < SEQUENTIAL_POSTS; i += 1) {
    const t0 = performance.now();
    await poster.post(`r${index}-seq-${i}`, { i });
    system.latencies.push(performance.now() - t0);
  }
  system.expected += SEQUENTIAL_POSTS;
  await Promise.all(subscribers.map((s) => s.received(system.expected)));

  const t0 = performance.now();
  const acked = Array.from({ length: BURST_POSTS }, (_, i) =>
    poster.post(`r${index}-burst-${i}`, { i }),
  );
  system.expected += BURST_POSTS;
  await Promise.all(subscribers.map((s) => s.received(system.expected)));
  const elapsedS = (performance.now() - t0) / 1000;
  await Promise.all(acked);
  system.deliveriesPerS.push((BURST_POSTS * SUBSCRIBERS) / elapsedS);
}

const CONNECT_METHOD =
  "1,000 sockets opened 50 at a time over loopback, until each can post and receive; botgate's also do hello → challenge → Ed25519-signed auth → established → caught_up (one D1 key read per machine per object), the others have no authentication (partyserver: bare upgrade; socket.io: Engine.IO open + namespace connect)";
const LATENCY_METHOD = `one poster sends ${SEQUENTIAL_POSTS} posts one after another per round (${ROUNDS} rounds, systems interleaved, order rotated) while 1,000 subscribers receive each; time from send to the poster's ack, percentiles over all rounds; botgate acks after the message is stored in the channel's SQLite (durable), the comparison rooms store nothing and ack at once`;
const DELIVERY_METHOD = `a pipelined burst of ${BURST_POSTS} posts per round, timed from the first send until every one of the 1,000 subscribers has received every message (${BURST_POSTS * SUBSCRIBERS} deliveries), median round; one Node process reads all deliveries on the same 2 cores as the servers`;

const suite: Suite = async () => {
  // Each system connects on its own; then the rounds interleave them so load from anything
  // else on the machine falls on all of them alike. Only one system posts at a time.
  const systems: Connected[] = [];
  try {
    for (const start of [
      botgateChannel,
      () => partyserverRoom("room"),
      () => partyserverRoom("memory-room"),
      socketioRoom,
    ]) {
      const room = await start();
      try {
        systems.push(await connectAll(room));
      } catch (err) {
        await room.close();
        throw err;
      }
    }
    for (let r = 0; r < ROUNDS; r += 1) {
      // Rotate who goes first, so no system always follows the same neighbour.
      for (let k = 0; k < systems.length; k += 1) {
        const system = systems[(r + k) % systems.length];
        if (system) await runRound(system, r);
      }
    }
  } finally {
    for (const system of systems) {
      for (const s of [...system.subscribers, system.poster]) s.ws.terminate();
      await system.room.close();
    }
  }
  // The spread between rounds shows how much of a difference is noise on a shared machine.
  process.stderr.write(
    `bench: channels deliveries/s per round: ${JSON.stringify(
      Object.fromEntries(systems.map((s) => [s.room.name, s.deliveriesPerS.map(Math.round)])),
    )}\n`,
  );
  const [ours, ...others] = systems.map((s) => ({
    name: s.room.name,
    connectMs: s.connectMs,
    p50: percentile(s.latencies, 50),
    p99: percentile(s.latencies, 99),
    deliveriesPerS: percentile(s.deliveriesPerS, 50),
  }));
  if (!ours) throw new Error("bench: no botgate figures");
  const figure = (
    name: string,
    key: "connectMs" | "p50" | "p99" | "deliveriesPerS",
    unit: string,
    better: Figure["better"],
    method: string,
  ): Figure => ({
    suite: "channels",
    figure: name,
    value: round(ours[key], key === "deliveriesPerS" ? 0 : 1),
    unit,
    ...(better ? { better } : {}),
    comparisons: others.map((o) => ({
      against: o.name,
      value: round(o[key], key === "deliveriesPerS" ? 0 : 1),
    })),
    method,
  });
  return [
    figure(
      "1,000 sockets connect (botgate: + Ed25519 auth)",
      "connectMs",
      "ms",
      "lower",
      CONNECT_METHOD,
    ),
    figure("post→ack p50, 1,000 subscribers", "p50", "ms", "lower", LATENCY_METHOD),
    figure("post→ack p99, 1,000 subscribers", "p99", "ms", "lower", LATENCY_METHOD),
    figure(
      `deliveries/s, ${BURST_POSTS}-post burst × 1,000 subscribers`,
      "deliveriesPerS",
      "msg/s",
      "higher",
      DELIVERY_METHOD,
    ),
  ];
};

export default suite;
