// The approval store over real SQLite: first answer wins, expiry and cancellation decide
// only pending rows, a connection's request ids are never reused, history pages backwards.
import { describe, expect, it } from "vitest";
import { approvalSnapshot, projectOfApproval } from "../../../src/sleds/approval-views.ts";
import { ApprovalStore, verdict } from "../../../src/sleds/approvals.ts";
import { memorySql } from "../channels/sqlite.ts";

function store() {
  return new ApprovalStore(memorySql(), () => "proj");
}

const ask = (s: ApprovalStore, connId: string, reqId: string, now = 1000) =>
  s.create({
    connId,
    reqId,
    toolName: "Bash",
    toolInput: { cmd: reqId },
    now,
    timeoutMs: 500,
    maxPending: 3,
  });

describe("ApprovalStore", () => {
  it("decides once: the first answer wins, later ones get the record", () => {
    const s = store();
    const created = ask(s, "c1", "r1");
    if (typeof created === "string") throw new Error(created);
    expect(projectOfApproval(created.id)).toBe("proj");
    const first = s.resolve(created.id, "allow-always", { kind: "device", id: "operator:a" }, 1100);
    expect(first).toMatchObject({
      applied: true,
      record: { status: "allowed", decision: "allow-always" },
    });
    const second = s.resolve(created.id, "deny", { kind: "device", id: "operator:b" }, 1200);
    expect(second).toMatchObject({
      applied: false,
      record: { decision: "allow-always", resolvedBy: { id: "operator:a" } },
    });
    expect(verdict(second?.record as never)).toEqual({ approved: true, alwaysAllow: true });
    expect(s.expireDue(10_000)).toEqual([]);
    expect(s.cancelConnection("c1", "disconnected", 10_000)).toEqual([]);
    expect(s.resolve("proj:unknown", "deny", { kind: "device", id: "x" }, 1)).toBeNull();
  });

  it("expires and cancels only pending rows, per connection", () => {
    const s = store();
    const a = ask(s, "c1", "a", 1000);
    const b = ask(s, "c1", "b", 1400);
    const c = ask(s, "c2", "c", 1000);
    if (typeof a === "string" || typeof b === "string" || typeof c === "string") throw new Error();
    expect(s.nextExpiry()).toBe(1500);
    expect(
      s
        .expireDue(1500)
        .map((r) => r.id)
        .sort(),
    ).toEqual([a.id, c.id].sort());
    expect(s.pendingConnections()).toEqual(["c1"]);
    const cancelled = s.cancelConnection("c1", "restart", 1600);
    expect(cancelled.map((r) => [r.id, r.status, r.cause])).toEqual([
      [b.id, "cancelled", "restart"],
    ]);
    expect(s.pendingCount()).toBe(0);
    expect(approvalSnapshot(cancelled[0] as never)).toMatchObject({
      status: "cancelled",
      reason: "gateway-restart",
    });
    expect(approvalSnapshot(s.get(a.id) as never)).toMatchObject({
      status: "expired",
      reason: "timeout",
    });
  });

  it("refuses a reused request id on one connection and caps pending requests", () => {
    const s = store();
    ask(s, "c1", "r1");
    expect(ask(s, "c1", "r1")).toBe("duplicate");
    expect(typeof ask(s, "c2", "r1")).toBe("object");
    ask(s, "c1", "r2");
    ask(s, "c1", "r3");
    expect(ask(s, "c1", "r4")).toBe("full");
  });

  it("pages history newest first with a cursor and purges old rows", () => {
    const s = store();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = ask(s, "c", `r${i}`, 1000 + i);
      if (typeof r === "string") throw new Error(r);
      s.resolve(r.id, "deny", { kind: "runtime", id: "http:admin" }, 2000 + i);
      ids.push(r.id);
    }
    const page1 = s.history(2, null);
    expect(page1.map((r) => r.id)).toEqual([ids[4], ids[3]]);
    const last = page1.at(-1);
    const page2 = s.history(10, { at: last?.resolvedAtMs ?? 0, id: last?.id ?? "" });
    expect(page2.map((r) => r.id)).toEqual([ids[2], ids[1], ids[0]]);
    s.purge(2003);
    expect(s.history(10, null).map((r) => r.id)).toEqual([ids[4], ids[3]]);
  });
});
