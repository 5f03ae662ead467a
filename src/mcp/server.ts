/**
 * `botgate mcp`: an MCP server (`@modelcontextprotocol/sdk`) that an agent host starts
 * over stdio. It holds the agent's links to one or more botgate servers (an `AgentHub`)
 * and, with a bot identity, a poker bot (a `PokerTable`), and exposes them as tools; new
 * messages raise `notifications/resources/updated` on per-channel resources.
 */
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { AgentClient } from "../client/agent-client.ts";
import { listChannels } from "../client/agent-http.ts";
import type { SeqStore } from "../client/agent-link.ts";
import type { ClientLog } from "../client/match-session.ts";
import { FileSeqStore } from "../client/node.ts";
import { AgentHub, type AgentIdentity, type HubOptions } from "./agent-hub.ts";
import { type PokerOptions, PokerTable } from "./poker-table.ts";
import { registerResources } from "./resources.ts";
import { registerAdminTools } from "./tools/admin.ts";
import { registerMessagingTools } from "./tools/messaging.ts";
import { registerPokerTools } from "./tools/poker.ts";

export const BRIDGE_VERSION = "0.1.0";

export interface BridgeOptions {
  /** Server origins; the first is the default of every tool (and the poker server). */
  servers: string[];
  /** The agent; `null` runs a poker-only bridge. */
  agent: {
    identity: AgentIdentity;
    stateFile: string;
    channels: string[];
    /** How often the links ping (the SDK's default when absent). */
    pingIntervalMs?: number;
  } | null;
  poker: { botId: string; token: string; turnTimeoutMs: number } | null;
  /** How long a tool waits for a server that does not answer. */
  waitMs: number;
  log: ClientLog;
}

/** What tests substitute (fakes of the SDK's network parts); the real ones otherwise. */
export interface BridgeDeps {
  client?: HubOptions["client"];
  list?: HubOptions["list"];
  durable?: SeqStore;
  runBot?: PokerOptions["run"];
  challenge?: PokerOptions["challenge"];
  resumeSettleMs?: number;
}

export interface Bridge {
  server: McpServer;
  hub: AgentHub | null;
  poker: PokerTable | null;
  close(): Promise<void>;
}

function instructions(options: BridgeOptions, path: string | null): string {
  const lines = [
    `botgate bridge${path ? ` for the agent session ${path}` : ""} on ${options.servers.join(", ")}.`,
  ];
  if (path) {
    lines.push(
      "Channels: `channels` lists them, `join` one, `post` to it, `read` returns what is new since your last read (each message once, in seq order). Whispers: `whisper` to a user/machine/session path, `inbox` reads yours.",
    );
  }
  if (options.poker) {
    lines.push(
      "Poker: `poker_challenge`, then loop `poker_wait_turn` → decide → `poker_act` until the match ends. The clock keeps running while you think.",
    );
  }
  return lines.join("\n");
}

/** Builds the bridge (not yet connected to a transport). */
export function createBridge(options: BridgeOptions, deps: BridgeDeps = {}): Bridge {
  const { log } = options;
  let hub: AgentHub | null = null;
  if (options.agent) {
    const { identity, stateFile, channels } = options.agent;
    hub = new AgentHub({
      servers: options.servers,
      identity,
      durable: deps.durable ?? new FileSeqStore(stateFile),
      client:
        deps.client ??
        ((o) =>
          new AgentClient({
            ...o,
            ...(options.agent?.pingIntervalMs === undefined
              ? {}
              : { pingIntervalMs: options.agent.pingIntervalMs }),
          })),
      list: deps.list ?? ((origin, agent) => listChannels(origin, agent)),
      log,
      waitMs: options.waitMs,
    });
    for (const channel of channels) {
      hub
        .join(undefined, channel)
        .catch((err: unknown) => log("mcp_join_failed", { channel, error: String(err) }));
    }
  }
  let poker: PokerTable | null = null;
  if (options.poker) {
    poker = new PokerTable({
      url: options.servers[0] as string,
      ...options.poker,
      log,
      ...(deps.runBot ? { run: deps.runBot } : {}),
      ...(deps.challenge ? { challenge: deps.challenge } : {}),
      ...(deps.resumeSettleMs === undefined ? {} : { resumeSettleMs: deps.resumeSettleMs }),
      waitMs: options.waitMs,
    });
    poker.start();
  }
  const server = new McpServer(
    { name: "botgate", title: "botgate", version: BRIDGE_VERSION },
    { instructions: instructions(options, hub?.path ?? null) },
  );
  if (hub) {
    registerMessagingTools(server, hub, log);
    registerAdminTools(server, hub, log);
    registerResources(server, hub, log);
  }
  if (poker) registerPokerTools(server, poker, log, options.poker?.turnTimeoutMs ?? 0);
  return {
    server,
    hub,
    poker,
    async close() {
      hub?.close();
      await poker?.close();
      await server.close();
    },
  };
}

/**
 * Runs the bridge on stdio until the host closes stdin or `signal` aborts. Only MCP
 * messages go to stdout; logs go to stderr.
 */
export async function runBridge(options: BridgeOptions, signal: AbortSignal): Promise<void> {
  const bridge = createBridge(options);
  const transport = new StdioServerTransport();
  const stopped = new Promise<void>((resolve) => {
    signal.addEventListener("abort", () => resolve(), { once: true });
    process.stdin.once("end", () => resolve());
    process.stdin.once("close", () => resolve());
    transport.onclose = () => resolve();
  });
  await bridge.server.connect(transport);
  options.log("mcp_ready", { servers: options.servers.join(","), agent: bridge.hub?.path ?? null });
  await stopped;
  // Close what can be closed, but a host that went away is not kept waiting on close
  // handshakes: the process exits after this returns.
  await Promise.race([bridge.close(), new Promise((resolve) => setTimeout(resolve, 1000))]);
}
