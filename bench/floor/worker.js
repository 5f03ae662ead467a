/**
 * The floor of the match benchmark: the least a durable turn can cost on this runtime. A
 * room holds two hibernatable sockets, like a match's two seats; each inbound frame is one
 * SQLite transaction writing one small row (the frame's counter, its seat and time), then one
 * frame to the other socket, which answers it at once, as an instant bot answers its turn.
 * The output gate holds that frame until the row is durable, as it holds a match's frames.
 * No parsing beyond the counter, no validation, no deadlines. Plain JavaScript, like
 * bench/partyserver, so the main TypeScript projects never type-check it.
 */
import { DurableObject } from "cloudflare:workers";

export class FloorRoom extends DurableObject {
  constructor(ctx, env) {
    super(ctx, env);
    ctx.storage.sql.exec(
      "CREATE TABLE IF NOT EXISTS log (n INTEGER PRIMARY KEY, seat INTEGER NOT NULL, at INTEGER NOT NULL)",
    );
  }

  async fetch(request) {
    if (request.headers.get("upgrade") !== "websocket") {
      // The rows written so far: what the bench test checks the floor really wrote.
      const { rows } = this.ctx.storage.sql.exec("SELECT COUNT(*) AS rows FROM log").one();
      return Response.json({ rows });
    }
    const seat = new URL(request.url).searchParams.get("seat") === "1" ? "1" : "0";
    const pair = new WebSocketPair();
    this.ctx.acceptWebSocket(pair[1], [`seat:${seat}`]);
    return new Response(null, { status: 101, webSocket: pair[0] });
  }

  webSocketMessage(ws, message) {
    const n = Number(JSON.parse(String(message)).n);
    const seat = this.ctx.getTags(ws)[0] === "seat:1" ? 1 : 0;
    this.ctx.storage.transactionSync(() => {
      this.ctx.storage.sql.exec(
        "INSERT INTO log (n, seat, at) VALUES (?, ?, ?)",
        n,
        seat,
        Date.now(),
      );
    });
    const other = this.ctx.getWebSockets(`seat:${1 - seat}`)[0];
    other?.send(JSON.stringify({ n: n + 1 }));
  }

  webSocketClose(ws) {
    ws.close(1000, "");
  }
}

export default {
  fetch(request, env) {
    const room = new URL(request.url).pathname.slice(1) || "room";
    return env.FLOOR.getByName(room).fetch(request);
  },
};
