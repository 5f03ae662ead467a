// `npm start` is honest about its port and its token: a second start while a gateway answers
// on the port exits 1 before it prints a banner or issues a token; the dev bot's token is
// stored (0600) and printed again by the next start while it is live, and a replaced one is
// revoked, so tokens never pile up. Against the real Worker; no sleeps.
import { mkdtempSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { devBotToken, portStatus } from "../../scripts/dev-gateway.ts";
import { startScript } from "../harness/cli.ts";
import { api, type Gateway, startGateway } from "../harness/gateway.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const START = join(ROOT, "scripts/start.ts");

let gateway: Gateway;
beforeAll(async () => {
  gateway = await startGateway();
});
afterAll(async () => {
  await gateway?.close();
});

async function liveTokens(botId: string): Promise<string[]> {
  const listed = await api(gateway, "GET", `/api/external-api/bots/${botId}/tokens`);
  return (listed.body as { tokens: Array<{ token_id: string }> }).tokens.map((t) => t.token_id);
}

describe("npm start", () => {
  it("tells a port held by a botgate from one held by another program and a free one", async () => {
    expect(await portStatus("127.0.0.1", Number(gateway.url.port))).toBe("botgate");
    const other = createServer((_, res) => res.writeHead(404).end("not here"));
    await new Promise<void>((resolve) => other.listen(0, "127.0.0.1", resolve));
    const otherPort = (other.address() as { port: number }).port;
    expect(await portStatus("127.0.0.1", otherPort)).toBe("other");
    await new Promise<void>((resolve) => other.close(() => resolve()));
    // The port just released is free again.
    expect(await portStatus("127.0.0.1", otherPort)).toBe("free");
  });

  it("exits 1 without a banner or a token when a gateway already answers on its port", async () => {
    const run = startScript(START, [], { BOTGATE_PORT: gateway.url.port }, ROOT);
    expect(await run.exited(60_000)).toBe(1);
    expect(run.output().trim()).toBe(
      `botgate is already running on http://127.0.0.1:${gateway.url.port} (it answered /health): use that one, or stop it first.`,
    );
    expect(run.output()).not.toContain("cz_extbot_");
  });

  it("prints the same dev bot token on the next start, and revokes a replaced one", async () => {
    const created = await api(gateway, "POST", "/api/bots", { body: { name: "dev-start-bot" } });
    const botId = (created.body as { id: string }).id;
    const file = join(mkdtempSync(join(tmpdir(), "botgate-start-")), ".wrangler/dev-bot.json");
    const origin = gateway.url.origin;
    const first = await devBotToken(origin, gateway.adminToken, botId, file);
    expect(first).toMatchObject({ reused: false, token: expect.stringMatching(/^cz_extbot_/) });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const second = await devBotToken(origin, gateway.adminToken, botId, file);
    expect(second).toEqual({ token: first.token, reused: true });
    expect(await liveTokens(botId)).toHaveLength(1);
    // Revoked meanwhile (tokens revoke): the next start issues a new one.
    const [firstId] = await liveTokens(botId);
    await api(gateway, "DELETE", `/api/external-api/tokens/${firstId}`);
    const third = await devBotToken(origin, gateway.adminToken, botId, file);
    expect(third.reused).toBe(false);
    expect(third.token).not.toBe(first.token);
    expect(await liveTokens(botId)).toHaveLength(1);
    // The dev bot was re-created (another id): its new token replaces the old, which is revoked.
    const again = await api(gateway, "POST", "/api/bots", { body: { name: "dev-start-bot-2" } });
    const otherId = (again.body as { id: string }).id;
    const fourth = await devBotToken(origin, gateway.adminToken, otherId, file);
    expect(fourth.reused).toBe(false);
    expect(await liveTokens(botId)).toEqual([]);
    expect(await liveTokens(otherId)).toHaveLength(1);
  });
});
