// The first hour of a bot developer, as spawned `botgate` processes against the real Worker:
// `bot play --house --fast` plays three matches with one line per hand, a summary and what to
// do next; a bot's own errors are printed once with its file's stack frame and counted
// (`--strict` stops at the first); a broken or missing bot file is named in one line; Ctrl-C
// stops a match in play, says what it left behind and exits 130; `bot run` says how to get a
// match. Every wait is on output, never on a sleep.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, startCli } from "../harness/cli.ts";
import { api, createBotWithToken, type Gateway, startGateway } from "../harness/gateway.ts";
import { HANG_MS } from "../harness/until.ts";

const THROWING = fileURLToPath(new URL("./fixtures/throwing-bot.ts", import.meta.url));
/** The 1-based line of the throwing fixture that holds `text`. */
const lineOf = (text: string) =>
  readFileSync(THROWING, "utf8")
    .split("\n")
    .findIndex((line) => line.includes(text)) + 1;
const CALLING_STATION = fileURLToPath(
  new URL("../../examples/calling-station.ts", import.meta.url),
);

let gateway: Gateway;
beforeAll(async () => {
  gateway = await startGateway({ vars: { WS_CONNECTS_PER_IP_PER_MINUTE: "1000" } });
});
afterAll(async () => {
  await gateway?.close();
});

async function botEnv(name: string) {
  const bot = await createBotWithToken(gateway, name);
  return {
    bot,
    env: { BOTGATE_URL: gateway.url.href, BOTGATE_BOT_ID: bot.botId, BOTGATE_TOKEN: bot.token },
  };
}

describe("botgate bot play/run: feedback for a new user", () => {
  it("plays three fast house matches: a line per hand, a summary, what next", async () => {
    const { env } = await botEnv("first-hour-fast");
    const run = await runCli(["bot", "play", "--house", "--fast", "--matches", "3"], env, {
      timeoutMs: 110_000,
    });
    expect(run.code, run.stdout).toBe(0);
    const lines = run.stdout.split("\n");
    expect(lines[0]).toMatch(/^Connected to the lobby of .* as bot [0-9a-f-]{36}\.$/);
    expect(lines[1]).toMatch(/^Challenged house-\S+: match [0-9a-f-]{36} is dispatching\.$/);
    expect(run.stdout).toMatch(
      /^Match 1 of 3: first-hour-fast \(you\) vs house-\S+ — stacks 2000/m,
    );
    expect(run.stdout).toMatch(
      /^ {2}hand {3}1 {2}you +[+-]?\d+ {2}stacks first-hour-fast \(you\) \d+ · house-\S+ \d+/m,
    );
    for (const n of [1, 2, 3]) {
      expect(run.stdout).toMatch(
        new RegExp(
          `^Match ${n} of 3 over: you (won|lost|drew) \\([+-]?\\d+ chips, \\d+ of \\d+ hands won`,
          "m",
        ),
      );
    }
    expect(run.stdout).toMatch(/^Played 3 matches \(\d+ hands\) in \d+\.\d s: \d won, \d lost/m);
    expect(run.stdout).toContain("Bot errors: none.");
    expect(run.stdout).toMatch(
      /^What next:\n {2}a bot project of your own: botgate init bot my-bot/m,
    );
    // Compact: no per-action narration unless --verbose.
    expect(run.stdout).not.toContain("your turn");
    console.log(`three fast house matches: ${/in (\d+\.\d) s/.exec(run.stdout)?.[1]} s`);
  });

  it("prints each bot error once with the bot file's frame, counts them, and keeps playing", async () => {
    const { env } = await botEnv("first-hour-throwing");
    const args = ["bot", "play", "--house", "--fast", "--opponent", "house-calling-station"];
    const run = await runCli([...args, "--bot", THROWING], env, { timeoutMs: 110_000 });
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toMatch(
      new RegExp(
        `^bot error in onMatchStart: RangeError: onMatchStart is broken\\n {4}at .*throwing-bot\\.ts:${lineOf("onMatchStart is broken")}:\\d+`,
        "m",
      ),
    );
    expect(run.stdout).toMatch(
      new RegExp(
        `^bot error in decide \\(hand 1\\): TypeError: decide is not ready yet\\n {4}at .*throwing-bot\\.ts:${lineOf("decide is not ready yet")}:\\d+.*; the turn was checked or folded`,
        "m",
      ),
    );
    expect(run.stdout.match(/decide is not ready yet/g)).toHaveLength(1);
    expect(run.stdout).toMatch(
      /^Bot errors: 1 in onMatchStart, \d+ in decide\.$|^Bot errors: \d+ in decide, 1 in onMatchStart\.$/m,
    );
    expect(run.stdout).not.toMatch(/^\s+at .*node:internal/m);
  });

  it("--strict stops at the first bot error with exit 1", async () => {
    const { env } = await botEnv("first-hour-strict");
    const run = await runCli(
      ["bot", "play", "--house", "--fast", "--strict", "--bot", THROWING],
      env,
      { timeoutMs: 60_000 },
    );
    expect(run.code, run.stdout).toBe(1);
    expect(run.stdout).toMatch(/bot error in onMatchStart: RangeError: onMatchStart is broken/);
    expect(run.stdout.trimEnd().split("\n").at(-1)).toBe(
      "botgate: stopped at the first bot error (--strict)",
    );
  });

  it("names the file and line of a bot that does not load, and a file that is missing", async () => {
    const { env } = await botEnv("first-hour-broken");
    const dir = mkdtempSync(join(tmpdir(), "botgate-broken-"));
    const broken = join(dir, "broken-bot.ts");
    writeFileSync(
      broken,
      'export default {\n  decide() {\n    return { action: "fold" }\n  }}\n}\n',
    );
    const syntax = await runCli(["bot", "run", broken], env);
    expect(syntax.code).toBe(1);
    expect(syntax.stdout.split("\n")[0]).toBe(
      `botgate: cannot load ${broken}: syntax error at ${broken}:5: Expression expected`,
    );
    const missing = await runCli(["bot", "run", join(dir, "nope.ts")], env);
    expect(missing.code).toBe(2);
    expect(missing.stdout.split("\n")[0]).toBe(
      `botgate: no such bot file: ${join(dir, "nope.ts")}`,
    );
    expect(missing.stdout).not.toContain("node:internal");
  });

  /** A `bot run` in the lobby, then a short match dispatched to it; resolves at its first hand. */
  async function runIntoMatch(name: string) {
    const { bot, env } = await botEnv(name);
    const run = startCli(["bot", "run", CALLING_STATION], env);
    await run.waitFor(/^Waiting for a match/m);
    // A short match whose house bot thinks, so it is surely in play at the interrupt.
    const dispatched = await api(gateway, "POST", "/api/matches", {
      body: {
        bots: [bot.botId, "house-calling-station"],
        config: { hand_cap: 20, house_think_ms: 200 },
      },
    });
    await run.waitFor(/^ {2}hand +1 /m, 60_000);
    return { run, matchId: (dispatched.body as { match_id: string }).match_id };
  }

  it("Ctrl-C stops a match in play within the grace, says it is left unfinished, and exits 130", async () => {
    const { run, matchId } = await runIntoMatch("first-hour-interrupted");
    run.kill("SIGINT");
    expect(await run.exited(HANG_MS)).toBe(130);
    expect(run.output()).toMatch(/^Stopped \(interrupted\)\.$/m);
    expect(run.output()).toContain(
      `Left ${matchId} unfinished: the gateway forfeits the seat if the bot is not back within 30 s.`,
    );
    expect(run.output()).not.toContain("What next");
  });

  it("`bot run` says how to get a match once it is in the lobby", async () => {
    const { env } = await botEnv("first-hour-waiting");
    const run = startCli(["bot", "run", CALLING_STATION], env);
    await run.waitFor(
      /^Waiting for a match \(Ctrl-C stops\)\..*botgate bot play --house --fast --bot FILE$/m,
    );
    run.kill("SIGINT");
    expect(await run.exited(HANG_MS)).toBe(130);
  });
});
