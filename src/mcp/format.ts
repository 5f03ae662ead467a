/**
 * The text half of every tool result: short, plain lines an LLM reads at a glance (the
 * structured half carries the same facts as JSON). Times are UTC `HH:MM:SS`.
 */
import type { ListedChannel } from "../client/agent-http.ts";
import type { ActionEntry, TurnRequest } from "../client/types.ts";
import type { ReadBatch } from "./agent-hub.ts";
import { describeClose } from "./errors.ts";
import type { Entry } from "./mailbox.ts";
import type { ActResult, Seat } from "./poker-seat.ts";

export function clock(ts: number): string {
  return new Date(ts).toISOString().slice(11, 19);
}

/** One message or whisper: `seq 12 [10:04:05] alice/laptop/claude: hello`. */
export function entryLine(entry: Entry): string {
  return `seq ${entry.seq} [${clock(entry.ts)}] ${entry.from}: ${entry.text}`;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** The lines of one `read` or `inbox` batch. `where` names the channel or inbox. */
export function batchLines(batch: ReadBatch, where: string): string[] {
  if (batch.unavailable) return [`! ${where}: ${batch.unavailable}`];
  const lines: string[] = [];
  if (batch.gapFromSeq !== undefined) {
    lines.push(
      `! ${where}: older entries were pruned by retention; the oldest kept is seq ${batch.gapFromSeq}`,
    );
  }
  const kind = batch.channel === null ? "whisper" : "message";
  lines.push(
    batch.entries.length === 0
      ? `${where}: no new ${kind}s`
      : `${where}: ${plural(batch.entries.length, `new ${kind}`)}${batch.more > 0 ? ` (${batch.more} more waiting: read again)` : ""}`,
  );
  for (const entry of batch.entries) lines.push(`  ${entryLine(entry)}`);
  if (batch.closed) {
    lines.push(
      `! ${where} was closed by the server: ${describeClose(batch.closed.code, batch.closed.reason)}`,
    );
  }
  return lines;
}

/** `#general` (with the server when the bridge has several). */
export function channelLabel(channel: string, server: string, multiServer: boolean): string {
  return multiServer ? `#${channel} on ${server}` : `#${channel}`;
}

export function channelsText(
  groups: Array<{
    server: string;
    channels: Array<ListedChannel & { joined: boolean; unread: number; admin: boolean }>;
  }>,
  multiServer: boolean,
): string {
  const lines: string[] = [];
  for (const group of groups) {
    if (multiServer) lines.push(`${group.server}:`);
    if (group.channels.length === 0) lines.push("  no channels visible");
    for (const c of group.channels) {
      const marks = [
        c.visibility,
        c.joined ? `joined, ${c.unread} unread` : "not joined",
        ...(c.admin ? ["you are admin"] : []),
      ];
      lines.push(`#${c.name} (${marks.join(", ")})${c.topic ? ` — ${c.topic}` : ""}`);
    }
  }
  return lines.join("\n");
}

/** Who acted, from the agent's point of view. */
function seatName(seat: Seat, n: number): string {
  if (n === seat.seat) return "you";
  return seat.opponent ?? `seat ${n}`;
}

function historyText(seat: Seat, history: ActionEntry[]): string {
  const byPhase = new Map<string, string[]>();
  for (const entry of history) {
    const who = seatName(seat, entry.seat);
    const what =
      entry.action === "post_small_blind"
        ? `post small blind ${entry.amount}`
        : entry.action === "post_big_blind"
          ? `post big blind ${entry.amount}`
          : entry.action === "post_ante"
            ? `post ante ${entry.amount}`
            : entry.action === "raise"
              ? `raise to ${entry.amount}`
              : entry.action === "call"
                ? `call ${entry.amount}`
                : entry.action;
    const list = byPhase.get(entry.phase) ?? [];
    list.push(`${who} ${what}${entry.is_timeout ? " (timeout)" : ""}`);
    byPhase.set(entry.phase, list);
  }
  return [...byPhase.entries()].map(([phase, acts]) => `${phase}: ${acts.join(", ")}`).join("; ");
}

/** The legal actions of a turn as the agent may send them. */
export function legalText(turn: TurnRequest): string {
  const s = turn.state;
  return turn.valid_actions
    .map((action) => {
      if (action === "call") return `call ${Math.min(s.to_call, s.your_stack)}`;
      if (action === "raise") {
        return s.min_raise === s.max_raise
          ? `raise ${s.max_raise} (all-in)`
          : `raise amount ${s.min_raise}–${s.max_raise} (raise-to total; ${s.max_raise} is all-in)`;
      }
      return action;
    })
    .join(" | ");
}

/** A turn, compact: cards, money, what happened this hand, the legal actions, the clock. */
export function turnText(seat: Seat, turn: TurnRequest, events: string[], now: number): string {
  const s = turn.state;
  const left = Math.max(0, Math.round((turn.deadline_ts - now) / 1000));
  const lines = [
    ...(events.length > 0 ? ["Since you last looked:", ...events.map((e) => `  ${e}`)] : []),
    `Your turn — match ${seat.matchId}, hand ${s.hand_number}, ${s.phase}.`,
    `Your cards: ${s.your_hole_cards.join(" ")}   Board: ${s.board.length > 0 ? s.board.join(" ") : "(none)"}`,
    `Pot ${s.pot} · to call ${s.to_call} · your stack ${s.your_stack} · ${seat.opponent ?? "opponent"} stack ${s.opponent_stacks.join("/")}`,
    ...(s.action_history.length > 0 ? [`This hand: ${historyText(seat, s.action_history)}`] : []),
    `Legal: ${legalText(turn)}`,
    `Answer with poker_act turn_id "${turn.request_id}" within ${left} s (at ${clock(turn.deadline_ts)} UTC), or the server checks/folds for you.`,
  ];
  return lines.join("\n");
}

/** A match end: the result line `describeMatchFrame` wrote plus who won. */
export function endText(seat: Seat, events: string[]): string {
  const lines = events.length > 0 ? [...events] : [];
  const end = seat.end;
  if (!end) {
    lines.push(`Match ${seat.matchId} is over for this bot: ${seat.lost ?? "lost"} (no result).`);
    return lines.join("\n");
  }
  const mine = end.results?.find((r) => r.seat === seat.seat);
  if (mine) {
    const verdict = mine.net_chips > 0 ? "You won" : mine.net_chips < 0 ? "You lost" : "Even";
    lines.push(
      `${verdict}: net ${mine.net_chips >= 0 ? "+" : ""}${mine.net_chips} chips, ${plural(mine.hands_won, "hand")} won of ${end.total_hands_played ?? "?"}, final stack ${mine.final_stack} (match ${seat.matchId}, ${end.reason}).`,
    );
  } else {
    lines.push(
      `Match ${seat.matchId} ended: ${end.reason}${end.error_code ? ` (${end.error_code})` : ""}.`,
    );
  }
  lines.push("Call poker_challenge to play again.");
  return lines.join("\n");
}

export function actText(result: ActResult): string {
  if (!result.applied) return `Not applied: ${result.reason}.`;
  const amount =
    result.action === "raise"
      ? ` to ${result.amount}`
      : result.action === "call"
        ? ` ${result.amount}`
        : "";
  const pot =
    result.pot >= 0
      ? ` Pot is now ${result.pot}.`
      : " (sent; the server's confirmation is still on its way)";
  return `You ${result.action}${amount}.${pot} Call poker_wait_turn for the next turn.`;
}
