/**
 * Operator gateway benchmark, on one local runtime:
 * - fan-out: 100 operator sockets watch 1,000 bot lobbies close in one burst (1,000 presence
 *   changes reported by 1,000 bot objects through the batched reporter): deliveries per
 *   second and the time until every operator has seen the last change, side by side with a
 *   botgate channel fanning 1,000 posts out to 100 subscribers in the same runtime;
 * - the hub's RPC calls per 1,000 presence changes (its own `status` counters);
 * - connect → hello-ok p50/p99 with an Ed25519 device signature (and without one).
 * Lean `ws` clients over loopback; every wait bounded.
 */
import WebSocket from "ws";
import { authSignedString } from "../../src/agents/signed-strings.ts";
import { createChannel, registerAgent } from "../../test/harness/agent.ts";
import { createBotWithToken, type Gateway, startGateway } from "../../test/harness/gateway.ts";
import { connectParams, newDeviceIdentity, signedDevice } from "../../test/harness/operator.ts";
import { bounded, type Figure, percentile, pool, round, type Suite } from "../lib.ts";

const OPERATORS = 100;
const LOBBIES = Number(process.env.OPERATOR_BENCH_LOBBIES ?? 1000);
const POSTS = LOBBIES;
const CONNECT_SAMPLES = Number(process.env.OPERATOR_BENCH_CONNECT_SAMPLES ?? 200);
const CONCURRENCY = 25;
const WAIT_MS = 120_000;

type Json = Record<string, unknown>;

/** A lean operator socket: counts the bots each presence event adds and removes. */
class Watcher {
  readonly ws: WebSocket;
  readonly online = new Set<string>();
  removed = 0;
  deliveries = 0;
  #waiter: { done: () => boolean; resolve: () => void } | null = null;
  #pending = new Map<string, (res: Json) => void>();

  private constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on("message", (data) => {
      const text = data.toString();
      if (text.startsWith('{"type":"event","event":"presence"')) {
        const { payload } = JSON.parse(text) as {
          payload: { added: Array<{ instanceId: string }>; removed: string[] };
        };
        for (const entry of payload.added) {
          if (entry.instanceId.startsWith("bot:")) this.online.add(entry.instanceId);
        }
        for (const id of payload.removed) {
          if (this.online.delete(id)) {
            this.removed += 1;
            this.deliveries += 1;
          }
        }
      } else if (text.startsWith('{"type":"res"')) {
        const res = JSON.parse(text) as Json;
        this.#pending.get(String(res.id))?.(res);
      }
      if (this.#waiter?.done()) {
        this.#waiter.resolve();
        this.#waiter = null;
      }
    });
  }

  /** Opens `/ws/operator` and completes `connect` (optionally with a device proof). */
  static async open(
    gateway: Gateway,
    token: string,
    device = false,
  ): Promise<{ watcher: Watcher; ms: number }> {
    const started = performance.now();
    const ws = new WebSocket(gateway.wsUrl("/ws/operator"));
    const identity = device ? newDeviceIdentity() : null;
    const hello = new Promise<void>((resolve, reject) => {
      ws.on("message", function first(data) {
        const frame = JSON.parse(data.toString()) as Json;
        if (frame.event === "connect.challenge") {
          const { nonce, ts } = frame.payload as { nonce: string; ts: number };
          const params = connectParams(token, { scopes: ["operator.read"] });
          if (identity) params.device = signedDevice(identity, params, nonce, ts);
          ws.send(JSON.stringify({ type: "req", id: "c", method: "connect", params }));
        } else if (frame.type === "res") {
          ws.off("message", first);
          if (frame.ok) resolve();
          else reject(new Error(`connect refused: ${JSON.stringify(frame.error)}`));
        }
      });
      ws.once("error", reject);
    });
    await bounded(hello, WAIT_MS, "hello-ok");
    const ms = performance.now() - started;
    return { watcher: new Watcher(ws), ms };
  }

  until(done: () => boolean, what: string): Promise<void> {
    if (done()) return Promise.resolve();
    return bounded(
      new Promise<void>((resolve) => {
        this.#waiter = { done, resolve };
      }),
      WAIT_MS,
      what,
    );
  }

  request(id: string, method: string): Promise<Json> {
    const answered = new Promise<Json>((resolve) => this.#pending.set(id, resolve));
    this.ws.send(JSON.stringify({ type: "req", id, method }));
    return bounded(answered, WAIT_MS, `the res of ${method}`);
  }
}

/**
 * A lobby socket opened but not yet authenticated (answering pings like a bot), so that
 * every lobby can then come online in one burst.
 */
function openLobby(gateway: Gateway, botId: string): Promise<WebSocket> {
  const ws = new WebSocket(gateway.wsUrl(`/ws/external/bot/${botId}`));
  ws.on("message", (data) => {
    if (data.toString() === '{"type":"ping"}') ws.send('{"type":"pong"}');
  });
  return bounded(
    new Promise<WebSocket>((resolve, reject) => {
      ws.once("open", () => resolve(ws));
      ws.once("error", reject);
    }),
    WAIT_MS,
    "a lobby socket",
  );
}

/** The hub's intake counters, read through `status`. */
async function hubCounters(
  admin: Watcher,
  id: string,
): Promise<{ calls: number; changes: number }> {
  const res = await admin.request(id, "status");
  const hub = (res.payload as { hub: { reportCalls: number; reportedChanges: number } }).hub;
  return { calls: hub.reportCalls, changes: hub.reportedChanges };
}

/** The same shape on a channel: 100 subscribers, one poster, `POSTS` pipelined posts. */
async function channelFanout(gateway: Gateway): Promise<number> {
  const agent = await registerAgent(gateway, "benchop", "runner");
  await createChannel(gateway, "op-fanout");
  const endpoint = "/ws/channel/op-fanout";
  const open = (i: number) =>
    new Promise<{ ws: WebSocket; all: Promise<void> }>((resolve, reject) => {
      const ws = new WebSocket(gateway.wsUrl(endpoint));
      let received = 0;
      const all = Promise.withResolvers<void>();
      ws.on("message", (data) => {
        const text = data.toString();
        if (text.startsWith('{"type":"message"')) {
          received += 1;
          if (received === POSTS) all.resolve();
        } else if (text.startsWith('{"type":"challenge"')) {
          const { nonce } = JSON.parse(text) as { nonce: string };
          const signature = agent.key.sign(authSignedString(endpoint, nonce));
          ws.send(
            JSON.stringify({ type: "auth", user: agent.user, machine: agent.machine, signature }),
          );
        } else if (text.startsWith('{"type":"caught_up"')) resolve({ ws, all: all.promise });
        else if (text.startsWith('{"type":"error"')) reject(new Error(text));
      });
      ws.once("open", () =>
        ws.send(JSON.stringify({ type: "hello", protocol_version: 1, session: `s${i}` })),
      );
      ws.once("error", reject);
    });
  const subscribers = await pool(OPERATORS, CONCURRENCY, (i) =>
    bounded(open(i), WAIT_MS, "a subscriber"),
  );
  const poster = await bounded(open(OPERATORS), WAIT_MS, "the poster");
  try {
    const t0 = performance.now();
    for (let i = 0; i < POSTS; i += 1) {
      poster.ws.send(JSON.stringify({ type: "post", id: `p${i}`, payload: { i } }));
    }
    await bounded(Promise.all(subscribers.map((s) => s.all)), WAIT_MS, "every channel delivery");
    return (POSTS * OPERATORS) / ((performance.now() - t0) / 1000);
  } finally {
    for (const s of [...subscribers, poster]) s.ws.terminate();
  }
}

const FANOUT_METHOD = `${OPERATORS} operator sockets (read scope) watch ${LOBBIES} bot lobbies that are online; the lobbies are closed in one burst, each bot object reports its change through the per-isolate batched reporter (250 ms window), the hub applies each batch to its SQLite presence and fans one \`presence\` delta per batch to every socket; a delivery is one removal seen by one operator (${OPERATORS * LOBBIES} in all), timed from the first close to the last operator's last removal; compared with a botgate channel on the same runtime fanning ${POSTS} pipelined posts (each stored before fan-out) out to ${OPERATORS} subscribers, timed the same way`;
const CALLS_METHOD =
  "hub `report` RPC calls counted by the hub itself (its `status` result) during each burst (every lobby authenticating at once: online; every lobby closing at once: offline), per 1,000 presence changes; goal ≤ 20";
const CONNECT_METHOD = `${CONNECT_SAMPLES} sequential connects on an otherwise idle runtime, client side over loopback: WebSocket opened → connect.challenge → connect (an operator token: one D1 lookup; with a device: Ed25519 v3 signature made by the client and verified by the hub) → hello-ok with the snapshot`;

const operator: Suite = async () => {
  const gateway = await startGateway({
    vars: {
      WS_CONNECTS_PER_IP_PER_MINUTE: "1000000",
      LOBBY_AUTH_TIMEOUT_MS: "600000",
      AGENT_RATE_PER_S: "1000000",
      AGENT_RATE_BURST: "1000000",
      AGENT_HEARTBEAT_TIMEOUT_MS: "600000",
    },
  });
  const sockets: WebSocket[] = [];
  try {
    const res = await fetch(new URL("/api/operators/tokens", gateway.url), {
      method: "POST",
      headers: {
        authorization: `Bearer ${gateway.adminToken}`,
        "content-type": "application/json",
      },
      body: JSON.stringify({ name: "bench", scopes: ["operator.read"] }),
    });
    const { token } = (await res.json()) as { token: string };

    // (b) connect → hello-ok, sequential, with and without a device signature.
    const withDevice: number[] = [];
    const withoutDevice: number[] = [];
    for (let i = 0; i < CONNECT_SAMPLES; i += 1) {
      for (const [device, samples] of [
        [true, withDevice],
        [false, withoutDevice],
      ] as const) {
        const { watcher, ms } = await Watcher.open(gateway, token, device);
        samples.push(ms);
        watcher.ws.close();
      }
    }

    // (a) fan-out: operators watch every lobby come online, then all of them close at once.
    const bots = await pool(LOBBIES, CONCURRENCY, (i) =>
      createBotWithToken(gateway, `bench-op-${i}`),
    );
    const watchers = (await pool(OPERATORS, CONCURRENCY, () => Watcher.open(gateway, token))).map(
      (w) => w.watcher,
    );
    const admin = (await Watcher.open(gateway, gateway.adminToken)).watcher;
    sockets.push(...watchers.map((w) => w.ws), admin.ws);
    const lobbies = await pool(LOBBIES, CONCURRENCY, async (i) =>
      openLobby(gateway, bots[i]?.botId ?? ""),
    );
    sockets.push(...lobbies);
    const beforeOnline = await hubCounters(admin, "s1");
    // Every lobby authenticates at once: a burst of online changes.
    lobbies.forEach((ws, i) => {
      ws.send(JSON.stringify({ type: "authenticate", token: bots[i]?.token }));
    });
    await Promise.all(
      watchers.map((w) => w.until(() => w.online.size >= LOBBIES, "every bot online")),
    );
    const afterOnline = await hubCounters(admin, "s2");

    const t0 = performance.now();
    for (const ws of lobbies) ws.close();
    await Promise.all(
      watchers.map((w) => w.until(() => w.removed >= LOBBIES, "every bot offline")),
    );
    const elapsedMs = performance.now() - t0;
    const afterOffline = await hubCounters(admin, "s3");
    const operatorRate = watchers.reduce((sum, w) => sum + w.deliveries, 0) / (elapsedMs / 1000);
    const channelRate = await channelFanout(gateway);

    const perThousand = (calls: number) => (calls / LOBBIES) * 1000;
    const onlineCalls = perThousand(afterOnline.calls - beforeOnline.calls);
    const offlineCalls = perThousand(afterOffline.calls - afterOnline.calls);
    process.stderr.write(
      `bench: operator hub calls: online ${afterOnline.calls - beforeOnline.calls} (changes ${afterOnline.changes - beforeOnline.changes}), offline ${afterOffline.calls - afterOnline.calls} (changes ${afterOffline.changes - afterOnline.changes})\n`,
    );
    const figure = (
      name: string,
      value: number,
      unit: string,
      better: Figure["better"],
      method: string,
      extra: Partial<Figure> = {},
    ): Figure => ({
      suite: "operator",
      figure: name,
      value,
      unit,
      ...(better ? { better } : {}),
      method,
      ...extra,
    });
    return [
      figure(
        `presence deliveries/s, ${LOBBIES} changes × ${OPERATORS} operators`,
        round(operatorRate, 0),
        "msg/s",
        "higher",
        FANOUT_METHOD,
        {
          comparisons: [
            {
              against: `botgate channel, ${POSTS} posts × ${OPERATORS} subscribers`,
              value: round(channelRate, 0),
            },
          ],
        },
      ),
      figure(
        "burst → every operator saw the last change",
        round(elapsedMs, 0),
        "ms",
        "lower",
        FANOUT_METHOD,
      ),
      figure(
        "hub RPC calls per 1,000 presence changes (online burst)",
        round(onlineCalls, 1),
        "calls",
        "lower",
        CALLS_METHOD,
      ),
      figure(
        "hub RPC calls per 1,000 presence changes (offline burst)",
        round(offlineCalls, 1),
        "calls",
        "lower",
        CALLS_METHOD,
      ),
      figure(
        "connect→hello-ok p50, device signature",
        round(percentile(withDevice, 50), 1),
        "ms",
        "lower",
        CONNECT_METHOD,
        {
          comparisons: [
            { against: "no device identity", value: round(percentile(withoutDevice, 50), 1) },
          ],
        },
      ),
      figure(
        "connect→hello-ok p99, device signature",
        round(percentile(withDevice, 99), 1),
        "ms",
        "lower",
        CONNECT_METHOD,
        {
          comparisons: [
            { against: "no device identity", value: round(percentile(withoutDevice, 99), 1) },
          ],
        },
      ),
    ];
  } finally {
    for (const ws of sockets) ws.terminate();
    await gateway.close();
  }
};

export default operator;
