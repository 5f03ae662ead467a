import { hostConfig, MCP_USAGE, parseMcpArgs } from "../mcp/options.ts";
import { UsageError } from "./config.ts";

/**
 * The bridge, loaded when `botgate mcp` runs: its MCP SDK and zod are optional peer
 * dependencies of the package, so the client and the other commands install without them.
 */
async function bridge(): Promise<typeof import("../mcp/server.ts")> {
  try {
    return await import("../mcp/server.ts");
  } catch (err) {
    if ((err as { code?: string }).code !== "ERR_MODULE_NOT_FOUND") throw err;
    throw new Error(
      "botgate mcp needs the MCP SDK beside it: npm install @modelcontextprotocol/sdk zod",
    );
  }
}

/**
 * `botgate mcp`: the MCP bridge on stdio (see docs/mcp.md). stdout carries MCP messages
 * only, so usage errors and logs go to stderr. Returns the exit code.
 */
export async function mcpCommand(
  argv: string[],
  entry: string,
  signal: AbortSignal,
  out: (line: string) => void = console.log,
): Promise<number> {
  const log = (event: string, data?: Record<string, unknown>) =>
    process.stderr.write(`${JSON.stringify({ event, time: new Date().toISOString(), ...data })}\n`);
  try {
    if (argv.includes("--help") || argv.includes("-h")) {
      out(MCP_USAGE);
      return 0;
    }
    const command = parseMcpArgs(argv);
    if (command.printConfig) {
      out(JSON.stringify(hostConfig(command, entry), null, 2));
      if (process.env.BOTGATE_TOKEN && !process.env.BOTGATE_TOKEN_FILE) {
        process.stderr.write(
          "botgate: BOTGATE_TOKEN is not copied into the configuration; put the token in a file and set BOTGATE_TOKEN_FILE in the host's env\n",
        );
      }
      return 0;
    }
    await (await bridge()).runBridge(await command.build(log), signal);
    return 0;
  } catch (err) {
    const usage =
      err instanceof UsageError || (err as { code?: string }).code?.startsWith("ERR_PARSE_ARGS");
    process.stderr.write(
      `botgate mcp: ${(err as Error).message}${usage ? `\n\n${MCP_USAGE}` : ""}\n`,
    );
    return usage ? 2 : 1;
  }
}
