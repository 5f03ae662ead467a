/**
 * Poker tools for a model that plays turn by turn: `poker_challenge`, `poker_wait_turn`,
 * `poker_act`, `poker_status`. Registered only when the bridge has a bot identity.
 */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import type { ClientLog } from "../../client/match-session.ts";
import { actText, endText, legalText, turnText } from "../format.ts";
import type { PokerTable } from "../poker-table.ts";
import { guarded, ok } from "../tool-result.ts";

/** How long `poker_wait_turn` blocks by default: under the 60 s request timeout most MCP clients use. */
export const DEFAULT_WAIT_S = 50;

export function registerPokerTools(
  server: McpServer,
  table: PokerTable,
  log: ClientLog,
  defaultTurnTimeoutMs: number,
): void {
  server.registerTool(
    "poker_challenge",
    {
      title: "Challenge a house bot",
      description: `Start a heads-up no-limit hold'em match against a house bot (unrated); then call poker_wait_turn. Each decision has ${defaultTurnTimeoutMs / 1000} s unless turn_timeout_ms says otherwise.`,
      inputSchema: z.strictObject({
        opponent: z
          .string()
          .min(1)
          .max(100)
          .optional()
          .describe("House bot name or id, e.g. house-calling-station; omit for the default one"),
        turn_timeout_ms: z
          .number()
          .int()
          .min(1000)
          .max(600_000)
          .optional()
          .describe(`Decision clock per turn in ms (default ${defaultTurnTimeoutMs})`),
      }),
      annotations: { openWorldHint: true },
    },
    guarded("poker_challenge", log, async ({ opponent, turn_timeout_ms }) => {
      const answer = await table.challenge({
        ...(opponent === undefined ? {} : { opponent }),
        ...(turn_timeout_ms === undefined ? {} : { turnTimeoutMs: turn_timeout_ms }),
      });
      return ok(
        `Match ${answer.match_id} against ${answer.opponent} is starting (${answer.decision_timeout_ms / 1000} s per decision). Call poker_wait_turn.`,
        { ...answer },
      );
    }),
  );

  server.registerTool(
    "poker_wait_turn",
    {
      title: "Wait for your poker turn",
      description:
        "Block until it is your turn (returns the cards, pot, legal actions and a turn_id for poker_act) or the match ends; returns 'waiting' after wait_s so you can call it again.",
      inputSchema: z.strictObject({
        wait_s: z
          .number()
          .int()
          .min(1)
          .max(600)
          .optional()
          .describe(`Longest wait in seconds (default ${DEFAULT_WAIT_S})`),
      }),
      annotations: { readOnlyHint: true },
    },
    guarded("poker_wait_turn", log, async ({ wait_s }) => {
      const found = await table.waitTurn((wait_s ?? DEFAULT_WAIT_S) * 1000);
      if (found.kind === "waiting") {
        return ok(
          found.pending.length === 0
            ? "No turn yet: the bot is (re)connecting to the lobby, where a match in progress would come back. Call poker_wait_turn again."
            : `No turn yet (match ${found.pending.join(", ")} is in progress: the opponent is acting or the match is starting). Call poker_wait_turn again.`,
          { status: "waiting", matches: found.pending },
        );
      }
      if (found.kind === "ended") {
        return ok(endText(found.seat, found.events), {
          status: "ended",
          match_id: found.seat.matchId,
          end: found.seat.end ?? { reason: found.seat.lost },
        });
      }
      const { turn, seat } = found;
      return ok(turnText(seat, turn, found.events, Date.now()), {
        status: "turn",
        match_id: seat.matchId,
        turn_id: turn.request_id,
        deadline_ts: turn.deadline_ts,
        valid_actions: turn.valid_actions,
        legal: legalText(turn),
        state: turn.state,
        events: found.events,
      });
    }),
  );

  server.registerTool(
    "poker_act",
    {
      title: "Act on your poker turn",
      description:
        "Answer the turn poker_wait_turn returned: fold, check, call, or raise with amount = the total you raise to on this street; checked against the legal actions before it is sent.",
      inputSchema: z.strictObject({
        turn_id: z.string().min(1).max(128).describe("The turn_id poker_wait_turn returned"),
        action: z.enum(["fold", "check", "call", "raise"]),
        amount: z
          .number()
          .int()
          .min(0)
          .optional()
          .describe("For raise only: the street total to raise to, within the bounds shown"),
      }),
    },
    guarded("poker_act", log, async ({ turn_id, action, amount }) => {
      const result = await table.act(turn_id, action, amount);
      return ok(actText(result), { ...result });
    }),
  );

  server.registerTool(
    "poker_status",
    {
      title: "Poker status",
      description:
        "Show the poker bot's lobby connection and its matches (in progress and finished, with results).",
      inputSchema: z.strictObject({}),
      annotations: { readOnlyHint: true },
    },
    guarded("poker_status", log, async () => {
      const status = table.status();
      const lines = [
        `Bot ${status.bot_id}: lobby ${status.lobby}.`,
        ...status.dispatching.map((d) => `  match ${d.match_id} vs ${d.opponent}: dispatching`),
        ...status.matches.map(
          (m) =>
            `  match ${m.match_id} vs ${m.opponent ?? "?"}: ${m.state}${m.hand ? `, hand ${m.hand}` : ""}${m.stacks ? `, stacks ${m.stacks.join("/")}` : ""}`,
        ),
      ];
      if (status.matches.length === 0 && status.dispatching.length === 0) {
        lines.push("  no matches yet: call poker_challenge");
      }
      return ok(lines.join("\n"), status);
    }),
  );
}
