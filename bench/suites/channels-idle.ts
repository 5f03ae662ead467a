/**
 * Idle channel sockets: how many sockets one runtime holds open in one channel and the memory
 * each costs, for a botgate channel side by side with the minimal partyserver rooms (same
 * local runtime; once as it is, silent sockets on a bare Worker, and once served as botgate
 * is, with static assets in front and each socket carrying botgate's handshake frames) and
 * the socket.io room (its own Node process). The systems run one at a time; each holds its
 * sockets through a settle period (idle objects are evicted, hibernated sockets stay), then
 * every socket must still answer a WebSocket ping. Loopback only, bounded by a socket count
 * and a time budget.
 */
import type WebSocket from "ws";
import { type Figure, pool, round, type Suite, sleep } from "../lib.ts";
import { answersPing, botgateChannel, partyserverRoom, type Room, socketioRoom } from "../rooms.ts";

const SOCKETS = Number(process.env.CHANNELS_IDLE_BENCH_SOCKETS ?? 2000);
const CONCURRENCY = 50;
const SETTLE_MS = Number(process.env.CHANNELS_IDLE_BENCH_SETTLE_MS ?? 15_000);
/** Per system: connecting stops here, whatever is open by then is what was held. */
const CONNECT_BUDGET_MS = 60_000;

interface Held {
  name: string;
  held: number;
  failed: number;
  connectPerS: number;
  rssBeforeKb: number;
  rssAfterKb: number;
}

interface Measured extends Held {
  perSocketKb: number;
}

async function hold(room: Room): Promise<Held> {
  const sockets: WebSocket[] = [];
  try {
    // One socket first, so the room's object and code are loaded before the baseline.
    sockets.push(await room.open(SOCKETS));
    await sleep(1000);
    const rssBeforeKb = room.rssKb();
    let failed = 0;
    const started = performance.now();
    await pool(
      SOCKETS,
      CONCURRENCY,
      async (i) => {
        try {
          const ws = await room.open(i);
          // Heartbeats the room's protocol asks for (socket.io's ping) are answered.
          ws.on("message", (data) => {
            const reply = room.wire.reply(data.toString());
            if (reply !== null) ws.send(reply);
          });
          sockets.push(ws);
        } catch {
          failed += 1;
        }
      },
      Date.now() + CONNECT_BUDGET_MS,
    );
    const connectPerS = (sockets.length - 1) / ((performance.now() - started) / 1000);
    await sleep(SETTLE_MS);
    const alive = await Promise.all(sockets.slice(1).map(answersPing));
    const rssAfterKb = room.rssKb();
    return {
      name: room.name,
      held: alive.filter(Boolean).length,
      failed,
      connectPerS,
      rssBeforeKb,
      rssAfterKb,
    };
  } finally {
    for (const ws of sockets) ws.terminate();
    await room.close();
  }
}

const HOLD_METHOD = `${SOCKETS} sockets opened ${CONCURRENCY} at a time into one channel/room of a fresh runtime (botgate: each completes the Ed25519 handshake up to caught_up; partyserver "served as botgate": the same frames without the cryptography, behind static assets with the Worker run first as botgate's wrangler.toml has it; connecting stops after ${CONNECT_BUDGET_MS / 1000} s), held idle ${SETTLE_MS / 1000} s, then counted if the socket still answers a WebSocket ping`;
const MEMORY_METHOD = `resident memory (VmRSS) of the processes serving the room — workerd for botgate and partyserver, the Node process for socket.io — after the idle hold minus before it (with one socket open), divided by the sockets held; includes the server's per-socket state and buffers, not the client's`;

const suite: Suite = async () => {
  const results: Held[] = [];
  // partyserver's in-memory mode is left out here: idle, it holds the same sockets on the
  // same runtime as the hibernating room, and the suite's time is better spent elsewhere.
  const systems = [
    botgateChannel,
    () => partyserverRoom("room"),
    // Like for like: the same local serving path and the same handshake frames as botgate's.
    () => partyserverRoom("room", true),
    socketioRoom,
  ];
  for (const start of systems) {
    results.push(await hold(await start()));
  }
  const [ours, ...others] = results.map(
    (r): Measured => ({
      ...r,
      perSocketKb: (r.rssAfterKb - r.rssBeforeKb) / Math.max(1, r.held),
    }),
  );
  if (!ours) throw new Error("bench: no botgate figures");
  const figure = (
    name: string,
    value: (r: Measured) => number,
    unit: string,
    better: Figure["better"],
    method: string,
  ): Figure => ({
    suite: "channels-idle",
    figure: name,
    value: round(value(ours), 1),
    unit,
    ...(better ? { better } : {}),
    comparisons: others.map((o) => ({ against: o.name, value: round(value(o), 1) })),
    method,
  });
  return [
    figure(
      `idle channel sockets held (of ${SOCKETS})`,
      (r) => r.held,
      "sockets",
      "higher",
      HOLD_METHOD,
    ),
    figure(
      "idle channel connects refused or failed",
      (r) => r.failed,
      "sockets",
      "lower",
      HOLD_METHOD,
    ),
    figure(
      "idle channel sockets connected per second",
      (r) => r.connectPerS,
      "conn/s",
      "higher",
      HOLD_METHOD,
    ),
    figure(
      "runtime RSS before the idle sockets",
      (r) => r.rssBeforeKb / 1024,
      "MB",
      undefined,
      MEMORY_METHOD,
    ),
    figure(
      `runtime RSS with the idle sockets`,
      (r) => r.rssAfterKb / 1024,
      "MB",
      undefined,
      MEMORY_METHOD,
    ),
    figure("memory per idle channel socket", (r) => r.perSocketKb, "kB", "lower", MEMORY_METHOD),
  ];
};

export default suite;
