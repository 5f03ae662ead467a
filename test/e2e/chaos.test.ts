// Proves the chaos suite: a short seeded run of `npm run chaos` against the real runtime —
// SDK bots in concurrent matches and resuming agents in channels (one a `botgate mcp`
// bridge driven through its tools), through fault proxies,
// with socket cuts, delays and stalls, object evictions, a runtime restart, a 5 s outage (every
// dial refused meanwhile) and a token revoked mid-match — keeps every invariant; that the fault plan is a pure function of the
// seed; and that each invariant check really fails on the violation it exists to catch.
// A 2-round Swiss of three more SDK bots runs through the same faults (and one eviction of
// its object) and must finish with one match per table and exact standings. Two contract sleds
// ask for approvals and answer relayed MCP calls all through it (their uplinks cut, their
// objects evicted): every approval answered at most once or failed closed, no call left hanging.
import { describe, expect, it } from "vitest";
import type { ActionEntry, RoundResult } from "../../src/client/types.ts";
import type { AgentRecord } from "../chaos/agent-client.ts";
import { MatchJournal, type SeatLog } from "../chaos/bot.ts";
import { fingerprint, planFaults } from "../chaos/faults.ts";
import {
  checkActions,
  checkBridgeReads,
  checkChannel,
  checkChips,
  checkClients,
  checkMatchEnds,
  checkOperators,
  checkPresence,
  checkSeq,
  checkTurns,
  checkWhispers,
  type MatchEvidence,
  type MatchRecord,
} from "../chaos/invariants.ts";
import { formatReport, runChaos } from "../chaos/scenario.ts";
import { checkApprovals, checkRelay } from "../chaos/sled-invariants.ts";
import type { SledEvidence, SledResolve } from "../chaos/sleds.ts";
import { checkTournament, type TournamentRecord } from "../chaos/tournament.ts";

// The run is 12 s of faults, then it drains: every match to its end (forfeits ride out their
// grace), every agent caught up, the Swiss finished. On a busy machine the drain alone has taken
// over the 120 s default, so the test's budget is a hang bound, not a pace the run must keep.
const CHAOS_HANG_MS = 600_000;

describe("a short seeded chaos run", () => {
  it("keeps every invariant through cuts, delays, stalls, evictions, a restart, an outage and a revocation", {
    timeout: CHAOS_HANG_MS,
  }, async () => {
    const lines: string[] = [];
    const report = await runChaos({
      seed: 20261121,
      durationMs: 12_000,
      bots: 4,
      concurrentMatches: 2,
      minMatches: 6,
      channels: 2,
      agentsPerChannel: 3,
      faultGapMs: [250, 700],
      restarts: 1,
      revocations: 1,
      outages: 1,
      outageMs: [5000, 5000],
      slowDecisionRate: 0.05,
      tournamentBots: 3,
      sleds: 2,
      log: (line) => lines.push(line),
    });
    const printed = formatReport(report);
    expect(report.ok, `${printed}\n\n${lines.join("\n")}`).toBe(true);
    expect(report.faults.restart.applied).toBe(1);
    expect(report.faults.revoke.applied).toBe(1);
    expect(report.faults.outage.applied).toBe(1);
    // Every planned fault was tried and none failed; how many found a target at their moment
    // (a socket open, an object running) depends on timing and load, so only cuts are required.
    for (const stats of Object.values(report.faults)) {
      expect(stats.failed).toBe(0);
      expect(stats.applied + stats.skipped).toBe(stats.planned);
    }
    const cuts = ["cut_match", "cut_lobby", "cut_agent", "cut_all"] as const;
    expect(cuts.reduce((n, kind) => n + report.faults[kind].applied, 0)).toBeGreaterThan(0);
    const counts = new Map(report.verdicts.flatMap((v) => v.counts));
    // Under load more matches end by a (documented) forfeit: at least one must be played out.
    expect(counts.get("played to the end")).toBeGreaterThan(0);
    expect(counts.get("real actions in stored histories")).toBeGreaterThan(20);
    expect(counts.get("messages acked")).toBeGreaterThan(20);
    expect(counts.get("resumes")).toBeGreaterThan(0);
    expect(counts.get("tables played")).toBeGreaterThan(0);
    expect(counts.get("messages read")).toBeGreaterThan(5);
    expect(counts.get("approvals asked")).toBeGreaterThan(5);
    expect(counts.get("answered on their uplink")).toBeGreaterThan(0);
    expect(counts.get("answered by the sled's tool")).toBeGreaterThan(0);
    expect(report.faults.cut_sled.planned + report.faults.evict_sled.planned).toBeGreaterThan(0);
  });
});

describe("the fault plan", () => {
  const options = {
    durationMs: 60_000,
    gapMs: [300, 900] as [number, number],
    restarts: 2,
    revocations: 3,
  };

  it("is the same for the same seed and differs for another", () => {
    const a = planFaults(7, options);
    expect(planFaults(7, options)).toEqual(a);
    expect(fingerprint(planFaults(7, options))).toBe(fingerprint(a));
    expect(fingerprint(planFaults(8, options))).not.toBe(fingerprint(a));
  });

  it("holds the requested restarts and revocations inside the run, in time order", () => {
    const plan = planFaults(7, options);
    expect(plan.filter((f) => f.kind === "restart")).toHaveLength(2);
    expect(plan.filter((f) => f.kind === "revoke")).toHaveLength(3);
    expect(plan.every((f) => f.at > 0 && f.at < options.durationMs)).toBe(true);
    expect(plan.map((f) => f.at)).toEqual([...plan.map((f) => f.at)].sort((x, y) => x - y));
  });
});

// ---- a small, consistent match the checks must accept, then break one way at a time ----

const entry = (
  seat: number,
  action: ActionEntry["action"],
  amount: number,
  phase: ActionEntry["phase"],
  isTimeout = false,
): ActionEntry => ({
  seat,
  action,
  amount,
  phase,
  is_timeout: isTimeout,
});

/** Hand 1 of 300-chip stacks at 10/20: seat 0 calls, bets the flop, seat 1 folds. */
function handOne(): RoundResult {
  return {
    hand_number: 1,
    winner_seats: [0],
    pot: 80,
    payouts: [{ seat: 0, amount: 80 }],
    showdown: [],
    action_history: [
      entry(0, "post_small_blind", 10, "preflop"),
      entry(1, "post_big_blind", 20, "preflop"),
      entry(0, "call", 10, "preflop"),
      entry(1, "check", 0, "preflop"),
      entry(1, "check", 0, "flop"),
      entry(0, "raise", 40, "flop"),
      entry(1, "fold", 0, "flop"),
    ],
    stacks: [320, 280],
    deck_commitment: "c",
    deck_reveal: null,
  };
}

function seatLog(
  journal: MatchJournal,
  seat: number,
  requests: [string, number, string][],
): SeatLog {
  const log = journal.seat("m1", `p_${seat}`);
  log.seat = seat;
  log.clients = 1;
  for (const [id, index, action] of requests) {
    log.requests.set(id, { requestId: id, hand: 1, index, seat, sightings: 1, mismatch: null });
    log.sent.set(id, new Set([action]));
  }
  return log;
}

function evidence(mutate: (e: MatchEvidence) => void = () => {}): MatchEvidence[] {
  const journal = new MatchJournal();
  const seats = [
    seatLog(journal, 0, [
      ["r1", 2, "call"],
      ["r3", 5, "raise"],
    ]),
    seatLog(journal, 1, [
      ["r2", 3, "check"],
      ["r4", 4, "check"],
      ["r5", 6, "fold"],
    ]),
  ];
  const results = [
    {
      seat: 0,
      name: "a",
      net_chips: 20,
      hands_won: 1,
      final_stack: 320,
      bot_errors: [],
      decision_latency_samples_ms: [],
    },
    {
      seat: 1,
      name: "b",
      net_chips: -20,
      hands_won: 0,
      final_stack: 280,
      bot_errors: [],
      decision_latency_samples_ms: [],
    },
  ];
  const e: MatchEvidence = {
    matchId: "m1",
    record: {
      match_id: "m1",
      status: "completed",
      created_at: "2026-11-21T00:00:00.000Z",
      ended_at: "2026-11-21T00:01:00.000Z",
      config: { starting_stack: 300 },
      result: {
        match_id: "m1",
        type: "match_end",
        reason: "complete",
        results,
        total_hands_played: 1,
        terminal_status: "completed",
      },
      participants: results.map((r) => ({
        participant_id: `p_${r.seat}`,
        bot_id: `b_${r.seat}`,
        seat: r.seat,
        final_stack: r.final_stack,
        net_chips: r.net_chips,
      })),
    },
    hands: [{ hand_number: 1, result: handOne() }],
    seats,
    revokedParticipants: new Set(),
    refusals: [],
    timeline: [],
  };
  mutate(e);
  return [e];
}

const history = (e: MatchEvidence) => e.hands[0]?.result.action_history ?? [];

describe("the match checks", () => {
  it("accept a consistent match", () => {
    for (const check of [checkMatchEnds, checkChips, checkActions, checkTurns, checkSeq]) {
      const verdict = check(evidence());
      expect(verdict.failures, verdict.name).toEqual([]);
      expect(verdict.ok).toBe(true);
    }
  });

  it("catch an action applied twice", () => {
    const doubled = evidence((e) => history(e).splice(6, 0, entry(0, "raise", 40, "flop")));
    expect(checkActions(doubled).failures.join()).toMatch(/answers no request a bot received/);
  });

  it("catch chips that appear or vanish", () => {
    const richer = evidence((e) => {
      const result = e.hands[0]?.result;
      if (result) result.stacks = [330, 280];
    });
    expect(checkChips(richer).ok).toBe(false);
    const unbalanced = evidence((e) => {
      const first = e.record?.result?.results?.[0];
      if (first) first.final_stack = 310;
    });
    expect(checkChips(unbalanced).failures.join()).toMatch(/final stacks/);
  });

  it("catch a turn that was neither applied as sent nor auto-acted", () => {
    const other = evidence((e) => e.seats[1]?.sent.set("r5", new Set(["call"])));
    expect(checkTurns(other).ok).toBe(false);
    expect(checkActions(other).ok).toBe(false);
  });

  it("accept a timed-out turn, and one the seat never saw", () => {
    const timedOut = evidence((e) => {
      history(e)[6] = entry(1, "fold", 0, "flop", true);
      e.seats[1]?.requests.delete("r5");
    });
    expect(checkActions(timedOut).ok).toBe(true);
    expect(checkTurns(timedOut).counts).toContainEqual(["auto-acted while the seat was away", 1]);
  });

  it("catch a re-sent request that names another slot, and a seq going backwards", () => {
    const moved = evidence((e) => {
      const request = e.seats[0]?.requests.get("r1");
      if (request) request.mismatch = "re-sent as hand 1 index 3";
      e.seats[1]?.seqViolations.push("turn_request seq 4 after turn_result 5");
    });
    expect(checkActions(moved).ok).toBe(false);
    expect(checkSeq(moved).ok).toBe(false);
  });

  it("catch a match that never ended or ended on a server error, and a differing match_end", () => {
    const live = evidence((e) => {
      if (e.record) e.record.status = "live";
    });
    expect(checkMatchEnds(live).ok).toBe(false);
    const crashed = evidence((e) => {
      if (e.record)
        e.record.result = { match_id: "m1", reason: "error", error_code: "server_error" };
    });
    expect(checkMatchEnds(crashed).ok).toBe(false);
    const differing = evidence((e) =>
      e.seats[0]?.matchEnds.push({ match_id: "m1", reason: "complete", total_hands_played: 2 }),
    );
    expect(checkMatchEnds(differing).ok).toBe(false);
  });

  it("catch a hung SDK client", () => {
    const ok = { bot: "a", lobby: "ready" as const, matches: new Map([["m1", "ended"]]) };
    expect(checkClients([[ok]]).ok).toBe(true);
    expect(checkClients([[{ ...ok, matches: new Map([["m1", null]]) }]]).ok).toBe(false);
    expect(checkClients([[{ ...ok, lobby: "redialling" }]]).ok).toBe(false);
  });
});

// ---- channels: two agents, three acked posts; whispers to one inbox ----

function agent(path: string, received: number[], posts: [string, number][] = []): AgentRecord {
  return {
    channel: "c",
    path,
    startSeq: 0,
    received: received.map((seq) => ({
      seq,
      from: seq === 2 ? "b" : "a",
      payload: seq,
      socket: 1,
      replay: false,
    })),
    gaps: [],
    posts: new Map(posts.map(([id, seq]) => [id, { payload: seq, seq }])),
    whispers: new Map(),
    established: 2,
    caughtUpSeq: Math.max(0, ...received),
    closes: new Map(),
    errors: new Map(),
    fatal: null,
    log: [],
  };
}

describe("the channel, whisper and presence checks", () => {
  const posters = (received: number[]) => [
    agent(
      "a",
      [1, 2, 3],
      [
        ["a-1", 1],
        ["a-3", 3],
      ],
    ),
    agent("b", received, [["b-1", 2]]),
  ];

  it("accept every acked message received once, in order", () => {
    expect(checkChannel(posters([1, 2, 3])).failures).toEqual([]);
  });

  it("catch a missing, a duplicated and a reordered message, and a post never acked", () => {
    expect(checkChannel(posters([1, 3])).ok).toBe(false);
    expect(checkChannel(posters([1, 2, 2, 3])).ok).toBe(false);
    expect(checkChannel(posters([2, 1, 3])).ok).toBe(false);
    const unacked = posters([1, 2, 3]);
    unacked[0]?.posts.set("a-4", { payload: 4, seq: null });
    expect(checkChannel(unacked).ok).toBe(false);
  });

  it("excuse exactly the messages a caught_up reported as a gap", () => {
    const gapped = posters([1, 3]);
    gapped[1]?.gaps.push({ sinceSeq: 1, fromSeq: 3 });
    expect(checkChannel(gapped).ok).toBe(true);
  });

  it("match whispers to the inbox they were acked for, exactly once", () => {
    const sender = agent("a", []);
    sender.whispers.set("w1", { target: "t", payload: { n: 1 }, status: "queued" });
    sender.whispers.set("w2", { target: "t", payload: { n: 2 }, status: "delivered" });
    const inbox = (payloads: number[]): AgentRecord => ({
      ...agent("t", []),
      channel: "inbox",
      received: payloads.map((n, i) => ({
        seq: i + 1,
        from: "a",
        payload: { n },
        socket: 1,
        replay: false,
      })),
      caughtUpSeq: payloads.length,
    });
    expect(checkWhispers([sender], [inbox([1, 2])]).failures).toEqual([]);
    expect(checkWhispers([sender], [inbox([1])]).ok).toBe(false);
    expect(checkWhispers([sender], [inbox([1, 2, 3])]).ok).toBe(false);
    sender.whispers.set("w3", { target: "t", payload: { n: 3 }, status: null });
    expect(checkWhispers([sender], [inbox([1, 2])]).ok).toBe(false);
  });

  it("catch a bridge read that repeats or goes back, and a failed tool call", () => {
    const reads = (batches: number[][], failedCalls: string[] = []) => [
      { path: "m", reads: batches, failedCalls },
    ];
    expect(checkBridgeReads(reads([[1, 2], [], [4]])).failures).toEqual([]);
    expect(checkBridgeReads(reads([[1, 2], [2]])).ok).toBe(false);
    expect(checkBridgeReads(reads([[3, 1]])).ok).toBe(false);
    expect(checkBridgeReads(reads([[1]], ["post mcp-2: no answer"])).ok).toBe(false);
  });

  it("catch a ghost in who", () => {
    const leaves = new Map([["by close", 1]]);
    expect(checkPresence([{ channel: "c", asker: "x", sessions: ["x"] }], leaves).ok).toBe(true);
    const watched = {
      connections: [
        [1, 2, 3],
        [1, 2],
      ],
      gaps: [],
      view: ["operator:a"],
      present: ["operator:a"],
    };
    expect(checkOperators(watched).ok).toBe(true);
    expect(checkOperators({ ...watched, connections: [[1, 3]] }).ok).toBe(false);
    expect(checkOperators({ ...watched, view: ["bot:x", "operator:a"] }).ok).toBe(false);
    expect(checkOperators({ ...watched, view: [], present: ["operator:a"] }).ok).toBe(false);
    expect(
      checkOperators({
        ...watched,
        view: ["bot:x", "operator:a"],
        present: ["bot:x", "operator:a"],
      }).ok,
    ).toBe(false);
    expect(checkPresence([{ channel: "c", asker: "x", sessions: ["a", "x"] }], leaves).ok).toBe(
      false,
    );
  });
});

describe("the tournament check", () => {
  const id = "00000000-0000-4000-8000-00000000000t";
  const record = (matchId: string, winnerSeat: 0 | 1): MatchRecord => ({
    match_id: matchId,
    status: "completed",
    created_at: "2026-01-01T00:00:00.000Z",
    ended_at: "2026-01-01T00:00:01.000Z",
    config: { starting_stack: 100 },
    result: { match_id: matchId, reason: "complete", terminal_status: "completed" },
    participants: [0, 1].map((seat) => ({
      participant_id: `p${seat}`,
      bot_id: seat === 0 ? "a" : "b",
      seat,
      final_stack: seat === winnerSeat ? 200 : 0,
      net_chips: seat === winnerSeat ? 100 : -100,
    })),
  });
  const tournament = (points: [number, number]): TournamentRecord => ({
    id,
    status: "completed",
    rounds: [
      {
        round: 1,
        tables: [{ table: 1, seats: ["a", "b"], match_id: "m1", kind: "played", winner: "a" }],
      },
    ],
    standings: [
      { bot_id: "a", points: points[0] },
      { bot_id: "b", points: points[1] },
    ],
  });
  const sources = (extra: [string, string][] = []) =>
    new Map([["m1", `tournament:${id}:1:1`], ...extra]);

  it("accepts exact standings and catches wrong points, a second dispatch and a lost match", () => {
    const records = new Map([["m1", record("m1", 0)]]);
    expect(
      checkTournament({ tournament: tournament([1, 0]), sources: sources(), records }).failures,
    ).toEqual([]);
    expect(
      checkTournament({ tournament: tournament([0, 1]), sources: sources(), records }).ok,
    ).toBe(false);
    const twice = sources([["m2", `tournament:${id}:1:1`]]);
    expect(checkTournament({ tournament: tournament([1, 0]), sources: twice, records }).ok).toBe(
      false,
    );
    expect(
      checkTournament({ tournament: tournament([1, 0]), sources: sources(), records: new Map() })
        .ok,
    ).toBe(false);
    expect(
      checkTournament({
        tournament: { ...tournament([1, 0]), status: "running" },
        sources: sources(),
        records,
      }).ok,
    ).toBe(false);
  });
});

describe("the sled checks", () => {
  const project = "p";
  const sound = (): SledEvidence => ({
    asks: [
      { project, reqId: "q1", uplink: 1 },
      { project, reqId: "q2", uplink: 1 },
      { project, reqId: "q3", uplink: 2 },
    ],
    answers: [
      { project, reqId: "q1", uplink: 1, approved: true, alwaysAllow: false },
      { project, reqId: "q3", uplink: 2, approved: false, alwaysAllow: false },
    ],
    openAtEnd: new Set(["p#2"]),
    stored: [
      {
        id: "p:1",
        project,
        req_id: "q1",
        status: "allowed",
        decision: "allow-once",
        reason: "user",
        resolved_by: "http:admin",
      },
      {
        id: "p:2",
        project,
        req_id: "q2",
        status: "cancelled",
        decision: "deny",
        reason: "cancelled",
        resolved_by: "system",
      },
      {
        id: "p:3",
        project,
        req_id: "q3",
        status: "expired",
        decision: "deny",
        reason: "expired",
        resolved_by: "system",
      },
    ],
    resolves: [
      {
        id: "p:1",
        decision: "allow-once",
        applied: true,
        status: "allowed",
        recordedDecision: "allow-once",
        resolvedBy: "http:admin",
      },
      {
        id: "p:1",
        decision: "deny",
        applied: false,
        status: "allowed",
        recordedDecision: "allow-once",
        resolvedBy: "http:admin",
      },
      {
        id: "p:3",
        decision: "deny",
        applied: false,
        status: "expired",
        recordedDecision: "deny",
        resolvedBy: "system",
      },
    ],
    calls: [],
  });

  it("accept approvals answered once on their uplink as recorded, one cancelled with its uplink", () => {
    const verdict = checkApprovals(sound());
    expect(verdict.failures).toEqual([]);
    expect(verdict.counts).toContainEqual(["cancelled with their uplink", 1]);
  });

  it("catch an answer given twice, on a later uplink, or unlike the record", () => {
    const twice = sound();
    twice.answers.push({ project, reqId: "q1", uplink: 1, approved: true, alwaysAllow: false });
    expect(checkApprovals(twice).failures.join()).toMatch(/answered 2 times/);
    const later = sound();
    later.answers.push({ project, reqId: "q2", uplink: 2, approved: false, alwaysAllow: false });
    expect(checkApprovals(later).failures.join()).toMatch(/answered on uplink 2/);
    const granted = sound();
    const expired = granted.answers[1];
    if (expired) expired.approved = true;
    expect(checkApprovals(granted).failures.join()).toMatch(/recorded expired/);
  });

  it("catch a pending approval left behind, a silent live uplink and an answer applied twice", () => {
    const pending = sound();
    const row = pending.stored[2];
    if (row) row.status = "pending";
    expect(checkApprovals(pending).failures.join()).toMatch(/still pending/);
    const silent = sound();
    silent.answers.pop();
    expect(checkApprovals(silent).failures.join()).toMatch(/never answered on its uplink/);
    const doubled = sound();
    doubled.resolves.push({ ...(doubled.resolves[0] as SledResolve) });
    expect(checkApprovals(doubled).failures.join()).toMatch(/2 operator answers applied/);
    const misreported = sound();
    const refused = misreported.resolves[1];
    if (refused) refused.status = "denied";
    expect(checkApprovals(misreported).ok).toBe(false);
  });

  it("accept relayed calls answered or failed with documented errors, and catch the rest", () => {
    const call = (id: number, outcome: string) => ({ project, id, expected: "x", outcome });
    const fine = [call(1, "result"), call(2, "error -32002"), call(3, "unreachable")];
    expect(checkRelay(fine).failures).toEqual([]);
    for (const outcome of ["hang", "pending", "error -32603", "http 500", "mismatch: id 2"]) {
      expect(checkRelay([...fine, call(4, outcome)]).ok, outcome).toBe(false);
    }
  });
});
