// Proves the bot commands of the `botgate` CLI as spawned processes against the real Worker:
// `bot play --house --verbose` challenges a house bot and narrates the match to its end, and a
// `bot run` process killed mid-match is replaced by a fresh process that re-attaches
// through `matched` with `resume: true` and finishes the match.
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCli } from "../harness/cli.ts";
import { api, createBotWithToken, type Gateway, startGateway } from "../harness/gateway.ts";
import { HANG_MS } from "../harness/until.ts";

const SHOVE = fileURLToPath(new URL("./fixtures/shove-bot.ts", import.meta.url));
const HAND_STRENGTH = fileURLToPath(new URL("../../examples/hand-strength.ts", import.meta.url));
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

describe("botgate bot commands", () => {
  it("plays house bots in a loop with `bot play --house --matches 2`, narrating each match", async () => {
    const { env } = await botEnv("cli-house-player");
    const args = ["bot", "play", "--house", "--opponent", "house-calling-station", "--bot", SHOVE];
    const run = startCli([...args, "--matches", "2", "--verbose"], env);
    await run.waitFor(/Challenged house-calling-station: match [0-9a-f-]{36} is dispatching\./);
    await run.waitFor(/Match started: cli-house-player \(you\) vs house-calling-station/);
    await run.waitFor(
      /Match over after \d+ hands: [\s\S]*Challenged[\s\S]*Match over after \d+ hands: /,
      120_000,
    );
    expect(await run.exited(HANG_MS)).toBe(0);
    expect(run.output().match(/Challenged house-calling-station/g)).toHaveLength(2);
    expect(run.output()).toMatch(
      /Hand 1 — button .* — your cards [2-9TJQKA][cdhs] [2-9TJQKA][cdhs]/,
    );
    expect(run.output()).not.toContain(env.BOTGATE_TOKEN);
  });

  it("re-attaches a match after the bot process is killed, through resume:true", async () => {
    const { bot, env } = await botEnv("cli-restarted");
    const first = startCli(["bot", "run", CALLING_STATION, "--matches", "1", "--verbose"], env);
    await first.waitFor(/Connected to the lobby/);
    const dispatched = await api(gateway, "POST", "/api/matches", {
      body: {
        bots: [bot.botId, "house-calling-station"],
        config: {
          jitter_min_ms: 0,
          jitter_max_ms: 0,
          starting_stack: 400,
          hand_cap: 40,
          house_think_ms: 0,
        },
      },
    });
    expect(dispatched.status).toBe(201);
    await first.waitFor(/your turn/);
    first.kill("SIGKILL"); // the process dies mid-match, with no goodbye
    await first.exited();
    const second = startCli(["bot", "run", HAND_STRENGTH, "--matches", "1", "--verbose"], env);
    await second.waitFor(/Connected to the lobby/);
    await second.waitFor(/Resuming match [0-9a-f-]{36}, left by an earlier run\./);
    await second.waitFor(/your turn/, 30_000);
    await second.waitFor(/Match over after \d+ hands/, 90_000);
    expect(await second.exited()).toBe(0);
    const record = await api(
      gateway,
      "GET",
      `/api/matches/${(dispatched.body as { match_id: string }).match_id}`,
    );
    expect((record.body as { status: string }).status).toBe("completed");
  });
});
