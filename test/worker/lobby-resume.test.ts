// Proves the resume rule of the lobby (docs/lobby.md, "Resume"): on a lobby connect, an
// in-flight match is re-announced (`matched`, resume: true) at the end of the settle window,
// and only if the bot's seat has no match socket by then — a seat held live, or by a socket
// still in its handshake, gets nothing. The window is a schedule row behind the bot object's
// alarm: it survives eviction (hibernation), and a reset of every object (a runtime restart,
// storage kept) between the connect and the window's end leaves no duplicate behind.
import { abortAllDurableObjects, evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { DispatchResult } from "../../src/match/dispatched";
import type { MatchDoc } from "../../src/match/state";
import { botStub, connectLobby, elapse, newBot, SETTLE_MS, waitInObject } from "./lobby-helpers";
import { connectSeat, newMatch, TestSocket } from "./match-harness";

/** A match of the bot (seat 0) against a house bot: its seat is announced to the bot object. */
async function houseMatch(bot: { botId: string }): Promise<DispatchResult> {
  return newMatch([bot.botId, "house-calling-station"], {
    jitter_min_ms: 0,
    jitter_max_ms: 0,
    turn_timeout_ms: 60_000,
  });
}

/** The `matched` frame a re-announcement of `match` carries. */
function resumed(match: DispatchResult) {
  const seat = match.seats[0];
  return {
    type: "matched",
    match_id: match.match_id,
    participant_id: seat?.participant_id,
    gateway_ws_url: seat?.gateway_ws_url,
    resume: true,
  };
}

/** The object's open resume windows (schedule rows). */
async function windows(botId: string): Promise<string[]> {
  return runInDurableObject(botStub(botId), (_instance, state) =>
    state.storage.sql
      .exec<{ key: string }>("SELECT key FROM schedule WHERE key LIKE 'resume:%'")
      .toArray()
      .map((row) => row.key),
  );
}

/** Waits until the match object has noticed that seat 0 lost its socket. */
async function seatDropped(match: DispatchResult): Promise<void> {
  await waitInObject(
    env.MATCH.getByName(match.match_id),
    (state) =>
      (
        JSON.parse(
          state.storage.sql.exec<{ doc: string }>("SELECT doc FROM match_state").one().doc,
        ) as MatchDoc
      ).seats[0]?.conn === null,
    "seat 0 to be unbound",
  );
}

/** The next lobby frame is the heartbeat ping: nothing else was sent before it. */
async function nextIsPing(client: TestSocket, botId: string): Promise<void> {
  await elapse(botStub(botId), 15_000);
  expect(await client.next("the ping")).toEqual({ type: "ping" });
}

describe("the resume settle window", () => {
  it("re-announces an unbound seat when the window ends, once", async () => {
    const bot = await newBot();
    const match = await houseMatch(bot);
    const { client } = await connectLobby(bot);
    expect(await windows(bot.botId)).toHaveLength(1);
    expect(client.unread).toEqual([]);
    await elapse(botStub(bot.botId), SETTLE_MS);
    expect(await client.next("the resumed matched")).toMatchObject(resumed(match));
    expect(await windows(bot.botId)).toEqual([]);
    await nextIsPing(client, bot.botId);
    client.close();
  });

  it("sends nothing when the bot's own match socket binds the seat within the window", async () => {
    const bot = await newBot();
    const match = await houseMatch(bot);
    const { client } = await connectLobby(bot);
    const seat = await connectSeat(match, 0, bot.token);
    await seat.nextOf("match_start");
    await elapse(botStub(bot.botId), SETTLE_MS);
    await nextIsPing(client, bot.botId);
    // The match is still in flight: its notice stays for a later connect.
    const stored = await runInDurableObject(botStub(bot.botId), (_instance, state) =>
      state.storage.sql.exec("SELECT match_id FROM matched_notices").toArray(),
    );
    expect(stored).toEqual([{ match_id: match.match_id }]);
    seat.close();
    client.close();
  });

  it("counts a seat socket that is still in its handshake as holding the seat", async () => {
    const bot = await newBot();
    const match = await houseMatch(bot);
    const { client } = await connectLobby(bot);
    const dialing = await TestSocket.open(match.seats[0]?.gateway_ws_url ?? "", {
      token: bot.token,
    });
    await elapse(botStub(bot.botId), SETTLE_MS);
    await nextIsPing(client, bot.botId);
    dialing.close();
    client.close();
  });

  it("re-announces when the seat's socket dropped before the window ended", async () => {
    const bot = await newBot();
    const match = await houseMatch(bot);
    const seat = await connectSeat(match, 0, bot.token);
    await seat.nextOf("match_start");
    const { client } = await connectLobby(bot);
    seat.close();
    await seatDropped(match);
    await elapse(botStub(bot.botId), SETTLE_MS);
    expect(await client.next("the resumed matched")).toMatchObject(resumed(match));
    client.close();
  });

  it("does not re-send a match pushed live during the window", async () => {
    const bot = await newBot();
    const older = await houseMatch(bot);
    const { client } = await connectLobby(bot);
    const newer = await houseMatch(bot);
    expect(await client.next("the live matched")).toMatchObject({
      type: "matched",
      match_id: newer.match_id,
    });
    await elapse(botStub(bot.botId), SETTLE_MS);
    expect(await client.next("the resumed matched")).toMatchObject(resumed(older));
    await nextIsPing(client, bot.botId);
    client.close();
  });

  it("ends the window after the bot object was evicted (hibernation)", async () => {
    const bot = await newBot();
    const match = await houseMatch(bot);
    const { client } = await connectLobby(bot);
    await evictDurableObject(botStub(bot.botId));
    await elapse(botStub(bot.botId), SETTLE_MS);
    expect(await client.next("the resumed matched")).toMatchObject(resumed(match));
    client.close();
  });

  it("leaves no duplicate when every object resets between the connect and the window's end", async () => {
    const bot = await newBot();
    const match = await houseMatch(bot);
    const before = await connectLobby(bot);
    expect(await windows(bot.botId)).toHaveLength(1);
    await abortAllDurableObjects();
    expect((await before.client.closed()).code).not.toBe(1000);
    const after = await connectLobby(bot);
    expect(await windows(bot.botId)).toHaveLength(2);
    await elapse(botStub(bot.botId), SETTLE_MS);
    expect(await after.client.next("the resumed matched")).toMatchObject(resumed(match));
    expect(await windows(bot.botId)).toEqual([]);
    await nextIsPing(after.client, bot.botId);
    after.client.close();
  });

  it("sends nothing after a reset when the bot re-dials its seat as well as its lobby", async () => {
    const bot = await newBot();
    const match = await houseMatch(bot);
    const seat = await connectSeat(match, 0, bot.token);
    await seat.nextOf("match_start");
    await connectLobby(bot);
    await abortAllDurableObjects();
    await seat.closed();
    // What an SDK does after a restart: both sockets again, at the same moment.
    const [{ client }, again] = await Promise.all([
      connectLobby(bot),
      connectSeat(match, 0, bot.token),
    ]);
    await elapse(botStub(bot.botId), SETTLE_MS);
    await nextIsPing(client, bot.botId);
    again.close();
    client.close();
  });
});
