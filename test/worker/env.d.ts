import type { D1Migration } from "cloudflare:test";

// Test-only binding added by vitest.config.ts (not part of wrangler.toml, so not in `wrangler types`).
declare global {
  namespace Cloudflare {
    interface Env {
      TEST_MIGRATIONS: D1Migration[];
    }
  }
}
