/**
 * The case catalogue: every entry point's group, in the order the runner takes them, and
 * the table (case → input → documented outcome) that docs/fuzzing.md reproduces.
 */
import type { AnyGroup } from "./case.ts";
import { channelHandshakeGroup, channelLiveGroup } from "./cases/channel.ts";
import { httpGroup } from "./cases/http.ts";
import { inboxGroup } from "./cases/inbox.ts";
import { lobbyGroup } from "./cases/lobby.ts";
import { matchConnectGroup } from "./cases/match-connect.ts";
import { matchFloodGroup, matchPlayGroup } from "./cases/match-play.ts";
import { mcpGroup } from "./cases/mcp.ts";
import { openApiGroup } from "./cases/openapi.ts";
import { operatorGroup } from "./cases/operator.ts";
import { sledMcpGroup, sledUplinkGroup } from "./cases/sled.ts";
import { sledChannelGroup } from "./cases/sled-channel.ts";
import { spectatorGroup } from "./cases/spectator.ts";

export const GROUPS: readonly AnyGroup[] = [
  httpGroup,
  openApiGroup,
  lobbyGroup,
  matchConnectGroup,
  matchPlayGroup,
  matchFloodGroup,
  spectatorGroup,
  channelHandshakeGroup,
  channelLiveGroup,
  inboxGroup,
  mcpGroup,
  operatorGroup,
  sledUplinkGroup,
  sledMcpGroup,
  sledChannelGroup,
];

/** The catalogue as Markdown: one table per entry point. */
export function catalogueMarkdown(): string {
  const out: string[] = [];
  for (const group of GROUPS) {
    out.push(`### \`${group.entry}\` (${group.id})`, "");
    out.push(`Target: ${group.target}. Reference: ${group.ref}.`, "");
    out.push("| Case | Input | Expected |", "|---|---|---|");
    for (const c of group.cases) out.push(`| \`${c.id}\` | ${c.input} | ${c.expected} |`);
    for (const f of group.families) {
      const table = Object.entries(f.outcomes)
        .map(([k, v]) => `${k} → ${v}`)
        .join("; ");
      out.push(`| \`${f.id}\` (seeded) | ${f.input} | ${table} |`);
    }
    out.push("", `Then, on the same object: ${group.legitFlow}.`, "");
  }
  return out.join("\n");
}
