/**
 * The floor of the match benchmark: the least a durable turn can cost on this runtime. A
 * room holds two hibernatable sockets, like a match's two seats; each inbound frame is one
 * SQLite transaction writing one small row (the frame's counter, its seat and time), then one
 * frame to the other socket, which answers it at once, as an instant bot answers its turn.
 * The output gate holds that frame until the row is durable, as it holds a match's frames.
 * No parsing beyond the counter, no validation, no deadlines. Plain JavaScript, like
 * bench/partyserver, so the main TypeScript projects never type-check it.
 *
 * A room dialled with `frames=3` sends what the match protocol sends a turn instead of one
 * frame: a `turn_result` to both sockets, then the other socket's answer-me frame at the size
 * of a `turn_request` (bot protocol §5.4.3–5.4.4), with the same one row written.
 */
import { DurableObject } from "cloudflare:workers";

const MATCH_ID = "5f0c2e7a-9b1d-4c3e-8a6f-2d4b7e9c1a03";
/** The body of a preflop `turn_request` of the protocol's examples, beside the counter. */
const TURN_REQUEST = {
  type: "turn_request",
  match_id: MATCH_ID,
  request_id: "req_7c1e0a5f9b23",
  timeout_ms: 30000,
  turn_duration_ms: 30000,
  valid_actions: ["fold", "call", "raise"],
  state: {
    hand_number: 1,
    phase: "preflop",
    board: [],
    your_hole_cards: ["Qs", "Qd"],
    pot: 30,
    your_stack: 1990,
    opponent_stacks: [1980],
    to_call: 10,
    min_raise: 40,
    max_raise: 2000,
    action_history: [
      { seat: 0, action: "post_small_blind", amount: 10, phase: "preflop", is_timeout: false },
      { seat: 1, action: "post_big_blind", amount: 20, phase: "preflop", is_timeout: false },
    ],
  },
};

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
    const params = new URL(request.url).searchParams;
    const seat = params.get("seat") === "1" ? "1" : "0";
    const frames = params.get("frames") === "3" ? "3" : "1";
    const pair = new WebSocketPair();
    this.ctx.acceptWebSocket(pair[1], [`seat:${seat}`, `frames:${frames}`]);
    return new Response(null, { status: 101, webSocket: pair[0] });
  }

  webSocketMessage(ws, message) {
    const n = Number(JSON.parse(String(message)).n);
    const tags = this.ctx.getTags(ws);
    const seat = tags[0] === "seat:1" ? 1 : 0;
    const now = Date.now();
    this.ctx.storage.transactionSync(() => {
      this.ctx.storage.sql.exec("INSERT INTO log (n, seat, at) VALUES (?, ?, ?)", n, seat, now);
    });
    const other = this.ctx.getWebSockets(`seat:${1 - seat}`)[0];
    if (tags[1] !== "frames:3") {
      other?.send(JSON.stringify({ n: n + 1 }));
      return;
    }
    const server_ts = new Date(now).toISOString();
    const details = {
      action: "call",
      amount: 10,
      pot: 40,
      stacks: [1980, 1980],
      is_timeout: false,
    };
    const result = JSON.stringify({
      type: "turn_result",
      match_id: MATCH_ID,
      seq: n,
      server_ts,
      seat,
      details,
    });
    ws.send(result);
    other?.send(result);
    other?.send(
      JSON.stringify({
        ...TURN_REQUEST,
        seq: n + 1,
        server_ts,
        seat: 1 - seat,
        deadline_ts: now + TURN_REQUEST.timeout_ms,
        n: n + 1,
      }),
    );
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
