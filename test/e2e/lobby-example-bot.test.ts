// Proves the README's newcomer path: scripts/example-bot.ts, run as its own process against
// the real Worker, connects to the lobby, challenges a house bot and plays matches in a loop.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBotWithToken, type Gateway, startGateway } from "../harness/gateway.ts";

const SCRIPT = fileURLToPath(new URL("../../scripts/example-bot.ts", import.meta.url));

let gateway: Gateway;
beforeAll(async () => {
  gateway = await startGateway();
});
afterAll(async () => {
  await gateway?.close();
});

describe("the example bot", () => {
  it("plays three house-bot matches in a loop through the lobby and exits cleanly", async () => {
    const bot = await createBotWithToken(gateway, "e2e-example-bot");
    const child = spawn(process.execPath, [SCRIPT, "3"], {
      env: {
        ...process.env,
        BOTGATE_URL: gateway.url.origin,
        BOT_ID: bot.botId,
        BOT_TOKEN: bot.token,
      },
    });
    let output = "";
    child.stdout.on("data", (chunk) => {
      output += chunk;
    });
    child.stderr.on("data", (chunk) => {
      output += chunk;
    });
    const code = await new Promise<number | null>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill();
        reject(new Error(`example bot still running after 90 s:\n${output}`));
      }, 90_000);
      child.on("exit", (exitCode) => {
        clearTimeout(timer);
        resolve(exitCode);
      });
    });
    expect(code, output).toBe(0);
    expect(output.match(/match [0-9a-f-]{36} over/g)).toHaveLength(3);
    expect(output).toContain("after 3 match(es)");
  });
});
