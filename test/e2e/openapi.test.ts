// Proves the HTTP API's description as a product, against the real Worker: the served
// document is valid OpenAPI 3.1, the committed typed-client types are generated from it, the
// example script works with them, and /docs/api renders it in a real browser, offline.

import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import SwaggerParser from "@apidevtools/swagger-parser";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API_TYPES_PATH, renderApiTypes } from "../../scripts/openapi-types.ts";
import { launchChromium } from "../harness/browser.ts";
import { startScript } from "../harness/cli.ts";
import { type Gateway, startGateway } from "../harness/gateway.ts";
import { HANG_MS } from "../harness/until.ts";

const EXAMPLE = fileURLToPath(new URL("../../examples/http-api.ts", import.meta.url));

let gateway: Gateway;
let document: Record<string, unknown> & { paths: Record<string, Record<string, unknown>> };
beforeAll(async () => {
  gateway = await startGateway();
  document = await (await gateway.fetch("/openapi.json")).json();
});
afterAll(async () => {
  await gateway?.close();
});

function operationCount(): number {
  return Object.values(document.paths).reduce((n, item) => n + Object.keys(item).length, 0);
}

describe("GET /openapi.json", () => {
  it("passes an OpenAPI 3.1 validator", async () => {
    // swagger-parser checks the 3.1 meta-schema and resolves every $ref; it mutates, so a copy.
    const validated = await SwaggerParser.validate(structuredClone(document) as never);
    expect((validated as { openapi?: string }).openapi).toBe("3.1.0");
    expect(operationCount()).toBeGreaterThanOrEqual(34);
  });

  it("and a validator catches a broken document (the check is not vacuous)", async () => {
    const broken = structuredClone(document) as { paths: Record<string, unknown> };
    broken.paths["/api/bots"] = { get: { responses: { 200: { content: "nope" } } } };
    await expect(SwaggerParser.validate(broken as never)).rejects.toThrow();
  });

  it("is what the committed client types were generated from (npm run openapi:types)", async () => {
    const committed = readFileSync(API_TYPES_PATH, "utf8");
    expect(committed, "examples/botgate-api.ts is stale: run npm run openapi:types").toBe(
      await renderApiTypes(document),
    );
  });
});

describe("examples/http-api.ts (openapi-fetch over the generated types)", () => {
  it("creates a bot and a token, plays a house match and reads a typed 400", async () => {
    const run = startScript(EXAMPLE, [], {
      BOTGATE_URL: gateway.url.href,
      ADMIN_TOKEN: gateway.adminToken,
    });
    expect(await run.exited(90_000), run.output()).toBe(0);
    const output = run.output();
    expect(output).toMatch(/^bot example-\S+ \([0-9a-f-]{36}\), token cz_extbot_… id \S+$/m);
    expect(output).toMatch(
      /^match completed after [1-3] hands: house-\S+ -?\d+, house-\S+ -?\d+$/m,
    );
    expect(output).toMatch(/^unknown bot: 400 BOT_NOT_FOUND$/m);
  });
});

describe("/docs/api", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("is served from the bundled assets with a strict CSP, and only GET/HEAD reach it", async () => {
    const page = await fetch(new URL("/docs/api", gateway.url));
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    expect(page.headers.get("content-security-policy")).toContain("script-src 'self'");
    expect(page.headers.get("x-request-id")).toBeTruthy();
    const html = await page.text();
    expect(html).toContain('src="/docs/api/swagger-ui-bundle.js"');
    expect(html).not.toMatch(/https?:\/\//);
    const bundle = await fetch(new URL("/docs/api/swagger-ui-bundle.js", gateway.url));
    expect([bundle.status, bundle.headers.get("content-type")]).toEqual([
      200,
      "text/javascript; charset=utf-8",
    ]);
    await bundle.arrayBuffer();
    // Any other method is the API's 404 envelope, never the asset.
    const posted = await gateway.fetch("/docs/api", { method: "POST", body: "{}" });
    expect(posted.status).toBe(404);
    expect(await posted.json()).toMatchObject({ error_code: "NOT_FOUND" });
  });

  it("renders every operation of the document in a real browser, with no request off the machine", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const requests: string[] = [];
    const problems: string[] = [];
    page.on("request", (request) => requests.push(request.url()));
    page.on("pageerror", (error) => problems.push(error.message));
    page.on("response", (response) => {
      if (response.status() >= 400) problems.push(`${response.status()} ${response.url()}`);
    });
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(message.text());
    });
    await page.goto(new URL("/docs/api", gateway.url).href);
    const operations = page.locator(".opblock");
    await expect.poll(() => operations.count(), { timeout: 30_000 }).toBe(operationCount());
    expect(await page.locator(".info .title").textContent()).toContain("botgate HTTP API");
    const paths = await page.locator(".opblock-summary-path").allInnerTexts();
    for (const path of [
      "/api/bots",
      "/api/external-api/challenges/house-bot",
      "/ws/channel/{name}",
    ]) {
      expect(paths.map((p) => p.replace(/\u200b/g, ""))).toContain(path);
    }
    // Open one operation: its error envelope codes are rendered from the document.
    const createBot = page.locator("#operations-Bots-createBot");
    await createBot.locator(".opblock-summary").click();
    await createBot.locator(".responses-wrapper").waitFor({ timeout: HANG_MS });
    expect(await createBot.textContent()).toContain("BOT_NAME_TAKEN");
    expect(problems).toEqual([]);
    const offMachine = requests.filter((url) => new URL(url).origin !== gateway.url.origin);
    expect(offMachine).toEqual([]);
    expect(requests).toContain(new URL("/openapi.json", gateway.url).href);
    await context.close();
  });
});
