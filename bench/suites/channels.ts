/**
 * Channel fan-out: one channel, 1,000 subscribers. Measures, on the same local runtime and
 * in the same run, a botgate channel (Ed25519 handshake, every message stored in SQLite
 * before its ack) against a minimal partyserver room (no auth, nothing stored), in both
 * of partyserver's connection modes:
 * - the time for 1,000 sockets to connect (and, for botgate, authenticate);
 * - post→ack latency p50/p99 of sequential posts while every post fans out to 999 others;
 * - deliveries per second for a pipelined burst of posts, counted at the subscribers.
 * Loopback only, every wait bounded; the whole suite takes about a minute.
 */
import { sign } from "node:crypto";
import { fileURLToPath } from "node:url";
import { createTestHarness } from "wrangler";
import WebSocket from "ws";
import { authSignedString } from "../../src/agents/signed-strings.ts";
import { type Agent, createChannel, registerAgent } from "../../test/harness/agent.ts";
import { startGateway } from "../../test/harness/gateway.ts";
import { type Figure, percentile, ratio, round, type Suite } from "../lib.ts";

const SUBSCRIBERS = 1_000;
const SEQUENTIAL_POSTS = 200;
const BURST_POSTS = 200;
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

interface Measured {
  connectMs: number;
  p50: number;
  p99: number;
  deliveriesPerS: number;
}

/** Connect 1,000 subscribers and a poster, then the two post phases. */
async function measure(connect: (i: number) => Promise<WebSocket>): Promise<Measured> {
  const started = performance.now();
  const sockets = await pool(SUBSCRIBERS, CONNECT_CONCURRENCY, connect);
  const connectMs = performance.now() - started;
  const subscribers = sockets.map((ws) => new BenchSocket(ws));
  const poster = new BenchSocket(await connect(SUBSCRIBERS));
  try {
    const latencies: number[] = [];
    for (let i = 0; i < SEQUENTIAL_POSTS; i += 1) {
      const t0 = performance.now();
      await poster.post(`seq-${i}`, { i });
      latencies.push(performance.now() - t0);
    }
    await Promise.all(subscribers.map((s) => s.received(SEQUENTIAL_POSTS)));

    const t0 = performance.now();
    const acked = Array.from({ length: BURST_POSTS }, (_, i) => poster.post(`burst-${i}`, { i }));
    await Promise.all(subscribers.map((s) => s.received(SEQUENTIAL_POSTS + BURST_POSTS)));
    const elapsedS = (performance.now() - t0) / 1000;
    await Promise.all(acked);
    return {
      connectMs,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      deliveriesPerS: (BURST_POSTS * SUBSCRIBERS) / elapsedS,
    };
  } finally {
    for (const ws of [...sockets, poster.ws]) ws.terminate();
  }
}

async function botgate(): Promise<Measured> {
  // Measured: the channel path, not the per-socket limiter or the heartbeat sweep.
  const gateway = await startGateway({
    vars: {
      AGENT_RATE_PER_S: "1000000",
      AGENT_RATE_BURST: "1000000",
      AGENT_HEARTBEAT_TIMEOUT_MS: "600000",
    },
  });
  try {
    const agent = await registerAgent(gateway, "bench", "runner");
    await createChannel(gateway, "fanout");
    const base = gateway.url.href.replace(/^http/, "ws").replace(/\/$/, "");
    return await measure((i) => botgateSocket(base, agent, "fanout", `s${i}`));
  } finally {
    await gateway.close();
  }
}

async function partyserver(party: "room" | "memory-room"): Promise<Measured> {
  const harness = createTestHarness({
    root: fileURLToPath(new URL("../partyserver/", import.meta.url)),
    workers: [{ configPath: "./wrangler.toml" }],
  });
  const { url } = await harness.listen();
  try {
    const room = `${url.href.replace(/^http/, "ws")}parties/${party}/fanout`;
    return await measure(() => open(room));
  } finally {
    await harness.close();
  }
}

const suite: Suite = async () => {
  // Sequential, never concurrent: each system gets the machine to itself.
  const ours = await botgate();
  const theirs = {
    hibernating: await partyserver("room"),
    inMemory: await partyserver("memory-room"),
  };
  const figures: Figure[] = [];
  const row = (figure: string, value: number, unit: string, extra: Partial<Figure> = {}) =>
    figures.push({ suite: "channels", figure, value: round(value), unit, ...extra });
  row("botgate: 1,000 sockets connect + Ed25519 auth", ours.connectMs, "ms");
  row("partyserver (hibernating): 1,000 sockets connect", theirs.hibernating.connectMs, "ms");
  row("partyserver (in memory): 1,000 sockets connect", theirs.inMemory.connectMs, "ms");
  for (const [label, key] of [
    ["p50", "p50"],
    ["p99", "p99"],
  ] as const) {
    row(`botgate: post→ack ${label}, 1,000 subscribers, stored`, ours[key], "ms", {
      ratio: [
        ratio(theirs.hibernating[key], ours[key], "partyserver hib."),
        ratio(theirs.inMemory[key], ours[key], "partyserver mem."),
      ].join(", "),
    });
    row(`partyserver (hibernating): post→ack ${label}`, theirs.hibernating[key], "ms");
    row(`partyserver (in memory): post→ack ${label}`, theirs.inMemory[key], "ms");
  }
  row("botgate: deliveries/s (burst of 200 posts × 1,000)", ours.deliveriesPerS, "msg/s", {
    ratio: [
      ratio(ours.deliveriesPerS, theirs.hibernating.deliveriesPerS, "partyserver hib."),
      ratio(ours.deliveriesPerS, theirs.inMemory.deliveriesPerS, "partyserver mem."),
    ].join(", "),
  });
  row("partyserver (hibernating): deliveries/s", theirs.hibernating.deliveriesPerS, "msg/s");
  row("partyserver (in memory): deliveries/s", theirs.inMemory.deliveriesPerS, "msg/s");
  return figures;
};

export default suite;
