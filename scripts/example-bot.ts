/**
 * A complete example bot for botgate's lobby, in one file with no SDK: it holds the lobby
 * socket (answering pings), challenges a house bot, plays every `matched` seat over its own
 * match socket, and challenges again after each `match_end` — N matches in a loop.
 *
 *   BOTGATE_URL=http://127.0.0.1:8787 BOT_ID=<bot id> BOT_TOKEN=cz_extbot_… \
 *     npx node scripts/example-bot.ts [matches]
 *
 * Its strategy shoves every hand all-in; replace `decide` with your own.
 */
import WebSocket from "ws";

type Frame = Record<string, unknown> & { type: string };

const origin = process.env.BOTGATE_URL ?? "http://127.0.0.1:8787";
const botId = process.env.BOT_ID ?? "";
const token = process.env.BOT_TOKEN ?? "";
const wanted = Number(process.argv[2] ?? 3);
if (!botId || !token) {
  console.error("Set BOT_ID and BOT_TOKEN (npm start prints both).");
  process.exit(2);
}

const wsOrigin = origin.replace(/^http/, "ws");
const playing = new Set<string>();
let finished = 0;

/** Your strategy: one `turn_action` for a `turn_request`. */
function decide(request: Frame): Frame {
  const valid = request.valid_actions as string[];
  const state = request.state as { max_raise: number };
  const reply = { type: "turn_action", match_id: request.match_id, request_id: request.request_id };
  if (valid.includes("raise") && state.max_raise > 0) {
    return { ...reply, action: "raise", params: { amount: state.max_raise } };
  }
  return { ...reply, action: valid.includes("check") ? "check" : "call", params: {} };
}

async function challenge(): Promise<void> {
  const res = await fetch(`${origin}/api/external-api/challenges/house-bot`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: "{}",
  });
  const body = (await res.json()) as Record<string, unknown>;
  if (res.status !== 200) throw new Error(`challenge refused: ${res.status} ${body.error_code}`);
  console.log(`challenged ${body.opponent}: match ${body.match_id}`);
}

/** Plays one seat: handshake, then a `turn_action` for every `turn_request`, until `match_end`. */
function playMatch(matched: Frame): Promise<void> {
  const matchId = String(matched.match_id);
  playing.add(matchId);
  // `gateway_ws_url` is a path: resolve it against the lobby's origin (bot protocol §9 item 11).
  const ws = new WebSocket(new URL(String(matched.gateway_ws_url), wsOrigin), [
    "chipzen-bot-token",
    token,
  ]);
  return new Promise((resolve) => {
    ws.on("open", () => ws.send(JSON.stringify({ type: "authenticate", match_id: matchId })));
    ws.on("message", (data) => {
      const frame = JSON.parse(data.toString()) as Frame;
      if (frame.type === "hello") {
        ws.send(JSON.stringify({ type: "hello", match_id: matchId, supported_versions: ["1.0"] }));
      } else if (frame.type === "turn_request") {
        ws.send(JSON.stringify(decide(frame)));
      } else if (frame.type === "match_end") {
        const results = (frame.results as Array<{ name: string; net_chips: number }>) ?? [];
        console.log(
          `match ${matchId} over: ${results.map((r) => `${r.name} ${r.net_chips}`).join(", ")}`,
        );
      }
    });
    ws.on("close", () => {
      playing.delete(matchId);
      resolve();
    });
  });
}

const lobby = new WebSocket(`${wsOrigin}/ws/external/bot/${botId}`);
lobby.on("open", () => lobby.send(JSON.stringify({ type: "authenticate", token })));
lobby.on("message", async (data) => {
  const frame = JSON.parse(data.toString()) as Frame;
  if (frame.type === "ping") {
    lobby.send(JSON.stringify({ type: "pong" }));
  } else if (frame.type === "hello") {
    console.log("in the lobby");
    await challenge();
  } else if (frame.type === "matched" && !playing.has(String(frame.match_id))) {
    await playMatch(frame);
    finished += 1;
    if (finished >= wanted) {
      lobby.close(1000);
      return;
    }
    await challenge();
  } else if (frame.type === "evict") {
    console.log("another connection of this bot took over the lobby; stopping");
  }
});
lobby.on("close", (code) => {
  console.log(`lobby closed (${code}) after ${finished} match(es)`);
  process.exit(finished >= wanted ? 0 : 1);
});
