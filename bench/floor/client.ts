/**
 * The floor's runtime and its client (bench/floor/worker.js, used by bench/suites/match.ts):
 * the same local runtime as botgate, started the same way, driven like a match.
 */
import { fileURLToPath } from "node:url";
import { createTestHarness } from "wrangler";
import WebSocket from "ws";
import "../../test/harness/runtime-env.ts";

export interface FloorRuntime {
  /** `ws://…/` — a room is `${wsUrl}${name}?seat=0|1`. */
  wsUrl: string;
  /** Rows the room has written (one per frame it answered). */
  rows(room: string): Promise<number>;
  close(): Promise<void>;
}

export async function startFloor(): Promise<FloorRuntime> {
  const harness = createTestHarness({
    root: fileURLToPath(new URL("./", import.meta.url)),
    workers: [{ configPath: "./wrangler.toml" }],
  });
  const { url } = await harness.listen();
  return {
    wsUrl: url.href.replace(/^http/, "ws"),
    rows: async (room) =>
      ((await (await fetch(new URL(room, url))).json()) as { rows: number }).rows,
    close: () => harness.close(),
  };
}

/** What one floor room measured. */
export interface FloorRun {
  events: number;
  /** Frame sent → the answer on the room's other socket. */
  rttMs: number[];
  /** Every frame received on both sockets, the answer-me ones and the others. */
  frames: number;
  elapsedMs: number;
}

/**
 * Drives one floor room (bench/floor/worker.js) the way two instant bots drive a match: two
 * sockets; a frame from one makes the room write one row and send one frame to the other,
 * which answers at once, `events` times. The round trip is timed like the match's per-turn
 * overhead: sent → the next answer-me frame received, on either socket. `frames: 3` has the
 * room send the match protocol's three frames a turn (the client parses each, as a bot does,
 * and answers the one that carries the counter). `options` are the clients'
 * (`perMessageDeflate: false` offers no compression).
 */
export async function playFloor(
  url: string,
  room: string,
  events: number,
  timeoutMs: number,
  options: WebSocket.ClientOptions = {},
  frames: 1 | 3 = 1,
): Promise<FloorRun> {
  const sockets = await Promise.all(
    [0, 1].map(
      (seat) =>
        new Promise<WebSocket>((resolve, reject) => {
          const ws = new WebSocket(`${url}${room}?seat=${seat}&frames=${frames}`, options);
          ws.once("open", () => resolve(ws));
          ws.once("error", reject);
        }),
    ),
  );
  const run: FloorRun = { events: 0, rttMs: [], frames: 0, elapsedMs: 0 };
  const started = performance.now();
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`floor ${room} timed out`)), timeoutMs);
      let sentAt = performance.now();
      sockets.forEach((ws) => {
        ws.on("message", (data) => {
          const now = performance.now();
          run.frames += 1;
          const { n } = JSON.parse(data.toString()) as { n?: number };
          if (n === undefined) return;
          run.rttMs.push(now - sentAt);
          run.events += 1;
          if (run.events >= events) {
            clearTimeout(timer);
            resolve();
            return;
          }
          sentAt = performance.now();
          ws.send(JSON.stringify({ n }));
        });
        ws.on("error", reject);
      });
      sockets[0]?.send(JSON.stringify({ n: 0 }));
    });
  } finally {
    run.elapsedMs = performance.now() - started;
    for (const ws of sockets) ws.terminate();
  }
  return run;
}
