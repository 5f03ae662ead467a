// The console's live table in a real browser against the real Worker: a running match
// against a house bot followed hand by hand (whose turn and the clock included) to match_end,
// the hand history with every deck check ✓, then ✗ on a hand whose stored reveal a test
// tampered with; an operator token with operator.read watches too; unknown matches say so.

import type { Page, WebSocketRoute } from "playwright-core";
import { describe, expect, it } from "vitest";
import { consoleTestbed, screenshots, section, signIn } from "../harness/browser.ts";
import { api, createBotWithToken } from "../harness/gateway.ts";
import { HANG_MS } from "../harness/until.ts";
import type { Frame, TestSocket } from "../harness/ws-client.ts";
import { dialMatch } from "./lobby-bot.ts";

const HANDS = 3;
const bed = consoleTestbed();
const open = bed.open;

/** A match of a scripted bot (seat 0) against the calling-station house bot, not started yet. */
async function newMatch(name: string) {
  const bot = await createBotWithToken(bed.gateway, name);
  const created = await api(bed.gateway, "POST", "/api/matches", {
    body: {
      bots: [bot.botId, "house-calling-station"],
      config: {
        hand_cap: HANDS,
        turn_timeout_ms: 30_000,
        jitter_min_ms: 0,
        jitter_max_ms: 0,
        house_think_ms: 100,
      },
    },
  });
  expect(created.status).toBe(201);
  const match = created.body as {
    match_id: string;
    seats: Array<{ gateway_ws_url: string | null }>;
  };
  const matched = { match_id: match.match_id, gateway_ws_url: match.seats[0]?.gateway_ws_url };
  return { bot, matchId: match.match_id, matched };
}

/** Checks or calls every turn; before answering a turn, `beforeAnswer` may hold it. */
async function playPassively(
  socket: TestSocket,
  beforeAnswer: (request: Frame) => Promise<void>,
): Promise<Frame> {
  for (;;) {
    const frame = await socket.next(60_000, "the next match frame");
    if (frame.type === "turn_request") {
      await beforeAnswer(frame);
      const valid = frame.valid_actions as string[];
      socket.send({
        type: "turn_action",
        match_id: frame.match_id,
        request_id: frame.request_id,
        action: valid.includes("check") ? "check" : "call",
        params: {},
      });
    }
    if (frame.type === "match_end") return frame;
  }
}

function seat(page: Page, n: number) {
  return page.getByRole("article", { name: `Seat ${n}` });
}

describe("live table", () => {
  it("follows a running match hand by hand to match_end, then checks every deck ✓ (and ✗ when tampered)", async () => {
    const { matchId, matched, bot } = await newMatch("console-table");
    const { page, problems } = await open(`/console/matches/${matchId}`);
    await signIn(page, bed.gateway.adminToken);
    await page.getByText("Waiting for the seats").waitFor({ timeout: HANG_MS });
    expect(await seat(page, 0).textContent()).toContain("console-table");
    expect(await seat(page, 1).textContent()).toContain("house-calling-station");

    const socket = await dialMatch(bed.gateway, bot.token, matched);
    const handsSeen: number[] = [];
    let clockSeen = false;
    const end = await playPassively(socket, async (request) => {
      const hand = (request.state as { hand_number: number }).hand_number;
      // Hand by hand: the table shows this hand before the bot acts in it …
      await page.getByText(new RegExp(`^Hand ${hand} · pot \\d+`)).waitFor({ timeout: HANG_MS });
      if (!handsSeen.includes(hand)) handsSeen.push(hand);
      if (!clockSeen) {
        // … and, on the first turn, that it is seat 0's turn with the clock running.
        const clock = seat(page, 0).getByText(/^to act · \d+\.\d s$/);
        await clock.waitFor({ timeout: HANG_MS });
        await screenshots(page, "table-live");
        clockSeen = true;
      }
    });
    expect(handsSeen).toEqual([1, 2, 3]);
    expect(end).toMatchObject({ type: "match_end", total_hands_played: HANDS });

    const result = page.getByRole("list", { name: "Result" });
    await result.waitFor({ timeout: HANG_MS });
    expect(await result.textContent()).toMatch(/#1/);
    const log = page.getByRole("list", { name: "Action log" });
    expect(await log.textContent()).toMatch(/Hand 3: blinds posted/);
    const verified = page.getByText(`${HANDS} of ${HANDS} hands verified`);
    await verified.waitFor({ timeout: HANG_MS });
    const history = page.getByRole("table", { name: "Hand history" });
    expect(await history.locator("tbody tr").count()).toBe(HANDS);
    expect(await history.locator("tbody tr td:last-child .ok").count()).toBe(HANDS);
    await screenshots(page, "table-ended");

    // Tamper with hand 2's stored reveal: the page reloaded from the over match says ✗.
    const storage = await bed.gateway.harness.getWorker().getDurableObjectStorage("MATCH", {
      name: matchId,
    });
    const [row] = await storage.exec<{ deck_reveal: string }>(
      "SELECT deck_reveal FROM hands WHERE hand_number = 2",
    );
    const reveal = JSON.parse(String(row?.deck_reveal)) as { seed: string; deck_order: string[] };
    const flipped = reveal.seed.startsWith("0")
      ? `1${reveal.seed.slice(1)}`
      : `0${reveal.seed.slice(1)}`;
    await storage.exec(
      "UPDATE hands SET deck_reveal = ? WHERE hand_number = 2",
      JSON.stringify({ ...reveal, seed: flipped }),
    );
    await page.reload();
    await page.getByText(`${HANDS - 1} of ${HANDS} hands verified`).waitFor({ timeout: HANG_MS });
    const rows = history.locator("tbody tr");
    expect(await rows.nth(1).locator("td:last-child").textContent()).toContain(
      "✗ SHA-256 of the reveal is not the commitment",
    );
    expect(await rows.nth(0).locator("td:last-child").textContent()).toBe("✓");
    expect(await rows.nth(2).locator("td:last-child").textContent()).toBe("✓");
    await screenshots(page, "table-tampered");
    expect(problems).toEqual([]);
  });

  it("an operator token with operator.read watches live and reads the history", async () => {
    const minted = await api(bed.gateway, "POST", "/api/operators/tokens", {
      body: { name: "table-reader", scopes: ["operator.read"] },
    });
    const token = (minted.body as { token: string }).token;
    const { matchId, matched, bot } = await newMatch("console-reader-bot");
    const { page, problems } = await open(`/console/matches/${matchId}`);
    await signIn(page, token);
    await page.getByText("Waiting for the seats").waitFor({ timeout: HANG_MS });
    const socket = await dialMatch(bed.gateway, bot.token, matched);
    await playPassively(socket, async () => {});
    await page.getByText(`${HANDS} of ${HANDS} hands verified`).waitFor({ timeout: HANG_MS });
    expect(problems).toEqual([]);
  });

  it("a cut spectator socket is dialled again and the table still reaches match_end", async () => {
    const { matchId, matched, bot } = await newMatch("console-cut-bot");
    const { page, problems } = await open(`/console/matches/${matchId}`);
    const spectators: WebSocketRoute[] = [];
    await page.routeWebSocket(/\/spectate$/, (ws) => {
      spectators.push(ws);
      ws.connectToServer();
    });
    await signIn(page, bed.gateway.adminToken);
    await page.getByText("Waiting for the seats").waitFor({ timeout: HANG_MS });
    const socket = await dialMatch(bed.gateway, bot.token, matched);
    let cut = false;
    await playPassively(socket, async (request) => {
      const hand = (request.state as { hand_number: number }).hand_number;
      if (hand === 2 && !cut) {
        cut = true;
        await spectators[0]?.close({ code: 1011, reason: "test cut" });
        await expect.poll(() => spectators.length, { timeout: HANG_MS }).toBe(2);
      }
    });
    expect(cut).toBe(true);
    await page.getByRole("list", { name: "Result" }).waitFor({ timeout: HANG_MS });
    await page.getByText(`${HANDS} of ${HANDS} hands verified`).waitFor({ timeout: HANG_MS });
    expect(problems).toEqual([]);
  });

  it("a match that does not exist says so", async () => {
    for (const id of ["00000000-0000-4000-8000-00000000beef", "not-a-match"]) {
      const { page, problems } = await open(`/console/matches/${id}`);
      await signIn(page, bed.gateway.adminToken);
      const alert = page.getByRole("alert");
      await alert.waitFor({ timeout: HANG_MS });
      expect(await alert.textContent()).toBe(`No match with id ${id}.`);
      expect(problems).toEqual([]);
      await screenshots(page, "table-missing");
    }
  });

  it("the overview links a live match to its table", async () => {
    const { matchId, matched, bot } = await newMatch("console-link-bot");
    const { page } = await open("/console/");
    await signIn(page, bed.gateway.adminToken);
    const link = section(page, "Live matches").getByRole("link", {
      name: "console-link-bot vs house-calling-station",
    });
    await link.waitFor({ timeout: HANG_MS });
    await link.click();
    await page.waitForURL(`**/console/matches/${matchId}`);
    await page.getByText("Waiting for the seats").waitFor({ timeout: HANG_MS });
    const socket = await dialMatch(bed.gateway, bot.token, matched);
    await playPassively(socket, async () => {});
    await page.getByRole("list", { name: "Result" }).waitFor({ timeout: HANG_MS });
  });
});
