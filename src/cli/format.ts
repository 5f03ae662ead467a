import type { ServerFrame } from "../client/types.ts";

/** One readable line for a match frame, or `null` for frames not worth showing. */
export function describeMatchFrame(frame: ServerFrame, names: Map<number, string>): string | null {
  const f = frame as Record<string, unknown> & { type: string };
  const who = (seat: unknown) => names.get(Number(seat)) ?? `seat ${String(seat)}`;
  switch (f.type) {
    case "match_start": {
      const start = f as unknown as {
        seats: Array<{ seat: number; display_name: string; is_self: boolean }>;
        game_config: { starting_stack: number; small_blind: number; big_blind: number };
      };
      for (const s of start.seats)
        names.set(s.seat, s.is_self ? `${s.display_name} (you)` : s.display_name);
      const c = start.game_config;
      return `Match started: ${start.seats.map((s) => names.get(s.seat)).join(" vs ")} — stacks ${c.starting_stack}, blinds ${c.small_blind}/${c.big_blind}`;
    }
    case "round_start": {
      const s = f.state as { hand_number: number; dealer_seat: number; your_hole_cards: string[] };
      return `Hand ${s.hand_number} — button ${who(s.dealer_seat)} — your cards ${s.your_hole_cards.join(" ")}`;
    }
    case "turn_request": {
      // A bot re-attached after a restart never sees match_start again: learn its seat here.
      if (!names.has(Number(f.seat))) names.set(Number(f.seat), "you");
      const s = f.state as { to_call: number; pot: number; your_stack: number };
      const valid = (f.valid_actions as string[]).join("/");
      return `  your turn: pot ${s.pot}, to call ${s.to_call}, stack ${s.your_stack} (${valid})`;
    }
    case "turn_result": {
      const d = f.details as { action: string; amount: number; pot: number; is_timeout: boolean };
      const amount = d.amount ? ` ${d.amount}` : "";
      return `  ${who(f.seat)} ${d.action}${amount}${d.is_timeout ? " (timeout)" : ""} — pot ${d.pot}`;
    }
    case "phase_change": {
      const s = f.state as { phase: string; board: string[] };
      return `  ${s.phase}: ${s.board.join(" ")}`;
    }
    case "round_result": {
      const r = f.result as {
        hand_number: number;
        payouts: Array<{ seat: number; amount: number }>;
        showdown: Array<{ seat: number; hand_rank: string }>;
        stacks: number[];
      };
      const won = r.payouts.map((p) => `${who(p.seat)} wins ${p.amount}`).join(", ");
      const shown = r.showdown.map((s) => `${who(s.seat)}: ${s.hand_rank || "—"}`).join("; ");
      return `Hand ${r.hand_number} over: ${won}${shown ? ` (${shown})` : ""} — stacks ${r.stacks.join(" / ")}`;
    }
    case "action_rejected":
      return `  action rejected: ${String(f.reason)}`;
    case "match_end": {
      const results = f.results as Array<{ seat: number; net_chips: number }> | undefined;
      if (!results) return `Match ended: ${String(f.reason)} (${String(f.error_code ?? "")})`;
      const net = results.map((r) => `${who(r.seat)} ${r.net_chips >= 0 ? "+" : ""}${r.net_chips}`);
      return `Match over after ${String(f.total_hands_played)} hands: ${net.join(", ")}`;
    }
    default:
      return null;
  }
}

/** Rows as aligned columns under a header; `(none)` for no rows. */
export function table(columns: string[], rows: Array<Array<string | number | null>>): string {
  if (rows.length === 0) return "(none)";
  const cells = [
    columns,
    ...rows.map((row) => row.map((cell) => (cell === null ? "—" : String(cell)))),
  ];
  const widths = columns.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? "").length)));
  return cells
    .map((row) =>
      row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join("  "),
    )
    .join("\n");
}
