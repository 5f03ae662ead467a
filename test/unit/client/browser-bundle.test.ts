// Proves `botgate/client` is browser-safe: it bundles for the browser platform with no
// Node built-in (esbuild refuses `node:` imports there), while `botgate/client/node`
// is the only entry that needs Node.
import { build } from "esbuild";
import { describe, expect, it } from "vitest";

const entry = (path: string) => new URL(`../../../src/client/${path}`, import.meta.url).pathname;

describe("browser bundle", () => {
  it("bundles botgate/client for the browser without any Node built-in", async () => {
    const result = await build({
      entryPoints: [entry("index.ts")],
      bundle: true,
      platform: "browser",
      format: "esm",
      write: false,
      logLevel: "silent",
    });
    const code = result.outputFiles[0]?.text ?? "";
    expect(code).toMatch(/AgentClient = class/);
    expect(code).toContain("function runBot");
    expect(code).not.toMatch(/from\s*["']node:|require\(["']node:/);
  });

  it("refuses the Node-only entry for the browser, so the split is real", async () => {
    await expect(
      build({
        entryPoints: [entry("node.ts")],
        bundle: true,
        platform: "browser",
        format: "esm",
        write: false,
        logLevel: "silent",
      }),
    ).rejects.toThrow(/node:fs/);
  });
});
