/**
 * `botgate mcp` as an agent host runs it: the real `@modelcontextprotocol/sdk` `Client`
 * with a `StdioClientTransport` that spawns the CLI (`src/cli/main.ts mcp …`, types
 * stripped by Node) as a child process. Helpers call tools and return their text and
 * structured content, and measure round trips.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { registerAgent } from "../../src/client/agent-keys.ts";
import { createKeyFile, saveIdentity } from "../../src/client/node.ts";
import { HANG_MS } from "./until.ts";

const MAIN = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));

/** What one tool call returned. */
export interface ToolAnswer {
  isError: boolean;
  text: string;
  structured: Record<string, unknown> | undefined;
  ms: number;
}

export interface Bridge {
  client: Client;
  /** Everything the bridge wrote to stderr (its logs). */
  stderr(): string;
  call(name: string, args?: Record<string, unknown>, timeoutMs?: number): Promise<ToolAnswer>;
  /** Calls a tool until `done` says its answer is the one awaited (each call bounded). */
  callUntil(
    name: string,
    args: Record<string, unknown>,
    done: (answer: ToolAnswer) => boolean,
    what: string,
    timeoutMs?: number,
  ): Promise<ToolAnswer>;
  close(): Promise<void>;
}

/** Spawns `botgate mcp` (from the sources) with `args` and connects the real MCP client to it. */
export function startBridge(args: string[], env: Record<string, string> = {}): Promise<Bridge> {
  return startServer(process.execPath, [MAIN, "mcp", ...args], env);
}

/** Spawns `command args` as a host would (e.g. what `--print-config` printed) and connects to it. */
export async function startServer(
  command: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<Bridge> {
  const transport = new StdioClientTransport({
    command,
    args,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...env },
    stderr: "pipe",
  });
  let stderr = "";
  transport.stderr?.on("data", (chunk) => {
    stderr += String(chunk);
  });
  const client = new Client({ name: "botgate-e2e", version: "1.0.0" });
  await client.connect(transport);
  const call = async (name: string, args: Record<string, unknown> = {}, timeoutMs = 60_000) => {
    const started = performance.now();
    const result = await client.callTool({ name, arguments: args }, undefined, {
      timeout: timeoutMs,
    });
    const ms = performance.now() - started;
    const content = result.content as Array<{ type: string; text?: string }>;
    return {
      isError: result.isError === true,
      text: content.map((c) => c.text ?? "").join("\n"),
      structured: result.structuredContent as Record<string, unknown> | undefined,
      ms,
    };
  };
  return {
    client,
    stderr: () => stderr,
    call,
    async callUntil(name, args, done, what, timeoutMs = HANG_MS) {
      const deadline = Date.now() + timeoutMs;
      let last: ToolAnswer | undefined;
      while (Date.now() < deadline) {
        last = await call(name, args);
        if (done(last)) return last;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      throw new Error(`timed out waiting for ${what}; last answer: ${last?.text}\n${stderr}`);
    },
    close: () => client.close(),
  };
}

let agents = 0;
/** A registered agent with a key file in `dir` (mode 0600), ready for `--key`. */
export async function registeredAgent(
  origin: string,
  dir: string,
  user: string,
): Promise<{ user: string; machine: string; keyFile: string }> {
  agents += 1;
  mkdirSync(dir, { recursive: true });
  const keyFile = join(dir, `${user}-${agents}.key.json`);
  const key = await createKeyFile(keyFile);
  await registerAgent(origin, { user, machine: "box", key });
  saveIdentity(keyFile, user, "box");
  return { user, machine: "box", keyFile };
}
