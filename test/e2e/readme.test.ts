// The README's TypeScript snippets survive a second run: each ```ts block is extracted as it
// is written, run twice in the same folder against the real Worker (the settings they read
// from the environment, as `npm start` prints them), and must exit 0 both times — the agent
// loads the key the first run made instead of claiming the name again, the bot checks why
// runBot returned instead of exiting 0 on a wrong token.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createChannel } from "../harness/agent.ts";
import { runCli } from "../harness/cli.ts";
import { createBotWithToken, type Gateway, startGateway } from "../harness/gateway.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const BLOCKS = [
  ...readFileSync(join(ROOT, "README.md"), "utf8").matchAll(/^```ts\n([\s\S]*?)^```$/gm),
].map((m) => m[1] ?? "");
// Inside the package, so `botgate/client` resolves to this checkout (package self-reference).
const SCRIPTS = join(ROOT, ".harness/readme");

let gateway: Gateway;
let env: Record<string, string>;
beforeAll(async () => {
  gateway = await startGateway({ vars: { WS_CONNECTS_PER_IP_PER_MINUTE: "1000" } });
  await createChannel(gateway, "general");
  const bot = await createBotWithToken(gateway, "readme-bot");
  env = {
    BOTGATE_URL: gateway.url.origin,
    BOTGATE_BOT_ID: bot.botId,
    BOTGATE_TOKEN: bot.token,
    ADMIN_TOKEN: gateway.adminToken,
  };
  mkdirSync(SCRIPTS, { recursive: true });
});
afterAll(async () => {
  await gateway?.close();
});

describe("README snippets", () => {
  it("has the snippets this test runs", () => {
    expect(BLOCKS.length).toBeGreaterThanOrEqual(3);
  });

  it.each(BLOCKS.map((code, i) => [i + 1, code.split("\n")[0], code] as const))(
    "block %i (%s) runs twice and exits 0 both times",
    async (n, _first, code) => {
      const script = join(SCRIPTS, `block-${n}.ts`);
      writeFileSync(script, code);
      const cwd = mkdtempSync(join(tmpdir(), `botgate-readme-${n}-`));
      for (const run of [1, 2]) {
        const result = await runCli([], env, { cwd, script, timeoutMs: 110_000 });
        expect(result.code, `run ${run}:\n${result.stdout}${result.stderr}`).toBe(0);
        expect(result.stderr).toBe("");
        // What each prints proves it did its job: the match ended, the snapshot arrived.
        if (code.includes("runBot(")) expect(result.stdout).toContain("status: 'ended'");
        if (code.includes("GatewayClient")) expect(result.stdout).toContain("mode: 'cli'");
      }
    },
  );

  it("the bot snippet says why it stopped when the token is wrong (exit 1, not a silent 0)", async () => {
    const index = BLOCKS.findIndex((code) => code.includes("runBot("));
    const script = join(SCRIPTS, `block-${index + 1}.ts`);
    writeFileSync(script, BLOCKS[index] ?? "");
    const cwd = mkdtempSync(join(tmpdir(), "botgate-readme-wrong-"));
    const result = await runCli([], { ...env, BOTGATE_TOKEN: "cz_extbot_wrong" }, { cwd, script });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("the bot stopped: auth_failed");
  });
});
