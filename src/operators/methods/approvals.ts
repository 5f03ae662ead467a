/**
 * The sleds' permission requests for operators (operator gateway §4, sled-uplink.md §2):
 * `exec.approval.list|get|resolve` in botgate's record shape, `approval.get|resolve|history`
 * in the official `ApprovalSnapshot` shapes (kind `exec`). Every resolve goes to the sled's
 * object, where the first answer wins; a later one gets the recorded outcome.
 */
import * as v from "valibot";
import { mapLimit } from "../../lib/pool.ts";
import { strict } from "../../protocol/operator-frames.ts";
import { approvalSnapshot, approvalView, projectOfApproval } from "../../sleds/approval-views.ts";
import { type ApprovalRecord, DECISIONS, type Decision } from "../../sleds/approvals.ts";
import { isProjectName, sledProjects, sledStub, viaSled } from "../../sleds/directory.ts";
import type { Caller } from "../caller.ts";
import { REBUILD_CONCURRENCY } from "./agents.ts";
import { defineMethod, MethodError, type MethodGroup, notFound, unavailable } from "./registry.ts";

const Id = v.pipe(v.string(), v.minLength(1), v.maxLength(200));
const Reviewer = v.optional(
  strict({ channel: v.string(), accountId: v.string(), senderId: v.string() }),
);
const GetParams = strict({ id: Id });
const ListParams = strict({ project: v.optional(v.string()) });
const ExecResolveParams = strict({
  id: Id,
  decision: v.pipe(v.string(), v.minLength(1)),
  reviewer: Reviewer,
  grantExpiresInDays: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(3650))),
});
const ResolveParams = strict({
  id: Id,
  kind: v.picklist(["exec", "plugin", "system-agent"]),
  decision: v.picklist(DECISIONS),
  reviewer: Reviewer,
  grantExpiresInDays: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(3650))),
});
const HistoryParams = strict({
  cursor: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(512))),
  limit: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(100))),
  kind: v.optional(v.picklist(["exec", "plugin", "system-agent"])),
});

function noApproval(): MethodError {
  return notFound("APPROVAL_NOT_FOUND", "no such approval");
}

async function reach<T>(project: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await viaSled(project, fn);
  } catch {
    throw unavailable("the sled could not be reached");
  }
}

async function find(env: Env, id: string): Promise<ApprovalRecord> {
  const project = projectOfApproval(id);
  if (!project) throw noApproval();
  const record = await reach(project, () => sledStub(env, project).approval(id));
  if (!record) throw noApproval();
  return record;
}

async function resolve(
  env: Env,
  caller: Caller,
  id: string,
  decision: Decision,
): Promise<{ applied: boolean; record: ApprovalRecord }> {
  const project = projectOfApproval(id);
  if (!project) throw noApproval();
  const result: { applied: boolean; record: ApprovalRecord } | null = await reach(project, () =>
    sledStub(env, project).resolveApproval(id, decision, {
      kind: "device",
      id: `operator:${caller.label}`,
    }),
  );
  if (!result) throw noApproval();
  return result;
}

async function pendingEverywhere(env: Env, only?: string): Promise<ApprovalRecord[]> {
  const projects =
    only === undefined ? await sledProjects(env.DB) : isProjectName(only) ? [only] : [];
  const lists = await mapLimit(projects, REBUILD_CONCURRENCY, (project) =>
    reach(project, () => sledStub(env, project).pendingApprovals()),
  );
  return lists.flat().sort((a, b) => a.createdAtMs - b.createdAtMs || a.id.localeCompare(b.id));
}

type Cursor = { at: number; id: string };

function encodeCursor(cursor: Cursor): string {
  return btoa(JSON.stringify([cursor.at, cursor.id]));
}

function decodeCursor(text: string): Cursor {
  try {
    const [at, id] = JSON.parse(atob(text)) as [unknown, unknown];
    if (typeof at === "number" && Number.isSafeInteger(at) && typeof id === "string")
      return { at, id };
  } catch {
    // Falls through to the error.
  }
  throw new MethodError("INVALID_REQUEST", "invalid approval.history params: bad cursor");
}

/** Decided approvals of every sled, newest first, one page (30 days are kept). */
async function history(env: Env, limit: number, before: Cursor | null) {
  const projects = await sledProjects(env.DB);
  const pages = await mapLimit(projects, REBUILD_CONCURRENCY, (project) =>
    reach(project, () => sledStub(env, project).approvalHistory(limit + 1, before)),
  );
  const all = pages
    .flat()
    .sort((a, b) => (b.resolvedAtMs ?? 0) - (a.resolvedAtMs ?? 0) || (a.id < b.id ? 1 : -1));
  const page = all.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map(approvalSnapshot),
    ...(all.length > limit && last
      ? { nextCursor: encodeCursor({ at: last.resolvedAtMs ?? 0, id: last.id }) }
      : {}),
  };
}

export const approvalsGroup: MethodGroup = {
  name: "approvals",
  methods: [
    defineMethod({
      name: "exec.approval.list",
      scope: "operator.approvals",
      params: ListParams,
      async handler(params, ctx) {
        return { approvals: (await pendingEverywhere(ctx.env, params.project)).map(approvalView) };
      },
    }),
    defineMethod({
      name: "exec.approval.get",
      scope: "operator.approvals",
      params: GetParams,
      handler: async (params, ctx) => approvalView(await find(ctx.env, params.id)),
    }),
    defineMethod({
      name: "exec.approval.resolve",
      scope: "operator.approvals",
      params: ExecResolveParams,
      async handler(params, ctx) {
        if (!(DECISIONS as readonly string[]).includes(params.decision)) {
          throw new MethodError(
            "INVALID_REQUEST",
            "invalid exec.approval.resolve params: decision must be allow-once, allow-always or deny",
          );
        }
        const result = await resolve(ctx.env, ctx.caller, params.id, params.decision as Decision);
        return { id: params.id, applied: result.applied, approval: approvalView(result.record) };
      },
    }),
    defineMethod({
      name: "approval.get",
      scope: "operator.approvals",
      params: GetParams,
      handler: async (params, ctx) => ({
        approval: approvalSnapshot(await find(ctx.env, params.id)),
      }),
    }),
    defineMethod({
      name: "approval.resolve",
      scope: "operator.approvals",
      params: ResolveParams,
      async handler(params, ctx) {
        if (params.kind !== "exec") throw noApproval();
        const result = await resolve(ctx.env, ctx.caller, params.id, params.decision);
        return { applied: result.applied, approval: approvalSnapshot(result.record) };
      },
    }),
    defineMethod({
      name: "approval.history",
      scope: "operator.approvals",
      params: HistoryParams,
      async handler(params, ctx) {
        if (params.kind !== undefined && params.kind !== "exec") return { items: [] };
        const before = params.cursor === undefined ? null : decodeCursor(params.cursor);
        return history(ctx.env, params.limit ?? 50, before);
      },
    }),
  ],
  events: [
    { name: "exec.approval.requested", scope: "operator.approvals" },
    { name: "exec.approval.resolved", scope: "operator.approvals" },
  ],
  async status(ctx) {
    const pending = await pendingEverywhere(ctx.env).catch(() => []);
    return { pendingApprovals: pending.length };
  },
};
