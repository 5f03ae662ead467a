/**
 * The API's description (docs/http-api.md): `GET /openapi.json` and the `/docs/api` reference
 * page with its static files, and the web console (`/`, `/console/…`, docs/console.md): all
 * of public/, served by the Worker from ASSETS. Any query, header
 * or credential gets the same document; any other method is the 404 envelope; odd, encoded
 * and climbing paths never reach a file outside public/ and never a 5xx.
 */
import assert from "node:assert/strict";
import { type CaseContext, defineGroup, type FixedCase } from "../case.ts";
import { assertDocumented, assertEnvelope, assertNoLeak } from "../checks.ts";
import { HOSTILE_SEGMENTS, randomSegment } from "../hostile.ts";
import type { UpgradeAnswer } from "../raw-socket.ts";
import type { World } from "../world.ts";

interface OpenApiState {
  /** The document as first served: every later answer must be these bytes. */
  document: string;
}
type Ctx = CaseContext<OpenApiState>;

/** What is served outside the API: the page and its files (scripts/build-assets.ts). */
const PAGE = "/docs/api";
const ASSETS = [
  "/docs/api/init.js",
  "/docs/api/page.css",
  "/docs/api/swagger-ui-bundle.js",
  "/docs/api/swagger-ui.css",
];
/** The console's page (every `/console/…` path and `/`) and its files. */
const CONSOLE = "/console/";
const CONSOLE_ASSETS = ["/console/app.js", "/console/console.css"];

// Text only found in files outside public/ (config, package metadata, sources, secrets).
const OUTSIDE_PUBLIC =
  /\[assets\]|"devDependencies"|ADMIN_TOKEN=|import \{ Hono \}|run_worker_first/;

/** A request with a fresh address; never a 5xx, a stack, a secret or a file from outside. */
async function get(
  ctx: Ctx,
  method: string,
  path: string,
  headers: Array<[string, string]> = [],
  body?: string,
): Promise<UpgradeAnswer> {
  const answer = await ctx.world.request(method, path, {
    headers,
    ...(body === undefined ? {} : { body }),
  });
  const where = `${method} ${path.slice(0, 80)}`;
  assert.ok(answer.status < 500, `${where}: HTTP ${answer.status} ${answer.body.slice(0, 200)}`);
  assertNoLeak(answer.body, ctx.world.secrets, where);
  assert.ok(!OUTSIDE_PUBLIC.test(answer.body), `${where}: served a file from outside public/`);
  return answer;
}

/** The documented answers of a path outside the API: the asset, its redirect, or the 404. */
function checkStatic(ctx: Ctx, path: string, answer: UpgradeAnswer): void {
  if (answer.status === 404) {
    assertEnvelope(answer, 404, "NOT_FOUND", ctx.world.secrets);
    return;
  }
  const where = `GET ${path.slice(0, 80)} → ${answer.status}`;
  if (answer.status === 307) {
    // The asset router's canonical path: `/docs/api/` and `/docs/api.html` → `/docs/api`,
    // `/console` and `/console/index.html` → `/console/`.
    assert.ok([PAGE, CONSOLE].includes(answer.headers.location ?? ""), where);
    return;
  }
  assert.equal(answer.status, 200, `${where}: ${answer.body.slice(0, 120)}`);
  if (path === "/" || /^\/console\/(?!app\.js|console\.css)/.test(path)) {
    assert.match(answer.body, /<div id="console">/, `${where}: not the console's page`);
  }
  assert.ok(answer.headers["x-request-id"], `${where}: no request id`);
}

const cases: FixedCase<OpenApiState>[] = [
  {
    id: "document-any-request",
    input:
      "`GET /openapi.json` with odd queries (`?format=yaml`, `%ZZ`, 4,000 characters), `Accept` text/html, application/yaml, garbage, and an admin, bot or garbage `Authorization`",
    expected:
      "200 application/json, byte-identical to the first answer: the document depends on nothing in the request and holds no credential",
    async run(ctx) {
      const { world } = ctx;
      const variants: Array<[string, Array<[string, string]>]> = [
        ["/openapi.json?format=yaml", []],
        ["/openapi.json?a=%ZZ&b", []],
        [`/openapi.json?q=${"x".repeat(4000)}`, []],
        ["/openapi.json", [["Accept", "text/html"]]],
        ["/openapi.json", [["Accept", "application/yaml"]]],
        ["/openapi.json", [["Accept", "\u0000garbage"]]],
        ["/openapi.json", [["Authorization", `Bearer ${world.gateway.adminToken}`]]],
        ["/openapi.json", [["Authorization", `Bearer ${world.victim.token}`]]],
        ["/openapi.json", [["Authorization", "Basic Zm9vOmJhcg=="]]],
      ];
      for (const [path, headers] of variants) {
        const answer = await get(ctx, "GET", path, headers);
        if (answer.status === 400 && !answer.body.includes("error_code")) continue; // refused before the Worker
        assert.equal(answer.status, 200, `${path}: ${answer.body.slice(0, 200)}`);
        assert.match(answer.headers["content-type"] ?? "", /^application\/json/);
        assert.equal(answer.body, ctx.state.document, `${path} with ${headers}: another document`);
        await assertDocumented(world.gateway, "GET", path, answer);
      }
    },
  },
  {
    id: "other-methods",
    input:
      "POST, PUT, PATCH, DELETE and OPTIONS on `/openapi.json`, `/docs/api` and its files, `/`, `/console/` and its files, with a JSON body and with a 70,000-byte one; HEAD on both pages and the document",
    expected: "404 NOT_FOUND (the envelope, never the file or a 405); HEAD: 200 with no body",
    async run(ctx) {
      for (const path of ["/openapi.json", PAGE, ...ASSETS, "/", CONSOLE, ...CONSOLE_ASSETS]) {
        for (const method of ["POST", "PUT", "PATCH", "DELETE", "OPTIONS"]) {
          for (const body of ["{}", "x".repeat(70_000)]) {
            const answer = await get(
              ctx,
              method,
              path,
              [["Content-Type", "application/json"]],
              body,
            );
            assertEnvelope(answer, 404, "NOT_FOUND", ctx.world.secrets);
            await assertDocumented(ctx.world.gateway, method, path, answer);
          }
        }
      }
      for (const path of ["/openapi.json", PAGE, CONSOLE, "/console/matches/x"]) {
        const head = await get(ctx, "HEAD", path);
        assert.equal(head.status, 200, `HEAD ${path}`);
        assert.equal(head.body, "", `HEAD ${path} has a body`);
      }
    },
  },
  {
    id: "odd-paths",
    input:
      "`/openapi.json/`, upper case, `%00`, `;x`, `.bak`, `//openapi.json`, and under `/docs/api` and `/console/`: `..` and `%2e%2e` climbs to wrangler.toml and package.json, `%2f`, `//`, `%00`, a trailing slash, `_headers`, `/public/…`, `/web/…`, `/src/…`, `/node_modules/…`, 5,000 characters, `%ZZ`",
    expected:
      "404 NOT_FOUND, or a page / a file of public/ (200; any other `/console/…` path is the console's page) or its canonical redirect to `/docs/api` or `/console/` (307); never a file outside public/",
    async run(ctx) {
      const probes: Array<[string, number]> = [
        ["/openapi.json/", 404],
        ["/OPENAPI.JSON", 404],
        ["/openapi.json%00", 404],
        ["/openapi.json;x", 404],
        ["/openapi.json.bak", 404],
        ["//openapi.json", 404],
        ["/docs/api/../../wrangler.toml", 404],
        ["/docs/api/%2e%2e/%2e%2e/wrangler.toml", 404],
        ["/docs/api/..%2f..%2fwrangler.toml", 404],
        ["/docs/api/%2e%2e%2f%2e%2e%2fpackage.json", 404],
        ["/docs/api/../../src/app.ts", 404],
        ["/docs//api", 307],
        ["/docs/api/init.js%00", 404],
        ["/docs/api/init.js/", 404],
        ["/docs/api/", 307],
        ["/docs/api.html", 307],
        ["/docs/API", 404],
        ["/_headers", 404],
        ["/docs/_headers", 404],
        ["/public/docs/api.html", 404],
        ["/web/docs/api.html", 404],
        ["/node_modules/swagger-ui-dist/package.json", 404],
        [`/docs/api/${"a".repeat(5000)}`, 404],
        ["/docs/api/%ZZ", 404],
        ["/docs/api/./init.js", 200],
        ["/docs/x/../api", 200],
        ["/", 200],
        ["/console", 307],
        ["/console/index.html", 307],
        ["/console/matches/%3Cscript%3E", 200],
        ["/console/bots/../../wrangler.toml", 404],
        ["/console/%2e%2e/%2e%2e/package.json", 404],
        ["/console/..%2f..%2fwrangler.toml", 200],
        ["/console/app.js%00", 200],
        [`/console/${"a".repeat(5000)}`, 200],
        ["/console/%ZZ", 200],
        ["/consolex", 404],
        ["/public/console/app.js", 404],
        ["/web/console/index.html", 404],
        ["/src/console/main.tsx", 404],
      ];
      for (const [path, status] of probes) {
        const answer = await get(ctx, "GET", path);
        assert.equal(
          answer.status,
          status,
          `GET ${path.slice(0, 80)}: ${answer.body.slice(0, 160)}`,
        );
        checkStatic(ctx, path, answer);
      }
    },
  },
];

export const openApiGroup = defineGroup<OpenApiState>({
  id: "openapi",
  entry: "/openapi.json, /docs/api, /, /console/…",
  ref: "docs/http-api.md",
  target: "the Worker and its static assets",
  legitFlow:
    "the document is served unchanged and checks against itself; the reference page and its Swagger UI bundle load; a console deep link is the console page",
  async setup(world: World) {
    const first = await world.request("GET", "/openapi.json");
    assert.equal(first.status, 200);
    return { document: first.body };
  },
  objects: () => [],
  cases,
  families: [
    {
      id: "paths.random",
      input:
        "seeded hostile and random segments appended to `/docs/api/`, `/docs/`, `/openapi.json/` and `/console/`, with GET and with POST",
      outcomes: {
        GET: "404 NOT_FOUND, or a file of public/ or the console's page (200) or the redirect to `/docs/api` or `/console/` (307)",
        POST: "404 NOT_FOUND",
      },
      async run(ctx, count, record) {
        let ran = 0;
        for (let i = 0; i < count; i += 1) {
          const segment =
            i % 2 === 0
              ? randomSegment(ctx.rng)
              : (HOSTILE_SEGMENTS[ctx.rng.int(0, HOSTILE_SEGMENTS.length - 1)] ?? "x");
          for (const prefix of ["/docs/api/", "/docs/", "/openapi.json/", CONSOLE]) {
            const path = `${prefix}${segment}`;
            ran += 1;
            try {
              checkStatic(ctx, path, await get(ctx, "GET", path));
              const posted = await get(ctx, "POST", path, [], "{}");
              assertEnvelope(posted, 404, "NOT_FOUND", ctx.world.secrets);
            } catch (err) {
              record(`${prefix}${segment.slice(0, 40)}`, err);
            }
          }
        }
        return ran;
      },
    },
  ],
  async legit(world) {
    const document = await world.gateway.fetch("/openapi.json");
    assert.equal(document.status, 200);
    const contract = await world.gateway.contract();
    assert.deepEqual(await document.json(), contract.document);
    const page = await world.request("GET", PAGE);
    assert.equal(page.status, 200);
    assert.match(page.body, /swagger-ui-bundle\.js/);
    const bundle = await world.request("GET", "/docs/api/swagger-ui-bundle.js");
    assert.equal(bundle.status, 200);
    assert.match(bundle.headers["content-type"] ?? "", /javascript/);
    const deepLink = await world.request("GET", "/console/matches/x");
    assert.equal(deepLink.status, 200);
    assert.match(deepLink.body, /\/console\/app\.js/);
  },
});
