// Proves the match session against a scripted peer speaking the bot protocol: the
// handshake frames, one decision per request_id even when the socket drops and the
// same turn_request is re-sent, the check/fold retry after action_rejected (only for a turn
// it answered), and that a terminal close code stops re-dialling (a refused duplicate does
// not: it is re-dialled).
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { type WebSocket, WebSocketServer } from "ws";
import { playMatch } from "../../../src/client/match-session.ts";
import type { TurnRequest } from "../../../src/client/types.ts";

const servers: WebSocketServer[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

type Script = (ws: WebSocket, connection: number, protocols: string[]) => void;

async function peer(script: Script): Promise<URL> {
  const server = new WebSocketServer({
    port: 0,
    host: "127.0.0.1",
    handleProtocols: (protocols) =>
      protocols.has("chipzen-bot-token") ? "chipzen-bot-token" : false,
  });
  servers.push(server);
  let connection = 0;
  server.on("connection", (ws, req) => {
    connection += 1;
    const offered = (req.headers["sec-websocket-protocol"] ?? "").split(",").map((s) => s.trim());
    script(ws, connection, offered);
  });
  await new Promise((r) => server.once("listening", r));
  const { port } = server.address() as AddressInfo;
  return new URL(`ws://127.0.0.1:${port}/ws/external/bot/b1`);
}

function frames(ws: WebSocket): AsyncIterator<Record<string, unknown>> {
  const queue: Record<string, unknown>[] = [];
  const waiters: Array<(f: Record<string, unknown>) => void> = [];
  ws.on("message", (data) => {
    const f = JSON.parse(data.toString()) as Record<string, unknown>;
    const w = waiters.shift();
    if (w) w(f);
    else queue.push(f);
  });
  return {
    next: () =>
      new Promise((resolve) => {
        const f = queue.shift();
        if (f) resolve({ value: f, done: false });
        else waiters.push((v) => resolve({ value: v, done: false }));
      }),
  };
}

const turn = (requestId: string, valid = ["fold", "call", "raise"]) => ({
  type: "turn_request",
  match_id: "m1",
  seq: 2,
  seat: 0,
  request_id: requestId,
  timeout_ms: 30_000,
  turn_duration_ms: 30_000,
  deadline_ts: Date.now() + 30_000,
  valid_actions: valid,
  state: { to_call: 10, min_raise: 40, max_raise: 2000 },
});

const notice = { type: "matched" as const, match_id: "m1", participant_id: "p_1", rated: false };
const TOKEN = `cz_extbot_${"a".repeat(32)}`;

describe("playMatch", () => {
  it("handshakes, offers the token subprotocol, and answers a re-sent turn with the same decision", async () => {
    const seen: Array<Record<string, unknown>> = [];
    let offered: string[] = [];
    const lobby = await peer(async (ws, connection, protocols) => {
      const next = frames(ws);
      offered = protocols;
      seen.push((await next.next()).value); // authenticate
      ws.send(JSON.stringify({ type: "hello", match_id: "m1", seq: 1 }));
      seen.push((await next.next()).value); // client hello
      ws.send(JSON.stringify(turn("req_000000000001")));
      const answer = (await next.next()).value;
      seen.push(answer);
      if (connection === 1) {
        ws.terminate(); // the answer is "lost": the server re-sends the same turn on reconnect
        return;
      }
      ws.send(JSON.stringify({ type: "match_end", match_id: "m1", seq: 9, reason: "complete" }));
      ws.close(1000);
    });
    let decisions = 0;
    const outcome = await playMatch({
      notice: { ...notice, gateway_ws_url: "/ws/external/match/m1/p_1" },
      lobbyUrl: lobby,
      token: TOKEN,
      bot: {
        decide: (t: TurnRequest) => {
          decisions += 1;
          return { action: "raise", amount: t.state.min_raise + decisions };
        },
      },
    });
    expect(outcome.status).toBe("ended");
    expect(offered).toEqual(["chipzen-bot-token", TOKEN]);
    expect(decisions).toBe(1);
    const answers = seen.filter((f) => f.type === "turn_action");
    expect(answers).toHaveLength(2);
    expect(answers[0]).toEqual(answers[1]);
    expect(answers[0]).toEqual({
      type: "turn_action",
      match_id: "m1",
      request_id: "req_000000000001",
      action: "raise",
      params: { amount: 41 },
    });
    expect(seen[0]).toEqual({ type: "authenticate", match_id: "m1", token: "" });
    expect(seen[1]).toMatchObject({ type: "hello", supported_versions: ["1.0"] });
  });

  it("holds a decision that resolves during a re-dial's handshake and answers the re-sent turn", async () => {
    // Found by `npm run chaos`: an answer sent between `authenticate` and the client `hello`
    // is out of order (§5.1), and the server closes such a socket with 4013 for good.
    let release: () => void = () => {};
    const decided = new Promise<void>((resolve) => {
      release = resolve;
    });
    const order: string[] = [];
    const lobby = await peer(async (ws, connection) => {
      const next = frames(ws);
      order.push(`${connection}:${String((await next.next()).value.type)}`); // authenticate
      if (connection === 1) {
        ws.send(JSON.stringify({ type: "hello", match_id: "m1", seq: 1 }));
        await next.next(); // client hello
        ws.send(JSON.stringify(turn("req_1")));
        setTimeout(() => ws.terminate(), 20); // cut while the bot is still deciding
        return;
      }
      release(); // the decision is ready before this socket's handshake is done
      await new Promise((r) => setTimeout(r, 100));
      ws.send(JSON.stringify({ type: "hello", match_id: "m1", seq: 1 }));
      order.push(`${connection}:${String((await next.next()).value.type)}`);
      ws.send(JSON.stringify(turn("req_1")));
      const answer = (await next.next()).value;
      order.push(`${connection}:${String(answer.type)}:${String(answer.request_id)}`);
      ws.send(JSON.stringify({ type: "match_end", match_id: "m1", seq: 9, reason: "complete" }));
      ws.close(1000);
    });
    const outcome = await playMatch({
      notice: { ...notice, gateway_ws_url: "/ws/external/match/m1/p_1" },
      lobbyUrl: lobby,
      token: TOKEN,
      bot: {
        decide: async () => {
          await decided;
          return { action: "call" };
        },
      },
    });
    expect(outcome.status).toBe("ended");
    expect(order).toEqual(["1:authenticate", "2:authenticate", "2:hello", "2:turn_action:req_1"]);
  });

  it("retries a rejected action with check when offered, else fold", async () => {
    const answers: Array<Record<string, unknown>> = [];
    const lobby = await peer(async (ws) => {
      const next = frames(ws);
      await next.next();
      ws.send(JSON.stringify({ type: "hello", seq: 1 }));
      await next.next();
      ws.send(JSON.stringify(turn("req_1", ["fold", "call"])));
      answers.push((await next.next()).value);
      ws.send(
        JSON.stringify({
          type: "action_rejected",
          request_id: "req_1",
          valid_actions: ["fold", "call"],
        }),
      );
      answers.push((await next.next()).value);
      ws.send(JSON.stringify({ type: "match_end", match_id: "m1", reason: "complete" }));
      ws.close(1000);
    });
    await playMatch({
      notice: { ...notice, gateway_ws_url: "/ws/external/match/m1/p_1" },
      lobbyUrl: lobby,
      token: TOKEN,
      bot: { decide: () => ({ action: "raise", amount: 1 }) },
    });
    expect(answers.map((a) => a.action)).toEqual(["raise", "fold"]);
  });

  it("keeps the next turn's own decision when a late answer to a timed-out turn is rejected", async () => {
    // req_1's clock ran out (the server auto-acted) and req_2 is pending when the bot's late
    // answer to req_1 arrives: the server rejects it naming req_2 (§5.11, our choice). That
    // rejection is not about any answer to req_2, so it must not be answered with a fallback.
    let releaseFirst: () => void = () => {};
    const first = new Promise<void>((resolve) => {
      releaseFirst = resolve;
    });
    const answers: Array<Record<string, unknown>> = [];
    const lobby = await peer(async (ws) => {
      const next = frames(ws);
      await next.next(); // authenticate
      ws.send(JSON.stringify({ type: "hello", seq: 1 }));
      await next.next(); // client hello
      ws.send(JSON.stringify(turn("req_1", ["check", "raise"])));
      ws.send(JSON.stringify(turn("req_2", ["check", "raise"]))); // req_1 timed out meanwhile
      releaseFirst();
      const late = (await next.next()).value;
      answers.push(late);
      ws.send(
        JSON.stringify({
          type: "action_rejected",
          request_id: "req_2",
          submitted_action: String(late.action),
          valid_actions: ["check", "raise"],
        }),
      );
      answers.push((await next.next()).value);
      ws.send(JSON.stringify({ type: "match_end", match_id: "m1", reason: "complete" }));
      ws.close(1000);
    });
    let releaseSecond: () => void = () => {};
    await playMatch({
      notice: { ...notice, gateway_ws_url: "/ws/external/match/m1/p_1" },
      lobbyUrl: lobby,
      token: TOKEN,
      bot: {
        onFrame: (frame) => {
          // req_2's decision comes only after the rejection has been handled.
          if (frame.type === "action_rejected") setTimeout(() => releaseSecond(), 0);
        },
        decide: async (t: TurnRequest) => {
          if (t.request_id === "req_1") {
            await first;
            return { action: "raise", amount: 100 };
          }
          await new Promise<void>((resolve) => {
            releaseSecond = resolve;
          });
          return { action: "raise", amount: 200 };
        },
      },
    });
    expect(answers.map((a) => [a.request_id, a.action, a.params])).toEqual([
      ["req_1", "raise", { amount: 100 }],
      ["req_2", "raise", { amount: 200 }],
    ]);
  });

  it("stops on a terminal close code instead of re-dialling", async () => {
    let connections = 0;
    const lobby = await peer((ws) => {
      connections += 1;
      ws.send(JSON.stringify({ type: "error", seq: 1, code: "grace_expired", message: "late" }));
      ws.close(4011, "grace_expired");
    });
    const outcome = await playMatch({
      notice: { ...notice, gateway_ws_url: "/ws/external/match/m1/p_1" },
      lobbyUrl: lobby,
      token: TOKEN,
      bot: { decide: () => ({ action: "fold" }) },
    });
    expect(outcome).toEqual({
      status: "refused",
      matchId: "m1",
      code: 4011,
      reason: "grace_expired",
    });
    expect(connections).toBe(1);
  });

  it("re-dials a seat refused as a duplicate (its old socket not yet noticed dead) and plays on", async () => {
    let connections = 0;
    const lobby = await peer(async (ws) => {
      connections += 1;
      const next = frames(ws);
      await next.next(); // authenticate
      if (connections === 1) {
        ws.send(JSON.stringify({ type: "error", seq: 1, code: "duplicate_participant" }));
        ws.close(4011, "server_error");
        return;
      }
      ws.send(JSON.stringify({ type: "hello", match_id: "m1", seq: 1 }));
      await next.next(); // client hello
      ws.send(JSON.stringify({ type: "match_end", match_id: "m1", seq: 2, reason: "complete" }));
      ws.close(1000);
    });
    const outcome = await playMatch({
      notice: { ...notice, gateway_ws_url: "/ws/external/match/m1/p_1" },
      lobbyUrl: lobby,
      token: TOKEN,
      bot: { decide: () => ({ action: "fold" }) },
    });
    expect(outcome).toMatchObject({ status: "ended", matchId: "m1" });
    expect(connections).toBe(2);
  });

  it("never dials a cross-origin gateway URL", async () => {
    await expect(
      playMatch({
        notice: { ...notice, gateway_ws_url: "ws://evil.example/ws/external/match/m1/p_1" },
        lobbyUrl: new URL("ws://127.0.0.1:1/ws/external/bot/b1"),
        token: TOKEN,
        bot: { decide: () => ({ action: "fold" }) },
      }),
    ).rejects.toThrow(/another host/);
  });
});
