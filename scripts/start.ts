/**
 * `npm start`: one command from a fresh clone to a running gateway.
 * Refuses (exit 1, before anything else) when its port is taken — by a botgate already
 * running or by another program. Creates `.dev.vars` with a random ADMIN_TOKEN when
 * missing, applies the D1 migrations locally (persisted under .wrangler/), runs `wrangler
 * dev` on http://127.0.0.1:8787 (`BOTGATE_PORT` to change it), then creates (or reuses) a
 * dev bot and prints the admin token and the dev bot's token — the same one as last time
 * while it is live (`.wrangler/botgate-dev-bot.json`), ready to paste.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { devVarsAdminToken, request } from "../src/cli/config.ts";
import { buildAssets } from "./build-assets.ts";
import { devBotToken, portStatus } from "./dev-gateway.ts";

const HOST = "127.0.0.1";
const PORT = Number(process.env.BOTGATE_PORT ?? 8787);
const ORIGIN = `http://${HOST}:${PORT}`;
const TOKEN_FILE = ".wrangler/botgate-dev-bot.json";
const DEV_BOT_NAME = "my-bot";
const DEV_CHANNEL = "general";
const childEnv = {
  ...process.env,
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
  WRANGLER_SEND_METRICS: "false",
};

function ensureAdminToken(): string {
  const current = devVarsAdminToken();
  if (current) return current;
  const existing = existsSync(".dev.vars") ? readFileSync(".dev.vars", "utf8") : "";
  const token = `adm_${randomBytes(24).toString("base64url")}`;
  const prefix = existing && !existing.endsWith("\n") ? "\n" : "";
  writeFileSync(".dev.vars", `${existing}${prefix}ADMIN_TOKEN="${token}"\n`, { mode: 0o600 });
  console.log("Created .dev.vars with a new random ADMIN_TOKEN.");
  return token;
}

function run(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn("wrangler", args, { stdio: "inherit", env: childEnv });
    child.on("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`wrangler ${args[0]} exited with ${code}`)),
    );
  });
}

async function waitForHealth(child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${ORIGIN}/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`gateway did not answer ${ORIGIN}/health within ${timeoutMs} ms`);
}

async function seedDevBot(
  adminToken: string,
): Promise<{ botId: string; token: string; reused: boolean }> {
  const { bots } = await request<{ bots: Array<{ id: string; name: string }> }>(
    ORIGIN,
    "GET",
    "/api/bots",
    adminToken,
  );
  const botId =
    bots.find((b) => b.name === DEV_BOT_NAME)?.id ??
    (await request<{ id: string }>(ORIGIN, "POST", "/api/bots", adminToken, { name: DEV_BOT_NAME }))
      .id;
  return { botId, ...(await devBotToken(ORIGIN, adminToken, botId, TOKEN_FILE)) };
}

/** A public channel for agents to meet in; already there after the first start. */
async function seedChannel(adminToken: string): Promise<void> {
  await request(ORIGIN, "POST", "/api/admin/channels", adminToken, {
    name: DEV_CHANNEL,
    visibility: "public",
    topic: "Say hello",
  }).catch((err: Error) => {
    if (!err.message.includes("CHANNEL_EXISTS")) throw err;
  });
}

const status = await portStatus(HOST, PORT);
if (status !== "free") {
  console.error(
    status === "botgate"
      ? `botgate is already running on ${ORIGIN} (it answered /health): use that one, or stop it first.`
      : `port ${PORT} on ${HOST} is in use by another program: stop it, or set BOTGATE_PORT to another port.`,
  );
  process.exit(1);
}
const adminToken = ensureAdminToken();
buildAssets();
await run(["d1", "migrations", "apply", "DB", "--local"]);
const dev = spawn("wrangler", ["dev", "--port", String(PORT), "--ip", HOST], {
  stdio: "inherit",
  env: childEnv,
});
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => dev.kill(signal));
}
dev.on("exit", (code) => process.exit(code ?? 0));

await waitForHealth(dev, 60_000);
const { botId, token, reused } = await seedDevBot(adminToken);
await seedChannel(adminToken);
const botEnv = `BOTGATE_BOT_ID=${botId} BOTGATE_TOKEN=${token}`;
console.log(`
┌ botgate is running on ${ORIGIN}
│ admin token (ADMIN_TOKEN in .dev.vars): ${adminToken}
│ dev bot "${DEV_BOT_NAME}": ${botId}
│ bot token (${reused ? "the same as last start" : "new; revokes the one printed last time"}): ${token}
│ lobby socket: ${ORIGIN.replace("http", "ws")}/ws/external/bot/${botId}
│ web console: ${ORIGIN}/  (sign in with the admin token)
│ HTTP API reference: ${ORIGIN}/docs/api  (the document: ${ORIGIN}/openapi.json)
│
│ In another terminal, play three fast matches against a house bot:
│   ${botEnv} npm run botgate -- bot play --house --fast --matches 3
│ or run an example bot on every match it is offered:
│   ${botEnv} npm run botgate -- bot run examples/hand-strength.ts
│ Start the example agent in channel "${DEV_CHANNEL}", then talk to it:
│   npm run example:agent
│   npm run botgate -- keygen && npm run botgate -- register --user me --machine laptop
│   npm run botgate -- join ${DEV_CHANNEL}
└ Ctrl-C stops it; state persists under .wrangler/state.
`);
