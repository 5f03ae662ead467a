// Proves the HTTP surface over a real loopback socket against the real Worker
// (the same runtime `npm start` runs): health, the envelope, and the token lifecycle.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, createBotWithToken, type Gateway, startGateway } from "../harness/gateway.ts";

let gateway: Gateway;
beforeAll(async () => {
  gateway = await startGateway();
});
afterAll(async () => {
  await gateway?.close();
});

describe("HTTP API over loopback", () => {
  it("serves /health and 404s unknown routes in the envelope", async () => {
    expect((await api(gateway, "GET", "/health", { token: null })).status).toBe(200);
    const missing = await api(gateway, "GET", "/api/nothing-here", { token: null });
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({
      error_code: "NOT_FOUND",
      message: expect.any(String),
      request_id: missing.headers.get("x-request-id"),
    });
  });

  it("issues, lists, rotates and revokes tokens for a new bot", async () => {
    const { botId, token, tokenId } = await createBotWithToken(gateway, "e2e-bot");
    expect(token).toMatch(/^cz_extbot_[0-9A-Za-z]{32}$/);
    const asBot = await api(gateway, "GET", "/api/bots", { token });
    expect(asBot.status).toBe(401);
    const rotated = await api(gateway, "POST", `/api/external-api/tokens/${tokenId}/rotate`);
    expect(rotated.status).toBe(201);
    const list = await api(gateway, "GET", `/api/external-api/bots/${botId}/tokens`);
    expect(list.body).toEqual({
      tokens: [
        expect.objectContaining({ token_id: (rotated.body as { token_id: string }).token_id }),
      ],
    });
    const revoke = await api(
      gateway,
      "DELETE",
      `/api/external-api/tokens/${(rotated.body as { token_id: string }).token_id}`,
    );
    expect(revoke.status).toBe(204);
    const empty = await api(gateway, "GET", `/api/external-api/bots/${botId}/tokens`);
    expect(empty.body).toEqual({ tokens: [] });
  });
});
