/**
 * An example admin script over the HTTP API with a typed client: `openapi-fetch` over the
 * types generated from GET /openapi.json (`examples/botgate-api.ts`). It creates a bot and
 * a token, then plays a short match between two house bots and prints the result — every
 * path, body and answer type-checked against the document.
 *
 *   ADMIN_TOKEN=… npm run example:http-api       (with `npm start` running)
 *   BOTGATE_URL=… ADMIN_TOKEN=… npm run example:http-api
 */
import createClient from "openapi-fetch";
import type { components, paths } from "./botgate-api.ts";

const baseUrl = process.env.BOTGATE_URL ?? "http://127.0.0.1:8787";
const adminToken = process.env.ADMIN_TOKEN;
if (!adminToken) throw new Error("set ADMIN_TOKEN (npm start prints it; it is in .dev.vars)");

const api = createClient<paths>({ baseUrl, headers: { authorization: `Bearer ${adminToken}` } });

/** The error envelope every non-2xx answer carries, as the document types it. */
type ApiError = { error_code: string; message: string; request_id: string };
function fail(what: string, error: ApiError): never {
  throw new Error(`${what}: ${error.error_code} ${error.message} (request ${error.request_id})`);
}

// A new external bot and its first token (the plaintext is shown only in this answer).
const name = `example-${Date.now().toString(36)}`;
const created = await api.POST("/api/bots", { body: { name } });
if (!created.data) fail("create bot", created.error);
const bot = created.data;
const issued = await api.POST("/api/external-api/bots/{bot_id}/tokens", {
  params: { path: { bot_id: bot.id } },
});
if (!issued.data) fail("issue token", issued.error);
console.log(
  `bot ${bot.name} (${bot.id}), token ${issued.data.token_prefix}_… id ${issued.data.token_id}`,
);

// Two house bots play a short match on their own; poll its record until it is over.
const listed = await api.GET("/api/bots");
if (!listed.data) fail("list bots", listed.error);
const house: components["schemas"]["Bot"][] = listed.data.bots.filter((b) => b.kind === "house");
const [first, second] = house;
if (!first || !second) throw new Error("the deployment has fewer than two house bots");
const dispatched = await api.POST("/api/matches", {
  body: { bots: [first.name, second.name], config: { hand_cap: 3, house_think_ms: 0 } },
});
if (!dispatched.data) fail("create match", dispatched.error);
const matchId = dispatched.data.match_id;
console.log(`match ${matchId}: ${first.name} vs ${second.name}`);

const deadline = Date.now() + 60_000;
for (;;) {
  const record = await api.GET("/api/matches/{id}", { params: { path: { id: matchId } } });
  if (!record.data) fail("read match", record.error);
  const { status, participants } = record.data;
  if (status === "completed" || status === "cancelled" || status === "error") {
    const hands = await api.GET("/api/matches/{id}/hands", { params: { path: { id: matchId } } });
    if (!hands.data) fail("read hands", hands.error);
    const chips = participants.map((p) => `${p.name} ${p.net_chips ?? 0}`).join(", ");
    console.log(`match ${status} after ${hands.data.hands.length} hands: ${chips}`);
    break;
  }
  if (Date.now() > deadline) throw new Error(`match ${matchId} still ${status} after 60 s`);
  await new Promise((resolve) => setTimeout(resolve, 200));
}

// A lookup miss is a typed 400 with its own code, never a 404.
const missing = await api.GET("/api/bots/{id}", { params: { path: { id: "no-such-bot" } } });
console.log(`unknown bot: ${missing.response.status} ${missing.error?.error_code}`);
