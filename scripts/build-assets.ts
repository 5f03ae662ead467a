/**
 * Builds `public/`, the Worker's static assets directory (wrangler.toml `[assets]`): the
 * browser sources of `web/` as they are, the files vendored from npm packages and the web
 * console's bundle (esbuild, from src/console; docs/console.md). Run by
 * `npm start`, `npm run dev`, `npm run build` and the test config, so it never goes stale;
 * `public/` is not committed. Layout and how to add to it: docs/http-api.md.
 */
import { cpSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { buildSync } from "esbuild";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** The console's bundle under public/ (its page, web/console/index.html, loads it). */
export const CONSOLE_BUNDLE = "console/app.js";

/** Files taken from npm packages: `[source under node_modules, destination under public]`. */
const VENDORED: readonly [string, string][] = [
  // The /docs/api reference page: Swagger UI's standalone bundle (docs/http-api.md says why).
  ["swagger-ui-dist/swagger-ui-bundle.js", "docs/api/swagger-ui-bundle.js"],
  ["swagger-ui-dist/swagger-ui.css", "docs/api/swagger-ui.css"],
  ["swagger-ui-dist/favicon-32x32.png", "docs/api/favicon-32x32.png"],
  ["swagger-ui-dist/LICENSE", "docs/api/swagger-ui.LICENSE.txt"],
];

/** Writes `public/` under `root`; idempotent, safe to run while a dev server reads it. */
export function buildAssets(root: string = ROOT): void {
  const out = join(root, "public");
  cpSync(join(root, "web"), out, { recursive: true });
  for (const [from, to] of VENDORED) {
    mkdirSync(dirname(join(out, to)), { recursive: true });
    cpSync(join(root, "node_modules", from), join(out, to));
  }
  buildSync({
    entryPoints: [join(root, "src/console/main.tsx")],
    outfile: join(out, CONSOLE_BUNDLE),
    bundle: true,
    minify: true,
    format: "esm",
    target: "es2022",
    jsx: "automatic",
    jsxImportSource: "preact",
    legalComments: "eof",
    logLevel: "warning",
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) buildAssets();
