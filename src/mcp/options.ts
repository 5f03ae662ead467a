/**
 * The options of `botgate mcp`, from flags and the environment, with the CLI's rules:
 * secrets (the bot token) only from `BOTGATE_TOKEN` or the file `BOTGATE_TOKEN_FILE`
 * names, never from arguments; the key file from `--key`, `BOTGATE_AGENT_KEY_FILE` or
 * `~/.config/botgate/agent.key.json`. `--print-config` turns the same options into the
 * JSON an MCP host needs to start this bridge.
 */
import { existsSync, realpathSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { SESSION_NAME, USER_NAME } from "../agents/names.ts";
import { keyPath } from "../cli/agent-commands.ts";
import { DEFAULT_URL, optionalSecret, UsageError } from "../cli/config.ts";
import { loadKeyFile } from "../client/node.ts";
import type { BridgeOptions } from "./server.ts";

/**
 * The decision clock the bridge asks for when it challenges: two minutes, because a model
 * reads the turn, reasons and answers through its host in tens of seconds, sometimes more;
 * the server's own default (30 s, tuned for programs) would time many turns out.
 */
export const DEFAULT_TURN_TIMEOUT_MS = 120_000;

/** How long a tool call waits for a server before it answers with an error. */
export const DEFAULT_WAIT_MS = 15_000;

export const MCP_USAGE = `usage: botgate mcp [options]

Runs an MCP server on stdio for an agent host (Claude Code and the like): channels,
whispers and, with a bot identity, poker tools. Logs go to stderr.

  --url URL              a botgate server (repeatable; the first is the default)
                         default BOTGATE_URL or ${DEFAULT_URL}
  --key FILE             the agent's key file (default BOTGATE_AGENT_KEY_FILE or
                         ~/.config/botgate/agent.key.json); without one, poker only
  --user U --machine M   the agent's identity (default: as registered in the key file)
  --session S            this agent's session name (default mcp)
  --channel C            join C at start (repeatable)
  --state FILE           where read positions are kept (default next to the key file)
  --bot-id ID            play poker as this bot (or BOTGATE_BOT_ID); the token comes
                         from BOTGATE_TOKEN or BOTGATE_TOKEN_FILE
  --turn-timeout-ms N    decision clock asked for by poker_challenge (default ${DEFAULT_TURN_TIMEOUT_MS})
  --wait-ms N            how long a tool waits for a server that does not answer
                         (default ${DEFAULT_WAIT_MS})
  --ping-ms N            how often each link pings (default 25000); keep it under the
                         server's AGENT_HEARTBEAT_TIMEOUT_MS
  --print-config         print the host configuration (command, args, env) and exit`;

export interface McpCommand {
  printConfig: boolean;
  /** The resolved flags, as `--print-config` writes them back. */
  args: string[];
  env: Record<string, string>;
  build(log: BridgeOptions["log"]): Promise<BridgeOptions>;
}

function origin(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`--url ${url} is not a URL (e.g. http://127.0.0.1:8787)`);
  }
  if (!["http:", "https:", "ws:", "wss:"].includes(parsed.protocol)) {
    throw new UsageError(`--url ${url}: use http(s):// or ws(s)://`);
  }
  parsed.protocol =
    parsed.protocol === "wss:" ? "https:" : parsed.protocol === "ws:" ? "http:" : parsed.protocol;
  return parsed.origin;
}

/** Parses `botgate mcp` arguments; reads nothing secret yet (that is `build`). */
export function parseMcpArgs(argv: string[]): McpCommand {
  const { values } = parseArgs({
    args: argv,
    allowPositionals: false,
    options: {
      url: { type: "string", multiple: true },
      key: { type: "string" },
      user: { type: "string" },
      machine: { type: "string" },
      session: { type: "string" },
      channel: { type: "string", multiple: true },
      state: { type: "string" },
      "bot-id": { type: "string" },
      "turn-timeout-ms": { type: "string" },
      "wait-ms": { type: "string" },
      "ping-ms": { type: "string" },
      "print-config": { type: "boolean" },
    },
  });
  const servers = [
    ...new Set((values.url ?? [process.env.BOTGATE_URL ?? DEFAULT_URL]).map(origin)),
  ];
  const session = values.session ?? "mcp";
  if (!SESSION_NAME.test(session)) {
    throw new UsageError("--session: 1–64 lowercase letters, digits, '_' or '-'");
  }
  for (const [flag, value] of [
    ["--user", values.user],
    ["--machine", values.machine],
  ] as const) {
    if (value !== undefined && !USER_NAME.test(value)) {
      throw new UsageError(`${flag}: 1–32 lowercase letters, digits, '_' or '-'`);
    }
  }
  const turnTimeoutMs = Number(values["turn-timeout-ms"] ?? DEFAULT_TURN_TIMEOUT_MS);
  if (!Number.isInteger(turnTimeoutMs) || turnTimeoutMs < 1000 || turnTimeoutMs > 600_000) {
    throw new UsageError("--turn-timeout-ms takes a whole number of ms from 1000 to 600000");
  }
  const waitMs = Number(values["wait-ms"] ?? DEFAULT_WAIT_MS);
  if (!Number.isInteger(waitMs) || waitMs < 100 || waitMs > 600_000) {
    throw new UsageError("--wait-ms takes a whole number of ms from 100 to 600000");
  }
  const pingMs = values["ping-ms"] === undefined ? undefined : Number(values["ping-ms"]);
  if (pingMs !== undefined && !(Number.isInteger(pingMs) && pingMs >= 100 && pingMs <= 600_000)) {
    throw new UsageError("--ping-ms takes a whole number of ms from 100 to 600000");
  }
  const key = resolve(keyPath(values.key));
  const botId = values["bot-id"] ?? process.env.BOTGATE_BOT_ID;
  const channels = values.channel ?? [];
  const state = values.state === undefined ? undefined : resolve(values.state);

  const args = [
    ...servers.flatMap((s) => ["--url", s]),
    "--key",
    key,
    ...(values.user ? ["--user", values.user] : []),
    ...(values.machine ? ["--machine", values.machine] : []),
    "--session",
    session,
    ...channels.flatMap((c) => ["--channel", c]),
    ...(state ? ["--state", state] : []),
    ...(botId ? ["--bot-id", botId] : []),
    ...(values["turn-timeout-ms"] ? ["--turn-timeout-ms", String(turnTimeoutMs)] : []),
    ...(values["wait-ms"] ? ["--wait-ms", String(waitMs)] : []),
    ...(pingMs === undefined ? [] : ["--ping-ms", String(pingMs)]),
  ];
  const tokenFile = process.env.BOTGATE_TOKEN_FILE;
  const env: Record<string, string> = tokenFile ? { BOTGATE_TOKEN_FILE: resolve(tokenFile) } : {};

  return {
    printConfig: values["print-config"] === true,
    args,
    env,
    async build(log) {
      const token = optionalSecret("BOTGATE_TOKEN");
      if (botId && !token) {
        throw new UsageError("--bot-id needs the bot token in BOTGATE_TOKEN or BOTGATE_TOKEN_FILE");
      }
      if (token && !botId) throw new UsageError("BOTGATE_TOKEN is set: name the bot with --bot-id");
      let agent: BridgeOptions["agent"] = null;
      if (existsSync(key)) {
        const { key: agentKey, file } = await loadKeyFile(key);
        const user = values.user ?? file.user;
        const machine = values.machine ?? file.machine;
        if (!user || !machine) {
          throw new UsageError(
            `${key} has no registered identity: run botgate register (or pass --user and --machine)`,
          );
        }
        agent = {
          identity: { user, machine, session, key: agentKey },
          stateFile: state ?? join(dirname(key), `mcp-state-${user}-${machine}-${session}.json`),
          channels,
          ...(pingMs === undefined ? {} : { pingIntervalMs: pingMs }),
        };
      } else if (!botId) {
        throw new UsageError(
          `no key at ${key}: run botgate keygen and botgate register first (or give a bot identity for poker only)`,
        );
      }
      return {
        servers,
        agent,
        poker: botId && token ? { botId, token, turnTimeoutMs } : null,
        waitMs,
        log,
      };
    },
  };
}

/**
 * The host configuration for this installation: the Node that runs this process and the
 * `botgate` entry it ran (`lib/cli/main.js`, or `src/cli/main.ts` in a checkout), the
 * resolved flags, and the token's file — never the token itself.
 */
export function hostConfig(command: McpCommand, entry: string): Record<string, unknown> {
  return {
    mcpServers: {
      botgate: {
        command: process.execPath,
        args: [realpathSync(entry), "mcp", ...command.args],
        env: command.env,
      },
    },
  };
}
