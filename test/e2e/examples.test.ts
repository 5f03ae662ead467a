// Proves the example agent runs with one command against the real Worker: it creates and
// registers its own key on the first run, answers a channel message with an echo and a
// whisper with a whisper, and on a second run resumes without answering anything twice.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AgentClient, type AgentEvent } from "../../src/client/agent-client.ts";
import { generateAgentKey, registerAgent } from "../../src/client/agent-keys.ts";
import { createChannel } from "../harness/agent.ts";
import { startScript } from "../harness/cli.ts";
import { type Gateway, startGateway } from "../harness/gateway.ts";
import { until } from "../harness/until.ts";

const ECHO = fileURLToPath(new URL("../../examples/echo-agent.ts", import.meta.url));
let gateway: Gateway;
beforeAll(async () => {
  gateway = await startGateway();
  await createChannel(gateway, "general");
});
afterAll(async () => {
  await gateway?.close();
});

describe("examples/echo-agent.ts", () => {
  it("echoes channel messages and whispers, and resumes on its next run without repeats", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "botgate-echo-"));
    const env = { BOTGATE_URL: gateway.url.href, CHANNEL: "general" };
    const key = await generateAgentKey();
    await registerAgent(gateway.url.href, { user: "human", machine: "laptop", key });
    const me = new AgentClient({
      url: gateway.url.href,
      user: "human",
      machine: "laptop",
      key,
      session: "s",
    });
    const events: AgentEvent[] = [];
    me.on((e) => events.push(e));
    await me.join("general");
    await me.openInbox();

    const first = startScript(ECHO, [], env, cwd);
    await first.waitFor(/echo\/example\/main is echoing in general/);
    await me.post("general", { text: "ping" });
    await until(
      () => events.find((e) => e.type === "message" && e.from === "echo/example/main"),
      "the echo",
    );
    expect(await me.whisper("echo/example/main", "hi")).toBe("delivered");
    await until(() => events.find((e) => e.type === "whisper"), "the whispered answer");
    first.kill("SIGINT");
    await first.exited();

    await me.post("general", { text: "while you were away" });
    const second = startScript(ECHO, [], env, cwd);
    await second.waitFor(/is echoing in general/);
    await until(
      () => events.filter((e) => e.type === "message" && e.from === "echo/example/main")[1],
      "the echo of the message sent while it was down",
    );
    // The channel delivers in order: an echo repeated from the replay would come before this one.
    await me.post("general", { text: "last" });
    await until(
      () => events.filter((e) => e.type === "message" && e.from === "echo/example/main")[2],
      "the echo of a message sent after the resume",
    );
    second.kill("SIGINT");
    await second.exited();
    const echoes = events.flatMap((e) =>
      e.type === "message" && e.from === "echo/example/main"
        ? [(e.payload as { text: string }).text]
        : [],
    );
    expect(echoes).toEqual([
      'echo: {"text":"ping"}',
      'echo: {"text":"while you were away"}',
      'echo: {"text":"last"}',
    ]);
    me.close();
  });
});
