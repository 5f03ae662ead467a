// The client outside this repository, as a user gets it: `npm pack` of this package, installed
// in a temp folder outside the repo, its one dependency (ws) from the npm cache where it can
// (`--prefer-offline`: fetched only when the cache lacks it, as on a fresh machine whose
// lockfile install cached no metadata); the installed `botgate init bot|agent` writes projects
// that install the same tarball and run with the system's Node (20 on this machine: no type
// stripping, no global WebSocket) against the real Worker — the bot plays a fast house match,
// the agent joins and says hello, twice.
import { execFile, execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createChannel } from "../harness/agent.ts";
import { type CliRun, runCli } from "../harness/cli.ts";
import { createBotWithToken, type Gateway, startGateway } from "../harness/gateway.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
/** The machine's own Node (not the repo's Node 22): what a user runs the project with. */
const SYSTEM_NODE = existsSync("/usr/bin/node") ? "/usr/bin/node" : process.execPath;
/**
 * Runs npm without blocking the event loop: an install can outlast the runtime's keep-alive,
 * and a loop blocked meanwhile (execFileSync) never sees the idle connection close, so the next
 * `fetch` reuses it and fails "other side closed".
 */
const npm = async (cwd: string, args: string[]) =>
  (
    await promisify(execFile)("npm", [...args, "--no-audit", "--no-fund", "--loglevel=error"], {
      cwd,
      encoding: "utf8",
      env: { ...process.env, npm_config_update_notifier: "false" },
    })
  ).stdout;

let gateway: Gateway;
let dir: string;
let tarball: string;
beforeAll(async () => {
  gateway = await startGateway({ vars: { WS_CONNECTS_PER_IP_PER_MINUTE: "1000" } });
  await createChannel(gateway, "general");
  dir = mkdtempSync(join(tmpdir(), "botgate-package-"));
  // lib/ is built (npm test runs build:lib first); --ignore-scripts skips a second build.
  const packed = await npm(ROOT, ["pack", "--ignore-scripts", "--json", "--pack-destination", dir]);
  tarball = join(dir, (JSON.parse(packed) as Array<{ filename: string }>)[0]?.filename ?? "");
  writeFileSync(join(dir, "package.json"), '{"name":"first-user","private":true}\n');
  await npm(dir, ["install", "--prefer-offline", tarball]);
}, 120_000);
afterAll(async () => {
  await gateway?.close();
});

/** Runs a file of the project with the system's Node, as its README says. */
function runProject(cwd: string, file: string, args: string[], env: Record<string, string>) {
  return runCli(args, env, { cwd, timeoutMs: 110_000, script: file, node: SYSTEM_NODE });
}

describe("the packed client outside the repository", () => {
  it("installs from the tarball with only the lib, the templates and one dependency", () => {
    const installed = join(dir, "node_modules/botgate");
    expect(existsSync(join(installed, "lib/client/index.js"))).toBe(true);
    expect(existsSync(join(installed, "src"))).toBe(false);
    expect(existsSync(join(installed, "test"))).toBe(false);
    const manifest = JSON.parse(readFileSync(join(installed, "package.json"), "utf8"));
    expect(manifest.dependencies).toEqual({ ws: expect.any(String) });
    expect(manifest.engines.node).toBe(">=20");
  });

  it("`botgate init bot` writes a project whose bot plays a fast house match with the system Node", async () => {
    const botgate = join(dir, "node_modules/.bin/botgate");
    const init = execFileSync(
      SYSTEM_NODE,
      [botgate, "init", "bot", "my-bot", "--client", `file:${tarball}`],
      {
        cwd: dir,
        encoding: "utf8",
      },
    );
    expect(init.split("\n")[0]).toBe(
      "Wrote a bot project in my-bot: bot.mjs, package.json, README.md. Next:",
    );
    const project = join(dir, "my-bot");
    await npm(project, ["install", "--prefer-offline"]);
    const bot = await createBotWithToken(gateway, "packaged-bot");
    const env = {
      BOTGATE_URL: gateway.url.href,
      BOTGATE_BOT_ID: bot.botId,
      BOTGATE_TOKEN: bot.token,
    };
    const played: CliRun = await runProject(project, "bot.mjs", [], env);
    expect(played.code, played.stdout + played.stderr).toBe(0);
    expect(played.stdout).toMatch(/^Connected to .* as bot [0-9a-f-]{36}\.$/m);
    expect(played.stdout).toMatch(
      /^Match over after \d+ hands: packaged-bot [+-]\d+, house-\S+ [+-]\d+$/m,
    );
    // A wrong token is said, with exit 3 — never a silent exit 0.
    const refused = await runProject(project, "bot.mjs", [], {
      ...env,
      BOTGATE_TOKEN: "cz_extbot_wrong",
    });
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain("stopped: auth_failed");
  });

  it("`botgate init agent` writes an agent that registers once and runs again with its key", async () => {
    const botgate = join(dir, "node_modules/.bin/botgate");
    execFileSync(
      SYSTEM_NODE,
      [botgate, "init", "agent", "my-agent", "--client", `file:${tarball}`],
      {
        cwd: dir,
      },
    );
    const project = join(dir, "my-agent");
    await npm(project, ["install", "--prefer-offline"]);
    const env = { BOTGATE_URL: gateway.url.href, BOTGATE_USER: "packaged" };
    const first = await runProject(project, "agent.mjs", ["--once"], env);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(first.stdout).toMatch(
      /^Registered packaged\/main\.\nJoined general as packaged\/main\/main; said hello \(seq \d+\)\.$/m,
    );
    expect(statSync(join(project, "agent.key.json")).mode & 0o777).toBe(0o600);
    const second = await runProject(project, "agent.mjs", ["--once"], env);
    expect(second.code, second.stdout + second.stderr).toBe(0);
    expect(second.stdout).not.toContain("Registered");
    const seqs = [first.stdout, second.stdout].map((out) =>
      Number(/said hello \(seq (\d+)\)/.exec(out)?.[1]),
    );
    expect(seqs[1]).toBeGreaterThan(seqs[0] ?? Number.POSITIVE_INFINITY);
  });

  it("the installed `botgate` plays with its own default bot and says what `mcp` needs", async () => {
    const botgate = join(dir, "node_modules/.bin/botgate");
    const bot = await createBotWithToken(gateway, "installed-cli");
    const env = {
      BOTGATE_URL: gateway.url.href,
      BOTGATE_BOT_ID: bot.botId,
      BOTGATE_TOKEN: bot.token,
    };
    const args = ["bot", "play", "--house", "--fast", "--opponent", "house-random"];
    const played = await runCli(args, env, {
      cwd: dir,
      script: botgate,
      node: SYSTEM_NODE,
      timeoutMs: 110_000,
    });
    expect(played.code, played.stdout + played.stderr).toBe(0);
    expect(played.stdout).toMatch(/^Match 1 of 1 over: you (won|lost|drew) /m);
    const mcp = await runCli(["mcp"], {}, { cwd: dir, script: botgate, node: SYSTEM_NODE });
    expect(mcp.code).toBe(1);
    expect(mcp.stderr.trim()).toBe(
      "botgate mcp: botgate mcp needs the MCP SDK beside it: npm install @modelcontextprotocol/sdk zod",
    );
  });

  it("refuses to init into a directory that is not empty", async () => {
    const botgate = join(dir, "node_modules/.bin/botgate");
    const again = await runCli(
      ["init", "bot", "my-bot"],
      {},
      { cwd: dir, script: botgate, node: SYSTEM_NODE },
    );
    expect(again.code).toBe(2);
    expect(again.stdout.split("\n")[0]).toBe(
      "botgate: my-bot is not empty: init writes into a new or empty directory",
    );
  });
});
