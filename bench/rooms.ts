/**
 * The rooms the channel benchmarks compare, each behind the same small interface: a botgate
 * channel (the real Worker), a minimal partyserver room on the same local runtime (in its
 * hibernating and in-memory modes) and a minimal socket.io room in its own Node process.
 * Clients are lean `ws` sockets speaking each room's wire format, so the comparison is of
 * the servers, not of client libraries. Loopback only; every wait is bounded.
 */
import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { createTestHarness } from "wrangler";
import WebSocket from "ws";
import { authSignedString } from "../src/agents/signed-strings.ts";
import { createChannel, registerAgent } from "../test/harness/agent.ts";
import { startGateway } from "../test/harness/gateway.ts";
import { bounded, launchedWorkerd, rssKb, totalRssKb } from "./lib.ts";

const WAIT_MS = 60_000;

/** How a client speaks to one kind of room. */
export interface Wire {
  /** The frame that posts `payload` under the client id `id`. */
  post(id: string, payload: unknown): string;
  /** Whether `text` is a fan-out delivery (checked by prefix: no JSON parse per delivery). */
  isDelivery(text: string): boolean;
  /** The post id an ack frame answers, or null when `text` is not an ack. */
  ackId(text: string): string | null;
  /** The answer to a server heartbeat, or null. */
  reply(text: string): string | null;
}

/** A room under test, with its runtime. */
export interface Room {
  /** e.g. "socket.io room" */
  name: string;
  wire: Wire;
  /** Opens socket `i` and completes whatever the room needs before it can post and receive. */
  open(i: number): Promise<WebSocket>;
  /** Resident memory (kB) of the processes serving this room. */
  rssKb(): number;
  close(): Promise<void>;
}

/** The JSON frames shared by botgate channels and the partyserver rooms. */
const jsonWire: Wire = {
  post: (id, payload) => JSON.stringify({ type: "post", id, payload }),
  isDelivery: (text) => text.startsWith('{"type":"message"'),
  ackId: (text) =>
    text.startsWith('{"type":"ack"') ? (JSON.parse(text) as { id: string }).id : null,
  reply: () => null,
};

/**
 * socket.io v4 over its WebSocket transport, spoken directly: Engine.IO packet `4` (message)
 * carrying Socket.IO packets `0` (connect), `2` (event, with an ack id) and `3` (ack);
 * the server's Engine.IO ping `2` is answered `3`.
 */
let ackCounter = 0;
const socketioWire: Wire = {
  post: (id, payload) => {
    ackCounter += 1;
    return `42${ackCounter}${JSON.stringify(["post", { id, payload }])}`;
  },
  isDelivery: (text) => text.startsWith('42["message"'),
  ackId: (text) => {
    if (!text.startsWith("43")) return null;
    const [reply] = JSON.parse(text.slice(text.indexOf("["))) as [{ id: string }];
    return reply.id;
  },
  reply: (text) => (text === "2" ? "3" : null),
};

/**
 * `BENCH_WS_DEFLATE=0` makes the bench clients offer no `permessage-deflate`, to measure what
 * the compression state costs each server (docs/benchmarks.md, memory per socket).
 */
const CLIENT_OPTIONS = process.env.BENCH_WS_DEFLATE === "0" ? { perMessageDeflate: false } : {};

/** Opens a socket; resolves once it is open. */
export function openSocket(url: string): Promise<WebSocket> {
  const ws = new WebSocket(url, CLIENT_OPTIONS);
  return bounded(
    new Promise<WebSocket>((resolve, reject) => {
      ws.once("open", () => resolve(ws));
      ws.once("error", reject);
    }),
    WAIT_MS,
    `an open socket at ${url}`,
  );
}

/**
 * Whether `ws` is open and answers a WebSocket ping within 10 s. A control frame: the
 * runtime answers it without running room code, so it proves the socket, not the app.
 */
export function answersPing(ws: WebSocket): Promise<boolean> {
  if (ws.readyState !== WebSocket.OPEN) return Promise.resolve(false);
  const pong = new Promise<boolean>((resolve) => {
    ws.once("pong", () => resolve(true));
    ws.once("close", () => resolve(false));
  });
  ws.ping();
  return bounded(pong, 10_000, "a pong").catch(() => false);
}

/**
 * Opens a socket, sends `first` (if any) once it is open, and resolves with the socket when
 * `step` says an incoming frame completed the handshake. The listener is attached before the
 * open: a server that speaks first can have its frame parsed in the same tick as the upgrade.
 */
function handshake(
  url: string,
  first: string | null,
  step: (text: string, ws: WebSocket) => "done" | "wait",
  what: string,
): Promise<WebSocket> {
  const ws = new WebSocket(url, CLIENT_OPTIONS);
  const ready = new Promise<WebSocket>((resolve, reject) => {
    const onMessage = (data: WebSocket.RawData) => {
      try {
        if (step(data.toString(), ws) === "done") {
          ws.off("message", onMessage);
          resolve(ws);
        }
      } catch (err) {
        ws.off("message", onMessage);
        reject(err);
      }
    };
    ws.on("message", onMessage);
    ws.once("open", () => {
      if (first !== null) ws.send(first);
    });
    ws.once("error", reject);
    ws.once("close", (code) => reject(new Error(`${what}: closed with ${code}`)));
  });
  return bounded(ready, WAIT_MS, what).catch((err: unknown) => {
    ws.terminate();
    throw err;
  });
}

const sumRss = (pids: number[]) => () => totalRssKb(pids);

/**
 * A botgate channel on the real Worker: every socket completes the Ed25519 challenge–response
 * and is caught up before it counts as open. The per-socket rate limit and the heartbeat
 * sweep are lifted: the benchmark measures the channel, not the limiter.
 */
export async function botgateChannel(): Promise<Room> {
  const { value: gateway, pids } = await launchedWorkerd(() =>
    startGateway({
      vars: {
        AGENT_RATE_PER_S: "1000000",
        AGENT_RATE_BURST: "1000000",
        AGENT_HEARTBEAT_TIMEOUT_MS: "600000",
      },
    }),
  );
  const agent = await registerAgent(gateway, "bench", "runner");
  const channel = "fanout";
  await createChannel(gateway, channel);
  const endpoint = `/ws/channel/${channel}`;
  return {
    name: "botgate channel",
    wire: jsonWire,
    open: (i) =>
      handshake(
        gateway.wsUrl(endpoint),
        JSON.stringify({ type: "hello", protocol_version: 1, session: `s${i}` }),
        (text, ws) => {
          const frame = JSON.parse(text) as { type: string; nonce?: string };
          if (frame.type === "challenge") {
            const signature = agent.key.sign(authSignedString(endpoint, String(frame.nonce)));
            ws.send(
              JSON.stringify({ type: "auth", user: agent.user, machine: agent.machine, signature }),
            );
          } else if (frame.type === "error") {
            throw new Error(`handshake refused: ${text}`);
          }
          return frame.type === "caught_up" ? "done" : "wait";
        },
        `the handshake of s${i}`,
      ),
    rssKb: sumRss(pids),
    close: () => gateway.close(),
  };
}

/**
 * The minimal partyserver room of bench/partyserver on the same local runtime. `served`:
 * served as botgate is (wrangler.served.toml: static assets, the Worker run first), each
 * socket opened with the frames of botgate's handshake (hello → challenge → auth →
 * established, caught_up): the idle sockets suite's like-for-like peer.
 */
export async function partyserverRoom(
  party: "room" | "memory-room",
  served = false,
): Promise<Room> {
  const harness = createTestHarness({
    root: fileURLToPath(new URL("./partyserver/", import.meta.url)),
    workers: [{ configPath: served ? "./wrangler.served.toml" : "./wrangler.toml" }],
  });
  const {
    value: { url },
    pids,
  } = await launchedWorkerd(() => harness.listen());
  const room = `${url.href.replace(/^http/, "ws")}parties/${party}/fanout`;
  const name = party === "room" ? "partyserver hib." : "partyserver mem.";
  return {
    name: served ? `${name}, served as botgate` : name,
    wire: jsonWire,
    open: served ? (i) => partyserverHandshake(room, i) : () => openSocket(room),
    rssKb: sumRss(pids),
    close: () => harness.close(),
  };
}

/** A socket of the partyserver room through the frames of botgate's handshake. */
function partyserverHandshake(url: string, i: number): Promise<WebSocket> {
  return handshake(
    url,
    JSON.stringify({ type: "hello", protocol_version: 1, session: `s${i}` }),
    (text, ws) => {
      const frame = JSON.parse(text) as { type: string };
      if (frame.type === "challenge") {
        // The size of an Ed25519 signature in base64url; the room checks nothing.
        ws.send(
          JSON.stringify({
            type: "auth",
            user: "bench",
            machine: "runner",
            signature: "s".repeat(86),
          }),
        );
      }
      return frame.type === "caught_up" ? "done" : "wait";
    },
    `the partyserver handshake of s${i}`,
  );
}

/** The minimal socket.io room of bench/socketio, forked as a plain Node server on loopback. */
export async function socketioRoom(): Promise<Room> {
  const child: ChildProcess = fork(
    fileURLToPath(new URL("./socketio/server.ts", import.meta.url)),
    {
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    },
  );
  const port = await bounded(
    new Promise<number>((resolve, reject) => {
      child.once("message", (m) => resolve((m as { port: number }).port));
      child.once("exit", (code) => reject(new Error(`socket.io room exited with ${code}`)));
    }),
    WAIT_MS,
    "the socket.io room's port",
  );
  const url = `ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket`;
  return {
    name: "socket.io",
    wire: socketioWire,
    // Engine.IO open (`0{…}`, sent by the server first) → Socket.IO connect to the main
    // namespace (`40`) → `40{"sid":…}`.
    open: () =>
      handshake(
        url,
        null,
        (text, ws) => {
          if (text.startsWith("0{")) ws.send("40");
          return text.startsWith("40") ? "done" : "wait";
        },
        "the socket.io connect",
      ),
    rssKb: () => (child.pid === undefined ? 0 : rssKb(child.pid)),
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill();
      }),
  };
}
