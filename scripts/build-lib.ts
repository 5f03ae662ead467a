/**
 * `npm run build:lib` (and npm `prepare`, so `npm pack` ships it): compiles the client SDK,
 * the CLI and its MCP bridge to JavaScript + declarations in lib/ (tsconfig.lib.json), and
 * the example bots to lib/examples/*.js — the default bot of `botgate bot play` in an
 * installed package, where Node does not strip types (under node_modules, and not at all in
 * Node 20).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { transformSync } from "esbuild";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
/** The example bots a package carries. */
export const PACKAGED_EXAMPLES = ["hand-strength", "calling-station"];

execFileSync("tsc", ["-p", "tsconfig.lib.json"], { cwd: ROOT, stdio: "inherit" });
mkdirSync(`${ROOT}/lib/examples`, { recursive: true });
for (const name of PACKAGED_EXAMPLES) {
  const source = readFileSync(`${ROOT}/examples/${name}.ts`, "utf8");
  writeFileSync(
    `${ROOT}/lib/examples/${name}.js`,
    transformSync(source, { loader: "ts", format: "esm" }).code,
  );
}
