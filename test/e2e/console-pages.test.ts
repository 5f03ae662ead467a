import { describe, expect, it } from "vitest";
import { consoleTestbed, screenshots, section, signIn } from "../harness/browser.ts";
import { api, createBotWithToken } from "../harness/gateway.ts";
import { HANG_MS } from "../harness/until.ts";
import { dialMatch, play } from "./lobby-bot.ts";

const bed = consoleTestbed();
const open = bed.open;

const XSS = "<img src=x onerror=alert(1)>";

describe("channels", () => {
  it("tails a channel live and posts as the operator; HTML stays text", async () => {
    const created = await api(bed.gateway, "POST", "/api/admin/channels", {
      body: { name: "console-room", visibility: "public", topic: XSS },
    });
    expect(created.status).toBe(201);
    const minted = await api(bed.gateway, "POST", "/api/operators/tokens", {
      body: { name: "watcher", scopes: ["operator.read"] },
    });
    const reader = await open("/console/channels/console-room");
    await signIn(reader.page, (minted.body as { token: string }).token);
    await reader.page.getByText("No messages yet.").waitFor({ timeout: HANG_MS });
    expect(await reader.page.getByText("Read only: posting needs operator.write.").count()).toBe(1);
    // The channel list is its own request: wait for it (the topic shown as text), don't read it.
    await section(reader.page, "Channels").getByText(XSS).waitFor({ timeout: HANG_MS });

    const writer = await open("/console/channels/console-room");
    await signIn(writer.page, bed.gateway.adminToken);
    for (const text of ["hello from the console", XSS]) {
      await writer.page.getByLabel("Post a message").fill(text);
      await writer.page.getByRole("button", { name: "Post" }).click();
      // The other tab sees it live (chat event), as posted by the admin operator.
      const line = reader.page
        .getByRole("list", { name: "Messages" })
        .locator("li", { hasText: text });
      await line.waitFor({ timeout: HANG_MS });
      expect(await line.textContent()).toContain("operator:admin");
    }
    expect(await reader.page.locator("main img").count()).toBe(0);
    await writer.page.getByRole("list", { name: "Messages" }).locator("li").nth(1).waitFor();
    await screenshots(writer.page, "channel");
    expect([...reader.problems, ...writer.problems]).toEqual([]);
  });

  it("a channel that does not exist says so", async () => {
    const { page, problems } = await open("/console/channels/no-such-room");
    await signIn(page, bed.gateway.adminToken);
    const alert = page.getByRole("alert");
    await alert.waitFor({ timeout: HANG_MS });
    expect(await alert.textContent()).toBe("No channel named no-such-room.");
    expect(problems).toEqual([]);
  });
});

describe("bot page", () => {
  it("shows a bot's matches with results, its rating state and decision latency", async () => {
    const bot = await createBotWithToken(bed.gateway, "console-page-bot");
    const created = await api(bed.gateway, "POST", "/api/matches", {
      body: {
        bots: [bot.botId, "house-calling-station"],
        config: { hand_cap: 2, jitter_min_ms: 0, jitter_max_ms: 0, house_think_ms: 50 },
      },
    });
    const match = created.body as { match_id: string; seats: Array<{ gateway_ws_url: string }> };
    const socket = await dialMatch(bed.gateway, bot.token, {
      match_id: match.match_id,
      gateway_ws_url: match.seats[0]?.gateway_ws_url,
    });
    await play(socket);
    const { page, problems } = await open(`/console/bots/${bot.botId}`);
    await signIn(page, bed.gateway.adminToken);
    await page.getByRole("heading", { name: /console-page-bot/ }).waitFor({ timeout: HANG_MS });
    const matches = page.getByRole("list", { name: "Matches" });
    const row = matches.locator("li", { hasText: "vs house-calling-station" });
    await row.waitFor({ timeout: HANG_MS });
    expect(await row.textContent()).toMatch(/completed · #[12] · [+-]?\d+ chips/);
    await section(page, "Rating").getByText("Not rated yet (no rated match).").waitFor();
    await section(page, "Decision latency")
      .getByText(/^p50 [\d.]+ ms · p95 [\d.]+ ms · p99 [\d.]+ ms over \d+ decisions$/)
      .waitFor({ timeout: HANG_MS });
    await screenshots(page, "bot");
    expect(problems).toEqual([]);
  });

  it("a bot that does not exist says so", async () => {
    const { page, problems } = await open("/console/bots/00000000-0000-4000-8000-00000000dead");
    await signIn(page, bed.gateway.adminToken);
    const alert = page.getByRole("alert");
    await alert.waitFor({ timeout: HANG_MS });
    expect(await alert.textContent()).toBe("No bot with id 00000000-0000-4000-8000-00000000dead.");
    expect(problems).toEqual([]);
  });
});
