/**
 * Tournament commands: `bot run … --tournament <id>` (enter, stay checked in on the lobby,
 * print the standings as rounds end, stop at the end) and the admin's `tournaments
 * create|list|show|start|cancel`, plus the public `leaderboard`.
 */
import { type BotCommandOptions, botRun } from "./bot-commands.ts";
import { CommandError, devVarsAdminToken, request, secret, UsageError } from "./config.ts";
import { table } from "./format.ts";

/** How often `bot run --tournament` reads the tournament to report finished rounds. */
const FOLLOW_INTERVAL_MS = 1000;

interface Standing {
  rank: number;
  name: string;
  bot_id: string;
  points: number;
  wins: number;
  draws: number;
  losses: number;
  buchholz: number;
  eliminated_in: number | null;
}

interface TournamentSummary {
  id: string;
  name: string;
  format: string;
  status: string;
  cancel_reason: string | null;
  rounds_planned: number | null;
  rounds: { round: number; status: string }[];
  standings: Standing[];
}

/** The standings as aligned text lines. */
export function formatStandings(view: TournamentSummary, botId?: string): string[] {
  return view.standings.map((s) => {
    const record = `${s.wins}-${s.draws}-${s.losses}`;
    const detail =
      view.format === "knockout"
        ? s.eliminated_in === null
          ? "still in"
          : `out in round ${s.eliminated_in}`
        : `${s.points} pts, ${record}, Buchholz ${s.buchholz}`;
    return `  ${String(s.rank).padStart(3)}. ${s.name}${s.bot_id === botId ? " (you)" : ""} — ${detail}`;
  });
}

/** Enters the bot; an entry already made is fine (a restarted process keeps its place). */
async function enterTournament(
  url: string,
  token: string,
  id: string,
  out: (line: string) => void,
) {
  const path = `/api/external-api/tournaments/${encodeURIComponent(id)}/entries`;
  try {
    const entry = await request<{ entrants: number }>(url, "POST", path, token, {});
    out(`Entered tournament ${id} (${entry.entrants} entrants so far).`);
  } catch (err) {
    if (!(err instanceof CommandError && err.message.includes("TOURNAMENT_ALREADY_ENTERED"))) {
      throw err;
    }
    out(`Already entered in tournament ${id}.`);
  }
}

/**
 * Prints each round's standings once it completes and the final standings at the end, then
 * stops the bot. Read errors are retried (the gateway may be restarting).
 */
async function follow(
  url: string,
  token: string,
  id: string,
  botId: string | undefined,
  out: (line: string) => void,
  stop: AbortController,
): Promise<void> {
  const reported = new Set<number>();
  while (!stop.signal.aborted) {
    let view: TournamentSummary | null = null;
    try {
      view = await request<TournamentSummary>(
        url,
        "GET",
        `/api/tournaments/${encodeURIComponent(id)}`,
        token,
      );
    } catch (err) {
      if (err instanceof CommandError && err.exitCode !== 4) throw err;
    }
    if (view) {
      for (const round of view.rounds) {
        if (round.status !== "completed" || reported.has(round.round)) continue;
        reported.add(round.round);
        out(
          `Round ${round.round}${view.rounds_planned ? ` of ${view.rounds_planned}` : ""} complete:`,
        );
        for (const line of formatStandings(view, botId)) out(line);
      }
      if (view.status === "completed" || view.status === "cancelled") {
        out(
          view.status === "completed"
            ? `Tournament ${view.name} is over. Final standings:`
            : `Tournament ${view.name} was cancelled (${view.cancel_reason ?? "no reason"}).`,
        );
        if (view.status === "completed") for (const line of formatStandings(view, botId)) out(line);
        stop.abort();
        return;
      }
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, FOLLOW_INTERVAL_MS);
      stop.signal.addEventListener(
        "abort",
        () => {
          clearTimeout(timer);
          resolve();
        },
        { once: true },
      );
    });
  }
}

/** `botgate bot run <file> --tournament <id>`. */
export async function botRunTournament(
  file: string,
  options: BotCommandOptions,
  tournamentId: string,
): Promise<void> {
  const token = secret("BOTGATE_TOKEN");
  await enterTournament(options.url, token, tournamentId, options.out);
  const stop = new AbortController();
  options.signal.addEventListener("abort", () => stop.abort(options.signal.reason), {
    once: true,
  });
  const botId = options.botId ?? process.env.BOTGATE_BOT_ID;
  const following = follow(options.url, token, tournamentId, botId, options.out, stop).catch(
    (err: unknown) => {
      stop.abort();
      throw err;
    },
  );
  await botRun(file, { ...options, signal: stop.signal });
  stop.abort();
  await following;
}

interface LeaderboardRow {
  rank: number;
  name: string;
  rating: number;
  wins: number;
  draws: number;
  losses: number;
  matches: number;
}

interface TournamentRow {
  id: string;
  name: string;
  format: string;
  status: string;
  starts_at: string;
}

/** Flags of `tournaments create`. */
export interface CreateFlags {
  name: string | undefined;
  format: string | undefined;
  rounds: string | undefined;
  startsAt: string | undefined;
  checkIn: string | undefined;
  maxEntrants: string | undefined;
  rated: boolean | undefined;
  matchConfig: string | undefined;
}

function wholeNumber(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n)) throw new UsageError(`${flag} takes a whole number`);
  return n;
}

/** The create body from the flags; the server checks the values (and explains a refusal). */
export function createBody(flags: CreateFlags): Record<string, unknown> {
  if (!flags.name || !flags.format) {
    throw new UsageError("tournaments create needs --name and --format round_robin|swiss|knockout");
  }
  let matchConfig: unknown;
  if (flags.matchConfig !== undefined) {
    try {
      matchConfig = JSON.parse(flags.matchConfig);
    } catch {
      throw new UsageError("--match-config takes a JSON object");
    }
  }
  const body: Record<string, unknown> = {
    name: flags.name,
    format: flags.format,
    rounds: wholeNumber("--rounds", flags.rounds),
    starts_at: flags.startsAt,
    check_in_seconds: wholeNumber("--check-in", flags.checkIn),
    max_entrants: wholeNumber("--max-entrants", flags.maxEntrants),
    rated: flags.rated,
    match_config: matchConfig,
  };
  return Object.fromEntries(Object.entries(body).filter(([, value]) => value !== undefined));
}

/** `tournaments create|list|show|start|cancel` (admin) and `leaderboard` (public). */
export async function tournamentCommand(
  url: string,
  group: string,
  verb: string | undefined,
  arg: string | undefined,
  flags: CreateFlags,
  output: { json: boolean; out: (line: string) => void },
): Promise<void> {
  const { out } = output;
  /** `--json`: the server's answer as it is; else `human`'s lines. */
  const show = (value: unknown, human: () => string) =>
    out(output.json ? JSON.stringify(value, null, 2) : human());
  if (group === "leaderboard") {
    const board = await request<{ entries: LeaderboardRow[] }>(url, "GET", "/api/leaderboard", "");
    return show(board, () =>
      table(
        ["RANK", "BOT", "RATING", "W-D-L", "MATCHES"],
        board.entries.map((e) => [
          e.rank,
          e.name,
          e.rating.toFixed(1),
          `${e.wins}-${e.draws}-${e.losses}`,
          e.matches,
        ]),
      ),
    );
  }
  const admin = secret("BOTGATE_ADMIN_TOKEN", devVarsAdminToken);
  const id = () => {
    if (!arg) throw new UsageError(`botgate tournaments ${verb} needs a tournament id`);
    return encodeURIComponent(arg);
  };
  switch (verb) {
    case "create": {
      const created = await request<{ id: string; name: string; starts_at: string }>(
        url,
        "POST",
        "/api/tournaments",
        admin,
        createBody(flags),
      );
      return show(
        created,
        () => `Created tournament ${created.name}: ${created.id} (starts ${created.starts_at})`,
      );
    }
    case "list": {
      const list = await request<{ tournaments: TournamentRow[] }>(
        url,
        "GET",
        "/api/tournaments",
        admin,
      );
      return show(list, () =>
        table(
          ["ID", "NAME", "FORMAT", "STATUS", "STARTS"],
          list.tournaments.map((t) => [t.id, t.name, t.format, t.status, t.starts_at]),
        ),
      );
    }
    case "show": {
      const view = await request<TournamentSummary>(url, "GET", `/api/tournaments/${id()}`, admin);
      out(`${view.name} (${view.format}) — ${view.status}`);
      for (const line of formatStandings(view)) out(line);
      return;
    }
    case "start":
      await request(url, "POST", `/api/tournaments/${id()}/start`, admin, {});
      return out("started");
    case "cancel":
      await request(url, "POST", `/api/tournaments/${id()}/cancel`, admin, {});
      return out("cancelled");
    default:
      throw new UsageError(`unknown command: tournaments ${verb ?? ""}`);
  }
}
