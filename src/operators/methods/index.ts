/**
 * Every method group the hub serves. A new group is one file in this folder and one line
 * here (see docs/operator-gateway.md, "Extending the hub").
 */
import { agentsGroup } from "./agents.ts";
import { approvalsGroup } from "./approvals.ts";
import { botgateGroup } from "./botgate.ts";
import { chatGroup } from "./chat.ts";
import { nodesGroup } from "./nodes.ts";
import { MethodRegistry } from "./registry.ts";
import { systemGroup } from "./system.ts";
import { tournamentsGroup } from "./tournaments.ts";

export const REGISTRY = new MethodRegistry([
  systemGroup,
  agentsGroup,
  chatGroup,
  botgateGroup,
  approvalsGroup,
  nodesGroup,
  tournamentsGroup,
]);
