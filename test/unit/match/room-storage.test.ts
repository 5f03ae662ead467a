/**
 * The match room over real SQLite (`node:sqlite`) with a scripted host, two instant bots
 * and no sockets: the state it keeps in memory is always what SQLite holds (a second store
 * reading the same database sees the same), a turn costs one statement, and a rolled-back
 * event leaves memory, storage and the sockets as they were.
 */
import { DatabaseSync, type SQLInputValue } from "node:sqlite";
import { describe, expect, it } from "vitest";
import type { Sql } from "../../../src/channels/sql.ts";
import { resolveMatchConfig } from "../../../src/match/config.ts";
import { gameConfig } from "../../../src/match/frames.ts";
import type { ConnInfo } from "../../../src/match/handshake.ts";
import { countMessage } from "../../../src/match/limits.ts";
import { ALARM_OVERDUE_MS } from "../../../src/match/room/outbound.ts";
import { type Conn, MatchRoom } from "../../../src/match/room.ts";
import { MatchStore } from "../../../src/match/store.ts";
import { createMatch } from "../../../src/poker/index.ts";

/** `SqlStorage` over one in-memory database, counting the statements it runs. */
function sqlite() {
  const db = new DatabaseSync(":memory:");
  const counter = { statements: 0 };
  const sql = {
    exec(query: string, ...bindings: SQLInputValue[]) {
      counter.statements += 1;
      let rows: unknown[] = [];
      if (bindings.length === 0 && query.includes(";")) {
        db.exec(query);
      } else {
        const statement = db.prepare(query);
        if (statement.columns().length > 0) rows = statement.all(...bindings);
        else statement.run(...bindings);
      }
      return { toArray: () => rows, one: () => rows[0] };
    },
  } as unknown as Sql;
  return { db, sql, counter };
}

interface TestConn extends Conn {
  info: ConnInfo;
  sent: Record<string, unknown>[];
}

function world() {
  const { db, sql, counter } = sqlite();
  const conns = new Map<string, TestConn>();
  let failNextTransaction = false;
  // A clock that stands still: no deadline can pass while the machine is slow.
  const clock = { now: 1_800_000_000_000 };
  const now = clock.now;
  const alarms: Array<number | null> = [];
  const room = new MatchRoom(sql, {
    now: () => clock.now,
    random: () => 0.5,
    transaction: (fn) => {
      db.exec("BEGIN");
      try {
        const result = fn();
        // A failure after the event's writes (as a failed commit would be): all rolled back.
        if (failNextTransaction) {
          failNextTransaction = false;
          throw new Error("injected failure");
        }
        db.exec("COMMIT");
        return result;
      } catch (err) {
        db.exec("ROLLBACK");
        throw err;
      }
    },
    conn: (id) => {
      const conn = conns.get(id);
      return conn && conn.info.phase !== "closed" ? conn : null;
    },
    spectators: () => [],
    setAlarm: (at) => alarms.push(at),
    verifyToken: async () => null,
    recordEnd: async () => {},
  });
  const connect = (seat: number): TestConn => {
    const conn: TestConn = {
      info: { conn: `c${seat}`, role: "seat", seat, phase: "auth", verifiedBotId: `bot${seat}` },
      sent: [],
      send(text) {
        conn.sent.push(JSON.parse(text) as Record<string, unknown>);
      },
      close() {
        conn.info = { ...conn.info, phase: "closed" };
      },
      update(info) {
        conn.info = info;
      },
    };
    conns.set(conn.info.conn, conn);
    room.onSeatOpen(conn);
    return conn;
  };
  return {
    db,
    clock,
    alarms,
    now,
    room,
    sql,
    counter,
    connect,
    failNext: () => {
      failNextTransaction = true;
    },
  };
}

/** What a store reading the database from scratch (an evicted object) sees. */
function fromStorage(sql: Sql) {
  const store = new MatchStore(sql);
  return {
    meta: store.meta(),
    seats: store.seats(),
    turns: [0, 1].map((seat) => store.turn(seat)),
    engine: store.engine(),
    due: store.dueKeys(Number.MAX_SAFE_INTEGER),
  };
}

function inMemory(room: MatchRoom) {
  const store = room.store;
  return {
    meta: store.meta(),
    seats: store.seats(),
    turns: [0, 1].map((seat) => store.turn(seat)),
    engine: store.engine(),
    due: store.dueKeys(Number.MAX_SAFE_INTEGER),
  };
}

async function started(hands: number, turnTimeoutMs?: number) {
  const w = world();
  const config = resolveMatchConfig({
    jitter_min_ms: 0,
    jitter_max_ms: 0,
    starting_stack: 1_000_000,
    max_messages_per_second: 1000,
    hand_cap: hands,
    ...(turnTimeoutMs === undefined ? {} : { turn_timeout_ms: turnTimeoutMs }),
  });
  if (typeof config === "string") throw new Error(config);
  w.room.create({
    match_id: "m1",
    created_at: w.now,
    config,
    seats: [0, 1].map((seat) => ({
      seat,
      participant_id: `p${seat}`,
      bot_id: `bot${seat}`,
      name: `b${seat}`,
      house_strategy: null,
    })),
  });
  const seats = [w.connect(0), w.connect(1)];
  for (const conn of seats) {
    await w.room.onMessage(
      conn,
      JSON.stringify({ type: "authenticate", match_id: "m1", token: "" }),
    );
  }
  for (const conn of seats) {
    await w.room.onMessage(
      conn,
      JSON.stringify({ type: "hello", match_id: "m1", supported_versions: ["1.0"] }),
    );
  }
  // The last hello's event runs the `start` job (match_start and the first hand); the
  // alarms find nothing due and arm the next deadline.
  await w.room.alarm();
  await w.room.alarm();
  return { ...w, seats };
}

/** The pending turn_request nobody has answered yet, and its seat. */
function pending(seats: TestConn[], answered: Set<unknown>) {
  for (const conn of seats) {
    const request = conn.sent.find((f) => f.type === "turn_request" && !answered.has(f.request_id));
    if (request) return { conn, request };
  }
  return null;
}

const answer = (request: Record<string, unknown>) =>
  JSON.stringify({
    type: "turn_action",
    match_id: "m1",
    request_id: request.request_id,
    action: (request.valid_actions as string[]).includes("check") ? "check" : "call",
  });

describe("match room storage", () => {
  it("keeps memory and SQLite the same after every event, at one statement a turn", async () => {
    const w = await started(5);
    const answered = new Set<unknown>();
    const perTurn: number[] = [];
    for (let next = pending(w.seats, answered); next; next = pending(w.seats, answered)) {
      answered.add(next.request.request_id);
      const before = w.counter.statements;
      await w.room.onMessage(next.conn, answer(next.request));
      perTurn.push(w.counter.statements - before);
      expect(inMemory(w.room)).toEqual(fromStorage(w.sql));
      // A new hand is the alarm's job.
      if (!pending(w.seats, answered) && w.room.store.meta()?.status === "playing") {
        await w.room.alarm();
      }
    }
    expect(w.room.store.meta()?.status).toBe("ended");
    expect(w.seats[0]?.sent.at(-1)).toMatchObject({ type: "match_end", total_hands_played: 5 });
    // A turn is one state write (its answer rides in the document). The last of a hand also
    // finishes the hand's row, moving the hand's answers into it, and the next hand is dealt
    // in the same call (its row, a state write); the last of the match reads the statistics
    // for match_end.
    expect(perTurn.length).toBeGreaterThan(20);
    const sorted = [...perTurn].sort((x, y) => x - y);
    expect(sorted[Math.floor(sorted.length / 2)]).toBe(1);
    expect(Math.max(...perTurn.slice(0, -1))).toBeLessThanOrEqual(5);
    // Every answer was kept: a store reading the database afresh (an evicted object) knows
    // each request as resolved and has a latency sample for each turn that was not auto-acted.
    const fresh = new MatchStore(w.sql);
    for (const conn of w.seats) {
      for (const f of conn.sent.filter((x) => x.type === "turn_request")) {
        expect(fresh.log.isResolved(conn.info.seat, String(f.request_id))).toBe(true);
      }
    }
    const results = w.seats.flatMap((conn) =>
      conn.sent.filter((f) => f.type === "turn_result" && f.seat === conn.info.seat),
    );
    const answeredInTime = results.filter(
      (f) => (f.details as { is_timeout: boolean }).is_timeout === false,
    ).length;
    const samples = fresh.log
      .stats(fresh.seats())
      .reduce((n, seat) => n + seat.latencies.length, 0);
    expect(answeredInTime).toBeGreaterThan(20);
    expect(samples).toBe(answeredInTime);
  });

  it("restores memory and storage when an event's transaction rolls back, sending nothing", async () => {
    const w = await started(3);
    const next = pending(w.seats, new Set());
    if (!next) throw new Error("no turn_request");
    const before = inMemory(w.room);
    const sentBefore = w.seats.map((conn) => conn.sent.length);
    w.failNext();
    await expect(w.room.onMessage(next.conn, answer(next.request))).rejects.toThrow(
      "injected failure",
    );
    expect(inMemory(w.room)).toEqual(before);
    expect(fromStorage(w.sql)).toEqual(before);
    expect(w.seats.map((conn) => conn.sent.length)).toEqual(sentBefore);
    // The same answer afterwards is applied once, as if the failed attempt never happened.
    await w.room.onMessage(next.conn, answer(next.request));
    expect(w.room.store.log.isResolved(next.conn.info.seat, String(next.request.request_id))).toBe(
      true,
    );
    expect(w.room.store.turn(next.conn.info.seat)?.request_id).not.toBe(next.request.request_id);
    expect(inMemory(w.room)).toEqual(fromStorage(w.sql));
  });
});

describe("the one alarm", () => {
  it("stays armed early while turns move the deadline later, and is armed again once overdue", async () => {
    const w = await started(5, 60_000);
    const answered = new Set<unknown>();
    const play = async () => {
      const next = pending(w.seats, answered);
      if (!next) throw new Error("no turn_request");
      answered.add(next.request.request_id);
      await w.room.onMessage(next.conn, answer(next.request));
    };
    await play();
    const armed = w.room.store.meta()?.armed_at;
    const calls = w.alarms.length;
    // A later answer moves the turn deadline later: no new arming.
    w.clock.now += 1000;
    await play();
    expect(w.alarms.length).toBe(calls);
    expect(w.room.store.meta()?.armed_at).toBe(armed);
    // The armed time is long past and nothing fired (the runtime gave up on it): armed again.
    // Each answer comes well inside its own turn's clock, so only the alarm is late.
    while (w.clock.now <= (armed ?? 0) + ALARM_OVERDUE_MS) {
      w.clock.now += 5000;
      await play();
    }
    const earliest = w.room.store.earliestDue();
    expect(w.alarms.at(-1)).toBe(earliest);
    expect(w.room.store.meta()?.armed_at).toBe(earliest);
  });
});

describe("a match stored between hands by an older version", () => {
  it("deals the hand its next_hand row is due for", async () => {
    const w = world();
    const config = resolveMatchConfig({ jitter_min_ms: 0, jitter_max_ms: 0, hand_cap: 3 });
    if (typeof config === "string") throw new Error(config);
    const seats = [0, 1].map((seat) => ({
      seat,
      participant_id: `p${seat}`,
      bot_id: `bot${seat}`,
      name: `b${seat}`,
      house_strategy: null,
    }));
    w.room.create({ match_id: "m1", created_at: w.now, config, seats });
    const conns = [w.connect(0), w.connect(1)];
    for (const type of ["authenticate", "hello"]) {
      for (const conn of conns) {
        await w.room.onMessage(
          conn,
          JSON.stringify({ type, match_id: "m1", token: "", supported_versions: ["1.0"] }),
        );
      }
    }
    // What an older version stored after match_start: playing, no hand yet, the deal a job.
    const row = w.db.prepare("SELECT doc FROM match_state").get() as { doc: string };
    const doc = JSON.parse(row.doc);
    expect(doc.meta.status).toBe("playing");
    doc.turns = [];
    doc.outbox = [];
    doc.schedule = { next_hand: w.now };
    w.db.exec("DELETE FROM hands");
    for (const conn of conns) conn.sent.length = 0;
    const engine = createMatch(gameConfig(config, 2), { handCap: 3 });
    w.db
      .prepare("UPDATE match_state SET doc = ?, engine = ?")
      .run(JSON.stringify(doc), JSON.stringify(engine));
    w.room.store.reload();
    await w.room.alarm();
    expect(w.room.store.engine()?.hand?.hand_number).toBe(1);
    expect(new MatchStore(w.sql).dueKeys(Number.MAX_SAFE_INTEGER)).not.toContain("next_hand");
    for (const conn of conns) {
      expect(conn.sent.filter((f) => f.type === "round_start").map((f) => f.round_number)).toEqual([
        1,
      ]);
    }
    expect(conns.flatMap((c) => c.sent).filter((f) => f.type === "turn_request")).toHaveLength(1);
  });
});

describe("a match stored before the hands held their answers", () => {
  it("keeps its old answer rows: duplicates still dropped, latency samples still counted", () => {
    const { db, sql } = sqlite();
    // The tables as an object created before this layout has them.
    db.exec(`
      CREATE TABLE hands (hand_number INTEGER PRIMARY KEY, round_id TEXT NOT NULL,
        started_at TEXT NOT NULL, ended_at TEXT, dealer_seat INTEGER NOT NULL,
        hole_cards TEXT NOT NULL, deck_commitment TEXT NOT NULL, deck_reveal TEXT NOT NULL,
        board TEXT, result TEXT);
      CREATE TABLE actions (request_id TEXT PRIMARY KEY, seat INTEGER NOT NULL,
        resolved_at INTEGER NOT NULL, received_at INTEGER, action TEXT NOT NULL,
        is_timeout INTEGER NOT NULL, latency_ms REAL);
      INSERT INTO hands VALUES (1, 'r1', '2026-01-01T00:00:00.000Z', NULL, 0, '[]', 'c', '{}', NULL, NULL);
      INSERT INTO actions VALUES ('req_000000000001', 0, 1, 1, 'call', 0, 12.5);
      INSERT INTO actions VALUES ('req_000000000002', 1, 2, NULL, 'fold', 1, NULL);
    `);
    const store = new MatchStore(sql);
    expect(store.log.isResolved(0, "req_000000000001")).toBe(true);
    expect(store.log.isResolved(1, "req_000000000002")).toBe(true);
    expect(store.log.isResolved(0, "req_000000000002")).toBe(false);
    // The hand in play finishes into the migrated table, its answers with it.
    store.history.finish(1, "2026-01-01T00:01:00.000Z", [], { ok: true }, [
      {
        seat: 1,
        request_id: "req_000000000003",
        resolved_at: 3,
        received_at: 3,
        action: "check",
        is_timeout: false,
        latency_ms: 4,
      },
    ]);
    const again = new MatchStore(sql);
    expect(again.log.isResolved(1, "req_000000000003")).toBe(true);
    const seats = [0, 1].map((seat) => ({ seat }) as Parameters<typeof again.log.stats>[0][number]);
    expect(again.log.stats(seats).map((s) => s.latencies)).toEqual([[12.5], [4]]);
  });
});

describe("a seat's rate window", () => {
  function seated() {
    const { db, sql } = sqlite();
    const config = resolveMatchConfig({ max_messages_per_second: 2 });
    if (typeof config === "string") throw new Error(config);
    const store = new MatchStore(sql);
    store.insertMeta("m1", config, 0);
    const seat = { participant_id: "p0", bot_id: "bot0", name: "b0", house_strategy: null };
    store.insertSeat({ seat: 0, ...seat });
    store.commit();
    const storedSeat = () =>
      JSON.parse((db.prepare("SELECT doc FROM match_state").get() as { doc: string }).doc)
        .seats[0] as Record<string, unknown>;
    return { db, sql, store, storedSeat };
  }

  it("keeps the receive times in memory and stores the violations counted from them", () => {
    const { sql, store, storedSeat } = seated();
    for (const at of [1000, 1001, 1002]) {
      store.saveRateState(0, countMessage(store.rateState(0), at, 2).state);
    }
    store.commit();
    expect(store.rateState(0)).toEqual({
      times: [1000, 1001],
      violations: 1,
      lastViolationAt: 1002,
    });
    expect(storedSeat()).not.toHaveProperty("rate_times");
    expect(storedSeat()).toMatchObject({ rate_violations: 1, last_violation_at: 1002 });
    // A new object (a restart) counts the violations on, the window from empty.
    expect(new MatchStore(sql).rateState(0)).toEqual({
      times: [],
      violations: 1,
      lastViolationAt: 1002,
    });
  });

  it("carries on the window of a document an older version stored", () => {
    const { db, sql, storedSeat } = seated();
    const row = db.prepare("SELECT doc FROM match_state").get() as { doc: string };
    const doc = JSON.parse(row.doc);
    doc.seats[0].rate_times = [1000, 1001];
    db.prepare("UPDATE match_state SET doc = ?").run(JSON.stringify(doc));
    const again = new MatchStore(sql);
    expect(again.rateState(0).times).toEqual([1000, 1001]);
    expect(countMessage(again.rateState(0), 1002, 2).verdict).toBe("over");
    expect(again.seats()[0]).not.toHaveProperty("rate_times");
    again.updateSeat(0, { drops: 1 });
    again.commit();
    expect(storedSeat()).not.toHaveProperty("rate_times");
  });
});
