/**
 * Starts the real Worker (wrangler's test harness: the same bundling and workerd
 * as `wrangler dev`) on a free loopback port, with migrations applied, and gives
 * tests the URL, the admin credential and object controls.
 */
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { createTestHarness, type TestHarness } from "wrangler";
import { ApiContract, type ApiDocument, answerOf } from "./api-contract.ts";
import "./runtime-env.ts";
import { HANG_MS } from "./until.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

export interface GatewayOptions {
  /** Overrides of `[vars]` from wrangler.toml (e.g. shorter timers). */
  vars?: Record<string, string>;
}

export interface Gateway {
  /** `http://127.0.0.1:<port>/` */
  url: URL;
  adminToken: string;
  /** `ws://127.0.0.1:<port>` + path. */
  wsUrl(path: string): string;
  /**
   * `fetch` against the gateway with a path; throws if the answer is not what the served
   * OpenAPI document says (`api-contract.ts`).
   */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  /** The served OpenAPI document as a checker, fetched once. */
  contract(): Promise<ApiContract>;
  /** Evicts a running Durable Object (hibernating its sockets by default), keeping storage. */
  evict(binding: string, name: string, webSockets?: "hibernate" | "close"): Promise<void>;
  harness: TestHarness;
  close(): Promise<void>;
}

export async function startGateway(options: GatewayOptions = {}): Promise<Gateway> {
  const adminToken = `adm_${randomBytes(24).toString("hex")}`;
  const harness = createTestHarness({
    root: ROOT,
    workers: [
      {
        configPath: "./wrangler.toml",
        secrets: { ADMIN_TOKEN: adminToken },
        ...(options.vars ? { vars: options.vars } : {}),
      },
    ],
  });
  const { url } = await harness.listen();
  const worker = harness.getWorker();
  await worker.applyD1Migrations("DB");
  let contract: Promise<ApiContract> | undefined;
  const loadContract = () => {
    contract ??= fetch(new URL("/openapi.json", url))
      .then((response) => response.json())
      .then((document) => new ApiContract(document as ApiDocument));
    return contract;
  };
  return {
    url,
    adminToken,
    wsUrl: (path) => new URL(path, url).href.replace(/^http/, "ws"),
    fetch: async (path, init) => {
      const response = await fetch(new URL(path, url), init);
      (await loadContract()).check(init?.method ?? "GET", path, await answerOf(response));
      return response;
    },
    contract: loadContract,
    evict: (binding, name, webSockets = "hibernate") =>
      worker.evictDurableObject(binding, { name, webSockets }),
    harness,
    close: () => harness.close(),
  };
}

/** JSON request helper: `{ status, body }`, with the admin token unless `token` says otherwise. */
export async function api(
  gateway: Gateway,
  method: string,
  path: string,
  options: { body?: unknown; token?: string | null } = {},
): Promise<{ status: number; body: unknown; headers: Headers }> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  const token = options.token === undefined ? gateway.adminToken : options.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  const response = await gateway.fetch(path, {
    method,
    headers,
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: text ? JSON.parse(text) : null,
    headers: response.headers,
  };
}

/**
 * Creates an external bot and issues it a token through the admin API. Each bot has its own
 * owner (named after it): the matchmaking queue never pairs two bots of one owner.
 */
export async function createBotWithToken(
  gateway: Gateway,
  name: string,
): Promise<{ botId: string; token: string; tokenId: string }> {
  const owner = name.replace(/[^A-Za-z0-9._-]/g, "_").slice(0, 64);
  const bot = await api(gateway, "POST", "/api/bots", { body: { name, owner } });
  if (bot.status !== 201) throw new Error(`create bot: ${bot.status} ${JSON.stringify(bot.body)}`);
  const botId = (bot.body as { id: string }).id;
  const issued = await api(gateway, "POST", `/api/external-api/bots/${botId}/tokens`);
  if (issued.status !== 201) throw new Error(`issue token: ${issued.status}`);
  const { token, token_id } = issued.body as { token: string; token_id: string };
  return { botId, token, tokenId: token_id };
}

/**
 * Waits until the Worker has logged `event` (one of our structured JSON lines) with fields
 * that satisfy `match`; resolves with those fields. The runtime's captured logs are read as
 * they come (they hold everything since the harness started or was last cleared).
 */
export async function waitForLog(
  gateway: Gateway,
  event: string,
  match: (fields: Record<string, unknown>) => boolean = () => true,
  timeoutMs = HANG_MS,
): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const entry of gateway.harness.getLogs()) {
      let fields: Record<string, unknown>;
      try {
        fields = JSON.parse(entry.message) as Record<string, unknown>;
      } catch {
        continue;
      }
      if (fields.event === event && match(fields)) return fields;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${event}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
