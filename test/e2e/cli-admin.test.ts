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
  it("creates a bot, issues and lists its tokens by name, tables for people and --json for scripts", async () => {
    const env = { BOTGATE_URL: gateway.url.href, BOTGATE_ADMIN_TOKEN: gateway.adminToken };
    const created = await runCli(["bots", "create", "cli-bot", "--json"], env, { cwd });
    expect(created.code).toBe(0);
    const bot = JSON.parse(created.stdout) as { id: string; name: string };
    expect(bot.name).toBe("cli-bot");
    const human = await runCli(["bots", "create", "cli-bot-2"], env, { cwd });
    expect(human.stdout).toMatch(/^Created bot cli-bot-2: [0-9a-f-]{36}\n$/);
    // A bot is named by its id or its name, as POST /api/matches takes either.
    const issued = await runCli(["tokens", "issue", bot.id, "--json"], env, { cwd });
    expect(issued.code).toBe(0);
    expect(JSON.parse(issued.stdout).token).toMatch(/^cz_extbot_/);
    const byName = await runCli(["tokens", "issue", "cli-bot"], env, { cwd });
    expect(byName.stdout).toMatch(
      new RegExp(`^Issued token \\S+ for bot ${bot.id} \\(shown once\\):\\ncz_extbot_\\w{32}\\n$`),
    );
    const listed = await runCli(["tokens", "list", "cli-bot", "--json"], env, { cwd });
    expect(JSON.parse(listed.stdout).tokens).toHaveLength(2);
    const tokens = await runCli(["tokens", "list", "cli-bot"], env, { cwd });
    expect(tokens.stdout.split("\n")[0]).toMatch(/^TOKEN ID +CREATED +LAST USED$/);
    expect(tokens.stdout.trim().split("\n")).toHaveLength(3);
    const bots = await runCli(["bots", "list"], env, { cwd });
    expect(bots.stdout.split("\n")[0]).toMatch(/^ID +NAME +KIND +ACTIVE +CREATED$/);
    expect(bots.stdout).toMatch(new RegExp(`^${bot.id}  cli-bot +external_api +yes +\\d{4}-`, "m"));
    expect(bots.stdout).toMatch(/ house-calling-station +house \(calling_station\) +yes /);
    const unknown = await runCli(["tokens", "issue", "no-such-bot"], env, { cwd });
    expect(unknown.code).toBe(2);
    expect(unknown.stdout.split("\n")[0]).toBe(
      "botgate: no bot named no-such-bot (botgate bots list shows them)",
    );
    const channel = await runCli(["channels", "create", "cli-room", "--topic", "hi"], env, { cwd });
    expect(channel.stdout.trim()).toBe("Created channel cli-room (public).");
    const again = await runCli(["channels", "create", "cli-room"], env, { cwd });
    expect(again.code).toBe(1);
    expect(again.stdout.trim()).toMatch(
      /^botgate: POST \/api\/admin\/channels: HTTP 409 CHANNEL_EXISTS/,
    );
    for (const run of [created, issued, listed, bots, byName, channel]) {
      expect(run.stdout + run.stderr).not.toContain(gateway.adminToken);
    }
  });

  it("prints --version, help <command>, per-command --help, and one-line errors with a usage hint", async () => {
    const version = await runCli(["--version"], {}, { cwd });
    expect([version.code, version.stdout]).toEqual([0, "0.1.0\n"]);
    const overview = await runCli(["--help"], {}, { cwd });
    expect(overview.code).toBe(0);
    expect(overview.stdout.split("\n")[0]).toBe(
      "usage: botgate <command> [options]   (botgate help <command> for details)",
    );
    for (const command of ["bot run", "bot play", "inbox", "channels", "tokens", "join"]) {
      expect(overview.stdout).toContain(`  botgate ${command}`);
    }
    const help = await runCli(["help", "bot", "run"], {}, { cwd });
    expect(help.code).toBe(0);
    expect(help.stdout.split("\n")[0]).toBe(
      "usage: botgate bot run <file> [--matches N] [--tournament ID] [--verbose] [--strict]",
    );
    const flag = await runCli(["bot", "run", "--help"], {}, { cwd });
    expect(flag.stdout).toBe(help.stdout);
    expect((await runCli(["inbox", "--help"], {}, { cwd })).stdout).toMatch(
      /^usage: botgate inbox /,
    );
    const noSuch = await runCli(["help", "frobnicate"], {}, { cwd });
    expect([noSuch.code, noSuch.stdout.split("\n")[0]]).toEqual([
      2,
      "botgate: no such command: frobnicate",
    ]);
    // The error first, on one line; then the command's usage line, not the whole overview.
    const usage = await runCli(["bot", "run"], {}, { cwd });
    expect(usage.code).toBe(2);
    expect(usage.stdout.split("\n")).toEqual([
      "botgate: botgate bot run needs a bot module file",
      "usage: botgate bot run <file> [--matches N] [--tournament ID] [--verbose] [--strict]",
      "run 'botgate help bot run' for details",
      "",
    ]);
    const badFlag = await runCli(["bot", "play", "--house", "--nope"], {}, { cwd });
    expect(badFlag.code).toBe(2);
    expect(badFlag.stdout.split("\n")[0]).toMatch(/^botgate: Unknown option '--nope'/);
    expect(badFlag.stdout.split("\n")[1]).toMatch(/^usage: botgate bot play --house/);
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
