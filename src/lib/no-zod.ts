/**
 * Stands in for `zod/v4/core` in the Worker bundle (wrangler.toml `[alias]`). hono-openapi's
 * schema converters import every schema library they support; the Worker uses valibot only,
 * and zod (in node_modules for the test tooling) would otherwise add ~600 KiB of dead code.
 */
export function toJSONSchema(): never {
  throw new Error("zod is not part of the botgate Worker");
}
