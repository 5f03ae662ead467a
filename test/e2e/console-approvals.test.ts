import { afterEach, describe, expect, it } from "vitest";
import { consoleTestbed, screenshots, section, signIn } from "../harness/browser.ts";
import { api } from "../harness/gateway.ts";
import { registerSled, TestSled } from "../harness/sled.ts";
import { HANG_MS } from "../harness/until.ts";

const bed = consoleTestbed();
const open = bed.open;
const sleds: TestSled[] = [];
afterEach(() => {
  for (const sled of sleds.splice(0)) sled.close();
});

async function sled(project: string): Promise<TestSled> {
  const connected = await TestSled.connect(bed.gateway, {
    token: await registerSled(bed.gateway, project),
    project,
  });
  sleds.push(connected);
  return connected;
}

const XSS = "<img src=x onerror=alert(1)>";

describe("approvals", () => {
  it("shows a sled's request live; Deny and Allow always reach the sled; outcome, who, history", async () => {
    const huskies = await sled("huskies");
    const { page, problems } = await open("/console/approvals");
    await signIn(page, bed.gateway.adminToken);
    await page.getByText("Nothing is waiting for an answer.").waitFor({ timeout: HANG_MS });

    const asked = Date.now();
    huskies.ask("r1", "Bash", { command: XSS });
    const request = page.getByRole("article", { name: "Approval Bash" });
    await request.waitFor({ timeout: HANG_MS });
    const shownAfterMs = Date.now() - asked;
    console.log(`approval shown ${shownAfterMs} ms after the sled asked`);
    expect(await request.locator("pre").textContent()).toContain(`"command": "${XSS}"`);
    expect(await page.locator("main img").count()).toBe(0);
    expect(await section(page, "Pending approvals").locator("h2 .count").textContent()).toBe("1");
    await screenshots(page, "approvals-pending");

    await request.getByRole("button", { name: "Deny" }).click();
    expect(await huskies.verdict("r1")).toEqual({ approved: false, always_allow: false });
    const answers = page.getByRole("list", { name: "Your answers" });
    await answers
      .getByText("Bash on huskies: denied by operator:admin")
      .waitFor({ timeout: HANG_MS });
    await request.waitFor({ state: "detached", timeout: HANG_MS });

    huskies.ask("r2", "Write", { path: "notes.txt" });
    const second = page.getByRole("article", { name: "Approval Write" });
    await second.waitFor({ timeout: HANG_MS });
    await second.getByRole("button", { name: "Allow always" }).click();
    expect(await huskies.verdict("r2")).toEqual({ approved: true, always_allow: true });
    expect(huskies.verdictsFor("r1")).toHaveLength(1);

    const history = page.getByRole("table", { name: "Approval history" });
    await history.locator("tbody tr").nth(1).waitFor({ timeout: HANG_MS });
    const rows = await history.locator("tbody tr").allTextContents();
    expect(rows[0]).toMatch(/huskies: Write .*allowed \(allow-always\) · user.*operator:admin/);
    expect(rows[1]).toMatch(/huskies: Bash .*denied \(deny\) · user.*operator:admin/);
    await screenshots(page, "approvals-history");
    expect(problems).toEqual([]);
  });

  it("the overview counts pending approvals and lists the sled", async () => {
    const ops = await sled("ops-sled");
    const { page, problems } = await open("/console/");
    await signIn(page, bed.gateway.adminToken);
    await section(page, "Sleds").getByText("ops-sled").waitFor({ timeout: HANG_MS });
    const count = section(page, "Pending approvals").locator("h2 .count");
    ops.ask("q1", "Deploy", { env: "prod" });
    await page.waitForFunction(
      (before) =>
        document.querySelector('[aria-label="Pending approvals"] h2 .count')?.textContent !==
        before,
      await count.textContent(),
      { timeout: HANG_MS },
    );
    await screenshots(page, "overview-sleds");
    await page.getByRole("link", { name: "Open approvals" }).click();
    await page
      .getByRole("article", { name: "Approval Deploy" })
      .getByRole("button", { name: "Allow once" })
      .click();
    expect(await ops.verdict("q1")).toEqual({ approved: true, always_allow: false });
    expect(problems).toEqual([]);
  });

  it("a token without operator.approvals is told it cannot answer", async () => {
    const minted = await api(bed.gateway, "POST", "/api/operators/tokens", {
      body: { name: "no-approvals", scopes: ["operator.read"] },
    });
    const { page, problems } = await open("/console/approvals");
    await signIn(page, (minted.body as { token: string }).token);
    const alert = page.getByRole("alert");
    await alert.waitFor({ timeout: HANG_MS });
    expect(await alert.textContent()).toContain("no operator.approvals scope");
    expect(await page.getByRole("link", { name: "Approvals" }).count()).toBe(0);
    expect(problems).toEqual([]);
  });
});
