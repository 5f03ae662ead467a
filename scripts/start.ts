/**
 * `npm start`: one command from a fresh clone to a running gateway.
 * Creates `.dev.vars` with a random ADMIN_TOKEN when missing, applies the D1
 * migrations locally (persisted under .wrangler/), runs `wrangler dev` on
 * http://127.0.0.1:8787, then creates (or reuses) a dev bot and prints the admin
 * token and a fresh bot token, ready to paste.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { devVarsAdminToken } from "../src/cli/config.ts";

const ORIGIN = "http://127.0.0.1:8787";
const DEV_BOT_NAME = "my-bot";
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

async function adminCall<T>(adminToken: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${ORIGIN}${path}`, {
    method,
    headers: { authorization: `Bearer ${adminToken}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

async function seedDevBot(adminToken: string): Promise<{ botId: string; token: string }> {
  const { bots } = await adminCall<{ bots: Array<{ id: string; name: string }> }>(
    adminToken,
    "GET",
    "/api/bots",
  );
  const botId =
    bots.find((b) => b.name === DEV_BOT_NAME)?.id ??
    (await adminCall<{ id: string }>(adminToken, "POST", "/api/bots", { name: DEV_BOT_NAME })).id;
  const { token } = await adminCall<{ token: string }>(
    adminToken,
    "POST",
    `/api/external-api/bots/${botId}/tokens`,
  );
  return { botId, token };
}

const adminToken = ensureAdminToken();
await run(["d1", "migrations", "apply", "DB", "--local"]);
const dev = spawn("wrangler", ["dev"], { stdio: "inherit", env: childEnv });
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => dev.kill(signal));
}
dev.on("exit", (code) => process.exit(code ?? 0));

await waitForHealth(dev, 60_000);
const { botId, token } = await seedDevBot(adminToken);
console.log(`
┌ botgate is running on ${ORIGIN}
│ admin token (ADMIN_TOKEN in .dev.vars): ${adminToken}
│ dev bot "${DEV_BOT_NAME}": ${botId}
│ bot token (new each start, shown once): ${token}
│ lobby socket: ${ORIGIN.replace("http", "ws")}/ws/external/bot/${botId}
└ Ctrl-C stops it; state persists under .wrangler/state.
`);
