// Proves `botgate mcp` end to end: the real MCP SDK client (`StdioClientTransport`) spawns
// the bridge as a process against the real Worker on loopback. Tools are listed per role;
// two bridges talk in two channels and by whisper; `read` after a runtime restart returns
// exactly the messages posted meanwhile, none twice, and after a restart of the bridge
// what it had not read yet; a whisper to a bridge that is down is read once it is back; bad
// input is a tool error and the link keeps serving; an MCP-driven player finishes a match
// against a house bot with poker_wait_turn/poker_act, on the bridge's 120 s clock, across a
// restart of its bridge.
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createChannel } from "../harness/agent.ts";
import { runCli } from "../harness/cli.ts";
import { api, createBotWithToken, type Gateway, startGateway } from "../harness/gateway.ts";
import {
  type Bridge,
  registeredAgent,
  startBridge,
  startServer,
  type ToolAnswer,
} from "../harness/mcp.ts";
import { HANG_MS } from "../harness/until.ts";

let gateway: Gateway;
let dir: string;
const open: Bridge[] = [];
const origin = () => gateway.url.origin;

beforeAll(async () => {
  gateway = await startGateway({ vars: { SERVER_ADMINS: "mcproot" } });
  dir = mkdtempSync(join(tmpdir(), "botgate-mcp-"));
});
afterAll(async () => {
  await Promise.all(open.map((b) => b.close().catch(() => {})));
  await gateway?.close();
});

async function bridge(args: string[], env: Record<string, string> = {}): Promise<Bridge> {
  const started = await startBridge(["--url", origin(), ...args], env);
  open.push(started);
  return started;
}

async function agentBridge(user: string, extra: string[] = []) {
  const agent = await registeredAgent(origin(), dir, user);
  return { agent, bridge: await bridge(["--key", agent.keyFile, ...extra]) };
}

const messages = (answer: ToolAnswer) =>
  (
    (answer.structured?.channels ?? answer.structured?.inboxes ?? []) as Array<{
      messages: Array<{ seq: number; from: string; text: string }>;
    }>
  ).flatMap((c) => c.messages);

/** Reads until `count` messages came (each read commits what it returned). */
async function readAll(b: Bridge, args: Record<string, unknown>, count: number, tool = "read") {
  const got: Array<{ seq: number; from: string; text: string }> = [];
  await b.callUntil(
    tool,
    args,
    (answer) => {
      expect(answer.isError, answer.text).toBe(false);
      got.push(...messages(answer));
      return got.length >= count;
    },
    `${count} messages from ${tool}`,
  );
  return got;
}

const names = async (b: Bridge) => (await b.client.listTools()).tools.map((t) => t.name).sort();

describe("botgate mcp over stdio against the real Worker", () => {
  it("lists the messaging tools, the admin tools only for an admin, the poker tools only with a bot", async () => {
    const { bridge: plain } = await agentBridge("mcpplain");
    expect(await names(plain)).toEqual(
      ["channels", "inbox", "join", "leave", "post", "read", "who", "whisper"].sort(),
    );
    const tools = (await plain.client.listTools()).tools;
    for (const tool of tools) {
      expect(tool.title, tool.name).toBeTruthy();
      expect(tool.description?.length, tool.name).toBeGreaterThan(30);
      expect(tool.inputSchema.type).toBe("object");
    }
    // A server admin (SERVER_ADMINS) sees the admin tools once its inbox says so.
    const { bridge: root } = await agentBridge("mcproot");
    await root.callUntil("inbox", {}, () => true, "the inbox");
    const deadline = Date.now() + HANG_MS;
    while (!(await names(root)).includes("create_channel") && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(await names(root)).toEqual(
      expect.arrayContaining(["create_channel", "invite", "kick", "ban"]),
    );
    const bot = await createBotWithToken(gateway, "mcp-lister");
    const poker = await bridge(["--key", join(dir, "none.json"), "--bot-id", bot.botId], {
      BOTGATE_TOKEN: bot.token,
    });
    expect(await names(poker)).toEqual(
      ["poker_act", "poker_challenge", "poker_status", "poker_wait_turn"].sort(),
    );
  });

  it("--print-config prints a command a host starts as it is, also from the built lib", async () => {
    const agent = await registeredAgent(origin(), dir, "mcpconfig");
    await createChannel(gateway, "mcp-config");
    const printed = await runCli(
      [
        "mcp",
        "--print-config",
        "--url",
        origin(),
        "--key",
        agent.keyFile,
        "--channel",
        "mcp-config",
      ],
      { BOTGATE_TOKEN_FILE: join(dir, "bot-token") },
    );
    expect(printed.code, printed.stderr).toBe(0);
    const config = JSON.parse(printed.stdout) as {
      mcpServers: { botgate: { command: string; args: string[]; env: Record<string, string> } };
    };
    const { command, args, env } = config.mcpServers.botgate;
    expect(command).toBe(process.execPath);
    expect(args.slice(1)).toEqual([
      "mcp",
      "--url",
      origin(),
      "--key",
      agent.keyFile,
      "--session",
      "mcp",
      "--channel",
      "mcp-config",
    ]);
    expect(env).toEqual({ BOTGATE_TOKEN_FILE: join(dir, "bot-token") });
    // npm test builds lib/ first; an installed package's bin is lib/cli/main.js.
    const libMain = fileURLToPath(new URL("../../lib/cli/main.js", import.meta.url));
    expect(existsSync(libMain), "lib/ is built by npm run build:lib").toBe(true);
    for (const entry of [args[0] as string, libMain]) {
      const host = await startServer(command, [entry, ...args.slice(1)]);
      open.push(host);
      const who = await host.callUntil(
        "who",
        { channel: "mcp-config" },
        (a) => !a.isError,
        "the join",
      );
      expect(who.text).toContain(`${agent.user}/box/mcp (you)`);
      await host.close();
    }
  });

  it("two bridges talk in two channels and by whisper", async () => {
    await createChannel(gateway, "mcp-alpha");
    await createChannel(gateway, "mcp-beta");
    const { agent: a, bridge: alice } = await agentBridge("mcpalice");
    const { agent: b, bridge: bob } = await agentBridge("mcpbob");
    for (const [who, channel] of [
      [alice, "mcp-alpha"],
      [alice, "mcp-beta"],
      [bob, "mcp-alpha"],
      [bob, "mcp-beta"],
    ] as const) {
      const joined = await who.call("join", { channel });
      expect(joined.isError, joined.text).toBe(false);
      expect(joined.text).toContain(`Joined #${channel}`);
    }
    const listed = await alice.call("channels");
    expect(listed.text).toMatch(/#mcp-alpha \(public, joined, 0 unread\)/);

    const posted = await alice.call("post", { channel: "mcp-alpha", text: "hello from alice" });
    expect(posted.text).toMatch(/^Posted to #mcp-alpha as seq \d+/);
    await bob.call("post", { channel: "mcp-beta", text: "hello from bob" });

    const bobGot = await readAll(bob, { channel: "mcp-alpha" }, 1);
    expect(bobGot.map(({ seq, from, text }) => ({ seq, from, text }))).toEqual([
      { seq: posted.structured?.seq, from: `${a.user}/box/mcp`, text: "hello from alice" },
    ]);
    const aliceGot = await readAll(alice, {}, 1);
    expect(aliceGot.map((m) => [m.from, m.text])).toEqual([
      [`${b.user}/box/mcp`, "hello from bob"],
    ]);
    // Read once: nothing is returned twice.
    expect(messages(await bob.call("read", { channel: "mcp-alpha" }))).toEqual([]);

    const who = await alice.call("who", { channel: "mcp-alpha" });
    expect(who.text).toContain(`${b.user}/box/mcp`);
    expect(who.text).toContain(`${a.user}/box/mcp (you)`);

    // Round trips of the plain tools (reported, never asserted).
    const posts: number[] = [];
    const reads: number[] = [];
    for (let i = 0; i < 20; i += 1) {
      posts.push((await alice.call("post", { channel: "mcp-beta", text: `n${i}` })).ms);
      reads.push((await bob.call("read", { channel: "mcp-alpha" })).ms);
    }
    expect((await readAll(bob, { channel: "mcp-beta" }, 20)).map((m) => m.text)).toEqual(
      Array.from({ length: 20 }, (_, i) => `n${i}`),
    );
    console.log(
      `mcp round trips over stdio: post median ${median(posts).toFixed(1)} ms, read median ${median(reads).toFixed(1)} ms (20 each)`,
    );

    const whispered = await alice.call("whisper", { to: `${b.user}/box/mcp`, text: "psst" });
    expect(whispered.structured).toEqual({ to: `${b.user}/box/mcp`, status: "delivered" });
    const inbox = await readAll(bob, {}, 1, "inbox");
    expect(inbox.map((m) => [m.from, m.text])).toEqual([[`${a.user}/box/mcp`, "psst"]]);
  });

  it("after a runtime restart, read returns exactly the messages posted meanwhile, none twice", async () => {
    await createChannel(gateway, "mcp-restart");
    const { bridge: reader } = await agentBridge("mcpreader");
    const { bridge: writer } = await agentBridge("mcpwriter");
    await reader.call("join", { channel: "mcp-restart" });
    await writer.call("join", { channel: "mcp-restart" });
    await writer.call("post", { channel: "mcp-restart", text: "before" });
    expect((await readAll(reader, { channel: "mcp-restart" }, 1)).map((m) => m.text)).toEqual([
      "before",
    ]);

    await gateway.harness.update((options) => options);
    const texts = ["after 1", "after 2", "after 3"];
    const seqs: number[] = [];
    for (const text of texts) {
      // The writer's link is re-dialling too: post retries until it is back.
      const answer = await writer.callUntil(
        "post",
        { channel: "mcp-restart", text },
        (a) => !a.isError,
        `the post of ${text} after the restart`,
      );
      seqs.push(Number(answer.structured?.seq));
    }
    const got = await readAll(reader, { channel: "mcp-restart" }, 3);
    expect(got.map((m) => [m.seq, m.text])).toEqual(texts.map((t, i) => [seqs[i], t]));
    expect(messages(await reader.call("read", { channel: "mcp-restart" }))).toEqual([]);
  });

  it("after a restart of the bridge, read returns what it had not read yet, once", async () => {
    await createChannel(gateway, "mcp-resume");
    const reader = await registeredAgent(origin(), dir, "mcpresumer");
    const { bridge: writer } = await agentBridge("mcpresumew");
    const first = await bridge(["--key", reader.keyFile, "--channel", "mcp-resume"]);
    await first.callUntil(
      "read",
      { channel: "mcp-resume" },
      (a) => !a.isError,
      "the join at start",
    );
    await writer.call("join", { channel: "mcp-resume" });
    for (const text of ["one", "two", "three"]) {
      await writer.call("post", { channel: "mcp-resume", text });
    }
    const partial = await readAll(first, { channel: "mcp-resume", limit: 1 }, 1);
    expect(partial.map((m) => m.text)).toEqual(["one"]);
    // Delivered to the bridge but not read: "two", "three". The bridge stops.
    await first.close();
    await writer.call("post", { channel: "mcp-resume", text: "four" });

    const second = await bridge(["--key", reader.keyFile]);
    await second.call("join", { channel: "mcp-resume" });
    const rest = await readAll(second, { channel: "mcp-resume" }, 3);
    expect(rest.map((m) => m.text)).toEqual(["two", "three", "four"]);
    expect(messages(await second.call("read", {}))).toEqual([]);
  });

  it("a whisper to a bridge that is down is read after it starts again, once", async () => {
    const target = await registeredAgent(origin(), dir, "mcpsleeper");
    const { bridge: sender } = await agentBridge("mcpwaker");
    const before = await bridge(["--key", target.keyFile]);
    expect((await before.call("inbox")).text).toContain("no new whispers");
    await before.close();

    const sent = await sender.callUntil(
      "whisper",
      { to: `${target.user}/box/mcp`, text: "wake up" },
      (a) => !a.isError,
      "the whisper",
    );
    expect(sent.structured?.status).toBe("queued");

    const after = await bridge(["--key", target.keyFile]);
    const got = await readAll(after, {}, 1, "inbox");
    expect(got.map((m) => m.text)).toEqual(["wake up"]);
    await after.close();
    const again = await bridge(["--key", target.keyFile]);
    // The inbox opened (an empty answer, not an error) and the whisper is not shown twice.
    const empty = await again.callUntil("inbox", {}, (a) => !a.isError, "the inbox");
    expect(messages(empty)).toEqual([]);
  });

  it("answers bad input with tool errors and keeps serving the other tools", async () => {
    await createChannel(gateway, "mcp-bad");
    const { bridge: b } = await agentBridge("mcpbad");
    const cases: Array<[string, Record<string, unknown>, RegExp]> = [
      ["join", {}, /channel/i],
      ["join", { channel: "Bad Name" }, /channel name/],
      ["join", { channel: "mcp-none-such" }, /no channel #mcp-none-such/],
      ["post", { channel: "mcp-bad", text: "x" }, /not in #mcp-bad: call join first/],
      ["post", { channel: "mcp-bad", text: "x", extra: 1 }, /unrecognized key/i],
      ["whisper", { to: "nobody/none/x", text: "hi" }, /no such user or machine/],
      ["whisper", { to: "not a path", text: "hi" }, /session path/],
      ["read", { limit: 0 }, /limit/],
      ["no_such_tool", {}, /not found/],
    ];
    for (const [tool, args, message] of cases) {
      const answer = await b.call(tool, args);
      expect(answer.isError, `${tool} ${JSON.stringify(args)}: ${answer.text}`).toBe(true);
      expect(answer.text).toMatch(message);
    }
    await b.call("join", { channel: "mcp-bad" });
    const huge = await b.call("post", { channel: "mcp-bad", text: "é".repeat(9000) });
    expect(huge.isError).toBe(true);
    expect(huge.text).toMatch(/too long: \d+ bytes as a frame, the server accepts 16384/);
    // The link survived every refusal: the same socket still posts.
    const fine = await b.call("post", { channel: "mcp-bad", text: "still here" });
    expect(fine.isError, fine.text).toBe(false);
  });

  it("an unreachable server and a revoked key are tool errors", async () => {
    const agent = await registeredAgent(origin(), dir, "mcprevoked");
    const down = await bridge([
      "--key",
      agent.keyFile,
      "--url",
      "http://127.0.0.1:9",
      "--wait-ms",
      "1500",
    ]);
    // The first --url is the gateway, so name the unreachable one.
    const unreachable = await down.call("join", { channel: "general", server: "127.0.0.1:9" });
    expect(unreachable.isError).toBe(true);
    expect(unreachable.text).toMatch(
      /could not reach http:\/\/127\.0\.0\.1:9 within 2 s|cannot reach|refused/,
    );

    await createChannel(gateway, "mcp-revoke");
    expect((await down.call("join", { channel: "mcp-revoke" })).isError).toBe(false);
    const removed = await api(gateway, "DELETE", `/api/admin/users/${agent.user}/machines/box`);
    expect(removed.status).toBe(204);
    const closed = await down.callUntil(
      "read",
      { channel: "mcp-revoke" },
      (a) => /closed by the server/.test(a.text),
      "the close notice",
    );
    expect(closed.text).toMatch(/removed by the server/);
    const refused = await down.call("join", { channel: "mcp-revoke" });
    expect(refused.isError).toBe(true);
    expect(refused.text).toMatch(/refused this agent's key/);
  });

  it("an MCP-driven player finishes a match against a house bot with poker_wait_turn and poker_act, across a bridge restart", async () => {
    const bot = await createBotWithToken(gateway, "mcp-player");
    const start = () =>
      bridge(["--key", join(dir, "none.json"), "--bot-id", bot.botId], {
        BOTGATE_TOKEN: bot.token,
      });
    let player = await start();
    // A fresh bridge gives a match of an earlier run a few seconds to come back first.
    const early = await player.call("poker_wait_turn", { wait_s: 30 });
    expect([early.isError, early.text]).toEqual([
      true,
      "no match in progress: call poker_challenge first",
    ]);
    const challenge = await player.callUntil(
      "poker_challenge",
      { opponent: "house-calling-station" },
      (a) => !a.isError,
      "the challenge",
    );
    expect(challenge.text).toMatch(
      /against house-calling-station is starting \(120 s per decision\)/,
    );
    const stale = await player.call("poker_act", { turn_id: "r_nope", action: "call" });
    expect(stale.isError).toBe(true);
    expect(stale.text).toMatch(/no open turn with that turn_id/);

    const rounds: number[] = [];
    let ended: ToolAnswer | null = null;
    for (let turns = 0; turns < 500 && !ended; turns += 1) {
      if (turns === 4) {
        // The host restarts the bridge mid-match: the new one is re-attached to the seat
        // (matched with resume: true) and the pending turn comes again.
        await player.close();
        player = await start();
      }
      const wait = await player.call("poker_wait_turn", { wait_s: 20 });
      expect(wait.isError, wait.text).toBe(false);
      const status = wait.structured?.status;
      if (status === "ended") ended = wait;
      if (status !== "turn") continue;
      const valid = wait.structured?.valid_actions as string[];
      const state = wait.structured?.state as { max_raise: number; min_raise: number };
      if (turns === 0) {
        expect(wait.text).toMatch(/Your cards: \S\S \S\S/);
        const illegal = await player.call("poker_act", {
          turn_id: wait.structured?.turn_id,
          action: "raise",
          amount: state.max_raise + 1,
        });
        expect(illegal.isError).toBe(true);
        expect(illegal.text).toMatch(/raise amount must be a whole number from \d+ to \d+/);
      }
      // Check or call for a while (several streets and hands), then all-in whenever allowed,
      // so the match ends in a few hands against a calling station.
      const act =
        valid.includes("raise") && turns >= 8
          ? { action: "raise", amount: state.max_raise }
          : { action: valid.includes("call") ? "call" : "check" };
      const answer = await player.call("poker_act", { turn_id: wait.structured?.turn_id, ...act });
      expect(answer.isError, answer.text).toBe(false);
      rounds.push(wait.ms + answer.ms);
    }
    expect(ended?.text).toMatch(/You (won|lost|Even)|Even/);
    expect(ended?.structured).toMatchObject({ status: "ended", end: { reason: "complete" } });
    const status = await player.call("poker_status");
    expect(status.text).toMatch(
      new RegExp(`match ${String(challenge.structured?.match_id)} vs \\S+: ended`),
    );
    console.log(
      `mcp poker: ${rounds.length} decisions; wait_turn+act per decision median ${median(rounds).toFixed(1)} ms`,
    );
  });
});

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}
