// Proves the agent commands of the `botgate` CLI as spawned processes against the real
// Worker: keygen writes a private key file, register enrols it, `join` posts typed lines
// and prints others' messages with sender and time, `tail --since` replays, `whisper`
// reports queued, `who` lists sessions — with clear exit codes when something is refused.
import { mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AgentClient, type AgentEvent } from "../../src/client/agent-client.ts";
import { generateAgentKey, registerAgent } from "../../src/client/agent-keys.ts";
import { createChannel } from "../harness/agent.ts";
import { runCli, startCli } from "../harness/cli.ts";
import { type Gateway, startGateway } from "../harness/gateway.ts";
import { until } from "../harness/until.ts";

let gateway: Gateway;
let watcher: AgentClient;
const heard: AgentEvent[] = [];
const dir = mkdtempSync(join(tmpdir(), "botgate-cli-agent-"));
const keyFile = join(dir, "agent.key.json");
let env: Record<string, string>;

beforeAll(async () => {
  gateway = await startGateway();
  env = { BOTGATE_URL: gateway.url.href, BOTGATE_AGENT_KEY_FILE: keyFile, HOME: dir };
  await createChannel(gateway, "ops");
  const key = await generateAgentKey();
  await registerAgent(gateway.url.href, { user: "watcher", machine: "desk", key });
  watcher = new AgentClient({
    url: gateway.url.href,
    user: "watcher",
    machine: "desk",
    key,
    session: "main",
  });
  watcher.on((event) => heard.push(event));
  await watcher.join("ops");
});
afterAll(async () => {
  watcher?.close();
  await gateway?.close();
});

describe("botgate agent commands", () => {
  it("creates a private key file and registers it", async () => {
    const keygen = await runCli(["keygen"], env);
    expect(keygen.code).toBe(0);
    expect(keygen.stdout).toMatch(/Public key: [A-Za-z0-9_-]{43}/);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect((await runCli(["keygen"], env)).code).toBe(1); // never overwrites a key
    const registered = await runCli(["register", "--user", "cliuser", "--machine", "box"], env);
    expect(registered.code).toBe(0);
    const again = await runCli(["register", "--user", "cliuser", "--machine", "box"], env);
    expect(again.code).toBe(1);
    expect(again.stdout).toContain("409");
  });

  it("joins interactively: typed lines are posted, others' messages are printed", async () => {
    const session = startCli(["join", "ops", "--session", "term"], env);
    await session.waitFor(/Joined ops as cliuser\/box\/term/);
    session.write("hello from the terminal");
    const message = await until(
      () => heard.find((e) => e.type === "message" && e.from === "cliuser/box/term"),
      "the typed line at the watcher",
    );
    expect(message).toMatchObject({ payload: { text: "hello from the terminal" } });
    expect((await runCli(["who", "ops"], env)).stdout).toContain("cliuser/box/term");
    await watcher.post("ops", { text: "hi back" });
    await session.waitFor(/\[\d\d:\d\d:\d\d\] watcher\/desk\/main: hi back/);
    session.endInput();
    expect(await session.exited()).toBe(0);
  });

  it("tails from a seq, whispers, and refuses an unknown channel with exit 1", async () => {
    const tail = await runCli(["tail", "ops", "--since", "0", "--no-follow"], env);
    expect(tail.code).toBe(0);
    expect(tail.stdout).toMatch(
      /cliuser\/box\/term: hello from the terminal\n.*watcher\/desk\/main: hi back/,
    );
    const whisper = await runCli(["whisper", "watcher/desk/main", "psst", "there"], env);
    expect([whisper.code, whisper.stdout.trim()]).toEqual([0, "queued"]);
    const missing = await runCli(["join", "no-such-channel"], env);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toContain("4004");
    const noKey = await runCli(["who", "ops"], {
      ...env,
      BOTGATE_AGENT_KEY_FILE: join(dir, "none.json"),
    });
    expect(noKey.code).toBe(2);
  });

  it("shows whispers and /who in join, says why a post was refused, and lists channels", async () => {
    const session = startCli(["join", "ops", "--session", "talk"], env);
    await session.waitFor(
      /Joined ops as cliuser\/box\/talk\. Type a line to post, \/who to see who is here/,
    );
    session.write("/who");
    await session.waitFor(/^watcher\/desk\/main {2}since \d{4}-/m);
    await watcher.openInbox();
    expect(await watcher.whisper("cliuser/box/talk", { text: "are you there?" })).toBe("delivered");
    await session.waitFor(/\(whisper\) watcher\/desk\/main: are you there\?/);
    // Over the server's frame limit (16 KiB): the server's reason, not "the connection dropped".
    session.write("x".repeat(20_000));
    await session.waitFor(/^! not posted: too_large: Frames are limited to 16384 bytes$/m);
    session.write("still here");
    await until(
      () => heard.find((e) => e.type === "message" && e.from === "cliuser/box/talk"),
      "the post after the refused one",
    );
    session.endInput();
    expect(await session.exited()).toBe(0);
    const list = await runCli(["channels", "list"], env);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^CHANNEL +VISIBILITY +TOPIC\n/);
    expect(list.stdout).toMatch(/^ops +public/m);
    const json = await runCli(["channels", "list", "--json"], env);
    expect(JSON.parse(json.stdout).channels.map((c: { name: string }) => c.name)).toContain("ops");
  });

  it("prints the whispers queued for a session with `inbox --no-follow`", async () => {
    await watcher.whisper("cliuser/box/away", { text: "read me later" });
    const queued = await runCli(["inbox", "--session", "away", "--no-follow"], env);
    expect(queued.code).toBe(0);
    expect(queued.stdout).toMatch(
      /^\[\d\d:\d\d:\d\d\] \(whisper\) watcher\/desk\/main: read me later$/m,
    );
    const empty = await runCli(["inbox", "--session", "nobody-wrote", "--no-follow"], env);
    expect(empty.stdout.trim()).toBe("* no whispers waiting for cliuser/box/nobody-wrote");
    const live = startCli(["inbox", "--session", "live"], env);
    await live.waitFor(/no whispers waiting for cliuser\/box\/live/);
    expect(await watcher.whisper("cliuser/box/live", { text: "now" })).toBe("delivered");
    await live.waitFor(/\(whisper\) watcher\/desk\/main: now/);
    live.kill("SIGINT");
    expect(await live.exited()).toBe(130);
  });
});
