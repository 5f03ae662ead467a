// Proves the agent SDK's resume against a scripted server: a replay longer than one batch
// is paged with `history`, and a live message fanned out to the socket while those pages
// are still coming (the server adds a socket to its live set when it is established, not
// when it has caught up) neither skips the entries between the last page and itself nor is
// delivered twice. Before the fix the live entry moved the link's `seq` past the unpaged
// range and every later page was dropped as already seen.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocketServer } from "ws";
import { generateAgentKey } from "../../../src/client/agent-keys.ts";
import { AgentLink, type Delivery, MemorySeqStore } from "../../../src/client/agent-link.ts";
import { until } from "../../harness/until.ts";

const servers: Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

const entry = (seq: number) => ({
  seq,
  ts: 1_800_000_000_000 + seq,
  from: "a/b/c",
  payload: { n: seq },
});
const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => entry(from + i));

/**
 * A channel holding entries 1..`latest` that replays two per batch and, right after the
 * first batch's `caught_up` (and again after the first page), fans out a live message.
 */
async function pagingChannel(latest: number) {
  const wss = new WebSocketServer({ noServer: true });
  const server = createServer();
  const historyAsked: number[] = [];
  let stored = latest;
  server.on("upgrade", (request, socket, head) => {
    wss.handleUpgrade(request, socket, head, (ws) => {
      const send = (frame: object) => ws.send(JSON.stringify(frame));
      const live = () => {
        stored += 1;
        send({ type: "message", ...entry(stored) });
      };
      let since = 0;
      ws.on("message", (data) => {
        const frame = JSON.parse(String(data)) as Record<string, unknown>;
        if (frame.type === "hello") {
          since = Number(frame.since_seq ?? 0);
          send({ type: "challenge", nonce: "n1" });
        } else if (frame.type === "auth") {
          send({ type: "established", path: "a/b/me", admin: false, seq: stored });
          for (const e of range(since + 1, since + 2)) send({ type: "message", ...e });
          send({ type: "caught_up", seq: stored, gap: false, more: true });
          live();
        } else if (frame.type === "history") {
          const after = Number(frame.after_seq);
          historyAsked.push(after);
          const to = Math.min(after + 2, stored);
          send({
            type: "history",
            id: frame.id,
            messages: range(after + 1, to),
            more: to < stored,
          });
          if (historyAsked.length === 1) live();
        }
      });
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { origin: `http://127.0.0.1:${port}`, historyAsked, stored: () => stored };
}

describe("a resume paged over several history batches", () => {
  it("delivers every entry once, in order, when live messages arrive between the pages", async () => {
    const channel = await pagingChannel(9);
    const store = new MemorySeqStore();
    store.set("channel:ops", 1);
    const delivered: Delivery[] = [];
    const link = new AgentLink({
      origin: channel.origin,
      path: "/ws/channel/ops",
      storeKey: "channel:ops",
      user: "me",
      machine: "box",
      session: "s",
      key: await generateAgentKey(),
      store,
      log: () => {},
      connectAttempts: 3,
      onDelivery: (d) => delivered.push(d),
      onFrame: () => {},
      onClosed: () => {},
    });
    await link.start();
    // 9 stored + 2 fanned out live while paging: entries 2..11 after the resume point 1.
    // `start` resolves once the pages are done; the last live entry is in the last page.
    await until(() => delivered.find((d) => d.seq === 11), "the last live entry");
    link.close();
    expect(channel.stored()).toBe(11);
    expect(delivered.map((d) => d.seq)).toEqual(range(2, 11).map((e) => e.seq));
    expect(await store.get("channel:ops")).toBe(11);
    // Paged from where the pages (not the live entries) had got to.
    expect(channel.historyAsked[0]).toBe(3);
  });
});
