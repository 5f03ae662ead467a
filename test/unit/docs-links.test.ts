// The docs cite only what is in this repository: every relative Markdown link of README.md and
// docs/ resolves to a file or folder inside the repository, and no page points outside it
// (the contracts live in docs/protocol/, copied from where they are written).
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

function pages(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return pages(path);
    return entry.name.endsWith(".md") ? [path] : [];
  });
}

const PAGES = [join(ROOT, "README.md"), ...pages(join(ROOT, "docs"))];

describe("docs", () => {
  it.each(PAGES.map((page) => [relative(ROOT, page)]))(
    "%s links only inside the repository",
    (page) => {
      const text = readFileSync(join(ROOT, page), "utf8");
      const broken: string[] = [];
      for (const [, target = ""] of text.matchAll(/\]\(([^)\s#]+)(?:#[^)]*)?\)/g)) {
        if (/^[a-z]+:/.test(target)) continue; // https:, mailto:
        const path = resolve(dirname(join(ROOT, page)), target);
        if (relative(ROOT, path).startsWith("..") || !existsSync(path)) broken.push(target);
      }
      expect(broken).toEqual([]);
      expect(text).not.toMatch(/\.\.\/shared\/|\/work\/shared/);
    },
  );
});
