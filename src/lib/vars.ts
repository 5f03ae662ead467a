/**
 * Reads a positive whole-number setting from a wrangler var, or the documented default
 * when it is unset or not a positive safe integer (a typo never disables a limit).
 */
export function positiveIntVar(value: string | undefined, fallback: number): number {
  const n = Number(value);
  return Number.isSafeInteger(n) && n > 0 ? n : fallback;
}
