// The web console in a real browser (Debian's Chromium through playwright-core) against the
// real Worker: served from the assets with a strict CSP, sign-in (a wrong token says so),
// the overview following presence live, a bot name that is HTML shown as text, a dropped
// socket shown as offline and reconnected, a seq gap answered with a fresh snapshot.

import type { Page, WebSocketRoute } from "playwright-core";
import { describe, expect, it } from "vitest";
import { consoleTestbed, online, screenshots, section, signIn } from "../harness/browser.ts";
import { api, createBotWithToken } from "../harness/gateway.ts";
import { HANG_MS } from "../harness/until.ts";
import { openLobby } from "./lobby-bot.ts";

const bed = consoleTestbed();
const open = bed.open;

/** The number in a section's heading (`Bots online 2`). */
async function count(page: Page, section: string): Promise<number> {
  const text = await page.getByRole("region", { name: section }).locator("h2 .count").textContent();
  return Number(text);
}

const XSS = "<img src=x onerror=alert(1)>";

/** Writes a bot's name straight into D1, past the API's name rule. */
async function renameBot(botId: string, name: string): Promise<void> {
  const env = (await bed.gateway.harness.getWorker().getEnv()) as {
    DB: { prepare(sql: string): { bind(...values: string[]): { run(): Promise<unknown> } } };
  };
  await env.DB.prepare("UPDATE bots SET name = ? WHERE id = ?").bind(name, botId).run();
}

describe("serving", () => {
  it("serves the console at /, /console/ and deep links, with a strict CSP; other methods 404", async () => {
    for (const path of [
      "/",
      "/console/",
      "/console/matches/00000000-0000-4000-8000-000000000000",
    ]) {
      const page = await fetch(new URL(path, bed.gateway.url));
      expect([path, page.status]).toEqual([path, 200]);
      expect(page.headers.get("content-type")).toMatch(/^text\/html/);
      const csp = page.headers.get("content-security-policy") ?? "";
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain("unsafe");
      expect(await page.text()).toContain('<script type="module" src="/console/app.js">');
    }
    const bundle = await fetch(new URL("/console/app.js", bed.gateway.url));
    expect(bundle.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    await bundle.arrayBuffer();
    const posted = await bed.gateway.fetch("/console/", { method: "POST", body: "{}" });
    expect(posted.status).toBe(404);
    // The API's own 404 is untouched by the console's fallback.
    const missing = await bed.gateway.fetch("/api/nothing-here");
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error_code: "NOT_FOUND" });
  });
});

describe("sign-in", () => {
  it("a wrong token shows a clear message and keeps nothing", async () => {
    const { page, problems } = await open();
    await page.getByLabel("Operator or admin token").fill("bgop_wrongwrongwrongwrongwrongwrong12");
    await page.getByRole("button", { name: "Sign in" }).click();
    const alert = page.getByRole("alert");
    await alert.waitFor({ timeout: HANG_MS });
    expect(await alert.textContent()).toContain("The gateway refused this token");
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    await screenshots(page, "sign-in-refused");
    expect(problems).toEqual([]);
  });

  it("an operator token signs in with its scopes, kept only in sessionStorage", async () => {
    const minted = await api(bed.gateway, "POST", "/api/operators/tokens", {
      body: { name: "console-reader", scopes: ["operator.read"] },
    });
    const token = (minted.body as { token: string }).token;
    const { page, problems, requests } = await open();
    await signIn(page, token);
    expect(await page.locator(".scopes").textContent()).toBe("operator.read");
    expect(await page.evaluate(() => Object.values(sessionStorage))).toEqual([token]);
    expect(await page.evaluate(() => localStorage.length)).toBe(0);
    expect(requests.filter((url) => url.includes(token))).toEqual([]);
    expect(await section(page, "Operators online").textContent()).toContain("console-reader");
    // Reloading the tab keeps the session; signing out forgets it.
    await page.reload();
    await online(page);
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByLabel("Operator or admin token").waitFor();
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    expect(problems).toEqual([]);
  });
});

describe("keyboard", () => {
  it("signs in and navigates with the keyboard only", async () => {
    const { page, problems } = await open("/console/");
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("token");
    await page.keyboard.type(bed.gateway.adminToken);
    await page.keyboard.press("Enter");
    await online(page);
    // Tab to the Channels link of the navigation and follow it with Enter.
    for (let i = 0; i < 10; i += 1) {
      await page.keyboard.press("Tab");
      if ((await page.evaluate(() => document.activeElement?.textContent)) === "Channels") break;
    }
    await page.keyboard.press("Enter");
    await page.waitForURL("**/console/channels");
    await page.getByText("Pick a channel.").waitFor({ timeout: HANG_MS });
    expect(problems).toEqual([]);
  });
});

describe("overview", () => {
  it("shows a bot coming online and going, its HTML name as text", async () => {
    const { page, problems } = await open();
    await signIn(page, bed.gateway.adminToken);
    await section(page, "Bots online").waitFor();
    const before = await count(page, "Bots online");
    // The API refuses such a name; a row written some other way must still be shown as text.
    const bot = await createBotWithToken(bed.gateway, "console-xss");
    await renameBot(bot.botId, XSS);
    const { lobby } = await openLobby(bed.gateway, bot);
    const entry = section(page, "Bots online").getByRole("link", { name: XSS });
    await entry.waitFor({ timeout: HANG_MS });
    expect(await count(page, "Bots online")).toBe(before + 1);
    expect(await page.locator("main img").count()).toBe(0);
    await screenshots(page, "overview");
    lobby.close();
    await entry.waitFor({ state: "detached", timeout: HANG_MS });
    expect(await count(page, "Bots online")).toBe(before);
    expect(problems).toEqual([]);
  });

  it("shows channels with their counts", async () => {
    const created = await api(bed.gateway, "POST", "/api/admin/channels", {
      body: { name: "console-ops", visibility: "public", topic: "ops" },
    });
    expect(created.status).toBe(201);
    const { page, problems } = await open();
    await signIn(page, bed.gateway.adminToken);
    const row = section(page, "Channels").locator("li", { hasText: "console-ops" });
    await row.waitFor({ timeout: HANG_MS });
    expect(await row.textContent()).toContain("0 online");
    expect(problems).toEqual([]);
  });
});

describe("connection", () => {
  it("shows offline when the socket drops and comes back with a fresh snapshot", async () => {
    const sockets: WebSocketRoute[] = [];
    const { page, problems } = await open("/console/");
    await page.routeWebSocket(/\/ws\/operator$/, (ws) => {
      sockets.push(ws);
      ws.connectToServer();
    });
    await signIn(page, bed.gateway.adminToken);
    expect(sockets).toHaveLength(1);
    await sockets[0]?.close({ code: 1012, reason: "test outage" });
    const offline = page.getByRole("status").filter({ hasText: /^offline — retrying in/ });
    await offline.waitFor({ timeout: HANG_MS });
    expect(await offline.textContent()).toContain("test outage");
    await screenshots(page, "offline");
    await online(page);
    expect(sockets).toHaveLength(2);
    expect(problems).toEqual([]);
  });

  it("a seq gap (an event lost) reconnects and the snapshot has what was missed", async () => {
    const sockets: WebSocketRoute[] = [];
    let dropped = 0;
    let lose: string | null = null;
    const { page, problems } = await open("/console/");
    await page.routeWebSocket(/\/ws\/operator$/, (ws) => {
      sockets.push(ws);
      const server = ws.connectToServer();
      server.onMessage((message) => {
        // Lose the presence event that says the first bot came online.
        const text = String(message);
        if (lose && text.includes('"event":"presence"') && text.includes(lose)) {
          lose = null;
          dropped += 1;
          return;
        }
        ws.send(message);
      });
    });
    await signIn(page, bed.gateway.adminToken);
    const first = await createBotWithToken(bed.gateway, "console-gap-1");
    const second = await createBotWithToken(bed.gateway, "console-gap-2");
    lose = `bot:${first.botId}`;
    const a = await openLobby(bed.gateway, first);
    // The first presence event is dropped: the console cannot know about bot 1 yet …
    await expect.poll(() => dropped, { timeout: HANG_MS }).toBe(1);
    // … until the next event shows the gap: it reconnects and the snapshot has both.
    const b = await openLobby(bed.gateway, second);
    const bots = section(page, "Bots online");
    await bots.getByRole("link", { name: "console-gap-1" }).waitFor({ timeout: HANG_MS });
    await bots.getByRole("link", { name: "console-gap-2" }).waitFor({ timeout: HANG_MS });
    expect(sockets).toHaveLength(2);
    a.lobby.close();
    b.lobby.close();
    expect(problems).toEqual([]);
  });
});
