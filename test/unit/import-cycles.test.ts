/**
 * No import circles in src/ (docs/architecture.md): every import counts, type-only ones too,
 * since a circle of types is still two parts that cannot be read apart. The graph is dpdm's
 * (the TypeScript compiler's parse of each file); a fixture with a known circle proves the
 * check finds one, and every relative import must resolve, so no edge is silently missing.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseCircular, parseDependencyTree } from "dpdm";
import { describe, expect, it } from "vitest";

async function circlesUnder(cwd: string, pattern: string) {
  const tree = await parseDependencyTree(pattern, { cwd, context: cwd, transform: false });
  const unresolved = Object.values(tree)
    .flatMap((deps) => deps ?? [])
    .filter((dep) => dep.request.startsWith(".") && dep.id === null)
    .map((dep) => `${dep.issuer} → ${dep.request}`);
  return { files: Object.keys(tree).length, unresolved, circles: parseCircular(tree) };
}

describe("import circles", () => {
  it("finds a circle when there is one", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cycles-"));
    try {
      writeFileSync(join(dir, "a.ts"), 'import type { B } from "./b.ts";\nexport type A = B[];\n');
      writeFileSync(
        join(dir, "b.ts"),
        'import { c } from "./c.ts";\nexport type B = string;\nc();\n',
      );
      writeFileSync(
        join(dir, "c.ts"),
        'import type { A } from "./a.ts";\nexport const c = (_?: A) => 1;\n',
      );
      const { circles } = await circlesUnder(dir, "*.ts");
      // One circle of the three files, whichever file dpdm starts it from.
      expect(circles.map((circle) => [...circle].sort())).toEqual([["a.ts", "b.ts", "c.ts"]]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("src/ has none (the console's .tsx included)", async () => {
    const { files, unresolved, circles } = await circlesUnder(process.cwd(), "src/**/*.{ts,tsx}");
    expect(files).toBeGreaterThan(100);
    expect(unresolved).toEqual([]);
    expect(circles).toEqual([]);
  });
});
