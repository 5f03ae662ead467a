// A poker bot of your own: edit decide(). `node bot.mjs` challenges a house bot (a fast match)
// and prints the result; `node bot.mjs --serve` plays every match the gateway gives the bot.
// Needs BOTGATE_BOT_ID and BOTGATE_TOKEN (`npm start` in botgate prints them); BOTGATE_URL
// defaults to the local gateway.
import { challengeHouseBot, runBot } from "botgate/client";

/**
 * One bot per match. `turn.valid_actions` lists what is legal; `turn.state` is the table
 * (your_hole_cards, board, pot, to_call, min_raise, max_raise, your_stack…). A raise's amount
 * is the total bet for the street: max_raise is all in.
 */
const makeBot = () => ({
  decide(turn) {
    const { valid_actions: valid, state } = turn;
    const [a = "", b = ""] = state.your_hole_cards;
    const strong = a[0] === b[0] || a[0] === "A" || b[0] === "A";
    if (strong && valid.includes("raise")) return { action: "raise", amount: state.max_raise };
    if (valid.includes("check")) return { action: "check" };
    return state.to_call <= state.pot / 2 ? { action: "call" } : { action: "fold" };
  },
});

const url = process.env.BOTGATE_URL ?? "http://127.0.0.1:8787";
const botId = process.env.BOTGATE_BOT_ID;
const token = process.env.BOTGATE_TOKEN;
if (!botId || !token) {
  console.error("set BOTGATE_BOT_ID and BOTGATE_TOKEN (npm start in botgate prints them)");
  process.exit(2);
}
const serve = process.argv.includes("--serve");
const stop = new AbortController();
process.once("SIGINT", () => stop.abort());

const result = await runBot(makeBot, {
  url,
  botId,
  token,
  signal: stop.signal,
  connectAttempts: 3,
  ...(serve ? {} : { maxMatches: 1 }),
  log: (event, data) => {
    if (event === "lobby_ready") {
      console.log(`Connected to ${url} as bot ${botId}.`);
      if (serve) return console.log("Waiting for matches (Ctrl-C stops).");
      challengeHouseBot(url, token, { fast: true }).then(
        (match) => console.log(`Playing ${match.opponent} (match ${match.match_id})…`),
        (err) => {
          console.error(`challenge refused: ${err.message}`);
          stop.abort();
        },
      );
    } else if (event === "bot_error") {
      console.error(`bot error in ${data.where}: ${data.error}`);
    }
  },
});
for (const outcome of result.matches) {
  if (outcome.status !== "ended" || !outcome.end.results) {
    console.log(`Match ${outcome.matchId}: ${outcome.status}`);
    continue;
  }
  const net = outcome.end.results.map(
    (r) => `${r.name} ${r.net_chips >= 0 ? "+" : ""}${r.net_chips}`,
  );
  console.log(`Match over after ${outcome.end.total_hands_played} hands: ${net.join(", ")}`);
}
const exits = {
  max_matches: 0,
  aborted: serve ? 0 : 1,
  auth_failed: 3,
  revoked: 3,
  unreachable: 4,
};
if (result.reason !== "max_matches") console.error(`stopped: ${result.reason}`);
process.exit(exits[result.reason] ?? 1);
