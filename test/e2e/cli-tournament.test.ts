// Proves the tournament commands of the `botgate` CLI as spawned processes against the real
// Worker: the admin creates a round-robin, three `bot run --tournament` processes enter it,
// the admin starts it, the bots play every round on their one lobby, print the standings as
// each round ends and exit at the end; `tournaments show`, `list`, `start` and `cancel` of a
// finished one, and `leaderboard` answer as documented.
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CliProcess, runCli, startCli } from "../harness/cli.ts";
import { createBotWithToken, type Gateway, startGateway } from "../harness/gateway.ts";
import { HANG_MS } from "../harness/until.ts";
import { SHORT_MATCH } from "./tournament-bots.ts";

const SHOVE = fileURLToPath(new URL("./fixtures/shove-bot.ts", import.meta.url));

let gateway: Gateway;
/** The bot processes, killed at the end even if the test failed (they would re-dial for ever). */
const processes: CliProcess[] = [];
beforeAll(async () => {
  gateway = await startGateway({ vars: { WS_CONNECTS_PER_IP_PER_MINUTE: "1000" } });
});
afterAll(async () => {
  for (const run of processes) run.kill();
  await gateway?.close();
});

describe("botgate tournament commands", () => {
  it("runs a round-robin from create to final standings with three bot processes", async () => {
    const admin = { BOTGATE_URL: gateway.url.href, BOTGATE_ADMIN_TOKEN: gateway.adminToken };
    const created = await runCli(
      [
        "tournaments",
        "create",
        "--name",
        "cli cup",
        "--format",
        "round_robin",
        "--starts-at",
        new Date(Date.now() + 3600_000).toISOString(),
        "--check-in",
        "10",
        "--rated",
        "--match-config",
        JSON.stringify(SHORT_MATCH),
        "--json",
      ],
      admin,
    );
    expect(created.code).toBe(0);
    const { id } = JSON.parse(created.stdout) as { id: string };

    const bots = await Promise.all(
      [1, 2, 3].map((i) => createBotWithToken(gateway, `cli-cup-${i}-${Date.now()}`)),
    );
    const runs: CliProcess[] = bots.map((bot) =>
      startCli(["bot", "run", SHOVE, "--tournament", id], {
        BOTGATE_URL: gateway.url.href,
        BOTGATE_BOT_ID: bot.botId,
        BOTGATE_TOKEN: bot.token,
      }),
    );
    processes.push(...runs);
    for (const run of runs)
      await run.waitFor(/Entered tournament [0-9a-f-]{36} \(\d entrants so far\)\./);
    const started = await runCli(["tournaments", "start", id], admin);
    expect(started.stdout.trim()).toBe("started");
    for (const run of runs) {
      await run.waitFor(/Round 1 of 3 complete:/, 60_000);
      await run.waitFor(/Tournament cli cup is over\. Final standings:\n(?:.*\n){3}/, 90_000);
      expect(await run.exited(HANG_MS)).toBe(0);
      expect(run.output()).toMatch(/Round 3 of 3 complete:/);
      expect(run.output()).toMatch(
        / 1\. cli-cup-\d-\d+( \(you\))? — [\d.]+ pts, \d-\d-\d, Buchholz/,
      );
      expect(run.output()).toContain("(you)");
    }

    const show = await runCli(["tournaments", "show", id], admin);
    expect(show.code).toBe(0);
    expect(show.stdout).toMatch(/^cli cup \(round_robin\) — completed\n/);
    const list = await runCli(["tournaments", "list", "--json"], admin);
    expect(JSON.parse(list.stdout).tournaments[0].id).toBe(id);
    const listed = await runCli(["tournaments", "list"], admin);
    expect(listed.stdout).toMatch(/^ID +NAME +FORMAT +STATUS +STARTS\n/);
    expect(listed.stdout).toMatch(new RegExp(`^${id}  cli cup +round_robin +completed `, "m"));
    const again = await runCli(["tournaments", "start", id], admin);
    expect(again.code).toBe(1);
    expect(again.stdout).toContain("TOURNAMENT_STARTED");
    const cancel = await runCli(["tournaments", "cancel", id], admin);
    expect(cancel.code).toBe(1);
    expect(cancel.stdout).toContain("TOURNAMENT_FINISHED");
    const board = await runCli(["leaderboard", "--json"], { BOTGATE_URL: gateway.url.href });
    expect(board.code).toBe(0);
    expect(JSON.parse(board.stdout).entries.length).toBeGreaterThan(0);
    const table = await runCli(["leaderboard"], { BOTGATE_URL: gateway.url.href });
    expect(table.stdout).toMatch(
      /^RANK +BOT +RATING +W-D-L +MATCHES\n1 +cli-cup-\d-\d+ +[\d.]+ +\d+-\d+-\d+ +\d+$/m,
    );
    const usage = await runCli(["tournaments", "create", "--name", "x"], admin);
    expect(usage.code).toBe(2);
  });
});
