/**
 * The environment every local runtime a test or benchmark starts (wrangler's test harness)
 * runs with. Imported for its effect, before any harness is created.
 *
 * - No test may reach the internet: skip wrangler's `Request.cf` download.
 * - No local observability collector: `wrangler dev` streams every invocation to a collector
 *   of its own that stores it in a SQLite file (its local explorer). Production runs no such
 *   tail (wrangler.toml enables no observability), and locally it cost ~0.7 ms an event in the
 *   match benchmark, on botgate and its floor alike (docs/benchmarks.md).
 */
process.env.CLOUDFLARE_CF_FETCH_ENABLED = "false";
process.env.X_LOCAL_OBSERVABILITY = "false";
