// Proves the admin and token HTTP API inside workerd: every route's success and failure
// paths, the error envelope, the request id, strict bodies and the credential split.
import { env } from "cloudflare:workers";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import type { AppEnv } from "../../src/http/context";
import { requestId } from "../../src/http/request-id";
import { fetchChecked } from "./contract-fetch";

const ADMIN = "test-admin-token";

async function call(
  method: string,
  path: string,
  options: { body?: string | object; token?: string | null; headers?: Record<string, string> } = {},
) {
  const headers: Record<string, string> = { ...options.headers };
  const token = options.token === undefined ? ADMIN : options.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  const body =
    options.body === undefined
      ? undefined
      : typeof options.body === "string"
        ? options.body
        : JSON.stringify(options.body);
  const response = await fetchChecked(`http://botgate.test${path}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body }),
  });
  const text = await response.text();
  return {
    status: response.status,
    json: (text ? JSON.parse(text) : null) as Record<string, unknown> & {
      error_code?: string;
      request_id?: string;
    },
    headers: response.headers,
  };
}

let nameCounter = 0;
async function newBot(): Promise<string> {
  nameCounter += 1;
  const res = await call("POST", "/api/bots", {
    body: { name: `bot-${nameCounter}-${Date.now()}` },
  });
  expect(res.status).toBe(201);
  return res.json.id as string;
}

async function newToken(botId: string) {
  const res = await call("POST", `/api/external-api/bots/${botId}/tokens`);
  expect(res.status).toBe(201);
  return res.json as { token: string; token_id: string };
}

describe("envelope and routing", () => {
  it("serves /health with a request id header", async () => {
    const res = await call("GET", "/health", { token: null });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ status: "ok" });
    expect(res.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("answers unknown routes with a 404 envelope whose request_id matches the header", async () => {
    const res = await call("GET", "/no/such/route", { token: null });
    expect(res.status).toBe(404);
    expect(res.json.error_code).toBe("NOT_FOUND");
    expect(res.json.request_id).toBe(res.headers.get("x-request-id"));
  });

  it("reuses a safe incoming request id and replaces an unsafe one", async () => {
    const kept = await call("GET", "/health", { headers: { "x-request-id": "client-id-12345" } });
    expect(kept.headers.get("x-request-id")).toBe("client-id-12345");
    const replaced = await call("GET", "/health", { headers: { "x-request-id": "bad id\u0001" } });
    expect(replaced.headers.get("x-request-id")).not.toBe("bad id\u0001");
  });
});

describe("admin credential", () => {
  it("tags a response with immutable headers too, instead of failing with a 500", async () => {
    // Responses forwarded from a Durable Object stub have immutable headers, like a redirect.
    const app = new Hono<AppEnv>()
      .use(requestId)
      .get("/", () => Response.redirect("http://botgate.test/elsewhere", 302));
    const response = await app.request("/", {}, env);
    expect(response.status).toBe(302);
    expect(response.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("refuses a missing, wrong or bot credential with 401 on admin routes", async () => {
    const botId = await newBot();
    const { token } = await newToken(botId);
    for (const credential of [null, "wrong-admin-token", token]) {
      const res = await call("GET", "/api/bots", { token: credential });
      expect(res.status).toBe(401);
      expect(res.json.error_code).toBe("UNAUTHORIZED");
    }
    const tokenRoute = await call("GET", `/api/external-api/bots/${botId}/tokens`, { token });
    expect(tokenRoute.status).toBe(401);
  });
});

describe("/api/bots", () => {
  it("creates, lists and reads bots", async () => {
    const created = await call("POST", "/api/bots", { body: { name: "Alpha Bot" } });
    expect(created.status).toBe(201);
    expect(created.json).toEqual({
      id: expect.any(String),
      name: "Alpha Bot",
      kind: "external_api",
    });
    const list = await call("GET", "/api/bots");
    const names = (list.json.bots as Array<{ name: string }>).map((b) => b.name);
    expect(names).toContain("Alpha Bot");
    expect(names).toContain("house-calling-station");
    const one = await call("GET", `/api/bots/${created.json.id}`);
    expect(one.json).toMatchObject({ id: created.json.id, owner: "admin", kind: "external_api" });
  });

  it("refuses a duplicate name with 409", async () => {
    await call("POST", "/api/bots", { body: { name: "dupe" } });
    const again = await call("POST", "/api/bots", { body: { name: "dupe" } });
    expect(again.status).toBe(409);
    expect(again.json.error_code).toBe("BOT_NAME_TAKEN");
  });

  it("refuses a JSON array body as INVALID_BODY, never as an empty object (found by the fuzz suite)", async () => {
    // Every field of a registration code is optional: `[]` used to create one.
    const empty = await call("POST", "/api/admin/registration-codes", { body: "[]" });
    expect([empty.status, empty.json.error_code]).toEqual([400, "INVALID_BODY"]);
    const wrapped = await call("POST", "/api/bots", { body: [{ name: "wrapped" }] });
    expect([wrapped.status, wrapped.json.error_code]).toEqual([400, "INVALID_BODY"]);
    for (const body of ["null", "42", '"text"', "true"]) {
      const scalar = await call("POST", "/api/bots", { body });
      expect([scalar.status, scalar.json.error_code]).toEqual([400, "INVALID_BODY"]);
    }
  });

  it("answers a lookup miss with 400 BOT_NOT_FOUND, never 404", async () => {
    const res = await call("GET", "/api/bots/00000000-0000-4000-8000-00000000dead");
    expect(res.status).toBe(400);
    expect(res.json.error_code).toBe("BOT_NOT_FOUND");
  });

  it("gives malformed JSON, wrong types, unknown fields and huge bodies specific errors", async () => {
    const malformed = await call("POST", "/api/bots", { body: "{not json" });
    expect([malformed.status, malformed.json.error_code]).toEqual([400, "MALFORMED_JSON"]);
    const wrongType = await call("POST", "/api/bots", { body: { name: 42 } });
    expect([wrongType.status, wrongType.json.error_code]).toEqual([400, "INVALID_BODY"]);
    const badName = await call("POST", "/api/bots", { body: { name: "../etc/passwd" } });
    expect([badName.status, badName.json.error_code]).toEqual([400, "INVALID_BODY"]);
    const unknown = await call("POST", "/api/bots", { body: { name: "x1", admin: true } });
    expect([unknown.status, unknown.json.error_code]).toEqual([400, "UNKNOWN_FIELD"]);
    expect(unknown.json.message).toContain("admin");
    const missing = await call("POST", "/api/bots", { body: {} });
    expect([missing.status, missing.json.error_code]).toEqual([400, "INVALID_BODY"]);
    const huge = await call("POST", "/api/bots", {
      body: { name: "x".repeat(Number(env.MAX_BODY_BYTES) + 1) },
    });
    expect([huge.status, huge.json.error_code]).toEqual([413, "BODY_TOO_LARGE"]);
    expect(JSON.stringify(huge.json)).not.toContain("at ");
  });
});

describe("token API", () => {
  it("issues a well-formed token shown once and stores only its hash", async () => {
    const botId = await newBot();
    const res = await call("POST", `/api/external-api/bots/${botId}/tokens`);
    expect(res.status).toBe(201);
    expect(res.json).toEqual({
      token: expect.stringMatching(/^cz_extbot_[0-9A-Za-z]{32}$/),
      token_id: expect.any(String),
      token_prefix: "cz_extbot",
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      warning: expect.any(String),
    });
    const stored = await env.DB.prepare("SELECT * FROM tokens WHERE id = ?")
      .bind(res.json.token_id)
      .first<Record<string, unknown>>();
    expect(JSON.stringify(stored)).not.toContain(res.json.token as string);
    expect(stored?.token_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("lists non-revoked tokens as metadata only", async () => {
    const botId = await newBot();
    const a = await newToken(botId);
    const b = await newToken(botId);
    await call("DELETE", `/api/external-api/tokens/${a.token_id}`);
    const list = await call("GET", `/api/external-api/bots/${botId}/tokens`);
    expect(list.status).toBe(200);
    expect(list.json.tokens).toEqual([
      {
        token_id: b.token_id,
        token_prefix: "cz_extbot",
        created_at: expect.any(String),
        last_used_at: null,
      },
    ]);
  });

  it("rotates atomically: the old token is revoked and the new one works", async () => {
    const botId = await newBot();
    const old = await newToken(botId);
    const rotated = await call("POST", `/api/external-api/tokens/${old.token_id}/rotate`);
    expect(rotated.status).toBe(201);
    expect(rotated.json.token).toMatch(/^cz_extbot_/);
    expect(rotated.json.token_id).not.toBe(old.token_id);
    const list = await call("GET", `/api/external-api/bots/${botId}/tokens`);
    expect((list.json.tokens as Array<{ token_id: string }>).map((t) => t.token_id)).toEqual([
      rotated.json.token_id,
    ]);
    const again = await call("POST", `/api/external-api/tokens/${old.token_id}/rotate`);
    expect([again.status, again.json.error_code]).toEqual([400, "TOKEN_NOT_FOUND"]);
  });

  it("revokes idempotently with 204 and refuses unknown token ids", async () => {
    const botId = await newBot();
    const { token_id } = await newToken(botId);
    expect((await call("DELETE", `/api/external-api/tokens/${token_id}`)).status).toBe(204);
    expect((await call("DELETE", `/api/external-api/tokens/${token_id}`)).status).toBe(204);
    const unknown = await call("DELETE", "/api/external-api/tokens/nope");
    expect([unknown.status, unknown.json.error_code]).toEqual([400, "TOKEN_NOT_FOUND"]);
  });

  it("refuses a malformed or unknown-field body on token issue and rotate, issuing nothing (found by the fuzz suite)", async () => {
    const botId = await newBot();
    const { token_id } = await newToken(botId);
    for (const body of ["{", '{"max_concurrent_matches":99}']) {
      const issue = await call("POST", `/api/external-api/bots/${botId}/tokens`, { body });
      expect(issue.status).toBe(400);
      const rotate = await call("POST", `/api/external-api/tokens/${token_id}/rotate`, { body });
      expect(rotate.status).toBe(400);
    }
    const list = await call("GET", `/api/external-api/bots/${botId}/tokens`);
    expect((list.json.tokens as Array<{ token_id: string }>).map((t) => t.token_id)).toEqual([
      token_id,
    ]);
    const empty = await call("POST", `/api/external-api/bots/${botId}/tokens`, { body: "{}" });
    expect(empty.status).toBe(201);
  });

  it("refuses tokens for house bots and unknown bots", async () => {
    const house = await call(
      "POST",
      "/api/external-api/bots/00000000-0000-4000-8000-000000000001/tokens",
    );
    expect([house.status, house.json.error_code]).toEqual([403, "BOT_NOT_EXTERNAL_API"]);
    const unknown = await call("POST", "/api/external-api/bots/nope/tokens");
    expect([unknown.status, unknown.json.error_code]).toEqual([400, "BOT_NOT_FOUND"]);
  });
});
