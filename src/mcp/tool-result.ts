/**
 * Tool results the way the MCP servers of modelcontextprotocol/servers write them: a
 * concise text for the model plus `structuredContent` for programs, and every failure a
 * result with `isError: true` and a plain message — never an exception through the
 * transport, so one bad call never disturbs the link or the other tools.
 */
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { ClientLog } from "../client/match-session.ts";
import { describeError } from "./errors.ts";

export function ok(text: string, structured?: Record<string, unknown>): CallToolResult {
  return {
    content: [{ type: "text", text }],
    ...(structured === undefined ? {} : { structuredContent: structured }),
  };
}

export function failure(message: string): CallToolResult {
  return { content: [{ type: "text", text: message }], isError: true };
}

/** Wraps a tool handler: any failure becomes `failure(plain message)`; the unforeseen ones are logged in full. */
export function guarded<A>(
  tool: string,
  log: ClientLog,
  handler: (args: A) => Promise<CallToolResult>,
): (args: A) => Promise<CallToolResult> {
  return async (args) => {
    try {
      return await handler(args);
    } catch (err) {
      return failure(
        describeError(err, (e) =>
          log("mcp_tool_failed", {
            tool,
            error: e instanceof Error ? (e.stack ?? e.message) : String(e),
          }),
        ),
      );
    }
  };
}
