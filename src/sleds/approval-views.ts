/**
 * How an approval looks to the outside: botgate's own record (`exec.approval.*`, the HTTP
 * route, events) and the official `ApprovalSnapshot` of `approval.*` (protocol.schema.json).
 * Pure.
 */
import { type ApprovalRecord, DECISIONS } from "./approvals.ts";

/** The approval as `exec.approval.get|list`, the HTTP route and the console see it. */
export interface ApprovalView {
  id: string;
  kind: "exec";
  project: string;
  nodeId: string;
  toolName: string;
  toolInput: unknown;
  inputSummary: string;
  status: ApprovalRecord["status"];
  decision: ApprovalRecord["decision"];
  reason: ApprovalRecord["reason"];
  resolvedBy: string | null;
  resolvedAtMs: number | null;
  createdAtMs: number;
  expiresAtMs: number;
  urlPath: string;
}

export function urlPath(id: string): string {
  return `/approvals/${encodeURIComponent(id)}`;
}

export function approvalView(record: ApprovalRecord): ApprovalView {
  return {
    id: record.id,
    kind: "exec",
    project: record.project,
    nodeId: record.project,
    toolName: record.toolName,
    toolInput: JSON.parse(record.toolInputJson) as unknown,
    inputSummary: record.inputSummary,
    status: record.status,
    decision: record.decision,
    reason: record.reason,
    resolvedBy: record.resolvedBy?.id ?? null,
    resolvedAtMs: record.resolvedAtMs,
    createdAtMs: record.createdAtMs,
    expiresAtMs: record.expiresAtMs,
    urlPath: urlPath(record.id),
  };
}

/** `exec.approval.requested`: the pending approval. */
export function requestedEvent(record: ApprovalRecord) {
  return {
    id: record.id,
    kind: "exec" as const,
    project: record.project,
    nodeId: record.project,
    toolName: record.toolName,
    inputSummary: record.inputSummary,
    createdAtMs: record.createdAtMs,
    expiresAtMs: record.expiresAtMs,
    urlPath: urlPath(record.id),
  };
}

/** `exec.approval.resolved`: `{id, decision, resolvedBy, ts}` and why. */
export function resolvedEvent(record: ApprovalRecord) {
  return {
    id: record.id,
    project: record.project,
    decision: record.decision ?? "deny",
    reason: record.reason ?? "user",
    resolvedBy: record.resolvedBy?.id ?? "system",
    ts: record.resolvedAtMs ?? Date.now(),
  };
}

/** The official `ApprovalSnapshot` (pending, allowed, denied, expired or cancelled). */
export function approvalSnapshot(record: ApprovalRecord): Record<string, unknown> {
  const base = {
    id: record.id,
    urlPath: urlPath(record.id),
    createdAtMs: record.createdAtMs,
    expiresAtMs: record.expiresAtMs,
    presentation: {
      kind: "exec",
      commandText: `${record.toolName} ${record.inputSummary}`,
      commandPreview: record.inputSummary,
      warningText: null,
      host: null,
      nodeId: record.project,
      agentId: null,
      allowedDecisions: [...DECISIONS],
    },
  };
  if (record.status === "pending") {
    return { ...base, status: "pending", sourceSessionKey: `sled:${record.project}` };
  }
  const ended = {
    ...base,
    resolvedAtMs: record.resolvedAtMs ?? record.createdAtMs,
    ...(record.resolvedBy ? { resolver: record.resolvedBy } : {}),
  };
  switch (record.status) {
    case "allowed":
      return { ...ended, status: "allowed", decision: record.decision, reason: "user" };
    case "denied":
      return { ...ended, status: "denied", decision: "deny", reason: "user" };
    case "expired":
      return { ...ended, status: "expired", reason: "timeout" };
    case "cancelled":
      return {
        ...ended,
        status: "cancelled",
        reason: record.cause === "restart" ? "gateway-restart" : "run-aborted",
      };
  }
}

/** The project an approval id belongs to (ids are `<project>:<uuid>`), or `null`. */
export function projectOfApproval(id: string): string | null {
  const at = id.indexOf(":");
  if (at <= 0) return null;
  const project = id.slice(0, at);
  return /^[a-z0-9][a-z0-9_-]{0,63}$/.test(project) ? project : null;
}
