/**
 * Channel fan-out: one channel, 1,000 subscribers. Measures, on the same local runtime and
 * in the same run, a botgate channel (Ed25519 handshake, every message stored in SQLite
 * before its ack) against a minimal partyserver room (no auth, nothing stored), in both
 * of partyserver's connection modes:
 * - the time for 1,000 sockets to connect (and, for botgate, authenticate);
 * - post→ack latency p50/p99 of sequential posts while every post fans out to all 1,000;
 * - deliveries per second for a pipelined burst of posts, counted at the subscribers.
 * Four rounds, interleaved across the systems. Loopback only, every wait bounded; the
 * whole suite takes two to three minutes on two cores.
 */
import { fileURLToPath } from "node:url";
import { createTestHarness } from "wrangler";
import WebSocket from "ws";
import { authSignedString } from "../../src/agents/signed-strings.ts";
import { type Agent, createChannel, registerAgent } from "../../test/harness/agent.ts";
import { startGateway } from "../../test/harness/gateway.ts";
import { type Figure, percentile, ratio, round, type Suite } from "../lib.ts";

const SUBSCRIBERS = 1_000;
const ROUNDS = 4;
const SEQUENTIAL_POSTS = 100;
const BURST_POSTS = 100;
const CONNECT_CONCURRENCY = 50;
const WAIT_MS = 120_000;

/** A lean client: counts fan-out frames by prefix (no JSON parsing per delivery). */
class BenchSocket {
  readonly ws: WebSocket;
  deliveries = 0;
  readonly #acks = new Map<string, () => void>();
  #waiter: { target: number; resolve: () => void } | null = null;

  constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on("message", (data) => {
      const text = data.toString();
      if (text.startsWith('{"type":"message"')) {
        this.deliveries += 1;
        if (this.#waiter && this.deliveries >= this.#waiter.target) {
          this.#waiter.resolve();
          this.#waiter = null;
        }
      } else if (text.startsWith('{"type":"ack"')) {
        const id = (JSON.parse(text) as { id: string }).id;
        this.#acks.get(id)?.();
        this.#acks.delete(id);
      }
    });
  }

  /** Resolves once `count` fan-out frames have arrived in total. */
  received(count: number): Promise<void> {
    if (this.deliveries >= count) return Promise.resolve();
    return bounded(
      new Promise<void>((resolve) => {
        this.#waiter = { target: count, resolve };
      }),
      `${count} deliveries`,
    );
  }

  /** Posts and resolves when its ack arrives. */
  post(id: string, payload: unknown): Promise<void> {
    const acked = new Promise<void>((resolve) => this.#acks.set(id, resolve));
    this.ws.send(JSON.stringify({ type: "post", id, payload }));
    return bounded(acked, `the ack of ${id}`);
  }
}

function bounded<T>(promise: Promise<T>, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`bench: no ${what} within ${WAIT_MS} ms`)),
      WAIT_MS,
    );
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}

function open(url: string): Promise<WebSocket> {
  const ws = new WebSocket(url);
  return bounded(
    new Promise<WebSocket>((resolve, reject) => {
      ws.once("open", () => resolve(ws));
      ws.once("error", reject);
    }),
    `an open socket at ${url}`,
  );
}

/** Opens a botgate channel socket and completes the signed handshake up to caught_up. */
async function botgateSocket(base: string, agent: Agent, channel: string, session: string) {
  const endpoint = `/ws/channel/${channel}`;
  const ws = await open(`${base}${endpoint}`);
  const ready = new Promise<void>((resolve, reject) => {
    const onMessage = (data: WebSocket.RawData) => {
      const frame = JSON.parse(data.toString()) as { type: string; nonce?: string };
      if (frame.type === "challenge") {
        const signed = authSignedString(endpoint, String(frame.nonce));
        ws.send(
          JSON.stringify({
            type: "auth",
            user: agent.user,
            machine: agent.machine,
            signature: agent.key.sign(signed),
          }),
        );
      } else if (frame.type === "caught_up") {
        ws.off("message", onMessage);
        resolve();
      } else if (frame.type === "error") {
        reject(new Error(`handshake refused: ${data.toString()}`));
      }
    };
    ws.on("message", onMessage);
  });
  ws.send(JSON.stringify({ type: "hello", protocol_version: 1, session }));
  await bounded(ready, `the handshake of ${session}`);
  return ws;
}

/** Runs `count` tasks with at most `limit` in flight. */
async function pool<T>(count: number, limit: number, task: (i: number) => Promise<T>) {
  const results: T[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < count) {
        const i = next;
        next += 1;
        results[i] = await task(i);
      }
    }),
  );
  return results;
}

/** A system with its 1,000 subscribers and one poster connected. */
interface Connected {
  connectMs: number;
  subscribers: BenchSocket[];
  poster: BenchSocket;
  /** Fan-out frames each subscriber has received so far. */
  expected: number;
  close(): Promise<void>;
}

/** What one round measured. */
interface Round {
  latencies: number[];
  deliveriesPerS: number;
}

async function connectAll(
  connect: (i: number) => Promise<WebSocket>,
  close: () => Promise<void>,
): Promise<Connected> {
  const started = performance.now();
  const sockets = await pool(SUBSCRIBERS, CONNECT_CONCURRENCY, connect);
  const connectMs = performance.now() - started;
  const poster = new BenchSocket(await connect(SUBSCRIBERS));
  return {
    connectMs,
    subscribers: sockets.map((ws) => new BenchSocket(ws)),
    poster,
    expected: 0,
    close: async () => {
      for (const ws of [...sockets, poster.ws]) ws.terminate();
      await close();
    },
  };
}

/** Sequential posts (post→ack latency), then a pipelined burst (deliveries per second). */
async function runRound(system: Connected, index: number): Promise<Round> {
  const { poster, subscribers } = system;
  const latencies: number[] = [];
  for (let i = 0; i < SEQUENTIAL_POSTS; i += 1) {
    const t0 = performance.now();
    await poster.post(`r${index}-seq-${i}`, { i });
    latencies.push(performance.now() - t0);
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
  return { latencies, deliveriesPerS: (BURST_POSTS * SUBSCRIBERS) / elapsedS };
}

async function botgate(): Promise<Connected> {
  // Measured: the channel path, not the per-socket limiter or the heartbeat sweep.
  const gateway = await startGateway({
    vars: {
      AGENT_RATE_PER_S: "1000000",
      AGENT_RATE_BURST: "1000000",
      AGENT_HEARTBEAT_TIMEOUT_MS: "600000",
    },
  });
  const agent = await registerAgent(gateway, "bench", "runner");
  await createChannel(gateway, "fanout");
  const base = gateway.url.href.replace(/^http/, "ws").replace(/\/$/, "");
  return connectAll(
    (i) => botgateSocket(base, agent, "fanout", `s${i}`),
    () => gateway.close(),
  );
}

async function partyserver(party: "room" | "memory-room"): Promise<Connected> {
  const harness = createTestHarness({
    root: fileURLToPath(new URL("../partyserver/", import.meta.url)),
    workers: [{ configPath: "./wrangler.toml" }],
  });
  const { url } = await harness.listen();
  const room = `${url.href.replace(/^http/, "ws")}parties/${party}/fanout`;
  return connectAll(
    () => open(room),
    () => harness.close(),
  );
}

function median(values: number[]): number {
  return percentile(values, 50);
}

const suite: Suite = async () => {
  // Each system connects on its own, then rounds interleave the systems so that load from
  // anything else on the machine falls on all of them alike; only one system posts at a time.
  const systems = {
    botgate: await botgate(),
    hibernating: await partyserver("room"),
    inMemory: await partyserver("memory-room"),
  };
  const results = { botgate: [] as Round[], hibernating: [] as Round[], inMemory: [] as Round[] };
  try {
    const names = ["botgate", "hibernating", "inMemory"] as const;
    for (let r = 0; r < ROUNDS; r += 1) {
      // Rotate who goes first, so no system always follows the same neighbour.
      for (let k = 0; k < names.length; k += 1) {
        const name = names[(r + k) % names.length] ?? "botgate";
        results[name].push(await runRound(systems[name], r));
      }
    }
  } finally {
    for (const system of Object.values(systems)) await system.close();
  }
  // The spread between rounds shows how much of a difference is noise on a shared machine.
  process.stderr.write(
    `bench: channels deliveries/s per round: ${JSON.stringify(
      Object.fromEntries(
        Object.entries(results).map(([k, v]) => [k, v.map((r) => Math.round(r.deliveriesPerS))]),
      ),
    )}\n`,
  );
  const summary = (name: keyof typeof results) => {
    const latencies = results[name].flatMap((r) => r.latencies);
    return {
      connectMs: systems[name].connectMs,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      deliveriesPerS: median(results[name].map((r) => r.deliveriesPerS)),
    };
  };
  const ours = summary("botgate");
  const theirs = { hibernating: summary("hibernating"), inMemory: summary("inMemory") };
  const figures: Figure[] = [];
  const row = (figure: string, value: number, unit: string, extra: Partial<Figure> = {}) =>
    figures.push({ suite: "channels", figure, value: round(value), unit, ...extra });
  row("botgate: 1,000 sockets connect + Ed25519 auth", ours.connectMs, "ms");
  row("partyserver (hibernating): 1,000 sockets connect", theirs.hibernating.connectMs, "ms");
  row("partyserver (in memory): 1,000 sockets connect", theirs.inMemory.connectMs, "ms");
  for (const key of ["p50", "p99"] as const) {
    row(`botgate: post→ack ${key}, 1,000 subscribers, stored`, ours[key], "ms", {
      ratio: [
        ratio(theirs.hibernating[key], ours[key], "partyserver hib."),
        ratio(theirs.inMemory[key], ours[key], "partyserver mem."),
      ].join(", "),
    });
    row(`partyserver (hibernating): post→ack ${key}`, theirs.hibernating[key], "ms");
    row(`partyserver (in memory): post→ack ${key}`, theirs.inMemory[key], "ms");
  }
  row(
    `botgate: deliveries/s (${BURST_POSTS}-post bursts × 1,000, median)`,
    ours.deliveriesPerS,
    "msg/s",
    {
      ratio: [
        ratio(ours.deliveriesPerS, theirs.hibernating.deliveriesPerS, "partyserver hib."),
        ratio(ours.deliveriesPerS, theirs.inMemory.deliveriesPerS, "partyserver mem."),
      ].join(", "),
    },
  );
  row("partyserver (hibernating): deliveries/s", theirs.hibernating.deliveriesPerS, "msg/s");
  row("partyserver (in memory): deliveries/s", theirs.inMemory.deliveriesPerS, "msg/s");
  return figures;
};

export default suite;
