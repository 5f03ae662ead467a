// Proves GET /openapi.json describes exactly the routes the app registers (the route walk),
// that its parts hold together, and that the contract checker every test helper calls
// really fails on an answer the document does not describe.
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { app } from "../../src/app";
import { TAGS } from "../../src/http/openapi";
import { ApiContract, type ApiDocument } from "../harness/api-contract";
import { apiContract, fetchChecked } from "./contract-fetch";

interface RouteLike {
  method: string;
  path: string;
  handler: (...args: never[]) => unknown;
}

/** Hono's `/a/:id` (with an optional `{regex}`) as OpenAPI's `/a/{id}`. */
function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)(\{[^}]*\})?/g, "{$1}");
}

/**
 * What the route walk compares: every `METHOD /path` registered on the app and every one
 * the document lists. `.use()` middleware registers as `ALL` with a `(c, next)` function;
 * an `ALL` handler (`.all()`, no `next`) is a route no document entry can describe, so it
 * counts as undocumented.
 */
function routeDrift(routes: readonly RouteLike[], document: ApiDocument) {
  const registered = new Set<string>();
  for (const route of routes) {
    if (route.method === "ALL" && route.handler.length >= 2) continue;
    registered.add(`${route.method} ${openApiPath(route.path)}`);
  }
  const documented = new Set<string>();
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of Object.keys(item)) documented.add(`${method.toUpperCase()} ${path}`);
  }
  return {
    registered: [...registered].sort(),
    undocumented: [...registered].filter((r) => !documented.has(r)).sort(),
    unregistered: [...documented].filter((d) => !registered.has(d)).sort(),
  };
}

async function servedDocument(): Promise<ApiDocument & Record<string, unknown>> {
  return (await apiContract()).document as ApiDocument & Record<string, unknown>;
}

describe("the route walk", () => {
  it("documents every route the app registers, WebSocket upgrades included, and nothing else", async () => {
    const drift = routeDrift(app.routes, await servedDocument());
    expect(drift.undocumented).toEqual([]);
    expect(drift.unregistered).toEqual([]);
    // The walk saw the whole app: plain routes, every mounted group and the socket routes.
    expect(drift.registered).toEqual(
      expect.arrayContaining([
        "GET /health",
        "GET /openapi.json",
        "POST /api/bots",
        "DELETE /api/external-api/tokens/{token_id}",
        "POST /api/external-api/challenges/house-bot",
        "GET /api/bots/{id}/matches",
        "GET /api/matches/{id}/hands",
        "POST /api/admin/users/{user}/machines",
        "GET /ws/external/bot/{bot_id}",
        "GET /ws/match/{match_id}/spectate",
        "GET /ws/inbox/{user}/{machine}/{session}",
      ]),
    );
  });

  it("reports a route registered without route(), and a document entry with no route", async () => {
    const document = structuredClone(await servedDocument());
    document.paths["/api/ghost"] = { get: { responses: {} } };
    const extended = new Hono()
      .route("/", app)
      .get("/api/undescribed", (c) => c.text("x"))
      .all("/api/any-method", (c) => c.text("x"));
    const drift = routeDrift(extended.routes, document);
    expect(drift.undocumented).toEqual(["ALL /api/any-method", "GET /api/undescribed"]);
    expect(drift.unregistered).toEqual(["GET /api/ghost"]);
  });
});

describe("the document", () => {
  it("is OpenAPI 3.1 with unique operation ids, known tags and declared security schemes", async () => {
    const document = await servedDocument();
    expect(document.openapi).toBe("3.1.0");
    const components = document.components as { securitySchemes: Record<string, unknown> };
    expect(Object.keys(components.securitySchemes).sort()).toEqual([
      "admin",
      "agentSignature",
      "botToken",
      "operatorToken",
    ]);
    const ids: string[] = [];
    for (const [path, item] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        const op = operation as unknown as {
          operationId: string;
          tags: string[];
          security: Record<string, unknown>[];
          parameters?: { name: string; in: string }[];
        };
        ids.push(op.operationId);
        expect(
          op.tags.every((tag) => tag in TAGS),
          `${method} ${path} tags`,
        ).toBe(true);
        for (const requirement of op.security) {
          for (const scheme of Object.keys(requirement)) {
            expect(components.securitySchemes, `${method} ${path}`).toHaveProperty(scheme);
          }
        }
        // Every {name} of the path is a documented path parameter.
        for (const [, name] of path.matchAll(/\{([^}]+)\}/g)) {
          const param = op.parameters?.find((p) => p.in === "path" && p.name === name);
          expect(param, `${method} ${path} parameter ${name}`).toBeDefined();
        }
      }
    }
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("describes every request body as strict, as the routes validate it", async () => {
    const document = await servedDocument();
    let bodies = 0;
    for (const [path, item] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        const body = (operation as { requestBody?: { content: Record<string, unknown> } })
          .requestBody;
        if (!body) continue;
        bodies += 1;
        const schema = (body.content["application/json"] as { schema: Record<string, unknown> })
          .schema;
        expect(schema.additionalProperties, `${method} ${path}`).toBe(false);
        // And the route's 400 lists the body errors, its 413 the size limit.
        const responses = (operation as { responses: Record<string, unknown> }).responses;
        expect(JSON.stringify(responses["400"]), `${method} ${path}`).toContain("UNKNOWN_FIELD");
        expect(JSON.stringify(responses["413"]), `${method} ${path}`).toContain("BODY_TOO_LARGE");
      }
    }
    expect(bodies).toBeGreaterThanOrEqual(10);
  });

  it("is served with a request id, the same document each time", async () => {
    const first = await fetchChecked("http://botgate.test/openapi.json");
    expect(first.headers.get("content-type")).toMatch(/^application\/json/);
    expect(first.headers.get("x-request-id")).toBeTruthy();
    const again = await fetchChecked("http://botgate.test/openapi.json");
    expect(await again.json()).toEqual(await first.json());
  });
});

describe("the contract checker", () => {
  const json = (body: unknown, status = 200, extra: Record<string, string> = {}) => ({
    status,
    headers: new Headers({ "content-type": "application/json", "x-request-id": "r1", ...extra }),
    body: JSON.stringify(body),
  });

  it("accepts what the document says", async () => {
    const contract = await apiContract();
    contract.check("GET", "/health", json({ status: "ok" }));
    contract.check(
      "POST",
      "/api/bots",
      json({ error_code: "BOT_NAME_TAKEN", message: "m", request_id: "r1" }, 409),
    );
    contract.check(
      "GET",
      "/nowhere",
      json({ error_code: "NOT_FOUND", message: "m", request_id: "r1" }, 404),
    );
    // A credential-guarded prefix refuses before routing, route or not.
    contract.check(
      "DELETE",
      "/api/admin/users",
      json({ error_code: "UNAUTHORIZED", message: "m", request_id: "r1" }, 401),
    );
    contract.check("DELETE", "/api/external-api/tokens/t1", {
      status: 204,
      headers: new Headers({ "x-request-id": "r1" }),
      body: "",
    });
  });

  it("fails an undocumented status, error code, field, shape, media type or missing header", async () => {
    const contract = await apiContract();
    const fails = (method: string, path: string, answer: ReturnType<typeof json>) =>
      expect(() => contract.check(method, path, answer)).toThrow();
    fails("GET", "/health", json({ status: "ok" }, 201));
    fails("GET", "/health", json({ status: "ok", extra: 1 }));
    fails("GET", "/health", json({ status: "degraded" }));
    fails("GET", "/health", { ...json({ status: "ok" }), headers: new Headers() });
    fails("GET", "/health", {
      ...json({ status: "ok" }),
      headers: new Headers({ "content-type": "text/plain", "x-request-id": "r1" }),
    });
    // A code the operation does not list, even under a status it does.
    fails("POST", "/api/bots", json({ error_code: "TEAPOT", message: "m", request_id: "r" }, 409));
    fails("POST", "/api/bots", json({ error_code: "BOT_NAME_TAKEN", message: "m" }, 409));
    // A body with the wrong types inside a shared component ($ref into components).
    fails("GET", "/api/bots/b1", json({ id: 1, name: "n" }));
    // An unknown route must be the 404 envelope, nothing else.
    fails("GET", "/nowhere", json({ status: "ok" }));
    fails("GET", "/nowhere", json({ error_code: "NOT_FOUND", message: "m", request_id: "r" }, 400));
    fails("GET", "/nowhere", json({ error_code: "NOT_FOUND", message: "m", request_id: "r" }, 401));
    // A body where the document says there is none.
    fails("DELETE", "/api/external-api/tokens/t1", { ...json({ ok: true }), status: 204 });
  });

  it("picks the most specific path template, as the router does", async () => {
    const contract = await apiContract();
    expect(contract.template("/ws/match/m1/spectate")).toBe("/ws/match/{match_id}/spectate");
    expect(contract.template("/ws/match/m1/p_1")).toBe("/ws/match/{match_id}/{participant_id}");
    expect(contract.template("/api/bots/b1/matches")).toBe("/api/bots/{id}/matches");
    expect(contract.template("/api/bots/b1/x/y")).toBeNull();
  });

  it("checks a fresh document the same way (no state shared between checkers)", async () => {
    const copy = new ApiContract((await apiContract()).document);
    copy.check("GET", "/health", json({ status: "ok" }));
    expect(() => copy.check("GET", "/health", json({}))).toThrow(/does not match/);
  });
});
