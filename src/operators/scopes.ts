/**
 * Operator roles and scopes (operator gateway §3.8). Pure: no runtime imports, so the
 * handshake, the method registry and unit tests share one definition.
 */

/** The one role botgate serves on `/ws/operator`. */
export const OPERATOR_ROLE = "operator";

/** Every scope an operator connection can hold. */
export const SCOPES = [
  "operator.read",
  "operator.write",
  "operator.admin",
  "operator.approvals",
] as const;

export type Scope = (typeof SCOPES)[number];

const KNOWN: ReadonlySet<string> = new Set(SCOPES);

export function isScope(value: string): value is Scope {
  return KNOWN.has(value);
}

/** A scope set closed under implication: `operator.admin` implies every other scope. */
export function expandScopes(scopes: Iterable<string>): Scope[] {
  const out = new Set<Scope>();
  for (const scope of scopes) {
    if (scope === "operator.admin") return [...SCOPES].sort();
    if (isScope(scope)) out.add(scope);
  }
  return [...out].sort();
}

/**
 * The scopes a connection gets: what it asked for ∩ what its credential allows, both
 * expanded (asking for `operator.admin` asks for everything, so a read-only token that asks
 * for admin gets read). No `scopes` in `connect` asks for everything the credential allows.
 * Unknown scope names are ignored, never granted.
 */
export function grantScopes(
  requested: readonly string[] | undefined,
  allowed: readonly Scope[],
): Scope[] {
  const allow = new Set(expandScopes(allowed));
  if (requested === undefined) return [...allow].sort();
  return expandScopes(requested).filter((scope) => allow.has(scope));
}

/** Whether `granted` (already expanded) covers `needed`; `null` needs no scope. */
export function holds(granted: readonly Scope[], needed: Scope | null): boolean {
  return needed === null || granted.includes(needed) || granted.includes("operator.admin");
}
