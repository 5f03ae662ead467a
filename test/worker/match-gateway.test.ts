// Proves the match socket gateway (§4, §9 item 1): the checks in the contract's order with
// their close codes after a finished upgrade, the echoed sentinel, the deprecated ?token=,
// the /ws/match path that authenticates in the first frame, and that the internal identity
// header cannot be spoofed.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { UPGRADE_HEADER } from "../../src/match/match-object";
import { HANG_MS } from "../harness/until";
import { fetchChecked } from "./contract-fetch";
import {
  api,
  connectSeat,
  handshake,
  inspect,
  newBot,
  ORIGIN,
  playPassively,
  seatPath,
  stored,
  TestSocket,
  twoBotMatch,
} from "./match-harness";

async function closeCodeOf(
  path: string,
  protocols: string[] = [],
): Promise<{ code: number; protocol: string | null }> {
  const socket = await TestSocket.open(path, { protocols });
  return { code: (await socket.closed()).code, protocol: socket.protocol };
}

/** The stored `last_used_at` of the bot's token. */
const lastUsed = (botId: string) =>
  env.DB.prepare("SELECT last_used_at FROM tokens WHERE bot_id = ?")
    .bind(botId)
    .first<{ last_used_at: string | null }>()
    .then((row) => row?.last_used_at ?? null);

/** Waits for the bot's token use to be recorded (it is written off the request path). */
async function recorded(botId: string): Promise<string | null> {
  await expect.poll(() => lastUsed(botId), { timeout: HANG_MS }).not.toBeNull();
  return lastUsed(botId);
}

describe("match gateway checks", () => {
  it("answers a plain GET on a socket path with 426 in the error envelope", async () => {
    const res = await fetchChecked(`${ORIGIN}/ws/external/match/x/y`);
    expect(res.status).toBe(426);
    expect(await res.json()).toMatchObject({ error_code: "UPGRADE_REQUIRED" });
  });

  it("finishes the upgrade with the sentinel, then closes 4002 for malformed ids", async () => {
    const { alpha, match } = await twoBotMatch();
    const badMatch = await closeCodeOf("/ws/external/match/not-a-uuid/p_0123456789ab", [
      "chipzen-bot-token",
      alpha.token,
    ]);
    expect(badMatch).toEqual({ code: 4002, protocol: "chipzen-bot-token" });
    const badSeat = await closeCodeOf(`/ws/external/match/${match.match_id}/p_XYZ`, [
      "chipzen-bot-token",
      alpha.token,
    ]);
    expect(badSeat.code).toBe(4002);
  });

  it("closes 4001 for a missing, malformed, unknown or revoked token", async () => {
    const { alpha, match } = await twoBotMatch();
    const path = seatPath(match, 0);
    expect((await closeCodeOf(path)).code).toBe(4001);
    expect((await closeCodeOf(path, ["chipzen-bot-token", "cz_extbot_short"])).code).toBe(4001);
    expect(
      (await closeCodeOf(path, ["chipzen-bot-token", `cz_extbot_${"A".repeat(32)}`])).code,
    ).toBe(4001);
    const tokens = await api("GET", `/api/external-api/bots/${alpha.botId}/tokens`);
    const tokenId = (tokens.json.tokens as { token_id: string }[])[0]?.token_id;
    expect((await api("DELETE", `/api/external-api/tokens/${tokenId}`)).status).toBe(204);
    expect((await closeCodeOf(path, ["chipzen-bot-token", alpha.token])).code).toBe(4001);
  });

  it("records a token's use on an accepted seat only, off the upgrade and at most hourly", async () => {
    const { alpha, bravo, match } = await twoBotMatch();
    const seat = async (index: number, token: string) => {
      const socket = await TestSocket.open(seatPath(match, index), {
        protocols: ["chipzen-bot-token", token],
      });
      expect((await handshake(socket, match.match_id)).type).toBe("hello");
      return socket;
    };
    // Bravo's token on Alpha's seat: refused, so not a use; Alpha's own is one.
    expect((await closeCodeOf(seatPath(match, 0), ["chipzen-bot-token", bravo.token])).code).toBe(
      4001,
    );
    const first = await seat(0, alpha.token);
    const alphaUsed = await recorded(alpha.botId);
    expect(await lastUsed(bravo.botId)).toBeNull();
    // Alpha again within the hour: no new record (Bravo's, after it, shows the writes ran).
    first.close();
    await first.closed();
    await seat(0, alpha.token);
    await seat(1, bravo.token);
    await recorded(bravo.botId);
    expect(await lastUsed(alpha.botId)).toBe(alphaUsed);
  });

  it("closes 4001 when the seat belongs to another bot or does not exist", async () => {
    const { bravo, match } = await twoBotMatch();
    expect((await closeCodeOf(seatPath(match, 0), ["chipzen-bot-token", bravo.token])).code).toBe(
      4001,
    );
    const unknownSeat = `/ws/external/match/${match.match_id}/p_000000000000`;
    expect((await closeCodeOf(unknownSeat, ["chipzen-bot-token", bravo.token])).code).toBe(4001);
  });

  it("closes 4002 for a well-formed match id that was never dispatched", async () => {
    const bot = await newBot();
    const path = `/ws/external/match/${crypto.randomUUID()}/p_0123456789ab`;
    expect((await closeCodeOf(path, ["chipzen-bot-token", bot.token])).code).toBe(4002);
  });

  it("closes 4002 for a seat of a match that is over", async () => {
    const { alpha, bravo, match } = await twoBotMatch({ hand_cap: 1 });
    const a = await connectSeat(match, 0, alpha.token);
    const b = await connectSeat(match, 1, bravo.token);
    await Promise.all([playPassively(a, match.match_id), playPassively(b, match.match_id)]);
    expect((await closeCodeOf(seatPath(match, 0), ["chipzen-bot-token", alpha.token])).code).toBe(
      4002,
    );
  });

  it("accepts the deprecated ?token= and then sends no subprotocol", async () => {
    const { alpha, match } = await twoBotMatch();
    const socket = await TestSocket.open(`${seatPath(match, 0)}?token=${alpha.token}`);
    expect(socket.protocol).toBeNull();
    expect((await handshake(socket, match.match_id)).type).toBe("hello");
  });

  it("reads the token from any usable header shape", async () => {
    const { alpha, match } = await twoBotMatch();
    for (const header of [
      `chipzen-bot-token,${alpha.token}`,
      `chipzen-bot-token ,  ${alpha.token}`,
      `${alpha.token}, chipzen-bot-token`,
    ]) {
      const response = await fetchChecked(`${ORIGIN}${seatPath(match, 0)}`, {
        headers: { upgrade: "websocket", "sec-websocket-protocol": header },
      });
      expect(response.headers.get("sec-websocket-protocol")).toBe("chipzen-bot-token");
      const ws = response.webSocket;
      if (!ws) throw new Error("no socket");
      ws.accept();
      const first = new Promise<string>((resolve) =>
        ws.addEventListener("message", (e) => resolve(String(e.data)), { once: true }),
      );
      ws.send(JSON.stringify({ type: "authenticate", match_id: match.match_id, token: "" }));
      expect(JSON.parse(await first)).toMatchObject({ type: "hello", seq: 1 });
      ws.close(1000, "");
    }
  });

  it("ignores a spoofed identity header from the client", async () => {
    const { alpha, bravo, match } = await twoBotMatch();
    const spoof = JSON.stringify({
      role: "seat",
      participant_id: match.seats[0]?.participant_id,
      bot_id: alpha.botId,
      protocol: null,
    });
    // Bravo's token on Alpha's seat, claiming to be Alpha: refused.
    const external = await fetchChecked(`${ORIGIN}${seatPath(match, 0)}`, {
      headers: {
        upgrade: "websocket",
        "sec-websocket-protocol": `chipzen-bot-token, ${bravo.token}`,
        [UPGRADE_HEADER]: spoof,
      },
    });
    const ws = external.webSocket;
    if (!ws) throw new Error("no socket");
    const closed = new Promise<number>((resolve) =>
      ws.addEventListener("close", (e) => resolve(e.code)),
    );
    ws.accept();
    expect(await closed).toBe(4001);
    // The frame-authenticated path with the spoof and no valid credential: refused too.
    const framePath = `/ws/match/${match.match_id}/${match.seats[0]?.participant_id}`;
    const response = await fetchChecked(`${ORIGIN}${framePath}`, {
      headers: { upgrade: "websocket", [UPGRADE_HEADER]: spoof },
    });
    const socket = response.webSocket;
    if (!socket) throw new Error("no socket");
    const closedToo = new Promise<number>((resolve) =>
      socket.addEventListener("close", (e) => resolve(e.code)),
    );
    socket.accept();
    socket.send(
      JSON.stringify({ type: "authenticate", match_id: match.match_id, token: bravo.token }),
    );
    expect(await closedToo).toBe(4001);
  });
});

describe("/ws/match: credential in the authenticate frame", () => {
  it("plays the handshake when the frame carries the seat's token", async () => {
    const { alpha, match } = await twoBotMatch();
    const socket = await TestSocket.open(
      `/ws/match/${match.match_id}/${match.seats[0]?.participant_id}`,
    );
    socket.send({ type: "authenticate", match_id: match.match_id, token: alpha.token });
    expect(await socket.next("the server hello")).toMatchObject({ type: "hello", seq: 1 });
  });

  it("records a use of the seat's own token only", async () => {
    const { alpha, bravo, match } = await twoBotMatch();
    const path = `/ws/match/${match.match_id}/${match.seats[0]?.participant_id}`;
    const wrong = await TestSocket.open(path);
    wrong.send({ type: "authenticate", match_id: match.match_id, token: bravo.token });
    expect((await wrong.closed()).code).toBe(4001);
    const right = await TestSocket.open(path);
    right.send({ type: "authenticate", match_id: match.match_id, token: alpha.token });
    expect(await right.next("the server hello")).toMatchObject({ type: "hello" });
    await recorded(alpha.botId);
    expect(await lastUsed(bravo.botId)).toBeNull();
  });

  it("closes 4001 for an empty token or another bot's token", async () => {
    const { bravo, match } = await twoBotMatch();
    const path = `/ws/match/${match.match_id}/${match.seats[0]?.participant_id}`;
    for (const token of ["", bravo.token]) {
      const socket = await TestSocket.open(path);
      socket.send({ type: "authenticate", match_id: match.match_id, token });
      expect((await socket.closed()).code).toBe(4001);
      expect(socket.frames).toEqual([]);
    }
  });

  it("answers an oversized first frame with error seq 1 and 4008, touching nothing of the seat", async () => {
    const { match } = await twoBotMatch();
    const socket = await TestSocket.open(
      `/ws/match/${match.match_id}/${match.seats[0]?.participant_id}`,
    );
    socket.send({ type: "authenticate", token: "x".repeat(5000) });
    expect(await socket.next("the error")).toMatchObject({
      type: "error",
      seq: 1,
      code: "message_too_large",
    });
    expect((await socket.closed()).code).toBe(4008);
    expect((await stored(match.match_id)).seats[0]?.seq).toBe(0);
    expect(await inspect(match.match_id, "SELECT code FROM bot_errors")).toEqual([]);
  });

  it("applies the per-IP connect limit (1008) on this path too", async () => {
    const ip = `198.51.100.${Math.floor(Math.random() * 200) + 1}`;
    const path = `/ws/match/${crypto.randomUUID()}/p_0123456789ab`;
    const codes: number[] = [];
    for (let i = 0; i < 121; i++) {
      const response = await fetchChecked(`${ORIGIN}${path}`, {
        headers: { upgrade: "websocket", "cf-connecting-ip": ip },
      });
      const ws = response.webSocket;
      if (!ws) throw new Error("no socket");
      const code = new Promise<number>((resolve) =>
        ws.addEventListener("close", (e) => resolve(e.code)),
      );
      ws.accept();
      codes.push(await code);
    }
    expect(codes.slice(0, 120).every((c) => c === 4002)).toBe(true);
    expect(codes[120]).toBe(1008);
  });

  it("closes 4002 for an unknown match", async () => {
    const socket = await TestSocket.open(`/ws/match/${crypto.randomUUID()}/p_0123456789ab`);
    expect((await socket.closed()).code).toBe(4002);
  });
});
