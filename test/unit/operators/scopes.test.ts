// Proves the scope rules: admin implies every scope, granted = requested ∩ allowed (both
// expanded), no request asks for everything allowed, unknown names grant nothing.
import { describe, expect, it } from "vitest";
import { expandScopes, grantScopes, holds } from "../../../src/operators/scopes.ts";

describe("scopes", () => {
  it("expands admin to every scope", () => {
    expect(expandScopes(["operator.admin"])).toEqual([
      "operator.admin",
      "operator.approvals",
      "operator.read",
      "operator.write",
    ]);
  });

  it("grants the intersection of what is asked and what is allowed", () => {
    expect(grantScopes(["operator.read", "operator.write"], ["operator.read"])).toEqual([
      "operator.read",
    ]);
    expect(grantScopes(["operator.admin"], ["operator.read", "operator.approvals"])).toEqual([
      "operator.approvals",
      "operator.read",
    ]);
    expect(grantScopes(undefined, ["operator.read"])).toEqual(["operator.read"]);
    expect(grantScopes([], ["operator.admin"])).toEqual([]);
    expect(grantScopes(["operator.root", "x"], ["operator.admin"])).toEqual([]);
  });

  it("checks a needed scope, admin covering all", () => {
    expect(holds(["operator.read"], "operator.write")).toBe(false);
    expect(holds(["operator.admin"], "operator.write")).toBe(true);
    expect(holds([], null)).toBe(true);
  });
});
