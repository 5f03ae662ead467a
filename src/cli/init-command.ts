/**
 * `botgate init bot|agent <dir>`: a project of one's own, outside this repository — the
 * template's files (templates/bot or templates/agent: plain JavaScript for Node ≥ 20, a
 * README) and a package.json that depends on this botgate package (`--client SPEC`
 * overrides where it comes from: a tarball, a path, a version).
 */
import { cpSync, existsSync, readdirSync, writeFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { UsageError } from "./config.ts";

/** The package root (two levels above src/cli or lib/cli) and its templates. */
const PACKAGE_ROOT = fileURLToPath(new URL("../..", import.meta.url));
const ENTRY = { bot: "bot.mjs", agent: "agent.mjs" } as const;

export function initProject(
  kind: string | undefined,
  dir: string | undefined,
  client: string | undefined,
  out: (line: string) => void,
): void {
  if (kind !== "bot" && kind !== "agent") throw new UsageError("botgate init needs bot or agent");
  if (!dir) throw new UsageError(`botgate init ${kind} needs a directory`);
  const target = resolve(dir);
  if (existsSync(target) && readdirSync(target).length > 0) {
    throw new UsageError(`${dir} is not empty: init writes into a new or empty directory`);
  }
  cpSync(join(PACKAGE_ROOT, "templates", kind), target, { recursive: true });
  const name =
    basename(target)
      .toLowerCase()
      .replace(/[^a-z0-9._-]/g, "-") || `my-${kind}`;
  const manifest = {
    name,
    version: "0.1.0",
    private: true,
    type: "module",
    engines: { node: ">=20" },
    scripts: { start: `node ${ENTRY[kind]}` },
    dependencies: { botgate: client ?? `file:${PACKAGE_ROOT.replace(/\/$/, "")}` },
  };
  writeFileSync(join(target, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  out(`Wrote a ${kind} project in ${dir}: ${ENTRY[kind]}, package.json, README.md. Next:`);
  out(`  cd ${dir} && npm install`);
  out(
    kind === "bot"
      ? `  BOTGATE_BOT_ID=… BOTGATE_TOKEN=… node ${ENTRY.bot}   (a fast match against a house bot)`
      : `  node ${ENTRY.agent}   (joins #general, says hello, listens)`,
  );
}
