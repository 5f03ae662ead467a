/**
 * What `npm start` checks and keeps between runs: whether its port is free (or already
 * serves a botgate), and the dev bot's token, stored so a restart prints the same one
 * instead of issuing another (a replaced one is revoked, so tokens never pile up).
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { dirname } from "node:path";
import { request } from "../src/cli/config.ts";

/** `free`; `botgate`: a gateway answers `/health` there; `other`: something else holds it. */
export type PortStatus = "free" | "botgate" | "other";

export async function portStatus(host: string, port: number): Promise<PortStatus> {
  try {
    const response = await fetch(`http://${host}:${port}/health`, {
      signal: AbortSignal.timeout(3000),
    });
    const body = (await response.json().catch(() => null)) as { status?: unknown } | null;
    if (response.ok && body?.status === "ok") return "botgate";
    return "other";
  } catch {
    // Nothing answered HTTP: free, unless a listener that speaks something else holds it.
  }
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once("error", () => resolve("other"));
    probe.listen(port, host, () => probe.close(() => resolve("free")));
  });
}

/** The dev bot's token as `npm start` printed it last, in a 0600 file under .wrangler/. */
interface StoredToken {
  bot_id: string;
  token_id: string;
  token: string;
}

function readStored(file: string): StoredToken | null {
  if (!existsSync(file)) return null;
  try {
    return JSON.parse(readFileSync(file, "utf8")) as StoredToken;
  } catch {
    return null;
  }
}

/**
 * The dev bot's token: the stored one while the gateway still lists it as live for that bot;
 * otherwise a new one, stored, and the stored one revoked if it is still live (another bot).
 * `reused` says which.
 */
export async function devBotToken(
  origin: string,
  adminToken: string,
  botId: string,
  file: string,
): Promise<{ token: string; reused: boolean }> {
  const stored = readStored(file);
  const live = async (id: string) => {
    const { tokens } = await request<{ tokens: Array<{ token_id: string }> }>(
      origin,
      "GET",
      `/api/external-api/bots/${id}/tokens`,
      adminToken,
    );
    return tokens.map((t) => t.token_id);
  };
  if (stored?.bot_id === botId && (await live(botId)).includes(stored.token_id)) {
    return { token: stored.token, reused: true };
  }
  const issued = await request<{ token: string; token_id: string }>(
    origin,
    "POST",
    `/api/external-api/bots/${botId}/tokens`,
    adminToken,
  );
  mkdirSync(dirname(file), { recursive: true });
  const record: StoredToken = { bot_id: botId, token_id: issued.token_id, token: issued.token };
  writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  if (stored && (await live(stored.bot_id).catch((): string[] => [])).includes(stored.token_id)) {
    await request(origin, "DELETE", `/api/external-api/tokens/${stored.token_id}`, adminToken);
  }
  return { token: issued.token, reused: false };
}
