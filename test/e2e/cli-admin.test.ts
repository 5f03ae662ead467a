// Proves the `botgate` CLI end to end as a spawned process against the real Worker:
// admin commands for bots and tokens, secrets taken from the environment and never
// echoed, and the documented exit codes for usage errors, refused credentials and an
// unreachable gateway.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../harness/cli.ts";
import { type Gateway, startGateway } from "../harness/gateway.ts";

let gateway: Gateway;
// An empty working directory, so no .dev.vars is picked up by accident.
const cwd = mkdtempSync(join(tmpdir(), "botgate-cli-"));
beforeAll(async () => {
  gateway = await startGateway();
});
afterAll(async () => {
  await gateway?.close();
});

describe("botgate admin commands", () => {
  it("creates a bot, issues and lists its tokens, never printing the admin token", async () => {
    const env = { BOTGATE_URL: gateway.url.href, BOTGATE_ADMIN_TOKEN: gateway.adminToken };
    const created = await runCli(["bots", "create", "cli-bot"], env, { cwd });
    expect(created.code).toBe(0);
    const bot = JSON.parse(created.stdout) as { id: string; name: string };
    expect(bot.name).toBe("cli-bot");
    const issued = await runCli(["tokens", "issue", bot.id], env, { cwd });
    expect(issued.code).toBe(0);
    expect(JSON.parse(issued.stdout).token).toMatch(/^cz_extbot_/);
    const listed = await runCli(["tokens", "list", bot.id], env, { cwd });
    expect(JSON.parse(listed.stdout).tokens).toHaveLength(1);
    for (const run of [created, issued, listed]) {
      expect(run.stdout + run.stderr).not.toContain(gateway.adminToken);
    }
  });

  it("exits 3 when the gateway refuses the credential, 2 on usage errors, 4 when unreachable", async () => {
    const refused = await runCli(
      ["bots", "list"],
      {
        BOTGATE_URL: gateway.url.href,
        BOTGATE_ADMIN_TOKEN: "not-the-admin-token",
      },
      { cwd },
    );
    expect(refused.code).toBe(3);
    expect(refused.stdout).toContain("UNAUTHORIZED");
    expect(refused.stdout).not.toContain("not-the-admin-token");
    const missing = await runCli(["bots", "list"], { BOTGATE_URL: gateway.url.href }, { cwd });
    expect(missing.code).toBe(2);
    expect(missing.stdout).toContain("BOTGATE_ADMIN_TOKEN");
    const usage = await runCli(["bot", "run"], {}, { cwd });
    expect(usage.code).toBe(2);
    const unreachable = await runCli(
      ["bots", "list"],
      {
        BOTGATE_URL: "http://127.0.0.1:9",
        BOTGATE_ADMIN_TOKEN: "x",
      },
      { cwd },
    );
    expect(unreachable.code).toBe(4);
  });
});
