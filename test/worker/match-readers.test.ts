// Who may read matches: the admin token, or an operator token holding operator.read (the web
// console, docs/console.md) — for the record, the hand histories and the spectator stream.
// Creating a match stays the admin's; a token without read, a revoked one or a bot token
// is refused.
import { describe, expect, it } from "vitest";
import {
  api,
  connectSeat,
  newMatch,
  playPassively,
  TestSocket,
  twoBotMatch,
} from "./match-harness";

async function operatorToken(scopes: string[]): Promise<{ token: string; id: string }> {
  const minted = await api("POST", "/api/operators/tokens", { name: "reader", scopes });
  expect(minted.status).toBe(201);
  return { token: String(minted.json.token), id: String(minted.json.id) };
}

describe("match reads with an operator token", () => {
  it("operator.read reads the record, the hands and spectates; creating stays admin-only", async () => {
    const { token } = await operatorToken(["operator.read"]);
    const { alpha, bravo, match } = await twoBotMatch({ hand_cap: 1 });
    const watcher = await TestSocket.open(`/ws/match/${match.match_id}/spectate`, {
      protocols: ["botgate-admin", token],
    });
    expect((await watcher.next("spectator_hello")).type).toBe("spectator_hello");
    const a = await connectSeat(match, 0, alpha.token);
    const b = await connectSeat(match, 1, bravo.token);
    await Promise.all([playPassively(a, match.match_id), playPassively(b, match.match_id)]);
    expect((await watcher.closed()).code).toBe(1000);

    const record = await api("GET", `/api/matches/${match.match_id}`, undefined, token);
    expect(record).toMatchObject({ status: 200, json: { match_id: match.match_id } });
    const hands = await api("GET", `/api/matches/${match.match_id}/hands`, undefined, token);
    expect(hands.status).toBe(200);
    expect(hands.json.hands).toHaveLength(1);
    const created = await api("POST", "/api/matches", { bots: [alpha.botId, bravo.botId] }, token);
    expect(created).toMatchObject({ status: 401, json: { error_code: "UNAUTHORIZED" } });
    // Still a guarded prefix: an unknown path under it without a credential is the 401.
    expect((await api("GET", "/api/matches/x/nothing", undefined, null)).status).toBe(401);
  });

  it("a token without operator.read, a revoked one and a bot token are refused", async () => {
    const approvals = await operatorToken(["operator.approvals"]);
    const revoked = await operatorToken(["operator.read"]);
    expect((await api("DELETE", `/api/operators/tokens/${revoked.id}`)).status).toBe(204);
    const { alpha, match } = await twoBotMatch();
    for (const token of [approvals.token, revoked.token, alpha.token]) {
      const hands = await api("GET", `/api/matches/${match.match_id}/hands`, undefined, token);
      expect(hands.status).toBe(401);
      const watcher = await TestSocket.open(`/ws/match/${match.match_id}/spectate`, {
        protocols: ["botgate-admin", token],
      });
      expect((await watcher.closed()).code).toBe(4001);
    }
    // The admin still creates.
    const other = await newMatch(["house-calling-station", "house-random"]);
    expect(other.match_id).toMatch(/^[0-9a-f-]{36}$/);
  });
});
