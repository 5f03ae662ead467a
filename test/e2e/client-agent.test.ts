// Proves the agent SDK (`AgentClient`) against the real Worker over real sockets: agents
// register with a WebCrypto key, talk in a channel and whisper (queued for an offline
// inbox, delivered when it opens); a network cut is resumed with exactly the missed
// messages, once each, in order; a restarted process resumes from its seq file; and a
// post in flight when the socket drops fails closed, its retry with the same id is stored once.
import { mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AgentClient,
  type AgentClientOptions,
  type AgentEvent,
} from "../../src/client/agent-client.ts";
import { generateAgentKey, registerAgent } from "../../src/client/agent-keys.ts";
import { RequestFailed } from "../../src/client/agent-link.ts";
import { createKeyFile, FileSeqStore, loadKeyFile } from "../../src/client/node.ts";
import { createChannel } from "../harness/agent.ts";
import { type CutProxy, startCutProxy } from "../harness/cut-proxy.ts";
import { type Gateway, startGateway } from "../harness/gateway.ts";
import { HANG_MS } from "../harness/until.ts";

let gateway: Gateway;
let proxy: CutProxy;
beforeAll(async () => {
  // Lifted agent rate limits, so a test can post more than one replay batch quickly.
  gateway = await startGateway({
    vars: { AGENT_RATE_PER_S: "100000", AGENT_RATE_BURST: "100000" },
  });
  proxy = await startCutProxy(gateway.url);
});
afterAll(async () => {
  await proxy?.close();
  await gateway?.close();
});

let users = 0;
/** Registers a new user with a WebCrypto key; returns the options of a client for it. */
async function newIdentity(
  session: string,
  origin = gateway.url.href,
): Promise<AgentClientOptions> {
  users += 1;
  const user = `agent${users}`;
  const key = await generateAgentKey();
  await registerAgent(gateway.url.href, { user, machine: "laptop", key });
  return { url: origin, user, machine: "laptop", key, session };
}

async function newAgent(session: string, options: { origin?: string; store?: FileSeqStore } = {}) {
  const identity = await newIdentity(session, options.origin);
  return new AgentClient({ ...identity, ...(options.store ? { store: options.store } : {}) });
}

/** Collects events and waits until `count` of them match. */
function collect(client: AgentClient, type: AgentEvent["type"]) {
  const seen: AgentEvent[] = [];
  const waiters: Array<() => void> = [];
  client.on((event) => {
    if (event.type === type) seen.push(event);
    for (const wake of waiters.splice(0)) wake();
  });
  return {
    seen,
    async atLeast(count: number, timeoutMs = HANG_MS): Promise<AgentEvent[]> {
      const deadline = Date.now() + timeoutMs;
      while (seen.length < count) {
        if (Date.now() > deadline) {
          throw new Error(`timed out waiting for ${count} ${type} events (have ${seen.length})`);
        }
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 100);
        });
      }
      return seen;
    },
  };
}

const texts = (events: AgentEvent[]) =>
  events.map((e) => (e.type === "message" ? (e.payload as { text: string }).text : ""));

describe("AgentClient against the real gateway", () => {
  it("talks in a channel and whispers to an offline session, delivered when its inbox opens", async () => {
    await createChannel(gateway, "lounge");
    const alice = await newAgent("main");
    const bob = await newAgent("main");
    const heard = collect(bob, "message");
    await alice.join("lounge");
    await bob.join("lounge");
    expect((await alice.who("lounge")).map((s) => s.path).sort()).toEqual(
      [alice.path, bob.path].sort(),
    );
    const ack = await alice.post("lounge", { text: "hello bob" });
    expect(ack.seq).toBeGreaterThan(0);
    expect(texts(await heard.atLeast(1))).toEqual(["hello bob"]);
    expect(heard.seen[0]).toMatchObject({ channel: "lounge", from: alice.path, seq: ack.seq });

    expect(await alice.whisper(bob.path, { text: "psst" })).toBe("queued");
    const whispers = collect(bob, "whisper");
    await bob.openInbox();
    expect((await whispers.atLeast(1))[0]).toMatchObject({
      from: alice.path,
      payload: { text: "psst" },
    });
    alice.close();
    bob.close();
  });

  it("resumes after a network cut with exactly the missed messages, once each, in order", async () => {
    await createChannel(gateway, "resume-room");
    const poster = await newAgent("poster");
    const reader = await newAgent("reader", { origin: proxy.origin });
    const got = collect(reader, "message");
    await poster.join("resume-room");
    await reader.join("resume-room");
    for (const n of [1, 2, 3]) await poster.post("resume-room", { text: `m${n}` });
    await got.atLeast(3);
    expect(proxy.cutAll()).toBeGreaterThan(0);
    for (const n of [4, 5, 6, 7, 8]) await poster.post("resume-room", { text: `m${n}` });
    await got.atLeast(8);
    // A channel delivers in order: a duplicate or a stray replay would arrive before this.
    await poster.post("resume-room", { text: "end" });
    await got.atLeast(9);
    expect(texts(got.seen)).toEqual(["m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8", "end"]);
    const seqs = got.seen.map((e) => (e.type === "message" ? e.seq : 0));
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    poster.close();
    reader.close();
  });

  it("resumes after a process restart from its seq file, and keeps its key file private", async () => {
    await createChannel(gateway, "restart-room");
    const dir = mkdtempSync(join(tmpdir(), "botgate-agent-"));
    const keyPath = join(dir, "agent.key.json");
    await createKeyFile(keyPath);
    expect(statSync(keyPath).mode & 0o777).toBe(0o600);
    const { key } = await loadKeyFile(keyPath);
    await registerAgent(gateway.url.href, { user: "restarter", machine: "box", key });
    const poster = await newAgent("poster");
    await poster.join("restart-room");
    const seqFile = join(dir, "seqs.json");
    const first = new AgentClient({
      url: gateway.url.href,
      user: "restarter",
      machine: "box",
      key,
      session: "s",
      store: new FileSeqStore(seqFile),
    });
    const before = collect(first, "message");
    await first.join("restart-room");
    await poster.post("restart-room", { text: "before" });
    await before.atLeast(1);
    first.close(); // the process "stops"
    for (const text of ["while-down-1", "while-down-2"])
      await poster.post("restart-room", { text });
    const second = new AgentClient({
      url: gateway.url.href,
      user: "restarter",
      machine: "box",
      key: (await loadKeyFile(keyPath)).key,
      session: "s",
      store: new FileSeqStore(seqFile),
    });
    const after = collect(second, "message");
    await second.join("restart-room");
    await after.atLeast(2);
    await poster.post("restart-room", { text: "end" }); // in order: anything extra comes first
    await after.atLeast(3);
    expect(texts(after.seen)).toEqual(["while-down-1", "while-down-2", "end"]);
    second.close();
    poster.close();
  });

  it("pages through a resume longer than one replay batch while the channel is busy, delivering every message once", async () => {
    await createChannel(gateway, "long-replay");
    const poster = await newAgent("poster");
    const dir = mkdtempSync(join(tmpdir(), "botgate-replay-"));
    const store = new FileSeqStore(join(dir, "seqs.json"));
    const identity = await newIdentity("reader");
    const reader = new AgentClient({ ...identity, store });
    await poster.join("long-replay");
    await reader.join("long-replay");
    // Listening before the post: its fan-out can reach the reader before the poster's ack.
    const first = collect(reader, "message");
    await poster.post("long-replay", { text: "m0" });
    await first.atLeast(1);
    reader.close();
    const total = 2_345; // more than two batches of 1,000
    for (let start = 1; start <= total; start += 50) {
      const batch = Array.from({ length: Math.min(50, total - start + 1) }, (_, i) =>
        poster.post("long-replay", { text: `m${start + i}` }),
      );
      await Promise.all(batch);
    }
    const again = new AgentClient({ ...identity, store: new FileSeqStore(join(dir, "seqs.json")) });
    const got = collect(again, "message");
    // The channel stays busy while the reader pages: live fan-out reaches its socket between
    // the pages, and must neither skip the pages still to come nor arrive twice.
    let paging = true;
    let live = 0;
    const busy = (async () => {
      while (paging) {
        live += 1;
        await poster.post("long-replay", { text: `live${live}` });
      }
    })();
    await again.join("long-replay");
    paging = false;
    await busy;
    await poster.post("long-replay", { text: "end" }); // in order: anything extra comes first
    await got.atLeast(total + live + 1, 30_000);
    expect(live).toBeGreaterThan(0);
    expect(texts(got.seen)).toEqual([
      ...Array.from({ length: total }, (_, i) => `m${i + 1}`),
      ...Array.from({ length: live }, (_, i) => `live${i + 1}`),
      "end",
    ]);
    again.close();
    poster.close();
  });

  it("fails a post in flight when the socket drops; the retry with the same id is stored once", async () => {
    await createChannel(gateway, "fail-closed");
    const writer = await newAgent("writer", { origin: proxy.origin });
    const watcher = await newAgent("watcher");
    const seen = collect(watcher, "message");
    await writer.join("fail-closed");
    await watcher.join("fail-closed");
    const inFlight = writer.post("fail-closed", { text: "important" }, { id: "post-1" });
    proxy.cutAll(); // before the event loop can deliver any ack
    const error = await inFlight.then(
      () => null,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(RequestFailed);
    expect((error as RequestFailed).code).toBe("connection_lost");
    // Retry once the link is back: the server stores the id once and acks it.
    let retried: { seq: number } | null = null;
    for (let attempt = 0; attempt < 100 && !retried; attempt += 1) {
      retried = await writer
        .post("fail-closed", { text: "important" }, { id: "post-1" })
        .catch(() => null);
      if (!retried) await new Promise((r) => setTimeout(r, 100));
    }
    expect(retried?.seq).toBeGreaterThan(0);
    await seen.atLeast(1);
    await writer.post("fail-closed", { text: "end" }); // a second copy would arrive before it
    await seen.atLeast(2);
    expect(texts(seen.seen)).toEqual(["important", "end"]);
    writer.close();
    watcher.close();
  });
});
