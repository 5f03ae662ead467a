// Proves that every client of ours rides out a gateway that is down for 10 s — its port
// refuses every connection while the runtime restarts (storage kept), as when `npm start` is
// stopped and started again: an AgentClient on a channel and its inbox, the example agent,
// `runBot` in the middle of a match, and the CLI's `join` and `tail` processes all re-dial
// with backoff and resume; nothing is lost or delivered twice and the match is finished.
// And every call settles: a command against a stopped gateway exits 4, a refused channel name
// is the server's INVALID_CHANNEL_NAME (exit 1) — never a hang, never exit 13.
import { mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AgentClient, type AgentEvent } from "../../src/client/agent-client.ts";
import { generateAgentKey, registerAgent } from "../../src/client/agent-keys.ts";
import { RequestFailed } from "../../src/client/agent-link.ts";
import { runBot } from "../../src/client/run-bot.ts";
import type { TurnRequest } from "../../src/client/types.ts";
import { createChannel } from "../harness/agent.ts";
import { type CliProcess, runCli, startCli, startScript } from "../harness/cli.ts";
import { api, createBotWithToken, type Gateway, startGateway } from "../harness/gateway.ts";
import { type FrontDoor, startFrontDoor } from "../harness/outage.ts";
import { HANG_MS, until } from "../harness/until.ts";

const ECHO = fileURLToPath(new URL("../../examples/echo-agent.ts", import.meta.url));
const SHOVE = fileURLToPath(new URL("./fixtures/shove-bot.ts", import.meta.url));
const OUTAGE_MS = 10_000;

let gateway: Gateway;
let front: FrontDoor;
const dir = mkdtempSync(join(tmpdir(), "botgate-outage-"));
let cliEnv: Record<string, string>;
const started: CliProcess[] = [];
const agents: AgentClient[] = [];

beforeAll(async () => {
  gateway = await startGateway({ vars: { WS_CONNECTS_PER_IP_PER_MINUTE: "100000" } });
  front = await startFrontDoor(gateway);
  await createChannel(gateway, "outage");
  cliEnv = {
    BOTGATE_URL: front.origin,
    BOTGATE_AGENT_KEY_FILE: join(dir, "agent.key.json"),
    HOME: dir,
  };
  expect((await runCli(["keygen"], cliEnv)).code).toBe(0);
  expect((await runCli(["register", "--user", "cli", "--machine", "box"], cliEnv)).code).toBe(0);
});
afterAll(async () => {
  for (const process of started) process.kill();
  for (const agent of agents) agent.close();
  await front?.close();
  await gateway?.close();
});

/** An agent with its own key, registered directly, dialling `origin`. */
async function newAgent(user: string, origin: string, log?: (event: string) => void) {
  const key = await generateAgentKey();
  await registerAgent(gateway.url.href, { user, machine: "m", key });
  const agent = new AgentClient({
    url: origin,
    user,
    machine: "m",
    key,
    session: "main",
    ...(log ? { log: (event: string) => log(event) } : {}),
  });
  agents.push(agent);
  const heard: AgentEvent[] = [];
  agent.on((event) => heard.push(event));
  return { agent, heard };
}

/** Texts of the channel messages `heard` from `from`, in delivery order. */
const texts = (heard: AgentEvent[], from: string) =>
  heard.flatMap((e) =>
    e.type === "message" && e.from === from ? [(e.payload as { text: string }).text] : [],
  );

/**
 * Calls `send` until the link is up again: the client fails requests closed while it re-dials
 * (`not_connected`, `connection_lost`), so a failed call is retried — with the caller's fixed
 * id, which the server stores once — until it is answered or `HANG_MS` passed.
 */
async function whenUp<T>(send: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + HANG_MS;
  for (;;) {
    try {
      return await send();
    } catch (err) {
      if (!(err instanceof RequestFailed) || Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

describe("a gateway that is down for 10 s", () => {
  it("is ridden out by an agent, the example agent, runBot mid-match and the CLI", async () => {
    const redials: string[] = [];
    const alice = await newAgent("alice", front.origin, (event) => {
      if (event === "agent_redial") redials.push(event);
    });
    // Bob dials the runtime directly: his socket drops at the restart and he is back first.
    const bob = await newAgent("bob", gateway.url.href);
    await alice.agent.join("outage");
    await alice.agent.openInbox();
    await bob.agent.join("outage");

    const echo = startScript(ECHO, [], { BOTGATE_URL: front.origin, CHANNEL: "outage" }, dir);
    started.push(echo);
    await echo.waitFor(/echo\/example\/main is echoing in outage/);
    const cliJoin = startCli(["join", "outage", "--session", "term"], cliEnv);
    started.push(cliJoin);
    await cliJoin.waitFor(/Joined outage as cli\/box\/term/);
    const cliTail = startCli(["tail", "outage", "--since", "0"], cliEnv);
    started.push(cliTail);
    await bob.agent.post("outage", { text: "before" });
    await cliTail.waitFor(/bob\/m\/main: before/);
    await until(() => texts(bob.heard, "echo/example/main")[0], "the echo before the outage");

    // A bot in the middle of a match: its second decision waits for the outage to be over.
    const bot = await createBotWithToken(gateway, "outage-bot");
    let outageOver!: () => void;
    const over = new Promise<void>((resolve) => {
      outageOver = resolve;
    });
    let midMatch!: () => void;
    const reached = new Promise<void>((resolve) => {
      midMatch = resolve;
    });
    let turns = 0;
    let lobbyReady!: () => void;
    const ready = new Promise<void>((resolve) => {
      lobbyReady = resolve;
    });
    const run = runBot(
      () => ({
        async decide(turn: TurnRequest) {
          turns += 1;
          if (turns === 2) {
            midMatch();
            await over;
          }
          return { action: turn.valid_actions.includes("check") ? "check" : "call" };
        },
      }),
      {
        url: front.origin,
        botId: bot.botId,
        token: bot.token,
        maxMatches: 1,
        log: (event) => {
          if (event === "lobby_ready") lobbyReady();
        },
      },
    );
    await ready;
    const dispatched = await api(gateway, "POST", "/api/matches", {
      body: {
        bots: [bot.botId, "house-calling-station"],
        config: {
          jitter_min_ms: 0,
          jitter_max_ms: 0,
          hand_cap: 6,
          house_think_ms: 0,
          turn_timeout_ms: 60_000,
          max_messages_per_second: 1000,
        },
      },
    });
    expect(dispatched.status).toBe(201);
    await reached;

    const outage = front.outage(OUTAGE_MS);
    // While the front door is down: Bob (back on the restarted runtime) posts and whispers.
    await whenUp(() => bob.agent.post("outage", { text: "during" }, { id: "bob-during" }));
    // Queued while Alice is away (delivered if her inbox is back already): it arrives once.
    await whenUp(() => bob.agent.whisper("alice/m/main", { text: "psst" }, { id: "bob-psst" }));
    const report = await outage;
    expect(report.severed).toBeGreaterThanOrEqual(6);
    outageOver();
    // Bob's own re-dial after the restart may still be in its backoff.
    await whenUp(() => bob.agent.post("outage", { text: "after" }, { id: "bob-after" }));

    // Alice: every message once, in order, and the whisper queued while she was away.
    await until(() => texts(alice.heard, "bob/m/main")[2], "alice to catch up");
    expect(texts(alice.heard, "bob/m/main")).toEqual(["before", "during", "after"]);
    await until(() => alice.heard.find((e) => e.type === "whisper"), "the queued whisper");
    expect(alice.heard.filter((e) => e.type === "whisper")).toHaveLength(1);
    expect(redials.length).toBeGreaterThan(1); // refused dials were retried, not fatal
    // The CLI processes resumed: both print what was posted during and after the outage.
    await cliTail.waitFor(/bob\/m\/main: during[\s\S]*bob\/m\/main: after/, HANG_MS);
    await cliJoin.waitFor(/bob\/m\/main: during[\s\S]*bob\/m\/main: after/, HANG_MS);
    // The example agent echoed what it missed, once each, and is present again.
    await until(() => texts(bob.heard, "echo/example/main")[2], "the echoes");
    expect(texts(bob.heard, "echo/example/main")).toEqual([
      'echo: {"text":"before"}',
      'echo: {"text":"during"}',
      'echo: {"text":"after"}',
    ]);
    const present = (await bob.agent.who("outage")).map((s) => s.path);
    expect(present).toEqual(
      expect.arrayContaining(["alice/m/main", "echo/example/main", "cli/box/term"]),
    );
    cliJoin.write("typed after the outage");
    await until(() => texts(bob.heard, "cli/box/term")[0], "the line typed in the CLI");
    // The bot finished its match.
    const result = await run;
    expect(result.reason).toBe("max_matches");
    expect(result.matches).toMatchObject([{ status: "ended", end: { reason: "complete" } }]);

    cliJoin.endInput();
    expect(await cliJoin.exited()).toBe(0);
  });

  it("settles every command against a stopped gateway with exit 4", async () => {
    const port = await closedPort();
    const env = { ...cliEnv, BOTGATE_URL: `http://127.0.0.1:${port}` };
    const bot = {
      BOTGATE_BOT_ID: crypto.randomUUID(),
      BOTGATE_TOKEN: `cz_extbot_${"a".repeat(32)}`,
    };
    const commands = [
      ["join", "outage"],
      ["tail", "outage", "--no-follow"],
      ["who", "outage"],
      ["whisper", "bob/m/main", "hello"],
      ["register", "--user", "nobody", "--machine", "box"],
      ["bot", "run", SHOVE],
      ["bot", "play", "--house"],
      ["bots", "list"],
    ];
    const runs = await Promise.all(
      commands.map((args) =>
        runCli(args, { ...env, ...bot, BOTGATE_ADMIN_TOKEN: "adm" }, { timeoutMs: 60_000 }),
      ),
    );
    for (const [i, run] of runs.entries()) {
      expect([commands[i]?.join(" "), run.code]).toEqual([commands[i]?.join(" "), 4]);
      expect(run.stdout).toMatch(/cannot reach/);
    }
  });

  it("settles a refused channel name with the server's INVALID_CHANNEL_NAME", async () => {
    const { agent } = await newAgent("carol", front.origin);
    const refused = await agent.join("Bad Name").then(
      () => null,
      (err: unknown) => err,
    );
    expect(refused).toBeInstanceOf(RequestFailed);
    expect(refused).toMatchObject({ code: "INVALID_CHANNEL_NAME" });
    const join = await runCli(["join", "General"], cliEnv);
    expect(join.code).toBe(1);
    expect(join.stdout).toContain("cannot join General: INVALID_CHANNEL_NAME");
  });
});

/** A loopback port nothing listens on. */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
