/**
 * Lobby benchmark: connect → hello latency (a fresh bot object, and a reconnect to a warm
 * one), and how many idle lobby bots one local runtime holds with the memory it took (RSS of
 * the workerd processes before and after). Loopback only, bounded by a bot count and a time
 * budget; idle bots answer their pings like real clients.
 */
import { readdirSync, readFileSync } from "node:fs";
import WebSocket from "ws";
import { createBotWithToken, type Gateway, startGateway } from "../../test/harness/gateway.ts";
import { type Figure, percentile, round, type Suite } from "../lib.ts";

const LATENCY_SAMPLES = Number(process.env.LOBBY_BENCH_LATENCY_SAMPLES ?? 200);
const IDLE_BOTS = Number(process.env.LOBBY_BENCH_IDLE_BOTS ?? 2000);
const CONCURRENCY = Number(process.env.LOBBY_BENCH_CONCURRENCY ?? 25);
const TIME_BUDGET_MS = 150_000;
const SETTLE_MS = Number(process.env.LOBBY_BENCH_SETTLE_MS ?? 15_000);

type Bot = { botId: string; token: string };

/** Resident memory (kB) of every workerd process descended from this one. */
function workerdRssKb(): number {
  const parents = new Map<number, number>();
  const names = new Map<number, string>();
  for (const entry of readdirSync("/proc")) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const close = stat.lastIndexOf(")");
      names.set(pid, stat.slice(stat.indexOf("(") + 1, close));
      parents.set(pid, Number(stat.slice(close + 2).split(" ")[1]));
    } catch {
      // the process exited while we were looking
    }
  }
  const descends = (pid: number): boolean => {
    for (let p = parents.get(pid); p !== undefined && p > 1; p = parents.get(p)) {
      if (p === process.pid) return true;
    }
    return false;
  };
  let total = 0;
  for (const [pid, name] of names) {
    if (!name.startsWith("workerd") || !descends(pid)) continue;
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    total += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  }
  return total;
}

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

/** Runs `task` over `items` with at most `limit` in flight, stopping at `deadline`. */
async function pool<T>(
  items: T[],
  limit: number,
  deadline: number,
  task: (item: T) => Promise<void>,
) {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length && Date.now() < deadline) {
        const item = items[next++] as T;
        await task(item);
      }
    }),
  );
}

const lobby: Suite = async () => {
  const deadline = Date.now() + TIME_BUDGET_MS;
  const gateway = await startGateway({
    vars: { WS_CONNECTS_PER_IP_PER_MINUTE: "1000000" },
  });
  const sockets: WebSocket[] = [];
  try {
    const total = Math.max(LATENCY_SAMPLES, IDLE_BOTS);
    const bots: Bot[] = [];
    await pool(
      Array.from({ length: total }, (_, i) => i),
      CONCURRENCY,
      deadline,
      async (i) => {
        bots.push(await createBotWithToken(gateway, `bench-lobby-${i}`));
      },
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
    await new Promise((r) => setTimeout(r, 2000));

    // Capacity: every bot holds an idle lobby at once.
    const rssBefore = workerdRssKb();
    let failed = 0;
    const started = performance.now();
    await pool(bots.slice(0, IDLE_BOTS), CONCURRENCY, deadline, async (bot) => {
      try {
        sockets.push((await connectLobby(gateway, bot)).ws);
      } catch {
        failed += 1;
      }
    });
    const connectSeconds = (performance.now() - started) / 1000;
    // Let the runtime settle (idle objects are evicted after ~10 s; hibernated sockets stay).
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    const held = sockets.filter((ws) => ws.readyState === WebSocket.OPEN).length;
    const rssAfter = workerdRssKb();
    const deltaMb = (rssAfter - rssBefore) / 1024;
    return [
      {
        suite: "lobby",
        figure: "connect→hello p50 (new bot object)",
        value: round(percentile(fresh, 50)),
        unit: "ms",
      },
      {
        suite: "lobby",
        figure: "connect→hello p99 (new bot object)",
        value: round(percentile(fresh, 99)),
        unit: "ms",
      },
      {
        suite: "lobby",
        figure: "connect→hello p50 (reconnect)",
        value: round(percentile(warm, 50)),
        unit: "ms",
      },
      {
        suite: "lobby",
        figure: "connect→hello p99 (reconnect)",
        value: round(percentile(warm, 99)),
        unit: "ms",
      },
      {
        suite: "lobby",
        figure: `idle lobby bots held (of ${IDLE_BOTS})`,
        value: held,
        unit: "sockets",
      },
      {
        suite: "lobby",
        figure: "lobby connects refused or failed",
        value: failed,
        unit: "sockets",
      },
      {
        suite: "lobby",
        figure: "idle lobbies connected per second",
        value: round(held / connectSeconds, 1),
        unit: "conn/s",
      },
      {
        suite: "lobby",
        figure: "workerd RSS before idle lobbies",
        value: round(rssBefore / 1024, 1),
        unit: "MB",
      },
      {
        suite: "lobby",
        figure: "workerd RSS with idle lobbies",
        value: round(rssAfter / 1024, 1),
        unit: "MB",
      },
      {
        suite: "lobby",
        figure: "workerd RSS per idle lobby",
        value: round((deltaMb * 1024) / Math.max(1, held), 1),
        unit: "kB",
      },
    ] satisfies Figure[];
  } finally {
    for (const ws of sockets) ws.terminate();
    await gateway.close();
  }
};

export default lobby;
