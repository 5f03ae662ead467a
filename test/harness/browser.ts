/**
 * Real-browser tests: Debian's Chromium (/usr/bin/chromium, `CHROMIUM_PATH` overrides) driven
 * headless by playwright-core (no browser download), a page that records every console error,
 * page error, dialog and failed response, and screenshots written to a git-ignored folder.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll } from "vitest";
import { type Gateway, startGateway } from "./gateway.ts";
import { HANG_MS } from "./until.ts";

export const SCREENSHOTS = fileURLToPath(new URL("../../.harness/screenshots", import.meta.url));

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

export const WIDE = { width: 1280, height: 900 } as const;
export const NARROW = { width: 390, height: 844 } as const;

export interface WatchedPage {
  context: BrowserContext;
  page: Page;
  /** Console errors, uncaught page errors, dialogs (an `alert` is an injection) and 4xx/5xx. */
  problems: string[];
  /** Every URL the page requested. */
  requests: string[];
}

export async function watchedPage(
  browser: Browser,
  viewport: { width: number; height: number } = WIDE,
): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const problems: string[] = [];
  const requests: string[] = [];
  page.on("request", (request) => requests.push(request.url()));
  page.on("pageerror", (error) => problems.push(`pageerror: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console: ${message.text()}`);
  });
  page.on("dialog", (dialog) => {
    problems.push(`dialog: ${dialog.type()} ${dialog.message()}`);
    void dialog.dismiss();
  });
  page.on("response", (response) => {
    if (response.status() >= 400) problems.push(`${response.status()} ${response.url()}`);
  });
  return { context, page, problems, requests };
}

/** Writes `<name>-wide.png` and `<name>-narrow.png` of the page as it is now. */
export async function screenshots(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const before = page.viewportSize() ?? WIDE;
  for (const [label, size] of [
    ["wide", WIDE],
    ["narrow", NARROW],
  ] as const) {
    await page.setViewportSize(size);
    await page.screenshot({ path: join(SCREENSHOTS, `${name}-${label}.png`), fullPage: true });
  }
  await page.setViewportSize(before);
}

/** Signs in on the console's form and waits until the operator socket is online. */
export async function signIn(page: Page, token: string): Promise<void> {
  await page.getByLabel("Operator or admin token").fill(token);
  await page.getByRole("button", { name: "Sign in" }).click();
  await online(page);
}

/** Waits until the console's connection status says `online`. */
export async function online(page: Page, timeout = HANG_MS): Promise<void> {
  await page
    .getByRole("status")
    .filter({ hasText: /^online$/ })
    .waitFor({ timeout });
}

/** A titled section (card) of a console page. */
export function section(page: Page, name: string) {
  return page.getByRole("region", { name });
}

/**
 * One real Worker and one Chromium for a test file (started together in `beforeAll`); every
 * page opened through `open` is closed after its test.
 */
export function consoleTestbed(): {
  readonly gateway: Gateway;
  open(path?: string): Promise<WatchedPage>;
} {
  let gateway: Gateway | undefined;
  let browser: Browser | undefined;
  const pages: WatchedPage[] = [];
  beforeAll(async () => {
    [gateway, browser] = await Promise.all([startGateway(), launchChromium()]);
  });
  afterEach(async () => {
    for (const watched of pages.splice(0)) await watched.context.close();
  });
  afterAll(async () => {
    await browser?.close();
    await gateway?.close();
  });
  const started = () => {
    if (!gateway || !browser) throw new Error("the console testbed has not started");
    return { gateway, browser };
  };
  return {
    get gateway() {
      return started().gateway;
    },
    async open(path = "/console/") {
      const { gateway, browser } = started();
      const watched = await watchedPage(browser);
      pages.push(watched);
      await watched.page.goto(new URL(path, gateway.url).href);
      return watched;
    },
  };
}
