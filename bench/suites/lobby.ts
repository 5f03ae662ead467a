/**
 * Lobby benchmark: connect → hello latency (a fresh bot object, and a reconnect to a warm
 * one), and how many idle lobby bots one local runtime holds with the memory it took (RSS of
 * the workerd processes before and after). Loopback only, bounded by a bot count and a time
 * budget; idle bots answer their pings like real clients.
 */
import WebSocket from "ws";
import { createBotWithToken, type Gateway, startGateway } from "../../test/harness/gateway.ts";
import {
  type Figure,
  launchedWorkerd,
  percentile,
  pool,
  round,
  type Suite,
  sleep,
  totalRssKb,
} from "../lib.ts";
import { answersPing } from "../rooms.ts";

const LATENCY_SAMPLES = Number(process.env.LOBBY_BENCH_LATENCY_SAMPLES ?? 200);
const IDLE_BOTS = Number(process.env.LOBBY_BENCH_IDLE_BOTS ?? 2000);
const CONCURRENCY = Number(process.env.LOBBY_BENCH_CONCURRENCY ?? 25);
const TIME_BUDGET_MS = 120_000;
const SETTLE_MS = Number(process.env.LOBBY_BENCH_SETTLE_MS ?? 20_000);

type Bot = { botId: string; token: string };

/** Opens an authenticated lobby; resolves with the socket and the connect → hello time. */
function connectLobby(gateway: Gateway, bot: Bot): Promise<{ ws: WebSocket; ms: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const ws = new WebSocket(gateway.wsUrl(`/ws/external/bot/${bot.botId}`));
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error("timed out waiting for the lobby hello"));
    }, 30_000);
    ws.once("open", () => ws.send(JSON.stringify({ type: "authenticate", token: bot.token })));
    ws.on("message", (data) => {
      const text = data.toString();
      if (text === '{"type":"ping"}') ws.send('{"type":"pong"}');
      else if (text.startsWith('{"type":"hello"')) {
        clearTimeout(timer);
        resolve({ ws, ms: performance.now() - started });
      }
    });
    ws.once("close", (code) => {
      clearTimeout(timer);
      reject(new Error(`lobby closed with ${code} before the hello`));
    });
    ws.once("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

const LATENCY_METHOD =
  "one connect at a time on an otherwise idle runtime, client-side over loopback: WebSocket opened → lobby hello received; includes TCP + upgrade, the per-IP connect limiter object, the bot object, the authenticate frame and the D1 token check; 'new' is the bot object's first connect, 'reconnect' the same bot again right after closing";
const HOLD_METHOD = `${IDLE_BOTS} bots each open a lobby (${CONCURRENCY} connects in flight, one bot object and one socket each; connecting stops at the suite's ${TIME_BUDGET_MS / 1000} s budget), then stay idle ${SETTLE_MS / 1000} s answering the server's 15 s pings; held = still open and answering a WebSocket ping`;
const MEMORY_METHOD =
  "resident memory (VmRSS) of the gateway's workerd process after the idle hold minus before the idle connects, divided by the lobbies held; locally every bot object stays resident with its own SQLite database (on Cloudflare an idle lobby hibernates)";

const lobby: Suite = async () => {
  const deadline = Date.now() + TIME_BUDGET_MS;
  const { value: gateway, pids } = await launchedWorkerd(() =>
    startGateway({ vars: { WS_CONNECTS_PER_IP_PER_MINUTE: "1000000" } }),
  );
  const sockets: WebSocket[] = [];
  try {
    const bots = await pool(
      Math.max(LATENCY_SAMPLES, IDLE_BOTS),
      CONCURRENCY,
      (i) => createBotWithToken(gateway, `bench-lobby-${i}`),
      deadline,
    );

    // Latency: sequential, so each sample is one connect on an otherwise idle runtime.
    const fresh: number[] = [];
    const warm: number[] = [];
    for (const bot of bots.slice(0, LATENCY_SAMPLES)) {
      const first = await connectLobby(gateway, bot);
      fresh.push(first.ms);
      first.ws.close();
      const again = await connectLobby(gateway, bot);
      warm.push(again.ms);
      again.ws.close();
    }
    await sleep(2000);

    // Capacity: every bot holds an idle lobby at once.
    const rssBefore = totalRssKb(pids);
    let failed = 0;
    const started = performance.now();
    const idle = bots.slice(0, IDLE_BOTS);
    await pool(
      idle.length,
      CONCURRENCY,
      async (i) => {
        const bot = idle[i];
        if (!bot) return;
        try {
          sockets.push((await connectLobby(gateway, bot)).ws);
        } catch {
          failed += 1;
        }
      },
      deadline,
    );
    const connectSeconds = (performance.now() - started) / 1000;
    // Idle objects are evicted after ~10 s while hibernated sockets stay; every lobby also
    // goes through at least one heartbeat (ping every 15 s).
    await sleep(SETTLE_MS);
    const held = (await Promise.all(sockets.map(answersPing))).filter(Boolean).length;
    const rssAfter = totalRssKb(pids);
    const figure = (
      name: string,
      value: number,
      unit: string,
      better: Figure["better"],
      method: string,
    ): Figure => ({
      suite: "lobby",
      figure: name,
      value: round(value, 1),
      unit,
      ...(better ? { better } : {}),
      method,
    });
    return [
      figure(
        "connect→hello p50, new bot object",
        percentile(fresh, 50),
        "ms",
        "lower",
        LATENCY_METHOD,
      ),
      figure(
        "connect→hello p99, new bot object",
        percentile(fresh, 99),
        "ms",
        "lower",
        LATENCY_METHOD,
      ),
      figure("connect→hello p50, reconnect", percentile(warm, 50), "ms", "lower", LATENCY_METHOD),
      figure("connect→hello p99, reconnect", percentile(warm, 99), "ms", "lower", LATENCY_METHOD),
      figure(`idle lobby bots held (of ${IDLE_BOTS})`, held, "sockets", "higher", HOLD_METHOD),
      figure("idle lobby connects refused or failed", failed, "sockets", "lower", HOLD_METHOD),
      figure(
        "idle lobbies connected per second",
        held / connectSeconds,
        "conn/s",
        "higher",
        HOLD_METHOD,
      ),
      figure(
        "workerd RSS before the idle lobbies",
        rssBefore / 1024,
        "MB",
        undefined,
        MEMORY_METHOD,
      ),
      figure("workerd RSS with the idle lobbies", rssAfter / 1024, "MB", undefined, MEMORY_METHOD),
      figure(
        "memory per idle lobby (bot object + socket)",
        (rssAfter - rssBefore) / Math.max(1, held),
        "kB",
        "lower",
        MEMORY_METHOD,
      ),
    ];
  } finally {
    for (const ws of sockets) ws.terminate();
    await gateway.close();
  }
};

export default lobby;
