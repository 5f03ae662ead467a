// Proves presence inside workerd (agent channels §6): batched diffs, who with its version,
// one socket per session path (4011 supersede), the auto-responded ping, the heartbeat
// sweep that closes silent sockets with 4000, and no ghosts after the object crashes.

import { evictDurableObject, runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { atTime, type Frame, join, newAgent, newChannel, type Session } from "./channel-agent";

/** Collects presence frames until `done` holds for the union of their joined/left lists. */
async function presenceUntil(
  session: Session,
  done: (joined: Set<string>, left: Set<string>) => boolean,
): Promise<Frame[]> {
  const frames: Frame[] = [];
  const joined = new Set<string>();
  const left = new Set<string>();
  while (!done(joined, left)) {
    const frame = await session.socket.nextOf("presence");
    frames.push(frame);
    for (const path of frame.joined as string[]) joined.add(path);
    for (const path of frame.left as string[]) left.add(path);
  }
  return frames;
}

async function who(session: Session): Promise<Frame> {
  session.socket.send({ type: "who" });
  return session.socket.nextOf("who");
}

describe("presence diffs", () => {
  it("batches many joins into one frame instead of one per socket", async () => {
    const channel = await newChannel();
    const stub = env.CHANNEL.getByName(channel);
    const agent = await newAgent();
    const sessions = ["obs", "a", "b", "c", "d", "e", "f"];
    // The joins happen on a clock an hour ahead, so the batch is due only when we say.
    const later = Date.now() + 3_600_000;
    const joined = await atTime(later, () =>
      Promise.all(sessions.map((session) => join(agent, channel, { session }))),
    );
    const observer = joined[0] as Session;
    expect(observer.socket.unread.filter((f) => f.type === "presence")).toEqual([]);
    await atTime(later + 1_000, () => runDurableObjectAlarm(stub));
    expect(await observer.socket.nextOf("presence")).toEqual({
      type: "presence",
      joined: sessions.map((s) => `${agent.user}/m1/${s}`).sort(),
      left: [],
      version: 1,
    });
  });

  it("announces a closed socket as left, and who reflects it with a higher version", async () => {
    const channel = await newChannel();
    const stay = await join(await newAgent(), channel, { session: "stay" });
    const goer = await join(await newAgent(), channel, { session: "go" });
    const goerPath = String(goer.established.path);
    const before = await who(stay);
    expect((before.sessions as Array<{ path: string }>).map((s) => s.path)).toContain(goerPath);
    expect(before.sessions).toEqual(
      expect.arrayContaining([{ path: goerPath, since: expect.any(Number) }]),
    );
    goer.socket.close();
    const frames = await presenceUntil(stay, (_joined, left) => left.has(goerPath));
    expect(frames.at(-1)).toMatchObject({ joined: [], left: [goerPath] });
    const after = await who(stay);
    expect((after.sessions as Array<{ path: string }>).map((s) => s.path)).not.toContain(goerPath);
    expect(Number(after.version)).toBeGreaterThan(Number(before.version));
    expect(after.version).toBe(frames.at(-1)?.version);
  });

  it("keeps different sessions of one user as separate presences", async () => {
    const channel = await newChannel();
    const agent = await newAgent();
    const one = await join(agent, channel, { session: "one" });
    await join(agent, channel, { session: "two" });
    const list = await who(one);
    expect((list.sessions as Array<{ path: string }>).map((s) => s.path)).toEqual([
      `${agent.user}/m1/one`,
      `${agent.user}/m1/two`,
    ]);
  });
});

describe("one socket per session path", () => {
  it("supersedes the older socket with an error and 4011, and presence does not flicker", async () => {
    const channel = await newChannel();
    const observer = await join(await newAgent(), channel, { session: "obs" });
    const agent = await newAgent();
    const older = await join(agent, channel, { session: "dup" });
    const path = String(older.established.path);
    await presenceUntil(observer, (joined) => joined.has(path));
    const newer = await join(agent, channel, { session: "dup" });
    expect(await older.socket.nextOf("error")).toMatchObject({ code: "superseded" });
    expect((await older.socket.closed()).code).toBe(4011);
    const list = await who(newer);
    expect((list.sessions as Array<{ path: string }>).filter((s) => s.path === path)).toHaveLength(
      1,
    );
    // who flushed any pending diff: nothing about the path was announced after its join.
    const later = observer.socket.unread.filter((f) => f.type === "presence");
    expect(
      later.flatMap((f) => [...(f.joined as string[]), ...(f.left as string[])]),
    ).not.toContain(path);
  });
});

describe("heartbeat", () => {
  it("answers the exact ping text with pong without an error", async () => {
    const channel = await newChannel();
    const session = await join(await newAgent(), channel, { session: "p" });
    session.socket.send('{"type":"ping"}');
    expect(await session.socket.next()).toEqual({ type: "pong" });
    // A ping spelled differently reaches the object and is answered too.
    session.socket.send('{ "type": "ping" }');
    expect(await session.socket.nextOf("pong")).toEqual({ type: "pong" });
  });

  it("closes sockets silent for 75 s with 4000, keeps the ones that pinged, and updates presence", async () => {
    const channel = await newChannel();
    const stub = env.CHANNEL.getByName(channel);
    const started = Date.now();
    const silent = await join(await newAgent(), channel, { session: "silent" });
    const alive = await join(await newAgent(), channel, { session: "alive" });
    const silentPath = String(silent.established.path);
    await presenceUntil(alive, (joined) => joined.has(silentPath));
    // At +60 s the live one pings (a ping that reaches the object, so its time is ours).
    await atTime(started + 60_000, async () => {
      alive.socket.send('{ "type": "ping" }');
      await alive.socket.nextOf("pong");
    });
    // At +76 s the sweep runs: the silent socket is past 75 s, the other is not.
    await atTime(started + 76_000, () => runDurableObjectAlarm(stub));
    const closed = await silent.socket.closed();
    expect(closed).toEqual({ code: 4000, reason: "heartbeat missed" });
    expect(alive.socket.isClosed).toBe(false);
    // The presence batch the sweep scheduled falls due on the same (moved) clock.
    await atTime(started + 77_000, () => runDurableObjectAlarm(stub));
    const frames = await presenceUntil(alive, (_joined, left) => left.has(silentPath));
    expect(frames.at(-1)?.left).toEqual([silentPath]);
  });
});

describe("no ghosts after a crash", () => {
  it("drops presence of sockets that did not survive the object", async () => {
    const channel = await newChannel();
    const stub = env.CHANNEL.getByName(channel);
    await join(await newAgent(), channel, { session: "gone1" });
    await join(await newAgent(), channel, { session: "gone2" });
    // The object dies and takes its sockets with it: no close events ever run.
    await evictDurableObject(stub, { webSockets: "close" });
    const fresh = await join(await newAgent(), channel, { session: "fresh" });
    const list = await who(fresh);
    expect((list.sessions as Array<{ path: string }>).map((s) => s.path)).toEqual([
      String(fresh.established.path),
    ]);
  });
});
