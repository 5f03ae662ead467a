/**
 * The invariants a chaos run must keep, as pure functions over what the clients recorded
 * and what the server stored (the admin API's match record and hand history). Each returns
 * a verdict with its counts and, when it fails, the first offending cases.
 */
import type { ActionEntry, MatchEnd, RoundResult } from "../../src/client/types.ts";
import type { AgentRecord } from "./agent-client.ts";
import type { SeatLog } from "./bot.ts";
import type { OperatorRecord } from "./operator-watch.ts";

/** One invariant's verdict, as printed. */
export interface Verdict {
  name: string;
  ok: boolean;
  /** The counts behind the verdict, in print order. */
  counts: [string, number][];
  failures: string[];
  /** Context that is not a failure (e.g. why a documented forfeit happened). */
  notes: string[];
}

/** `GET /api/matches/{id}` (the fields the checks read). */
export interface MatchRecord {
  match_id: string;
  status: string;
  created_at: string;
  ended_at: string | null;
  config: { starting_stack: number };
  result: (MatchEnd & Record<string, unknown>) | null;
  participants: {
    participant_id: string;
    bot_id: string;
    seat: number;
    final_stack: number | null;
    net_chips: number | null;
  }[];
}

/** One entry of `GET /api/matches/{id}/hands`. */
export interface StoredHand {
  hand_number: number;
  result: RoundResult;
}

/** Everything known about one match at the end of a run. */
export interface MatchEvidence {
  matchId: string;
  record: MatchRecord | null;
  hands: StoredHand[];
  seats: SeatLog[];
  /** Participants whose bot's token was revoked while the match was live. */
  revokedParticipants: Set<string>;
  /** Why clients gave the match up (`<close code> <reason>`), if any did. */
  refusals: string[];
  /** Client-side and fault events of the match, in order, for the notes. */
  timeline: string[];
}

const MAX_FAILURES = 20;

class Tally {
  readonly counts = new Map<string, number>();
  readonly failures: string[] = [];
  readonly notes: string[] = [];
  #failed = 0;

  add(name: string, n = 1): void {
    this.counts.set(name, (this.counts.get(name) ?? 0) + n);
  }

  /** Makes sure a count is printed even when it stays 0. */
  declare(...names: string[]): void {
    for (const name of names) this.add(name, 0);
  }

  fail(message: string): void {
    this.#failed += 1;
    if (this.failures.length < MAX_FAILURES) this.failures.push(message);
  }

  verdict(name: string): Verdict {
    const failures =
      this.#failed > this.failures.length
        ? [...this.failures, `… and ${this.#failed - this.failures.length} more`]
        : this.failures;
    return { name, ok: this.#failed === 0, counts: [...this.counts], failures, notes: this.notes };
  }
}

const short = (id: string) => id.slice(0, 8);
const isPost = (entry: ActionEntry) => entry.action.startsWith("post_");
/** A frame without its envelope: what the registry stores as `result`. */
const unstamped = (frame: Record<string, unknown>) => {
  const { seq: _seq, server_ts: _ts, ...rest } = frame;
  return rest;
};
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
/** The last events of a match, indented under its note. */
const story = (m: MatchEvidence) =>
  m.timeline.length === 0 ? "" : `\n            ${m.timeline.slice(-24).join("\n            ")}`;

/**
 * Every match ended with `match_end` played to the end, or in one of the documented ways:
 * a forfeit (grace expired / budget exhausted, also after a token revocation), every seat
 * disconnected (`terminal_status: "error"`, §5.9), or cancelled (`connection_timeout`, a
 * seat missed the connection wait). A server error or a match still live is a failure, and
 * so is a `match_end` a bot received that differs from the stored one.
 */
export function checkMatchEnds(matches: MatchEvidence[]): Verdict {
  const t = new Tally();
  t.declare(
    "matches",
    "played to the end",
    "forfeit: grace_expired",
    "forfeit: budget_exhausted",
    "forfeits after a token revocation",
    "all seats disconnected",
    "cancelled: connection_timeout",
    "match_end frames received by bots",
  );
  for (const m of matches) {
    t.add("matches");
    const record = m.record;
    const result = record?.result ?? null;
    if (!record || !result) {
      t.fail(`${short(m.matchId)}: no stored result (status ${record?.status ?? "unknown"})`);
      continue;
    }
    if (record.status === "live" || record.status === "dispatching") {
      t.fail(`${short(m.matchId)}: still ${record.status} after the drain`);
      continue;
    }
    if (result.reason === "complete") {
      const forfeitSeat = result.forfeit_seat as number | undefined;
      if (forfeitSeat !== undefined) {
        t.add(`forfeit: ${String(result.forfeit_reason)}`);
        const seat = record.participants.find((p) => p.seat === forfeitSeat);
        if (seat && m.revokedParticipants.has(seat.participant_id)) {
          t.add("forfeits after a token revocation");
        } else {
          t.notes.push(
            `${short(m.matchId)}: seat ${forfeitSeat} forfeited (${String(result.forfeit_reason)}), token not revoked; clients gave up with: ${m.refusals.join(", ") || "nothing"}${story(m)}`,
          );
        }
      } else if (result.all_disconnected === true) {
        t.add("all seats disconnected");
        t.notes.push(
          `${short(m.matchId)}: every seat disconnected; clients gave up with: ${m.refusals.join(", ") || "nothing"}${story(m)}`,
        );
      } else {
        t.add("played to the end");
      }
      const expected = result.terminal_status === "completed" ? "completed" : "error";
      if (record.status !== expected) {
        t.fail(
          `${short(m.matchId)}: status ${record.status} but terminal_status ${String(result.terminal_status)}`,
        );
      }
    } else if (result.reason === "cancelled" && result.error_code === "connection_timeout") {
      t.add("cancelled: connection_timeout");
      t.notes.push(
        `${short(m.matchId)}: cancelled; clients gave up with: ${m.refusals.join(", ") || "nothing"}${story(m)}`,
      );
    } else {
      t.fail(`${short(m.matchId)}: ended with ${result.reason}/${String(result.error_code)}`);
    }
    for (const seat of m.seats) {
      for (const end of seat.matchEnds) {
        t.add("match_end frames received by bots");
        if (!same(unstamped(end), result)) {
          t.fail(
            `${short(m.matchId)}: the match_end seat ${seat.seat} received differs from the stored one`,
          );
        }
      }
    }
  }
  return t.verdict("every match reached match_end (or a documented forfeit/cancel)");
}

/** Chips each seat put into the pot, replayed from a hand's action history. */
export function committedChips(history: readonly ActionEntry[], seats: number): number[] {
  const committed = new Array<number>(seats).fill(0);
  let phase: string | null = null;
  let street = new Array<number>(seats).fill(0);
  const closeStreet = () => {
    street.forEach((bet, seat) => {
      committed[seat] = (committed[seat] ?? 0) + bet;
    });
    street = new Array<number>(seats).fill(0);
  };
  for (const entry of history) {
    if (entry.phase !== phase) {
      closeStreet();
      phase = entry.phase;
    }
    const bet = street[entry.seat] ?? 0;
    if (entry.action === "post_ante")
      committed[entry.seat] = (committed[entry.seat] ?? 0) + entry.amount;
    else if (entry.action === "raise") street[entry.seat] = entry.amount;
    else street[entry.seat] = bet + entry.amount;
  }
  closeStreet();
  return committed;
}

/**
 * Chips are conserved: in every played match the final stacks sum to seats × starting
 * stack, in the `match_end` results, in the registry's per-seat figures and in every
 * `match_end` a bot received; and the stored hand history replays — stack before, minus
 * what the actions put in, plus the payouts — to every hand's stored stacks and to the
 * final ones.
 */
export function checkChips(matches: MatchEvidence[]): Verdict {
  const t = new Tally();
  t.declare("matches with results", "hands replayed", "chips in play checked");
  for (const m of matches) {
    const result = m.record?.result;
    if (!m.record || !result || result.reason !== "complete") continue;
    t.add("matches with results");
    const id = short(m.matchId);
    const results = result.results ?? [];
    const seats = results.length;
    const start = m.record.config.starting_stack;
    const total = seats * start;
    t.add("chips in play checked", total);
    const finals = results.map((r) => r.final_stack);
    if (finals.reduce((a, b) => a + b, 0) !== total) {
      t.fail(`${id}: match_end final stacks ${finals.join("+")} ≠ ${total}`);
    }
    if (results.reduce((a, r) => a + r.net_chips, 0) !== 0) {
      t.fail(`${id}: match_end net chips do not sum to 0`);
    }
    for (const p of m.record.participants) {
      const r = results.find((x) => x.seat === p.seat);
      if (!r || p.final_stack !== r.final_stack || p.net_chips !== r.net_chips) {
        t.fail(`${id}: registry seat ${p.seat} figures differ from match_end`);
      }
    }
    let stacks = new Array<number>(seats).fill(start);
    let expectedHand = 1;
    for (const hand of m.hands) {
      t.add("hands replayed");
      const r = hand.result;
      if (hand.hand_number !== expectedHand) {
        t.fail(`${id}: hand ${hand.hand_number} follows hand ${expectedHand - 1}`);
      }
      expectedHand = hand.hand_number + 1;
      const committed = committedChips(r.action_history, seats);
      const pot = committed.reduce((a, b) => a + b, 0);
      const paid = r.payouts.reduce((a, p) => a + p.amount, 0);
      if (pot !== r.pot || paid !== r.pot) {
        t.fail(
          `${id} hand ${hand.hand_number}: pot ${r.pot}, actions put in ${pot}, paid out ${paid}`,
        );
      }
      const after = stacks.map(
        (s, seat) =>
          s -
          (committed[seat] ?? 0) +
          r.payouts.filter((p) => p.seat === seat).reduce((a, p) => a + p.amount, 0),
      );
      if (!same(after, r.stacks)) {
        t.fail(
          `${id} hand ${hand.hand_number}: replayed stacks ${after.join("/")} ≠ stored ${r.stacks.join("/")}`,
        );
      }
      stacks = r.stacks;
    }
    if (
      !same(
        stacks,
        results.map((x) => x.final_stack),
      )
    ) {
      t.fail(
        `${id}: stacks after the last stored hand ${stacks.join("/")} ≠ final ${finals.join("/")}`,
      );
    }
    if (result.total_hands_played !== m.hands.length) {
      t.fail(
        `${id}: total_hands_played ${String(result.total_hands_played)} but ${m.hands.length} hands stored`,
      );
    }
  }
  return t.verdict("chips conserved in every match");
}

/**
 * No action was applied twice, and the stored history agrees with what the bots saw. Every
 * `turn_request` a bot received names one slot of the hand's stored `action_history` (its
 * index is the history length it was sent with): each request_id maps to exactly one slot,
 * re-sends of a request name the same slot, and no slot is named by two request_ids. Every
 * real (not timed-out) action in the stored history sits in a slot some bot was asked for and
 * is an action that bot sent for that request — an action applied twice would be a real
 * action in a slot no request names. Each `turn_result` a bot saw appears, in order, in the
 * stored history of its hand, and each `round_result` a bot saw equals the stored one.
 */
export function checkActions(matches: MatchEvidence[]): Verdict {
  const t = new Tally();
  t.declare(
    "request_ids mapped one-to-one onto stored actions",
    "re-sent turn_requests (same request_id)",
    "real actions in stored histories",
    "turn_results checked against the history",
    "round_results checked against the history",
  );
  for (const m of matches) {
    const id = short(m.matchId);
    const hands = new Map(m.hands.map((h) => [h.hand_number, h.result]));
    const slots = new Map<string, string>();
    for (const seat of m.seats) {
      for (const request of seat.requests.values()) {
        if (request.sightings > 1) t.add("re-sent turn_requests (same request_id)");
        if (request.mismatch) t.fail(`${id} ${request.requestId}: ${request.mismatch}`);
        const slot = `${request.hand}:${request.index}`;
        const other = slots.get(slot);
        if (other !== undefined && other !== request.requestId) {
          t.fail(
            `${id} hand ${request.hand} slot ${request.index}: two request_ids ${other}, ${request.requestId}`,
          );
        }
        slots.set(slot, request.requestId);
        const history = hands.get(request.hand)?.action_history;
        if (!history) continue;
        const entry = history[request.index];
        if (!entry) {
          t.fail(
            `${id} ${request.requestId}: hand ${request.hand} has no action at ${request.index}`,
          );
        } else if (isPost(entry) || entry.seat !== request.seat) {
          t.fail(
            `${id} ${request.requestId}: slot ${request.index} holds seat ${entry.seat} ${entry.action}`,
          );
        } else {
          t.add("request_ids mapped one-to-one onto stored actions");
        }
      }
    }
    for (const [handNumber, result] of hands) {
      result.action_history.forEach((entry, index) => {
        if (isPost(entry) || entry.is_timeout) return;
        t.add("real actions in stored histories");
        const requestId = slots.get(`${handNumber}:${index}`);
        const sent = requestId
          ? m.seats.find((s) => s.requests.has(requestId))?.sent.get(requestId)
          : undefined;
        if (!requestId) {
          t.fail(
            `${id} hand ${handNumber}: ${entry.action} by seat ${entry.seat} at ${index} answers no request a bot received (applied twice?)`,
          );
        } else if (!sent?.has(entry.action)) {
          t.fail(
            `${id} hand ${handNumber}: stored ${entry.action} at ${index}, but the bot sent ${[...(sent ?? [])].join("/") || "nothing"} for ${requestId}`,
          );
        }
      });
    }
    for (const seat of m.seats) {
      const byHand = new Map<number, typeof seat.results>();
      for (const r of seat.results) byHand.set(r.hand, [...(byHand.get(r.hand) ?? []), r]);
      for (const [handNumber, seen] of byHand) {
        const stored = hands.get(handNumber)?.action_history.filter((e) => !isPost(e));
        if (!stored) continue;
        const matches = (e: ActionEntry, r: (typeof seen)[number]) =>
          e.seat === r.seat &&
          e.action === r.action &&
          e.amount === r.amount &&
          e.is_timeout === r.isTimeout;
        // Greedy subsequence match: frames missed while away leave holes, never reorderings.
        let at = 0;
        for (const r of seen) {
          t.add("turn_results checked against the history");
          while (at < stored.length && !matches(stored[at] as ActionEntry, r)) at += 1;
          if (at >= stored.length) {
            t.fail(
              `${id} hand ${handNumber}: seat ${String(seat.seat)} saw turn_result ${r.action} ${r.amount} (seat ${r.seat}) out of the stored history's order`,
            );
            break;
          }
          at += 1;
        }
      }
      for (const [handNumber, seen] of seat.roundResults) {
        const stored = hands.get(handNumber);
        if (!stored) {
          t.fail(
            `${id}: seat ${String(seat.seat)} saw round_result of hand ${handNumber}, which is not stored`,
          );
          continue;
        }
        t.add("round_results checked against the history");
        const fields = (r: RoundResult) => [
          r.action_history,
          r.stacks,
          r.payouts,
          r.pot,
          r.winner_seats,
        ];
        if (!same(fields(seen), fields(stored))) {
          t.fail(
            `${id} hand ${handNumber}: the round_result seat ${String(seat.seat)} saw differs from the stored hand`,
          );
        }
      }
    }
  }
  return t.verdict("no action applied twice; histories match what the bots saw");
}

/**
 * Every turn is accounted for: each `turn_request` a bot received was either answered and
 * applied (a real action in its slot) or auto-acted with `is_timeout: true`, unless the match
 * ended in the middle of its hand (a forfeit voids that hand, §5.9). Timed-out actions nobody
 * was shown (the seat was away the whole time) are counted too.
 */
export function checkTurns(matches: MatchEvidence[]): Verdict {
  const t = new Tally();
  t.declare(
    "turn_requests received",
    "answered and applied",
    "auto-acted (is_timeout) after being received",
    "in a hand voided by the match end",
    "auto-acted while the seat was away",
    "decisions held past the deadline on purpose",
  );
  for (const m of matches) {
    const id = short(m.matchId);
    const hands = new Map(m.hands.map((h) => [h.hand_number, h.result.action_history]));
    const asked = new Set<string>();
    for (const seat of m.seats) {
      t.add("decisions held past the deadline on purpose", seat.slowDecisions);
      for (const request of seat.requests.values()) {
        t.add("turn_requests received");
        asked.add(`${request.hand}:${request.index}`);
        const history = hands.get(request.hand);
        if (!history) {
          const last = m.hands[m.hands.length - 1]?.hand_number ?? 0;
          if (request.hand === last + 1) t.add("in a hand voided by the match end");
          else
            t.fail(`${id} ${request.requestId}: hand ${request.hand} is missing from the history`);
          continue;
        }
        const entry = history[request.index];
        if (!entry || entry.seat !== request.seat || isPost(entry)) continue; // reported by checkActions
        if (entry.is_timeout) t.add("auto-acted (is_timeout) after being received");
        else if (seat.sent.get(request.requestId)?.has(entry.action)) t.add("answered and applied");
        else t.fail(`${id} ${request.requestId}: neither applied as sent nor auto-acted`);
      }
    }
    for (const [handNumber, history] of hands) {
      history.forEach((entry, index) => {
        if (entry.is_timeout && !asked.has(`${handNumber}:${index}`)) {
          t.add("auto-acted while the seat was away");
        }
      });
    }
  }
  return t.verdict("every turn accounted for");
}

/** `seq` strictly increased on every match socket, across its reconnects (§9 item 6). */
export function checkSeq(matches: MatchEvidence[]): Verdict {
  const t = new Tally();
  t.declare("seat clients", "handshakes (first dials and re-dials)");
  for (const m of matches) {
    for (const seat of m.seats) {
      t.add("seat clients", seat.clients);
      t.add("handshakes (first dials and re-dials)", seat.hellos);
      for (const v of seat.seqViolations)
        t.fail(`${short(m.matchId)} seat ${String(seat.seat)}: ${v}`);
    }
  }
  return t.verdict("seq strictly increasing on every match socket");
}

/**
 * The ordering half of exactly-once: `a` received the `seq`s after its starting point up to
 * `latest`, each once and in order, nothing missing unless a `caught_up` reported that range
 * as a gap.
 */
function checkOrder(t: Tally, where: string, a: AgentRecord, latest: number): void {
  if (a.startSeq === null) {
    t.fail(`${where}: ${a.path} never caught up`);
    return;
  }
  const excused = (seq: number) => a.gaps.some((g) => seq > g.sinceSeq && seq < g.fromSeq);
  let expected = a.startSeq + 1;
  const seen = new Set<number>();
  for (const r of a.received) {
    t.add("deliveries checked");
    if (r.replay) t.add("delivered by replay after a resume");
    if (seen.has(r.seq)) {
      t.fail(`${where}: ${a.path} received seq ${r.seq} twice`);
      continue;
    }
    seen.add(r.seq);
    while (expected < r.seq && excused(expected)) expected += 1;
    if (r.seq !== expected)
      t.fail(`${where}: ${a.path} received seq ${r.seq} where ${expected} was due`);
    expected = Math.max(expected, r.seq + 1);
  }
  for (let seq = expected; seq <= latest; seq += 1) {
    if (!excused(seq)) {
      t.fail(`${where}: ${a.path} never received seq ${seq}..${latest}`);
      return;
    }
  }
}

/**
 * Every acknowledged channel message was received exactly once, in order, by every
 * subscriber, over all its sockets (live, and replayed after each resume): its received
 * `seq`s are exactly the channel's `seq`s after its starting point, with nothing missing
 * unless a `caught_up` reported `gap: true` for that range; and each carries the sender
 * and payload that were acknowledged for it. Every post was eventually acknowledged.
 */
export function checkChannel(agents: AgentRecord[]): Verdict {
  const t = new Tally();
  t.declare(
    "channels",
    "subscribers",
    "messages acked",
    "deliveries checked",
    "delivered by replay after a resume",
    "resumes",
    "gaps reported",
  );
  const byChannel = new Map<string, AgentRecord[]>();
  for (const a of agents) byChannel.set(a.channel, [...(byChannel.get(a.channel) ?? []), a]);
  for (const [channel, members] of byChannel) {
    t.add("channels");
    const acked = new Map<number, { from: string; payload: unknown }>();
    for (const a of members) {
      for (const [postId, post] of a.posts) {
        if (post.seq === null) {
          t.fail(`${channel}: ${a.path} post ${postId} was never acknowledged`);
          continue;
        }
        t.add("messages acked");
        const other = acked.get(post.seq);
        if (other && (other.from !== a.path || !same(other.payload, post.payload))) {
          t.fail(`${channel}: seq ${post.seq} acked to two different posts`);
        }
        acked.set(post.seq, { from: a.path, payload: post.payload });
      }
    }
    const latest = Math.max(0, ...acked.keys());
    for (const a of members) {
      t.add("subscribers");
      t.add("resumes", Math.max(0, a.established - 1));
      t.add("gaps reported", a.gaps.length);
      checkOrder(t, channel, a, latest);
      for (const r of a.received) {
        const post = acked.get(r.seq);
        if (!post)
          t.fail(`${channel}: ${a.path} received seq ${r.seq}, which no post was acked for`);
        else if (post.from !== r.from || !same(post.payload, r.payload)) {
          t.fail(
            `${channel}: ${a.path} received seq ${r.seq} with another sender or payload than acked`,
          );
        }
      }
    }
  }
  return t.verdict("every acked channel message received exactly once by every subscriber");
}

/** What a `botgate mcp` bridge's tools answered in a run: the `seq`s of each `read`, in call order. */
export interface BridgeReads {
  path: string;
  reads: number[][];
  /** Tool calls that answered `isError` (a post not stored within the bridge's wait, say). */
  failedCalls: string[];
}

/**
 * The bridge's side of exactly-once: `read` returned each message once and in `seq` order
 * across all its calls (the channel check then holds the sum of its reads to the channel's
 * acked messages), and its tools answered without errors through every fault.
 */
export function checkBridgeReads(bridges: BridgeReads[]): Verdict {
  const t = new Tally();
  t.declare("bridges", "read calls", "messages read");
  for (const bridge of bridges) {
    t.add("bridges");
    let last = 0;
    for (const batch of bridge.reads) {
      t.add("read calls");
      for (const seq of batch) {
        t.add("messages read");
        if (seq <= last) t.fail(`${bridge.path}: read returned seq ${seq} after seq ${last}`);
        last = Math.max(last, seq);
      }
    }
    for (const failed of bridge.failedCalls) t.fail(`${bridge.path}: ${failed}`);
  }
  return t.verdict("a bridge's read returns each message once, in seq order; its tools answer");
}

/**
 * Every acknowledged whisper (`delivered` or `queued`) reached its target's inbox exactly
 * once: each inbox received its `seq`s 1…latest in order over all its sockets (resumed with
 * `since_seq`), and those whispers are exactly the ones acknowledged to senders for it.
 */
export function checkWhispers(senders: AgentRecord[], inboxes: AgentRecord[]): Verdict {
  const t = new Tally();
  t.declare(
    "inboxes",
    "whispers acked",
    "acked delivered live",
    "acked queued",
    "deliveries checked",
    "delivered by replay after a resume",
    "resumes",
  );
  const key = (from: string, payload: unknown) => `${from} ${JSON.stringify(payload)}`;
  const due = new Map<string, Set<string>>();
  for (const a of senders) {
    for (const [id, w] of a.whispers) {
      if (w.status === null) {
        t.fail(`${a.path} whisper ${id} to ${w.target} was never acknowledged`);
        continue;
      }
      t.add("whispers acked");
      t.add(`acked ${w.status === "delivered" ? "delivered live" : w.status}`);
      const set = due.get(w.target) ?? new Set<string>();
      set.add(key(a.path, w.payload));
      due.set(w.target, set);
    }
  }
  for (const inbox of inboxes) {
    t.add("inboxes");
    t.add("resumes", Math.max(0, inbox.established - 1));
    checkOrder(t, "inbox", inbox, inbox.caughtUpSeq);
    const expected = due.get(inbox.path) ?? new Set<string>();
    const got = new Set<string>();
    for (const r of inbox.received) {
      const k = key(r.from, r.payload);
      if (!expected.has(k)) t.fail(`${inbox.path} received a whisper nobody had acked: ${k}`);
      got.add(k);
    }
    for (const k of expected) {
      if (!got.has(k)) t.fail(`${inbox.path} never received the acked whisper ${k}`);
    }
  }
  return t.verdict("every acked whisper received exactly once by its target inbox");
}

/** No ghost presence: once every agent has left, `who` lists only the one asking. */
export function checkPresence(
  whos: { channel: string; asker: string; sessions: string[]; diagnosis?: string }[],
  leaves: Map<string, number>,
): Verdict {
  const t = new Tally();
  t.declare("channels asked", "left by close", "left by cut", "left silently (heartbeat)");
  for (const [how, n] of leaves) t.add(`left ${how}`, n);
  for (const who of whos) {
    t.add("channels asked");
    const ghosts = who.sessions.filter((s) => s !== who.asker);
    if (ghosts.length > 0) {
      t.fail(
        `${who.channel}: still present ${ghosts.join(", ")}${who.diagnosis ? ` — ${who.diagnosis}` : ""}`,
      );
    }
  }
  return t.verdict("no ghost presence");
}

/** What the run knows of one `runBot`: its lobby, and how each match it played ended. */
export interface RunnerState {
  bot: string;
  lobby: "dialling" | "ready" | "redialling" | "stopped";
  /** Match id → how its session ended (`ended`, `refused`, `lost`), null while it plays. */
  matches: Map<string, string | null>;
}

/**
 * No SDK client hung: once every match is over, each bot's current client holds a live
 * lobby (a replaced one stopped), and every match session a client started has finished
 * by itself — with `match_end`, or by giving up on a close code or an expired grace.
 */
export function checkClients(bots: RunnerState[][]): Verdict {
  const t = new Tally();
  t.declare("clients (runBot)", "lobbies up at the end", "match sessions");
  for (const runners of bots) {
    runners.forEach((runner, i) => {
      t.add("clients (runBot)");
      const current = i === runners.length - 1;
      if (current && runner.lobby === "ready") t.add("lobbies up at the end");
      else if (current) t.fail(`${runner.bot}: lobby ${runner.lobby} at the end`);
      else if (runner.lobby !== "stopped")
        t.fail(`${runner.bot}: a replaced client's lobby is ${runner.lobby}`);
      for (const [matchId, status] of runner.matches) {
        t.add("match sessions");
        if (status === null)
          t.fail(`${runner.bot}: still playing ${short(matchId)} after it ended`);
        else t.add(`sessions ${status}`);
      }
    });
  }
  return t.verdict("no SDK client hung (lobbies up, every match session finished by itself)");
}

/**
 * The operator's view held: on every connection of the watching operator `seq` went 1, 2,
 * 3 … without a gap (across runtime restarts it starts again at 1 on the new connection),
 * its view (the last snapshot plus the deltas since) ended equal to what the gateway then
 * listed, and that list held nobody but operators once every bot and agent had left.
 */
export function checkOperators(record: OperatorRecord): Verdict {
  const t = new Tally();
  t.declare("operator connections", "operator events", "entries left at the end");
  for (const seqs of record.connections) {
    t.add("operator connections");
    t.add("operator events", seqs.length);
    const broken = seqs.findIndex((seq, i) => seq !== i + 1);
    if (broken >= 0)
      t.fail(
        `connection ${record.connections.indexOf(seqs) + 1}: seq ${seqs[broken]} at position ${broken + 1}`,
      );
  }
  for (const gap of record.gaps)
    t.fail(`the client reported a gap: expected ${gap.expected}, got ${gap.received}`);
  const view = record.view.join(",");
  if (view !== record.present.join(",")) {
    t.fail(
      `view ${record.view.length} entries ≠ system-presence ${record.present.length}: missed ${record.present.filter((id) => !record.view.includes(id)).join(" ") || "-"}, stale ${record.view.filter((id) => !record.present.includes(id)).join(" ") || "-"}`,
    );
  }
  const ghosts = record.present.filter((id) => !id.startsWith("operator:"));
  t.add("entries left at the end", ghosts.length);
  if (ghosts.length > 0) t.fail(`still present after everyone left: ${ghosts.join(", ")}`);
  return t.verdict("operators see the truth");
}
