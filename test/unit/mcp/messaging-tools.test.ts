// Proves the channel and whisper tools of `botgate mcp` through the real MCP client (over
// the SDK's in-memory transport) against a scripted AgentClient: every argument is
// validated with a plain message, every server refusal becomes a tool error that says what
// to do, and results read as the documented text with structured content beside it.
import { afterEach, describe, expect, it } from "vitest";
import { HttpError } from "../../../src/client/agent-keys.ts";
import { RequestFailed } from "../../../src/client/agent-link.ts";
import { type FakeAgent, type UnitBridge, unitBridge, until } from "./fakes.ts";

let b: UnitBridge;
afterEach(async () => {
  await b?.close();
});

const T = Date.UTC(2026, 0, 1, 10, 4, 5);
const msg = (channel: string, seq: number, text: unknown, from = "bob/box/mcp") => ({
  type: "message" as const,
  channel,
  seq,
  ts: T,
  from,
  payload: typeof text === "string" ? { text } : text,
});
const agent = () => b.agents[0] as FakeAgent;

describe("argument validation", () => {
  it("refuses missing, mistyped, malformed and unknown arguments with a plain message", async () => {
    b = await unitBridge();
    const cases: Array<[string, Record<string, unknown>, RegExp]> = [
      ["join", {}, /Invalid arguments for tool join: .*channel/s],
      ["join", { channel: 7 }, /expected string/],
      ["join", { channel: "Bad Name" }, /a channel name is 1–64 lowercase letters/],
      ["join", { channel: "x".repeat(65) }, /a channel name/],
      ["join", { channel: "ok", invite: "" }, /invite/],
      ["join", { channel: "ok", extra: true }, /Unrecognized key.*extra/i],
      ["post", { channel: "ok" }, /text/],
      ["post", { channel: "ok", text: "" }, /text must not be empty/],
      ["post", { channel: "ok", text: "x".repeat(16_385) }, /text/],
      ["read", { limit: 0 }, /limit/],
      ["read", { limit: 1.5 }, /limit|integer|int/i],
      ["read", { limit: 1001 }, /limit/],
      ["whisper", { to: "alice", text: "hi" }, /a session path is user\/machine\/session/],
      ["whisper", { to: "a/b/c" }, /text/],
      ["inbox", { limit: "ten" }, /expected number/],
      ["who", {}, /channel/],
      ["leave", { channel: null }, /channel/],
      ["channels", { server: "" }, /server/],
    ];
    for (const [tool, args, message] of cases) {
      const answer = await b.call(tool, args);
      expect(answer.isError, `${tool} ${JSON.stringify(args)} → ${answer.text}`).toBe(true);
      expect(answer.text).toMatch(message);
      expect(answer.text).not.toMatch(/\n\s+at /); // no stack
    }
    expect(agent().calls.filter(([name]) => name !== "openInbox")).toEqual([]);
  });

  it("names an unknown server and lists the configured ones", async () => {
    b = await unitBridge({ servers: ["http://127.0.0.1:8787", "https://gate.example"] });
    const answer = await b.call("join", { channel: "ops", server: "elsewhere:1" });
    expect(answer).toMatchObject({ isError: true });
    expect(answer.text).toBe(
      'unknown server "elsewhere:1"; this bridge is configured for http://127.0.0.1:8787, https://gate.example',
    );
    expect((await b.call("join", { channel: "ops", server: "gate.example" })).isError).toBe(false);
    expect((b.agents[1] as FakeAgent).calls).toContainEqual(["join", "ops", {}]);
  });
});

describe("join, leave and channels", () => {
  it("joins, reports the channel, and answers a second join with the same channel", async () => {
    b = await unitBridge({
      prepare: (a) => {
        a.joinAnswer = (channel) =>
          Promise.resolve({
            channel: { name: channel, visibility: "private", topic: "deploys" },
            seq: 41,
            admin: true,
          });
      },
    });
    const joined = await b.call("join", { channel: "ops", invite: "tok" });
    expect(joined.text).toBe(
      "Joined #ops (private, you are admin) — deploys.\nLatest seq 41; 0 unread messages waiting: call read.",
    );
    expect(joined.structured).toMatchObject({ name: "ops", seq: 41, admin: true, unread: 0 });
    expect(agent().calls).toContainEqual(["join", "ops", { invite: "tok" }]);
    agent().emit(msg("ops", 42, "hi"));
    const again = await b.call("join", { channel: "ops" });
    expect(again.text).toContain("1 unread message waiting");
    expect(agent().calls.filter(([n]) => n === "join")).toHaveLength(1);
  });

  it("turns refusals into sentences: unknown channel, forbidden, no answer in time", async () => {
    b = await unitBridge({
      waitMs: 100,
      prepare: (a) => {
        a.joinAnswer = (channel) => {
          if (channel === "gone")
            return Promise.reject(new RequestFailed("close_4004", "refused: 4004 not_found"));
          if (channel === "secret")
            return Promise.reject(new RequestFailed("close_4003", "refused: 4003"));
          if (channel === "badkey")
            return Promise.reject(new RequestFailed("close_4001", "refused: 4001"));
          return new Promise(() => {});
        };
      },
    });
    expect((await b.call("join", { channel: "gone" })).text).toBe(
      "there is no channel #gone on http://127.0.0.1:8787",
    );
    expect((await b.call("join", { channel: "secret" })).text).toMatch(
      /^access to #secret refused: it is private \(ask a channel admin for an invite\) or you are banned$/,
    );
    expect((await b.call("join", { channel: "badkey" })).text).toMatch(/refused this agent's key/);
    const slow = await b.call("join", { channel: "slow" });
    expect(slow).toMatchObject({ isError: true });
    expect(slow.text).toBe(
      "could not reach http://127.0.0.1:8787 within 100 ms to join #slow; is the server up?",
    );
    // A failed join leaves nothing behind: its link is closed.
    expect(agent().calls).toContainEqual(["leave", "slow"]);
  });

  it("leaves a joined channel, refuses to leave one it is not in", async () => {
    b = await unitBridge();
    expect((await b.call("leave", { channel: "ops" })).text).toBe("not in #ops: call join first");
    await b.call("join", { channel: "ops" });
    expect((await b.call("leave", { channel: "ops" })).text).toBe("Left #ops.");
    expect((await b.call("post", { channel: "ops", text: "x" })).text).toBe(
      "not in #ops: call join first",
    );
  });

  it("lists visible channels with joined, unread and admin marks; a refused listing is a plain error", async () => {
    let fail = false;
    b = await unitBridge({
      list: () =>
        fail
          ? Promise.reject(new HttpError(401, "UNAUTHORIZED", "channel list refused: HTTP 401"))
          : Promise.resolve([
              { name: "general", visibility: "public", topic: "hello" },
              { name: "random", visibility: "public", topic: "" },
            ]),
    });
    await b.call("join", { channel: "general" });
    agent().emit(msg("general", 1, "a"));
    agent().emit(msg("general", 2, "b"));
    const listed = await b.call("channels");
    expect(listed.text).toBe(
      "#general (public, joined, 2 unread) — hello\n#random (public, not joined)",
    );
    fail = true;
    expect(await b.call("channels")).toMatchObject({
      isError: true,
      text: "the server refused this agent's credentials (401)",
    });
  });
});

describe("post", () => {
  it("posts text as {text} and reports the stored seq", async () => {
    b = await unitBridge();
    await b.call("join", { channel: "ops" });
    const posted = await b.call("post", { channel: "ops", text: "deploy done" });
    expect(posted.text).toBe("Posted to #ops as seq 1 at 10:04:05 UTC.");
    expect(posted.structured).toEqual({ channel: "ops", seq: 1, ts: T });
    const call = agent().calls.find(([n]) => n === "post");
    expect(call?.[2]).toEqual({ text: "deploy done" });
    expect(call?.[3]).toMatch(/^mcp-post-/);
  });

  it("refuses a message whose frame the server would refuse (and close the socket for)", async () => {
    b = await unitBridge();
    await b.call("join", { channel: "ops" });
    const answer = await b.call("post", { channel: "ops", text: "é".repeat(8200) });
    expect(answer.isError).toBe(true);
    expect(answer.text).toMatch(
      /^the message is too long: 16\d{3} bytes as a frame, the server accepts 16384; split it into several$/,
    );
    expect(agent().calls.some(([n]) => n === "post")).toBe(false);
  });

  it("retries with the same id while the link is down, then gives up with a plain message", async () => {
    let attempts = 0;
    b = await unitBridge({
      waitMs: 600,
      prepare: (a) => {
        a.postAnswer = () => {
          attempts += 1;
          return attempts < 3
            ? Promise.reject(new RequestFailed("connection_lost", "dropped"))
            : Promise.resolve({ id: "x", seq: 9, ts: T });
        };
      },
    });
    await b.call("join", { channel: "ops" });
    expect((await b.call("post", { channel: "ops", text: "x" })).text).toContain("as seq 9");
    const ids = new Set(
      agent()
        .calls.filter(([n]) => n === "post")
        .map((c) => c[3]),
    );
    expect([attempts, ids.size]).toEqual([3, 1]);
    agent().postAnswer = () => Promise.reject(new RequestFailed("not_connected", "down"));
    expect((await b.call("post", { channel: "ops", text: "y" })).text).toBe(
      "not connected to the server right now (the bridge keeps reconnecting): try again shortly",
    );
    agent().postAnswer = () => Promise.reject(new RequestFailed("forbidden", "Banned"));
    expect((await b.call("post", { channel: "ops", text: "z" })).text).toBe("not allowed: Banned");
  });

  it("reports an unexpected failure without its details, and keeps working", async () => {
    b = await unitBridge();
    await b.call("join", { channel: "ops" });
    agent().postAnswer = () => Promise.reject(new Error("secret internal detail"));
    const answer = await b.call("post", { channel: "ops", text: "x" });
    expect(answer.text).toBe(
      "the bridge failed unexpectedly (details in its log on stderr); the other tools still work",
    );
    agent().postAnswer = () => Promise.resolve({ id: "x", seq: 2, ts: T });
    expect((await b.call("post", { channel: "ops", text: "x" })).isError).toBe(false);
  });
});

describe("read", () => {
  it("returns new messages once each, in order, with seq, time, sender and text", async () => {
    b = await unitBridge();
    await b.call("join", { channel: "ops" });
    agent().emit(msg("ops", 3, "first"));
    agent().emit(msg("ops", 4, { kind: "status", ok: true }));
    const read = await b.call("read", { channel: "ops" });
    expect(read.text).toBe(
      [
        "#ops: 2 new messages",
        "  seq 3 [10:04:05] bob/box/mcp: first",
        '  seq 4 [10:04:05] bob/box/mcp: {"kind":"status","ok":true}',
      ].join("\n"),
    );
    expect(read.structured).toEqual({
      channels: [
        {
          server: "http://127.0.0.1:8787",
          channel: "ops",
          messages: [
            { seq: 3, ts: T, from: "bob/box/mcp", text: "first", payload: { text: "first" } },
            {
              seq: 4,
              ts: T,
              from: "bob/box/mcp",
              text: '{"kind":"status","ok":true}',
              payload: { kind: "status", ok: true },
            },
          ],
          more: 0,
        },
      ],
    });
    expect(b.store.get("http://127.0.0.1:8787 channel:ops")).toBe(4);
    expect((await b.call("read", { channel: "ops" })).text).toBe("#ops: no new messages");
  });

  it("pages with limit and commits only what it returned", async () => {
    b = await unitBridge();
    await b.call("join", { channel: "ops" });
    for (const seq of [1, 2, 3]) agent().emit(msg("ops", seq, `m${seq}`));
    const first = await b.call("read", { channel: "ops", limit: 2 });
    expect(first.text.split("\n")[0]).toBe("#ops: 2 new messages (1 more waiting: read again)");
    expect(b.store.get("http://127.0.0.1:8787 channel:ops")).toBe(2);
    const rest = await b.call("read", { channel: "ops", limit: 2 });
    expect(rest.text).toContain("seq 3");
    expect(b.store.get("http://127.0.0.1:8787 channel:ops")).toBe(3);
  });

  it("reads every joined channel when none is named, and says when none is joined", async () => {
    b = await unitBridge();
    expect((await b.call("read")).text).toBe(
      "You have not joined any channel: call channels, then join.",
    );
    await b.call("join", { channel: "ops" });
    await b.call("join", { channel: "dev" });
    agent().emit(msg("dev", 7, "build green"));
    expect((await b.call("read")).text).toBe(
      "#ops: no new messages\n#dev: 1 new message\n  seq 7 [10:04:05] bob/box/mcp: build green",
    );
  });

  it("says once that retention pruned messages, and once that the server closed the channel", async () => {
    b = await unitBridge();
    await b.call("join", { channel: "ops" });
    agent().emit({ type: "gap", channel: "ops", from_seq: 120 });
    agent().emit(msg("ops", 120, "kept"));
    const read = await b.call("read", { channel: "ops" });
    expect(read.text.split("\n")[0]).toBe(
      "! #ops: older entries were pruned by retention; the oldest kept is seq 120",
    );
    expect(read.structured?.channels).toMatchObject([{ gap_from_seq: 120 }]);
    agent().emit({
      type: "closed",
      channel: "ops",
      code: 4010,
      reason: "Kicked by a channel admin",
    });
    const closed = await b.call("read");
    expect(closed.text).toBe(
      "#ops: no new messages\n! #ops was closed by the server: removed by the server (kicked, banned, dropped from the ACL, or the key was revoked)",
    );
    expect((await b.call("read")).text).toBe(
      "You have not joined any channel: call channels, then join.",
    );
  });

  it("moves the read point past its own posts once everything shown was read", async () => {
    b = await unitBridge();
    await b.call("join", { channel: "ops" });
    agent().emit(msg("ops", 5, "theirs"));
    // The SDK delivered seq 6 (our own post) to the store but not as an event.
    await agent().options.store?.set("channel:ops", 6);
    await b.call("read", { channel: "ops" });
    expect(b.store.get("http://127.0.0.1:8787 channel:ops")).toBe(6);
  });
});

describe("calls that race the start", () => {
  it("a read, post or who waits for a join still in flight", async () => {
    let finish: (() => void) | undefined;
    b = await unitBridge({
      prepare: (a) => {
        a.joinAnswer = (channel) =>
          new Promise((resolve) => {
            finish = () =>
              resolve({
                channel: { name: channel, visibility: "public", topic: "" },
                seq: 3,
                admin: false,
              });
          });
      },
    });
    const joining = b.call("join", { channel: "ops" });
    await until(() => finish !== undefined, "the join to start");
    const reading = b.call("read", { channel: "ops" });
    const posting = b.call("post", { channel: "ops", text: "early" });
    finish?.();
    expect((await joining).isError).toBe(false);
    expect((await reading).text).toBe("#ops: no new messages");
    expect((await posting).isError).toBe(false);
    expect(agent().calls.filter(([n]) => n === "join")).toHaveLength(1);
  });

  it("inbox waits for the inbox to open, so the whispers queued meanwhile are in the first answer", async () => {
    let open: (() => void) | undefined;
    b = await unitBridge({
      prepare: (a) => {
        a.inboxAnswer = () =>
          new Promise((resolve) => {
            open = () => {
              a.emit({
                type: "whisper",
                seq: 1,
                ts: T,
                from: "bob/box/mcp",
                payload: { text: "queued" },
              });
              resolve({ admin: false });
            };
          });
      },
    });
    const reading = b.call("inbox");
    await until(() => open !== undefined, "the inbox to be opening");
    open?.();
    expect((await reading).text).toBe(
      "inbox: 1 new whisper\n  seq 1 [10:04:05] bob/box/mcp: queued",
    );
  });

  it("reports one server's inbox as unavailable without failing the others", async () => {
    b = await unitBridge({
      servers: ["http://127.0.0.1:8787", "http://127.0.0.1:9"],
      waitMs: 100,
      prepare: (a) => {
        if (a.options.url.endsWith(":9")) a.inboxAnswer = () => new Promise(() => {});
      },
    });
    expect((await b.call("inbox")).text).toBe(
      [
        "inbox on http://127.0.0.1:8787: no new whispers",
        "! inbox on http://127.0.0.1:9: the inbox on http://127.0.0.1:9 is not open yet (the server may be down; the bridge keeps trying)",
      ].join("\n"),
    );
    expect(await b.call("inbox", { server: "127.0.0.1:9" })).toMatchObject({ isError: true });
  });
});

describe("who, whisper and inbox", () => {
  it("lists who is present and marks this session", async () => {
    b = await unitBridge({
      prepare: (a) => {
        a.whoAnswer = () =>
          Promise.resolve([
            { path: "ann/box/mcp", since: T },
            { path: "bob/box/mcp", since: T },
          ]);
      },
    });
    await b.call("join", { channel: "ops" });
    expect((await b.call("who", { channel: "ops" })).text).toBe(
      "2 in #ops:\n  ann/box/mcp (you) since 10:04:05 UTC\n  bob/box/mcp since 10:04:05 UTC",
    );
  });

  it("whispers (delivered or queued) and names an unknown target", async () => {
    b = await unitBridge();
    expect((await b.call("whisper", { to: "bob/box/mcp", text: "hi" })).text).toBe(
      "Whispered to bob/box/mcp (queued: they get it when their session connects).",
    );
    agent().whisperAnswer = () => Promise.resolve("delivered");
    expect((await b.call("whisper", { to: "bob/box/mcp", text: "hi" })).structured).toEqual({
      to: "bob/box/mcp",
      status: "delivered",
    });
    agent().whisperAnswer = () => Promise.reject(new RequestFailed("not_found", "Unknown target"));
    expect((await b.call("whisper", { to: "zed/box/mcp", text: "hi" })).text).toBe(
      "no such user or machine for zed/box/mcp (any session name of an existing machine works)",
    );
  });

  it("reads whispers once each, and says when the inbox was closed for good", async () => {
    b = await unitBridge();
    await until(() => agent().calls.some(([n]) => n === "openInbox"), "the inbox to open");
    agent().emit({
      type: "whisper",
      seq: 1,
      ts: T,
      from: "bob/box/mcp",
      payload: { text: "psst" },
    });
    expect((await b.call("inbox")).text).toBe(
      "inbox: 1 new whisper\n  seq 1 [10:04:05] bob/box/mcp: psst",
    );
    expect(b.store.get("http://127.0.0.1:8787 inbox")).toBe(1);
    expect((await b.call("inbox")).text).toBe("inbox: no new whispers");
    agent().emit({ type: "closed", channel: null, code: 4011, reason: "superseded" });
    const closed = await b.call("inbox");
    expect(closed.text).toContain(
      "inbox was closed by the server: another connection with the same session path took over",
    );
    const after = await b.call("inbox");
    expect(after).toMatchObject({ isError: true });
    expect(after.text).toMatch(
      /^the inbox on http:\/\/127\.0\.0\.1:8787 is closed: another connection/,
    );
    expect((await b.call("whisper", { to: "bob/box/mcp", text: "x" })).text).toMatch(
      /^the inbox on http:\/\/127\.0\.0\.1:8787 is closed: another connection with the same session path/,
    );
  });
});

describe("resources and notifications", () => {
  it("lists joined channels as resources, notifies subscribers, and reading does not mark read", async () => {
    b = await unitBridge();
    await b.call("join", { channel: "ops" });
    const { resources } = await b.client.listResources();
    expect(resources.map((r) => r.uri).sort()).toEqual([
      "botgate://127.0.0.1:8787/channels/ops",
      "botgate://127.0.0.1:8787/inbox",
    ]);
    await b.client.subscribeResource({ uri: "botgate://127.0.0.1:8787/channels/ops" });
    agent().emit(msg("ops", 1, "ping"));
    await until(
      () => b.notifications.some((n) => n.method === "notifications/resources/updated"),
      "the resources/updated notification",
    );
    expect(
      b.notifications.find((n) => n.method === "notifications/resources/updated")?.params,
    ).toEqual({
      uri: "botgate://127.0.0.1:8787/channels/ops",
    });
    const peeked = await b.client.readResource({ uri: "botgate://127.0.0.1:8787/channels/ops" });
    expect(peeked.contents[0]).toMatchObject({
      text: "1 unread (read them with the read tool):\nseq 1 [10:04:05] bob/box/mcp: ping",
    });
    expect((await b.call("read", { channel: "ops" })).text).toContain("seq 1");
    // Not subscribed: no notification for the inbox.
    agent().emit({ type: "whisper", seq: 1, ts: T, from: "bob/box/mcp", payload: { text: "x" } });
    await b.client.unsubscribeResource({ uri: "botgate://127.0.0.1:8787/channels/ops" });
    agent().emit(msg("ops", 2, "pong"));
    await b.call("read", { channel: "ops" });
    expect(
      b.notifications.filter((n) => n.method === "notifications/resources/updated"),
    ).toHaveLength(1);
  });
});
